"""The caches that spare a process work another already did: CC-CEDICT's compact table, the
English names and reverse glosses, and the BM25 index. Each must give what computing gives,
and recompute when what it depends on changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.corpus import SearchItem
from search.glosses import (
    CedictTable,
    GlossDictionary,
    _cedict_entries,
    cedict_version,
    load_cedict_table,
)
from search.lexical import LexicalIndex
from search.name_cache import NameCache


def test_compact_cedict_equals_the_parsed_dictionary(tmp_path: Path) -> None:
    parsed = CedictTable.from_entries(_cedict_entries())
    written = load_cedict_table(tmp_path)  # parses and writes the cache
    cache = next(tmp_path.glob("cedict-*.marshal"))
    assert cedict_version() in cache.name
    read = load_cedict_table(tmp_path)  # reads it
    assert read == written == parsed
    glosses = GlossDictionary.from_table(read)
    assert glosses.english_gloss("港") == "harbor; port"
    assert glosses.english_gloss("與") == glosses.english_gloss("与")  # traditional fallback
    parsed_glosses = GlossDictionary(_cedict_entries())
    assert glosses.english_name("埃里温") == parsed_glosses.english_name("埃里温")


def test_a_torn_cedict_cache_is_parsed_again(tmp_path: Path) -> None:
    load_cedict_table(tmp_path)
    cache = next(tmp_path.glob("cedict-*.marshal"))
    cache.write_bytes(cache.read_bytes()[:1000])
    table = load_cedict_table(tmp_path)
    assert GlossDictionary.from_table(table).english_gloss("港") == "harbor; port"
    assert load_cedict_table(tmp_path) == table  # and the cache was rewritten whole


class Counting:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.reverse = 0

    def english_name(self, label: str) -> str | None:
        self.names.append(label)
        return {"青岛": "Qingdao"}.get(label)

    def reverse_index(self) -> dict[str, list[str]]:
        self.reverse += 1
        return {"youth": ["青年", "青少年"]}


def _cache(path: Path, key: str, corpus: str, counting: Counting) -> NameCache:
    return NameCache(path, key, lambda: corpus, counting.english_name, counting.reverse_index)


def test_names_are_computed_once_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "names.json"
    first = Counting()
    cache = _cache(path, "k1", "c1", first)
    assert cache.english_name("青岛") == "Qingdao" and cache.english_name("无名") is None
    assert cache.to_chinese("Youths") == ["青年", "青少年"]
    cache.save()
    assert first.names == ["青岛", "无名"] and first.reverse == 1

    second = Counting()
    again = _cache(path, "k1", "c1", second)
    assert again.english_name("青岛") == "Qingdao" and again.english_name("无名") is None
    assert again.to_chinese("youth") == ["青年", "青少年"]
    assert second.names == [] and second.reverse == 0

    other_reports = Counting()
    assert _cache(path, "k1", "c2", other_reports).to_chinese("youth")
    assert other_reports.reverse == 1 and other_reports.names == []

    other_code = Counting()
    changed = _cache(path, "k2", "c2", other_code)
    changed.english_name("青岛")
    changed.to_chinese("youth")
    assert other_code.names == ["青岛"] and other_code.reverse == 1


def test_an_unreadable_name_cache_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "names.json"
    path.write_text("{not json", encoding="utf-8")
    counting = Counting()
    cache = _cache(path, "k", "c", counting)
    assert cache.english_name("青岛") == "Qingdao"
    cache.save()
    assert _cache(path, "k", "c", Counting()).english_name("青岛") == "Qingdao"


@pytest.fixture()
def items() -> list[SearchItem]:
    texts = ["青岛与曼海姆结为友好城市", "举办中外青少年交流活动", "RCEP members met in Qingdao"]
    return [SearchItem(f"s{k}", "sentence", t, "doc", k, k + 1) for k, t in enumerate(texts)]


def test_a_stored_bm25_index_answers_as_a_fresh_one(tmp_path: Path, items: list[SearchItem]):
    folder = tmp_path / "lexical"
    fresh = LexicalIndex(items, folder)
    assert (folder / "manifest.json").is_file()
    stored = LexicalIndex(items, folder)
    for query in ("曼海姆", "青少年 交流", "RCEP"):
        assert stored.search(query, 3) == fresh.search(query, 3) != []
    changed = [*items[:2], SearchItem("s9", "sentence", "上合组织峰会", "doc", 9, 10)]
    rebuilt = LexicalIndex(changed, folder)
    assert rebuilt.search("上合组织", 3) and not rebuilt.search("RCEP", 3)
