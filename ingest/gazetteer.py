"""The gazetteer: every name the reference data knows, mapped to candidate entities.

Built from `data/reference/*.csv` (countries, cities, organisations, provinces); matching is
longest-first over the text, and ambiguous names keep every candidate for the linker.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ingest.model import EntityRef

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def slug(text: str) -> str:
    """A key segment: lower-case ASCII words joined by dashes, or the text itself."""
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return ascii_slug if ascii_slug and not _CJK.search(text) else text.strip()


@dataclass(frozen=True)
class Country:
    ref: EntityRef
    abbreviations: tuple[str, ...]
    demonyms: tuple[str, ...]
    continent: str
    capital_en: str
    names_en: tuple[str, ...] = ()  # other English names (US, Republic of Korea)


@dataclass
class Gazetteer:
    """Names to candidate entities, plus country-specific tables the patterns need."""

    countries: dict[str, Country] = field(default_factory=dict)  # iso2 -> Country
    names: dict[str, list[EntityRef]] = field(default_factory=dict)
    abbreviations: dict[str, list[str]] = field(default_factory=dict)  # 韩 -> [KR]
    # how a Chinese city or province abbreviates itself in its own reports: 青岛 -> (青,)
    own_abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    memberships: list[dict[str, str]] = field(default_factory=list)
    regions: list[dict[str, str]] = field(default_factory=list)
    # first character -> lengths of the names starting with it, longest first: matching tries
    # only the lengths that exist, not every length up to the longest name at every character
    lengths: dict[str, list[int]] = field(default_factory=dict)
    # the matches of recent sentences: the home-place finder and the recogniser scan the same
    _scanned: dict[str, tuple[tuple[int, int, list[EntityRef]], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def add(self, name: str, ref: EntityRef) -> None:
        name = name.strip()
        if len(name) < 2:
            return
        bucket = self.names.setdefault(name, [])
        if all(existing.key != ref.key for existing in bucket):
            bucket.append(ref)
        lengths = self.lengths.setdefault(name[0], [])
        if len(name) not in lengths:
            lengths.append(len(name))
            lengths.sort(reverse=True)

    def lookup(self, name: str) -> list[EntityRef]:
        return self.names.get(name, [])

    def country_by_name(self, name: str) -> Country | None:
        for ref in self.names.get(name, []):
            if ref.type == "Country":
                return self.countries[ref.country]
        return None

    @cached_property
    def country_names(self) -> list[str]:
        """Chinese names of countries, longest first (so 白俄罗斯 wins over 俄罗斯)."""
        found = {n for n, refs in self.names.items() if any(r.type == "Country" for r in refs)}
        return sorted((n for n in found if _CJK.search(n)), key=len, reverse=True)

    @cached_property
    def country_name_set(self) -> frozenset[str]:
        return frozenset(self.country_names)

    @cached_property
    def english_names(self) -> dict[str, tuple[EntityRef, ...]]:
        """Lower-cased English names of the entities, for English text in reports."""
        index: dict[str, dict[str, EntityRef]] = {}
        for refs in self.names.values():
            for ref in refs:
                name = ref.label_en.strip()
                # (not divisions abroad: their English names include West, Centre, Coast)
                if name[:1].isupper() and ref.source != "reference:pycountry":
                    index.setdefault(name.lower(), {})[ref.key] = ref
        for country in self.countries.values():
            for name in country.names_en:
                index.setdefault(name.lower(), {})[country.ref.key] = country.ref
        return {name: tuple(refs.values()) for name, refs in index.items()}

    def prefixes(self, text: str, at: int = 0) -> Iterator[tuple[int, list[EntityRef]]]:
        """Lengths and entities of the known names that start `text` at `at`, longest first."""
        names = self.names
        for length in self.lengths.get(text[at : at + 1], ()):
            if at + length <= len(text):
                refs = names.get(text[at : at + length])
                if refs:
                    yield length, refs

    def country_prefix(self, text: str) -> str:
        """The longest country name `text` starts with, or ''."""
        for length, _ in self.prefixes(text):
            if text[:length] in self.country_name_set:
                return text[:length]
        return ""

    def matches(self, text: str) -> tuple[tuple[int, int, list[EntityRef]], ...]:
        """`scan(text)` as a tuple, kept for the last few thousand texts asked."""
        found = self._scanned.get(text)
        if found is None:
            if len(self._scanned) > 4096:
                self._scanned.clear()
            found = self._scanned[text] = tuple(self.scan(text))
        return found

    def scan(self, text: str) -> Iterator[tuple[int, int, list[EntityRef]]]:
        """Longest-first, left-to-right, non-overlapping matches of known names."""
        names, lengths = self.names, self.lengths
        i = 0
        n = len(text)
        while i < n:
            for length in lengths.get(text[i], ()):
                refs = names.get(text[i : i + length]) if i + length <= n else None
                if refs:
                    yield i, i + length, refs
                    i += length
                    break
            else:
                i += 1


def population(ref: EntityRef) -> int:
    value = dict(ref.ids).get("population", "")
    return int(value) if value.isdigit() else 0


def _short_province(name: str) -> str:
    """山东省 -> 山东, 广西壮族自治区 -> 广西, 北京市 -> 北京 (as cities.csv names provinces)."""
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def load_gazetteer(reference_dir: Path) -> Gazetteer:
    """Read the reference CSVs; a missing file just contributes nothing."""
    gaz = Gazetteer()
    for row in _rows(reference_dir / "countries.csv"):
        iso2 = row["iso2"]
        ids = [("iso2", iso2), ("iso3", row.get("iso3", ""))]
        ids += [(k, row.get(k, "")) for k in ("geonameid", "wikidata")]
        ref = EntityRef(
            key=f"country/{iso2}",
            type="Country",
            label_zh=row["name_zh"],
            label_en=row["name_en"],
            country=iso2,
            aliases=tuple(_split(row.get("aliases_zh"))),
            ids=tuple((k, v) for k, v in ids if v),
            source=f"reference:{row.get('source') or 'pycountry'}",
        )
        country = Country(
            ref=ref,
            abbreviations=tuple(_split(row.get("abbr_zh"))),
            demonyms=tuple(d.lower() for d in _split(row.get("demonyms_en"))),
            continent=row.get("continent", ""),
            capital_en=row.get("capital_en", ""),
            names_en=tuple(_split(row.get("aliases_en"))),
        )
        gaz.countries[iso2] = country
        for name in (row["name_zh"], *ref.aliases):
            gaz.add(name, ref)
        for abbr in country.abbreviations:
            gaz.abbreviations.setdefault(abbr, []).append(iso2)
    for row in _rows(reference_dir / "cities.csv"):
        ids = [("geonames", row.get("geonameid", "")), ("lat", row.get("lat", ""))]
        ids.append(("lon", row.get("lon", "")))
        ids.append(("population", row.get("population", "")))
        ids.append(("capital", row.get("is_capital", "")))
        ids.append(("province", row.get("province_zh", "")))
        key = row.get("geonameid") or slug(f"{row['name_en']}-{row['country']}")
        ref = EntityRef(
            key=f"city/{key}",
            type="City",
            label_zh=row["name_zh"],
            label_en=row["name_en"],
            country=row["country"],
            aliases=tuple(_split(row.get("aliases_zh"))),
            ids=tuple((k, v) for k, v in ids if v),
            source=f"reference:{row.get('name_source') or 'geonames'}",
        )
        for name in (row["name_zh"], *ref.aliases):
            gaz.add(name, ref)
    for row in _rows(reference_dir / "subdivisions.csv"):
        # states, provinces and prefectures abroad (北荷兰省, 巴伐利亚州, 长野县)
        ref = EntityRef(
            key=f"region/{row['code'].lower()}",
            type="Region",
            label_zh=row["name_zh"],
            label_en=row["name_en"],
            country=row["country"],
            aliases=tuple(_split(row.get("aliases_zh"))),
            ids=(("iso3166-2", row["code"]),),
            source="reference:pycountry",
        )
        for name in (row["name_zh"], *ref.aliases):
            gaz.add(name, ref)
    for row in _rows(reference_dir / "districts_cn.csv"):
        # a county-level division (临淄区, 长阳土家族自治县) by its full name only: 城阳 or 新都
        # alone is as often an ordinary word or a town's name
        full = row["full_zh"]
        if any(r.type == "City" and r.country == "CN" for r in gaz.lookup(full)):
            continue  # 即墨市: GeoNames has it already
        ids = [("adcode", row["adcode"]), ("lat", row["lat"]), ("lon", row["lon"])]
        ids += [("province", _short_province(row["province_zh"])), ("city", row["city_zh"])]
        ref = EntityRef(
            key=f"city/cn-{row['adcode'][:6]}",
            type="City",
            label_zh=row["name_zh"],
            country="CN",
            aliases=(full,),
            ids=tuple((k, v) for k, v in ids if v),
            source="reference:cpca",
        )
        gaz.add(full, ref)
    for row in _rows(reference_dir / "organizations.csv"):
        ref = EntityRef(
            key=f"{row['type'].lower()}/{slug(row['label_en'] or row['label_zh'])}",
            type=row["type"],
            label_zh=row["label_zh"],
            label_en=row["label_en"],
            country=row.get("country", ""),
            aliases=tuple(_split(row.get("aliases_zh"))),
            ids=tuple((k, v) for k, v in [("wikidata", row.get("wikidata", ""))] if v),
            source=f"reference:{row.get('source') or 'curated'}",
        )
        for name in (row["label_zh"], *ref.aliases):
            gaz.add(name, ref)
    for row in _rows(reference_dir / "provinces_cn.csv"):
        ref = EntityRef(
            key=f"region/{slug(row['label_en'])}",
            type="Region",
            label_zh=row["label_zh"],
            label_en=row["label_en"],
            country="CN",
            aliases=tuple(_split(row.get("aliases_zh"))),
            ids=tuple((k, v) for k, v in [("geonames", row.get("geonameid", ""))] if v),
            source=f"reference:{row.get('source') or 'curated'}",
        )
        for name in (row["label_zh"], *ref.aliases):
            gaz.add(name, ref)
        gaz.own_abbreviations[row["label_zh"]] = tuple(_split(row.get("abbr_zh")))
    for row in _rows(reference_dir / "city_abbreviations_cn.csv"):
        gaz.own_abbreviations[row["name_zh"]] = tuple(_split(row.get("abbr_zh")))
    gaz.memberships = list(_rows(reference_dir / "memberships.csv"))
    gaz.regions = list(_rows(reference_dir / "world_regions.csv"))
    return gaz
