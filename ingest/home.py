"""The place a report speaks for (我市, 全市, 市外办, 我省): read from the report itself, by its
title and header, then the office it names as its author, then a visit to it written with its
one-character name (来烟访问), then, failing all, the Chinese city it names most often. Never
from another report, and never guessed from a first character.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.gazetteer import Gazetteer, population
from ingest.model import EntityRef, Sentence

# the office or government that writes the report: 温州市人民政府外事办公室, 江苏省外办,
# 市委外办, 成都市外侨办
_AUTHOR = re.compile(
    r"([\u4e00-\u9fff]{2,6}?)([市省区县])(?:委|人民政府|政府)?"
    r"(?:外事办公室|外事办|外办|外侨办|外事侨务办公室)"
)
# a place in a header names the report's own place when an administrative word follows it
# (or the foreign-affairs word itself: 2018年福建外事工作总结)
_HEADER_PLACE = re.compile(r"([\u4e00-\u9fff]{2,6}?)(自治区|[市省州区县]|(?=外事|外办|外侨))")
_HEADER_LINES = 3  # the title and the lines right under it (date, source, author)
_HEADER_LENGTH = 40  # longer lines are running text, not a title or a byline
# an office or place followed by these in its clause is a visitor, not the author: 福建省外办
# 副主任X一行来杭调研 (a delegation that goes out, 杭州市代表团赴…, is the report's own)
_VISITOR = re.compile(
    r"一行(?!赴|前往|出访)|来访|到访|来[我本][市省办]|来[\u4e00-\u9fff]{1,3}(?:考察|调研|交流|访问)"
)
# a place or office the report's people go to is no author either: 一行赴烟台市, 拜会淮安市外侨办
_VISITED = re.compile(r"(?:赴|前往|拜会|拜访)([\u4e00-\u9fff]{2,4}?)([市省])")
_ENGLISH_AUTHOR = re.compile(
    r"\bof the (?:CPC )?([A-Z][a-z]+) (?:Municipal|Provincial) "
    r"(?:People's )?(?:Government|Committee)"
)
_MIN_CITY = 1_000_000
# the only Chinese city a report names is its own from this size on (smaller places' names are
# ordinary words too often: 中心, 合作)
_MIN_ONLY_CITY = 200_000
_CITY_WORDS = ("我市", "全市", "本市", "市外办", "市委", "市政府")
_PROVINCE_WORDS = ("我省", "全省", "本省")


@dataclass(frozen=True)
class HomePlace:
    """The report's own place, and how it was found (`configured`, `title`, `author`,
    `most-named`), or no place and why not."""

    ref: EntityRef | None
    how: str
    level: str = ""  # how the report names its level, where it says: 州 (文山州), 自治区

    @property
    def words(self) -> tuple[str, ...]:
        """How the report names its own place: 我市/本市/全市, 我省/本省/全省, or with the
        level its header uses (全州, 全区)."""
        if self.ref is None:
            return ()
        level = {"州": "州", "自治区": "区", "区": "区", "县": "县"}.get(self.level, "")
        if level:
            return (f"我{level}", f"本{level}", f"全{level}")
        if self.ref.type == "Region":
            return ("我省", "本省", "全省")
        return ("我市", "本市", "全市")


def find_home(sentences: list[Sentence], title: str, gaz: Gazetteer, configured: str) -> HomePlace:
    if configured:
        refs = [r for r in gaz.lookup(configured) if r.type in ("City", "Region")]
        if refs:
            return HomePlace(max(refs, key=population), "configured")
    visitors = _visitors(sentences, gaz) | _visited(sentences, gaz)
    header = [title, *(s.text for s in sentences[:_HEADER_LINES])]
    for line in (line for line in header if len(line) <= _HEADER_LENGTH):
        found = _place_in(line, gaz, _AUTHOR) or _place_in(line, gaz, _HEADER_PLACE)
        if found and found.key not in visitors:
            level = next(
                (lv for lv in ("自治区", "州", "区", "县") if f"{found.label_zh}{lv}" in line), ""
            )
            return HomePlace(found, "title", level)
    authors: Counter[str] = Counter()
    by_key: dict[str, EntityRef] = {}
    for sentence in sentences:
        for match in _AUTHOR.finditer(sentence.text):
            ref = _domestic_place(match.group(1), match.group(2), gaz)
            if ref is not None and ref.key not in visitors:
                authors[ref.key] += 1
                by_key[ref.key] = ref
    if authors:
        return HomePlace(by_key[authors.most_common(1)[0][0]], "author")
    english = _english_author(sentences, gaz)
    if english is not None:
        return HomePlace(english, "author (English)")
    abbreviated = _abbreviated_home(sentences, gaz, visitors)
    if abbreviated is not None:
        return HomePlace(abbreviated, "abbreviation")
    return _most_named(sentences, gaz, visitors)


_ARRIVAL = re.compile(r"[来在抵莅]([\u4e00-\u9fff])")


def _abbreviated_home(
    sentences: list[Sentence], gaz: Gazetteer, visitors: set[str]
) -> EntityRef | None:
    """A visit to the report's own place written with its one-character name (2001年来烟访问,
    在青举行: `city_abbreviations_cn.csv`), the place also named in full in the report, and
    the only such place: the writer's city. The character must stand alone (not 在青年, 来宁夏)."""
    import jieba  # loaded only for a report that names no author

    by_abbreviation = {a: name for name, abbrs in gaz.own_abbreviations.items() for a in abbrs}
    text = "\n".join(s.text for s in sentences)
    found: set[str] = set()
    for match in _ARRIVAL.finditer(text):
        name = by_abbreviation.get(match.group(1))
        if name is None or name not in text or name in found:
            continue
        words = jieba.lcut(text[match.start(1) : match.start(1) + 4])
        if words and words[0] == match.group(1):
            found.add(name)
    places = [_domestic_place(name, "", gaz) for name in found]
    homes = [p for p in places if p is not None and p.key not in visitors]
    return homes[0] if len(homes) == 1 else None


def _english_author(sentences: list[Sentence], gaz: Gazetteer) -> EntityRef | None:
    """A bilingual report's author in English: Foreign Affairs Office of the Chongqing
    Municipal Government."""
    for sentence in sentences[:_HEADER_LINES]:
        for match in _ENGLISH_AUTHOR.finditer(sentence.text):
            refs = [
                r
                for r in gaz.english_names.get(match.group(1).lower(), ())
                if r.country == "CN" and r.type in ("City", "Region")
            ]
            if refs:
                return max(refs, key=population)
    return None


def _visitors(sentences: list[Sentence], gaz: Gazetteer) -> set[str]:
    """Places whose office or delegation visits in the report (福建省外办副主任X一行来杭): the
    report speaks for the host, not for them, wherever else it names them."""
    found = set()
    for sentence in sentences:
        if not _VISITOR.search(sentence.text):
            continue
        for pattern in (_AUTHOR, _HEADER_PLACE):
            for match in pattern.finditer(sentence.text):
                if _visiting(sentence.text, match.end()):
                    ref = _domestic_place(match.group(1)[-3:], match.group(2), gaz) or (
                        _domestic_place(match.group(1)[-2:], match.group(2), gaz)
                    )
                    if ref is not None:
                        found.add(ref.key)
    return found


def _visited(sentences: list[Sentence], gaz: Gazetteer) -> set[str]:
    """Places the report's people go to (一行赴烟台市学习调研, 拜会淮安市外侨办期间): hosts of
    a visit the report tells of, so not the place it speaks for."""
    found = set()
    for sentence in sentences:
        for match in _VISITED.finditer(sentence.text):
            ref = _domestic_place(match.group(1), match.group(2), gaz)
            if ref is not None:
                found.add(ref.key)
    return found


def _visiting(text: str, end: int) -> bool:
    clause = re.split(r"[，,。；;：:]", text[end:], maxsplit=1)[0]
    return bool(_VISITOR.search(clause))


def _place_in(line: str, gaz: Gazetteer, pattern: re.Pattern[str]) -> EntityRef | None:
    for match in pattern.finditer(line):
        if "在" in line[max(match.start() - 3, 0) : match.start() + 2]:
            continue  # 大会在云南昆明市举办: a venue, not the report's own place
        name = match.group(1)
        # the longest tail of the run that names a place: 关于温州 -> 温州
        for k in range(len(name) - 1):
            ref = _domestic_place(name[k:], match.group(2), gaz)
            if ref is not None:
                return ref
    return None


def _domestic_place(name: str, level: str, gaz: Gazetteer) -> EntityRef | None:
    """The Chinese city (市) or province (省) of that name, if the reference knows it (level
    '': either, the city first)."""
    if not level:  # 福建外事, 温州外事: a city of that name, else a province
        return _domestic_place(name, "市", gaz) or _domestic_place(name, "省", gaz)
    if level in ("区", "县"):  # 临淄区外事办公室: a district the reference knows by its full name
        refs = [r for r in gaz.lookup(name + level) if r.country == "CN" and r.type == "City"]
        return refs[0] if refs else None
    wanted = "Region" if level in ("省", "自治区") else "City"
    refs = [r for r in gaz.lookup(name) if r.country == "CN" and r.type == wanted]
    if not refs and level == "市":  # 北京市, 重庆市: municipalities are provinces as well
        refs = [r for r in gaz.lookup(name) if r.country == "CN" and r.type == "City"]
    return max(refs, key=population) if refs else None


def _most_named(sentences: list[Sentence], gaz: Gazetteer, visitors: set[str]) -> HomePlace:
    """A report that names no author: the Chinese city it names most, if it names that city
    at least twice and more often than any other, or the only Chinese city it names, and
    speaks for a city at all (我市, 全市, 本市, 市外办)."""
    if not any(word in s.text for s in sentences for word in _CITY_WORDS):
        if any(word in s.text for s in sentences for word in _PROVINCE_WORDS):
            return _most_named_province(sentences, gaz, visitors)
        return HomePlace(None, "the report does not speak for a city (no 我市/全市/本市)")
    counts: Counter[str] = Counter()
    named: dict[str, EntityRef] = {}  # every Chinese city of some size the report names
    for sentence in sentences:
        for _, _, refs in gaz.matches(sentence.text):
            for ref in refs:
                if ref.type != "City" or ref.country != "CN" or ref.key in visitors:
                    continue
                if population(ref) >= _MIN_ONLY_CITY:
                    named[ref.key] = ref
                if population(ref) >= _MIN_CITY:
                    counts[ref.key] += 1
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return HomePlace(named[ranked[0][0]], "most-named")
    if len(named) == 1:
        # 为景德镇的经济建设做出贡献: a report that says 我市 and names one Chinese city, once
        return HomePlace(next(iter(named.values())), "only-named")
    return HomePlace(None, "no title, author office or most-named city says which city 我市 is")


def _most_named_province(
    sentences: list[Sentence], gaz: Gazetteer, visitors: set[str]
) -> HomePlace:
    """A report that speaks for a province (我省, 全省) and names no author: the Chinese
    province it names at least twice and more often than any other."""
    counts: Counter[str] = Counter()
    named: dict[str, EntityRef] = {}
    for sentence in sentences:
        for _, _, refs in gaz.matches(sentence.text):
            for ref in refs:
                if ref.type == "Region" and ref.country == "CN" and ref.key not in visitors:
                    counts[ref.key] += 1
                    named[ref.key] = ref
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return HomePlace(named[ranked[0][0]], "most-named")
    return HomePlace(None, "no title, author office or most-named province says which 我省 is")
