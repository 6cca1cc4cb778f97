"""Regions abroad: provinces, states, counties and prefectures of partner countries, which
sister-city reports name as often as cities (蒙古国中戈壁省, 匈牙利佩斯州, 韩国京畿道, 与…旁遮普省
建立友城关系), and the cities named right after them (加拿大魁北克省沙威尼根市).

A name before a regional suffix is a region when a country is named just before it, when it
is a foreign city's name (佩斯 + 州 is Pest County, not the city of Pest), or when it reads as a
transliterated name in a sentence that names a foreign country.
"""

from __future__ import annotations

import re

import jieba.posseg as pseg

from ingest.context import BOUNDARY, Candidate, DocContext
from ingest.gazetteer import population
from ingest.words import looks_like_name

_SUFFIX = re.compile(r"大区|省|州|郡|道|县|邦")
_DELIMITERS = set("、的") | BOUNDARY
_STOP = "与和及同在为是对向从自至到将把被赴访"
_MAX_NAME = 14
_DEICTIC = "各该本我等"  # 各省, 该州, 本省, 我省, 等省: words that point at a place, no name
_NOT_IN_CITY = set(_STOP) | set(f"一二两三四五六七八九十{_DEICTIC}省州郡道县邦")
_CITY_AFTER = re.compile(r"[\u4e00-\u9fff·]{2,6}?市")


def recognise_regions_abroad(ctx: DocContext) -> None:
    for sentence in ctx.sentences:
        text = sentence.text
        if not _SUFFIX.search(text):
            continue
        countries = _countries_at(text, ctx)
        listed: tuple[int, str, str] | None = None  # (end, suffix, country) of the last region
        for match in _SUFFIX.finditer(text):
            suffix, at = match.group(0), match.start()
            after = text[match.end() : match.end() + 2]
            if after[:1] == "长":
                continue  # 德莱尔州长, 纽约州长: a governor's title, no region's end
            if (suffix == "省" and after[:1] == "市") or (
                _SUFFIX.match(text, match.end()) and after[1:] != "长"
            ):
                continue  # 沿黄省市: provinces and cities; 布拉邦|省: the last suffix is the head
            found = _region_name(text, at, ctx)
            if found is None and listed and listed[:2] == (at - 3, suffix):
                # 金瓯省、…、同塔省: an item listed after a region, with its suffix, is one too
                name = text[at - 2 : at]
                found = (name, listed[2]) if text[at - 3] == "、" else None
            if found is None:
                continue
            name, country = found
            country = country or _nearest(countries, at - len(name), at)
            if not country or country == ctx.home_country:
                continue
            lo, hi = sentence.start + at - len(name), sentence.start + match.end()
            ctx.add(
                Candidate(lo, hi, "Region", name + suffix, "region-abroad", 0.8, country=country)
            )
            listed = (match.end(), suffix, country)
            _city_after(ctx, sentence.start, text, match.end(), country)


def recognise_cities_abroad(ctx: DocContext) -> None:
    """与比肯菲尔德市签署: a transliterated name before 市, which the reference lacks, in a
    sentence that names a foreign country, is a city of that country (the nearest before it)."""
    for sentence in ctx.sentences:
        text = sentence.text
        if "市" not in text:
            continue
        countries = _countries_at(text, ctx)
        if not countries:
            continue
        for match in re.finditer("市", text):
            at = match.start()
            if at < 2 or text[at - 1] in "城都省" or text[at + 1 : at + 2] in ("场", "长"):
                continue  # 等城市, 城市, 都市, 省市, 市场, 副市长: no city's name ends there
            found = _region_name(text, at, ctx)
            if found is None or ctx.gazetteer.lookup(found[0]) or not looks_like_name(found[0]):
                continue
            if len(found[0]) < 3 or any(ch in _NOT_IN_CITY for ch in found[0]):
                continue  # 为两市, 魁北克省沙威尼根市 (a region's city: _city_after)
            name, country = found
            country = country or _nearest(countries, at - len(name), at)
            if not country or country == ctx.home_country:
                continue
            lo = sentence.start + at - len(name)
            ctx.add(
                Candidate(lo, lo + len(name), "City", name, "city-abroad", 0.7, country=country)
            )


def _region_name(text: str, at: int, ctx: DocContext) -> tuple[str, str] | None:
    """The name before the suffix at `at` and the country it is in ('' if not yet known), or
    None when what precedes is no region's name. The name starts after a delimiter or after a
    word such as 与 or 在, the nearest first (与…蒙古国中戈壁省); a country named at its start
    says where it is and is no part of it; 同塔省 keeps its 同 when 塔 alone is no name."""
    gaz = ctx.gazetteer
    start = at
    while start > 0 and at - start < _MAX_NAME and text[start - 1] not in _DELIMITERS:
        start -= 1
    starts = [start + k + 1 for k in range(at - start) if text[start + k] in _STOP]
    # 会见了德国莱法州州长: a country named before it opens the name, whatever came first
    starts += [
        start + lo
        for lo, _, refs in gaz.scan(text[start:at])
        if any(r.type == "Country" for r in refs)
    ]
    starts.sort()
    for begin in [*reversed(starts), start]:
        candidate = text[begin:at]
        named = gaz.country_prefix(candidate)
        name = candidate[len(named) :]
        after_country = any(text[begin - k : begin] in gaz.country_name_set for k in (2, 3, 4))
        kept = bool(named) and len(name) < 2 and after_country
        if kept:
            named, name = "", candidate  # 美国马里兰州: 马里 starts the state's name, no Mali
        if (
            not 2 <= len(name) <= 8
            or name.endswith(text[at])
            or re.search(f"[一二两三四五六七八九十{_DEICTIC}][省州郡道县邦]$", name)
            or any(ch in _DEICTIC for ch in name)
            or any(ch in "省州郡县邦" for ch in name[:-1])
        ):
            continue  # 安大略省|省长, 两省|州, 马里兰州兰|道: no region's name ends there
        if not kept and _domestic(name + text[at], ctx):
            return None  # 广州, 玉溪市元江县: a Chinese place
        inner = [r for _, _, refs in gaz.scan(name) for r in refs if r.type == "Country"]
        if inner and not (name[0] in "东南西北" and gaz.country_prefix(name[1:])) and not kept:
            continue  # 也是韩国铁|道: a country inside is no region's name (北荷兰省 is one)
        country = _country_code(named, ctx)
        city_name, city_country = _city_suffix(name, ctx)
        if city_name:  # 佩斯州: the county of a city's name, in the city's country
            return city_name, country or city_country
        if _name_like(name):
            return name, country
    return None


def _name_like(name: str) -> bool:
    """A transliterated name, or one word jieba knows as a proper noun (京畿)."""
    if looks_like_name(name) or "·" in name:
        return True
    words = list(pseg.cut(name, HMM=False))
    return len(words) == 1 and words[0].flag == "nz"


def _domestic(text: str, ctx: DocContext) -> bool:
    """Whether `text` names a place in the home country (or ends with one: 驻中国广州)."""
    for _, _, refs in ctx.gazetteer.scan(text):
        if any(r.country == ctx.home_country and r.type in ("City", "Region") for r in refs):
            return True
    return False


def _city_after(ctx: DocContext, offset: int, text: str, at: int, country: str) -> None:
    """加拿大魁北克省沙威尼根市: a name with 市 right after a region is a city of its country."""
    found = _CITY_AFTER.match(text, at)
    if not found or any(ch in _STOP for ch in found.group(0)):
        return
    name = found.group(0)[:-1]
    refs = [r for r in ctx.gazetteer.lookup(name) if r.type == "City" and r.country == country]
    if not refs and not _name_like(name):
        return
    ctx.add(
        Candidate(
            offset + at,
            offset + at + len(name),
            "City",
            name,
            "region-city",
            0.9 if refs else 0.75,
            refs=refs,
            country=country,
        )
    )


def _city_suffix(name: str, ctx: DocContext) -> tuple[str, str]:
    """The foreign city name that ends `name` (longest first) and the country of its largest
    namesake (华盛顿: Washington, D.C., not Washington, Tyne and Wear), or ('', '')."""
    for k in range(len(name) - 1):
        refs = [
            r
            for r in ctx.gazetteer.lookup(name[k:])
            if r.type == "City" and r.country != ctx.home_country
        ]
        if refs:
            return name[k:], max(refs, key=population).country
    return "", ""


def _country_code(name: str, ctx: DocContext) -> str:
    country = ctx.gazetteer.country_by_name(name) if name else None
    return country.ref.country if country else ""


def _countries_at(text: str, ctx: DocContext) -> list[tuple[int, str]]:
    """Where foreign countries are named in a sentence, in order."""
    found = []
    for start, _, refs in ctx.gazetteer.scan(text):
        codes = {r.country for r in refs if r.type == "Country"}
        if len(codes) == 1 and ctx.home_country not in codes:
            found.append((start, codes.pop()))
    return found


def _nearest(countries: list[tuple[int, str]], start: int, end: int) -> str:
    """The country named last before the name at `start:end`, else the only one the sentence
    names outside it: a country read inside the name (马里 of 马里兰州) is not where it is."""
    countries = [(k, code) for k, code in countries if not start <= k < end]
    before = [code for k, code in countries if k < start]
    if before:
        return before[-1]
    codes = {code for _, code in countries}
    return codes.pop() if len(codes) == 1 else ""
