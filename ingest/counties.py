"""Counties and autonomous prefectures of the home country, which the reference data (cities of
15,000 people or more) mostly lacks: 平遥县, 山西省万荣县, 云南元江县, 西双版纳傣族自治州. Reports
of other cities name them as partners and hosts as often as cities, and count them as cities.

A name before 县 is one when it starts a phrase (after a delimiter, a province or city, or a
word such as 与 or 在) and jieba reads it as a name, not as an ordinary word (贫困县, 示范县,
全县 are none). A county of a foreign country (日本长野县) is a region abroad, not one of these.
"""

from __future__ import annotations

import re

import jieba.posseg as pseg

from ingest.context import BOUNDARY, Candidate, DocContext
from ingest.words import looks_like_name

_COUNTY = re.compile(r"(?:自治)?县")
_PREFECTURE = "自治州"
_OPENERS = set("与和及同在为是赴到、的") | BOUNDARY
_NAME_FLAGS = {"ns", "nr", "nz", "nrt", "nrfg"}
_NOT_NAMES = set("全本各该我两多邻外每区市郡省州知")


def recognise_home_counties(ctx: DocContext) -> None:
    if not ctx.home_country:
        return
    for sentence in ctx.sentences:
        text = sentence.text
        at = text.find(_PREFECTURE)
        while at > 0:
            start = next((k for k in range(at - 3, max(at - 11, -1), -1)
                          if k == 0 or _opens(text, k, ctx)), None)
            if start is not None and "族" in text[start:at]:  # 楚雄彝族自治州
                _add(ctx, sentence.start, start, at + 3, text[start : at + 3])
            at = text.find(_PREFECTURE, at + 3)
        for match in _COUNTY.finditer(text):
            at = match.start()
            if at < 2 or text.startswith("自治州", at - 2):
                continue
            name = text[at - 2 : at]
            if name[0] in _NOT_NAMES or name[1] in _NOT_NAMES:
                continue
            if not (at == 2 or _opens(text, at - 2, ctx)) or _foreign_before(text, at - 2, ctx):
                continue
            if not _county_name(name):
                continue
            _add(ctx, sentence.start, at - 2, match.end(), name + match.group(0))


def _opens(text: str, start: int, ctx: DocContext) -> bool:
    """Whether a name can start at `start`: after a delimiter or a stop word, or right after
    a Chinese province's or city's name (山西省|万荣县, 云南|元江县)."""
    if text[start - 1] in _OPENERS or text[start - 1] in "省市":
        return True
    before = text[max(start - 6, 0) : start]
    return any(
        end == len(before) and any(r.country == ctx.home_country for r in refs)
        for _, end, refs in ctx.gazetteer.scan(before)
    )


def _foreign_before(text: str, start: int, ctx: DocContext) -> bool:
    """日本长野县: a county after a foreign country's name is that country's."""
    before = text[max(start - 6, 0) : start]
    return any(
        r.type == "Country" and r.country != ctx.home_country
        for _, _, refs in ctx.gazetteer.scan(before)
        for r in refs
    )


def _county_name(name: str) -> bool:
    """平遥, 元江, 万荣: one word jieba knows as a place or proper noun, or no word it knows."""
    words = list(pseg.cut(name, HMM=False))
    if len(words) == 1:
        return words[0].flag in _NAME_FLAGS
    return looks_like_name(name)


def _add(ctx: DocContext, offset: int, start: int, end: int, name: str) -> None:
    ctx.add(
        Candidate(
            offset + start, offset + end, "City", name, "home-county", 0.7,
            country=ctx.home_country,
        )
    )
