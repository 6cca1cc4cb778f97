"""English names in a report (bilingual reports, English translations, English notes after a
Chinese name): countries, cities, provinces and the reference's organisations, linked to the
same entities as their Chinese names, so that 成都 and Chengdu in one report are one entity.

A city's English name is a common word often enough (Reading, Nice, Victoria, Enterprise) that
one is taken only when it is a capital or a large city (a million people), is Chinese, or its
country is named in the same sentence; an organisation's name only in full (United Nations).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.context import Candidate, DocContext
from ingest.gazetteer import population
from ingest.model import EntityRef

# runs of capitalised words, with the small words English names hold (Republic of Korea,
# Bosnia and Herzegovina, Rio de Janeiro, Saint-Étienne)
_RUN = re.compile(
    r"[A-Z][\w'’.\-]*(?:\s+(?:(?:of|the|and|de|du|da|la|le|al|upon|on)\s+)?[A-Z][\w'’.\-]*)*"
)
_MAX_WORDS = 5
_PREFERRED = ("Country", "City", "Region", "Organization", "Initiative", "Enterprise", "Event")
_LARGE_CITY = 1_000_000


def recognise_english_names(ctx: DocContext) -> None:
    index = ctx.gazetteer.english_names
    for sentence in ctx.sentences:
        if not re.search(r"[A-Z][a-z]", sentence.text):
            continue
        found = list(_matches(sentence.text, index))
        named = {r.country for _, _, refs in found for r in refs if r.type == "Country"}
        named |= {
            r.country
            for c in ctx.candidates
            if c.sentence == sentence.index and c.type == "Country"
            for r in c.refs
        }
        for start, end, refs in found:
            kept = [r for r in refs if _plausible(r, named, ctx)]
            if not kept:
                continue
            kinds = {r.type for r in kept}
            kind = next(k for k in _PREFERRED if k in kinds)  # Chongqing: the city, as 重庆
            kept = [r for r in kept if r.type == kind]
            best = max(kept, key=population)
            ctx.add(
                Candidate(
                    sentence.start + start,
                    sentence.start + end,
                    kind,
                    best.label_zh,
                    "english-name",
                    0.85 if len(kept) == 1 else 0.7,
                    refs=kept,
                )
            )


def _matches(
    text: str, index: dict[str, tuple[EntityRef, ...]]
) -> Iterator[tuple[int, int, tuple[EntityRef, ...]]]:
    """Longest known names within each run of capitalised words, left to right."""
    for run in _RUN.finditer(text):
        words = [
            (m.start() + run.start(), m.end() + run.start())
            for m in re.finditer(r"\S+", run.group(0))
        ]
        k = 0
        while k < len(words):
            for n in range(min(_MAX_WORDS, len(words) - k), 0, -1):
                start, end = words[k][0], words[k + n - 1][1]
                name = text[start:end].rstrip(".,").replace("’", "'")
                refs = index.get(name.lower())
                if not refs and text[end - 1 : end] == "." and n == 1:
                    name += "."  # U.S.
                    refs = index.get(name.lower())
                if refs:
                    yield start, start + len(name), refs
                    k += n
                    break
            else:
                yield from _pair_parts(text, *words[k], index)
                k += 1


def _pair_parts(
    text: str, start: int, end: int, index: dict[str, tuple[EntityRef, ...]]
) -> Iterator[tuple[int, int, tuple[EntityRef, ...]]]:
    """The countries of a hyphenated pair (China-US, Sino-German is not: only names are
    read, and Sino is China): each part that is a country's name."""
    word = text[start:end].rstrip(".,")
    if "-" not in word:
        return
    at = start
    for part in word.split("-"):
        key = "china" if part == "Sino" else part.replace("’", "'").lower()
        refs = tuple(r for r in index.get(key, ()) if r.type == "Country")
        if refs and part[:1].isupper():
            yield at, at + len(part), refs
        at += len(part) + 1


def _plausible(ref: EntityRef, named: set[str], ctx: DocContext) -> bool:
    if ref.type != "City":
        return True
    if ref.country in named or ref.country == ctx.home_country:
        return (
            ref.country != ctx.home_country
            or population(ref) >= _LARGE_CITY
            or (ctx.home_city is not None and ref.key == ctx.home_city.key)
        )
    return dict(ref.ids).get("capital") == "1" or population(ref) >= _LARGE_CITY
