"""Gazetteer matching: the length index gives what trying every length would give."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import EntityRef
from tests.conftest import CORPUS, ROOT


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return load_gazetteer(ROOT / "data" / "reference")


def every_length_scan(gaz: Gazetteer, text: str) -> Iterator[tuple[int, int, list[EntityRef]]]:
    longest = max(map(len, gaz.names))
    i = 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 1, -1):
            refs = gaz.names.get(text[i : i + length])
            if refs:
                yield i, i + length, refs
                i += length
                break
        else:
            i += 1


def seed_lines() -> list[str]:
    return [
        line
        for path in sorted(CORPUS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_scan_matches_trying_every_length() -> None:
    gaz = gazetteer()
    for line in seed_lines():
        assert list(gaz.scan(line)) == list(every_length_scan(gaz, line))


def test_prefixes_are_the_known_names_longest_first() -> None:
    gaz = gazetteer()
    text = "上海合作组织成员国"
    lengths = [length for length, _ in gaz.prefixes(text)]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths == [k for k in range(len(text), 1, -1) if gaz.lookup(text[:k])]
    assert list(gaz.prefixes(text, len(text))) == []


def test_country_prefix_is_the_longest_country_name() -> None:
    gaz = gazetteer()
    assert gaz.country_prefix("白俄罗斯明斯克") == "白俄罗斯"
    assert gaz.country_prefix("俄罗斯彼尔姆") == "俄罗斯"
    assert gaz.country_prefix("青岛") == ""
    for line in seed_lines():
        for k in range(len(line)):
            expected = next((c for c in gaz.country_names if line.startswith(c, k)), "")
            assert gaz.country_prefix(line[k:]) == expected
