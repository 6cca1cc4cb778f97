"""Recognisers for places: gazetteer names, "城市(国家)", "国家首都城市", "国家+城市",
home references; country abbreviations are in `ingest.abbreviations`.

Each function takes a `DocContext` and adds `Candidate`s; the linker picks among references.
"""

from __future__ import annotations

import re

from ingest.abbreviations import PAREN, add_pair, pair_starts, recognise_abbreviations
from ingest.context import Candidate, DocContext, is_cjk
from ingest.gazetteer import population
from ingest.model import EntityRef
from ingest.spans import after_trigger
from ingest.words import looks_like_name, word_starts

_MIN_CN_CITY = 1_000_000  # smaller Chinese places collide with ordinary words
_MID_CITY = 100_000
_STREET = re.compile(r"(?:街|路|村|队|矿|楼|社区)$")


def _local_counterpart(text: str, start: int, end: int, refs: list[EntityRef]) -> bool:
    """市发改委, 省贸促会, 三市发改委: a national body's short name after 市, 省, 区 or 县 names
    that level's own body, not the national one (its full name, 国家发改委, is never so)."""
    return (
        start > 0
        and text[start - 1] in "市省区县"
        and all(
            r.type == "Organization" and r.country == "CN" and r.label_zh != text[start:end]
            for r in refs
        )
    )


def _after_foreign_place(
    matches: tuple[tuple[int, int, list[EntityRef]], ...], start: int
) -> bool:
    """Whether a foreign place's name ends where a Chinese district's starts: 首尔|江南区 is
    Seoul's Gangnam, not Nanning's 江南区."""
    return any(
        end == start and all(r.country != "CN" for r in refs) for _, end, refs in matches
    )


def recognise_gazetteer(ctx: DocContext) -> None:
    """Every reference name in the text, keeping all candidates of an ambiguous name; a small
    foreign city needs its country named in the same sentence (太平 is not Taiping, Malaysia)."""
    home_country = ctx.home_country
    in_report = _countries_in(ctx)
    for sentence in ctx.sentences:
        matches = ctx.gazetteer.matches(sentence.text)
        countries = {r.country for _, _, refs in matches for r in refs if r.type == "Country"}
        countries |= (
            {
                iso
                for ch in sentence.text
                for iso in ctx.gazetteer.abbreviations.get(ch, [])
                if iso != home_country
            }
            if "(" in sentence.text
            else set()
        )
        for start, end, refs in matches:
            # 运城市, 德州市委: a name written with 市 is a city, however small (not 市场)
            as_city = (
                sentence.text[start:end].endswith("市")
                or (sentence.text[end : end + 1] == "市" and sentence.text[end : end + 2] != "市场")
                or _whole_long_name(sentence.text, start, end, refs, home_country)
            )
            kept = [
                r
                for r in refs
                if (_plausible(r, ctx) or as_city) and _in_context(r, countries, ctx, in_report)
                and not (r.source == "reference:cpca" and _after_foreign_place(matches, start))
            ]
            if not kept:
                continue
            if _local_counterpart(sentence.text, start, end, kept):
                continue
            types = {r.type for r in kept}
            kind = "Country" if "Country" in types else sorted(types)[0]
            if (
                kind in ("Country", "City")
                and any(r.type == "Region" and r.country == home_country for r in kept)
                and all(r.country != home_country for r in kept if r.type == kind)
            ):
                kind = "Region"  # 香港, 台湾: regions of China; 湖南 the province, not Kōnan
            kept = [r for r in kept if r.type == kind]
            if kind == "City" and all(r.country == home_country for r in kept):
                kept = kept if as_city else _domestic(kept, ctx)
                if not kept or (end - start == 2 and _inside_word(sentence.text, start, ctx)):
                    continue  # 海口 in 入海口, 方城 in 地方城市: a name inside a word
                kind = kept[0].type
            elif kind == "City" and end - start == 2 and start not in word_starts(sentence.text):
                continue  # 加东 (Katō, Japan) in 参加东北亚…: a two-character name inside a word
            ctx.add(
                Candidate(
                    sentence.start + start,
                    sentence.start + end,
                    kind,
                    sentence.text[start:end],
                    "gazetteer",
                    0.9 if len(kept) == 1 else 0.7,
                    refs=kept,
                )
            )


def _whole_long_name(
    text: str, start: int, end: int, refs: list[EntityRef], home_country: str
) -> bool:
    """A Chinese city's name of three characters or more that jieba reads as one word
    (景德镇, 满洲里): such names seldom collide with ordinary words, unlike 大同 or 东方, so
    they need no 市 however small the city."""
    if end - start < 3 or _STREET.search(text[start:end]):
        return False  # 南大街, 胜利路: streets and villages GeoNames lists as places
    if not any(r.type == "City" and r.country == home_country for r in refs):
        return False
    starts = word_starts(text)
    return start in starts and (end == len(text) or end in starts)


def _inside_word(text: str, start: int, ctx: DocContext) -> bool:
    """Whether the name at `start` sits inside a word jieba reads, after something that is no
    place (入|海口; not 云南|昆明, a province and its city read as one word)."""
    if start == 0 or not is_cjk(text[start - 1]):
        return False
    lo = max(start - 4, 0)  # jieba reads the words around the name, not the whole sentence
    starts = word_starts(text[lo : start + 6])
    if start - lo in starts:
        return False
    word_start = lo + max(k for k in starts if k < start - lo)
    return not ctx.gazetteer.lookup(text[word_start:start])


def _in_context(
    ref: EntityRef, countries: set[str], ctx: DocContext, in_report: frozenset[str] = frozenset()
) -> bool:
    """A foreign city needs its country named in its sentence, or (a city of 100,000 or more)
    anywhere in the report (马赛 in a report that names France), unless it is a capital or a
    city of a million."""
    if ref.type != "City" or ref.country == ctx.home_country or ref.country in countries:
        return True
    if ref.country in in_report and population(ref) >= _MID_CITY:
        return True
    return population(ref) >= _MIN_CN_CITY or dict(ref.ids).get("capital") == "1"


def _countries_in(ctx: DocContext) -> frozenset[str]:
    """The foreign countries a report names, by name or by abbreviation in a pair (中法)."""
    found = {
        r.country
        for s in ctx.sentences
        for _, _, refs in ctx.gazetteer.matches(s.text)
        for r in refs
        if r.type == "Country"
    }
    for i in pair_starts(ctx.document.text, ctx.gazetteer):
        for ch in ctx.document.text[i : i + 2]:
            options = ctx.gazetteer.abbreviations.get(ch, [])
            if len(options) == 1:
                found.add(options[0])
    return frozenset(found - {ctx.home_country})


def _plausible(ref: EntityRef, ctx: DocContext) -> bool:
    if ref.type != "City" or ref.country != ctx.home_country:
        return True
    return population(ref) >= _MIN_CN_CITY or ref.label_zh == (ctx.home_city or ref).label_zh


def _domestic(refs: list[EntityRef], ctx: DocContext) -> list[EntityRef]:
    """Big Chinese cities and the report's own city stay cities; the home city's own districts
    are not partners."""
    home = ctx.home_city.label_zh if ctx.home_city else ""
    return [r for r in refs if population(r) >= _MIN_CN_CITY or r.label_zh == home]


def recognise_home_references(ctx: DocContext) -> None:
    """我市/本市/全市 (我省/全省 in a province's report) name the report's own place, 我国 the home
    country, and 来青/在蓉/驻沪 the own place by the abbreviation it uses for itself, where that
    character ends a word (在青年 is no mention of 青岛)."""
    home = ctx.home_city
    country = ctx.gazetteer.countries.get(ctx.home_country)
    text = ctx.document.text
    if home:
        words = ctx.home.words
        if ctx.home.level and not home.label_zh.endswith(ctx.home.level):
            words = (*words, f"{home.label_zh}{ctx.home.level}")  # 文山州, as its header says
        for match in re.finditer("|".join(words), text):
            ctx.add(
                Candidate(
                    match.start(), match.end(), home.type, home.label_zh, "home", 0.9, refs=[home]
                )
            )
        abbreviations = ctx.gazetteer.own_abbreviations.get(home.label_zh, ())
        if abbreviations:
            pattern = f"(?<=[在来赴驻抵访离])([{''.join(abbreviations)}])"
            for match in re.finditer(pattern, text):
                if not _stands_alone(text, match.start()):
                    continue
                ctx.add(
                    Candidate(
                        match.start(),
                        match.end(),
                        home.type,
                        home.label_zh,
                        "home-abbr",
                        0.75,
                        refs=[home],
                    )
                )
    if country:
        for match in re.finditer(r"我国", text):
            ctx.add(
                Candidate(
                    match.start(),
                    match.end(),
                    "Country",
                    country.ref.label_zh,
                    "home",
                    0.95,
                    refs=[country.ref],
                )
            )


def _stands_alone(text: str, at: int) -> bool:
    """Whether jieba ends a word with the character at `at` (来青|人员, 驻青|领馆), rather than
    reading it as the start of a longer one (在|青年)."""
    lo = max(text.rfind(p, 0, at) for p in "，,。；;\n") + 1
    hi = min((k for k in (text.find(p, at) for p in "，,。；;\n") if k >= 0), default=len(text))
    starts = word_starts(text[lo:hi])
    return at + 1 - lo in starts or at + 1 == hi


def recognise_paren_country(ctx: DocContext) -> None:
    """`X(国家)`: the country types what precedes it — a city, a port, or a pair such as 中韩."""
    gaz = ctx.gazetteer
    text = ctx.document.text
    for match in PAREN.finditer(text):
        country = gaz.country_by_name(match.group(1))
        if country is None:
            continue
        iso2 = country.ref.country
        ctx.add(
            Candidate(
                match.start(1),
                match.end(1),
                "Country",
                match.group(1),
                "paren",
                0.95,
                refs=[country.ref],
            )
        )
        start = match.start()
        while start > 0 and is_cjk(text[start - 1]) and match.start() - start < 10:
            start -= 1
        before = text[start : match.start()]
        if len(before) < 2:
            continue
        pair = before[-2:]
        if all(ch in gaz.abbreviations for ch in pair):
            add_pair(ctx, match.start() - 2, pair, iso2)
            continue
        stem = before[:-1] if before.endswith("港") else before
        if before.endswith("港") and len(stem) >= 2:
            cut = max(before.rfind(sep) for sep in "与和及同")
            port_start = match.start() - len(before) + max(after_trigger(before, 3), cut + 1)
            ctx.add(
                Candidate(
                    port_start,
                    match.start(),
                    "Enterprise",
                    text[port_start : match.start()],
                    "paren",
                    0.9,
                    country=iso2,
                )
            )
        refs = [r for r in _longest_suffix_refs(stem, ctx) if r.type == "City"]
        in_country = [r for r in refs if r.country == iso2]
        name = next((n for n in _suffixes(stem) if gaz.lookup(n)), "") if refs else ""
        if in_country:
            city_start = match.start() - len(name) - (1 if before.endswith("港") else 0)
            ctx.add(
                Candidate(
                    city_start,
                    city_start + len(name),
                    "City",
                    name,
                    "paren",
                    0.95,
                    refs=in_country,
                    country=iso2,
                )
            )
        else:
            # a city the reference lacks, or knows only elsewhere: the bracket types it; it
            # starts after 与/和/及 or a verb (与梅克伦(比利时)、…)
            cut = max(max(stem.rfind(sep) for sep in "与和及同") + 1, after_trigger(stem, 2))
            bare = stem[cut:]
            if 2 <= len(bare) <= 6 and (not refs or _unknown_name(bare, name, ctx)):
                city_start = match.start() - len(before) + cut
                ctx.add(
                    Candidate(
                        city_start, city_start + len(bare), "City", bare, "paren", 0.7, country=iso2
                    )
                )


def _unknown_name(stem: str, name: str, ctx: DocContext) -> bool:
    """梅克伦(比利时): only a tail of the name (克伦, Keren in Eritrea) is a city, and elsewhere:
    the whole transliterated stem is a city the reference lacks, in the country named. When the
    whole stem is a city of another country only, the bracket wins too."""
    if name == stem:
        return True
    if len(name) > len(stem):
        return False
    return next(ctx.gazetteer.prefixes(stem), None) is None and looks_like_name(stem)


def _suffixes(text: str) -> list[str]:
    return [text[i:] for i in range(len(text) - 1)]


def _longest_suffix_refs(text: str, ctx: DocContext) -> list[EntityRef]:
    for name in _suffixes(text):
        refs = ctx.gazetteer.lookup(name)
        if refs:
            return refs
    return []


_PARTNER_WORD = re.compile(r"(?:国际)?(?:友城|友好城市|姊妹城市|姐妹城市)(?=[\u4e00-\u9fff])")


def recognise_country_city(ctx: DocContext) -> None:
    """`国家首都X`, `国家X市` and `国家X、…`: a country name directly followed by a city."""
    gaz = ctx.gazetteer
    text = ctx.document.text
    names = gaz.country_names
    pattern = re.compile("(" + "|".join(map(re.escape, names)) + ")(首都)?")
    for match in pattern.finditer(text):
        country = gaz.country_by_name(match.group(1))
        if country is None:
            continue
        iso2 = country.ref.country
        if iso2 == ctx.home_country and not match.group(2):
            continue  # 中国中心项目: the home country's name starts many ordinary phrases
        start = match.end()
        partner = _PARTNER_WORD.match(text, start)
        if partner and not match.group(2):
            start = partner.end()  # 韩国友城大邱市: the city after the word for a partner city
        end = start
        while end < len(text) and is_cjk(text[end]) and end - start < 8:
            end += 1
        run = text[start:end]
        if not run or run.startswith("驻"):
            continue  # 香港驻沪办, 美国驻华使馆: an office abroad, no city of the country
        city_name, refs = _leading_city(run, ctx, iso2)
        capital = bool(match.group(2))
        if city_name:
            ctx.add(
                Candidate(
                    start,
                    start + len(city_name),
                    "City",
                    city_name,
                    "capital" if capital else "country-city",
                    0.95,
                    refs=refs,
                    country=iso2,
                )
            )
            continue
        # (国家X省, X州: a region abroad, see ingest.regions; 光州广域市: Korea's metropolitan
        # and special cities end in 广域市, 特别市)
        name = re.split(r"(?:广域|特别)?市|等|省|府|州|和|与|及|的", run)[0]
        ends_list = start + len(name) < len(text) and text[start + len(name)] in "、等市府广特"
        if (
            2 <= len(name) <= 6
            and (capital or ends_list)
            and not gaz.lookup(name)
            and (looks_like_name(name) or _city_word(run, name))
        ):
            ctx.add(
                Candidate(
                    start,
                    start + len(name),
                    "City",
                    name,
                    "capital" if capital else "country-city",
                    0.75,
                    country=iso2,
                )
            )


def _city_word(run: str, name: str) -> bool:
    """菲律宾宿务市: jieba knows 宿务 as a noun, and 市 stands alone after it, as the word for
    city (not 市场 or 市长): a country, a name and 市 make a city."""
    if run[len(name) : len(name) + 1] != "市":
        return False
    starts = word_starts(run)
    after = len(name) + 1  # where the word after a one-character 市 starts, or the run ends
    return len(name) in starts and (after in starts or after == len(run))


def _leading_city(run: str, ctx: DocContext, iso2: str) -> tuple[str, list[EntityRef]]:
    for length, refs in ctx.gazetteer.prefixes(run):
        in_country = [r for r in refs if r.type == "City" and r.country == iso2]
        if in_country:
            return run[:length], in_country
    return "", []


PLACE_RECOGNISERS = {
    "gazetteer": recognise_gazetteer,
    "home": recognise_home_references,
    "paren-country": recognise_paren_country,
    "abbreviations": recognise_abbreviations,
    "country-city": recognise_country_city,
}
