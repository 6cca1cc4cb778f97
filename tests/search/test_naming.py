"""English labels for Chinese entity names, on the real reference data, CC-CEDICT and glossary.

No model is loaded: the gazetteer and CC-CEDICT are read once for the module (a few seconds) and
the seed reports run through the real extraction pipeline for the coverage sweep.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import EntityRef
from ingest.pipeline import Pipeline
from ingest.readers import read_document
from search.glosses import GlossDictionary, cedict_release, load_gloss_dictionary
from search.naming import (
    RULE_COMPOSED,
    RULE_REFERENCE,
    RULE_WHOLE_NAME,
    RULE_WORD_BY_WORD,
    EnglishBridge,
    EnglishName,
)
from waishi.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"
SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to"}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer(Settings().reference_dir)


@pytest.fixture(scope="module")
def glosses() -> GlossDictionary:
    return load_gloss_dictionary()


@pytest.fixture(scope="module")
def bridge(gazetteer: Gazetteer, glosses: GlossDictionary) -> EnglishBridge:
    return EnglishBridge(gazetteer, glosses, [])


@pytest.fixture(scope="module")
def seed_entities(gazetteer: Gazetteer) -> list[EntityRef]:
    """Every entity the pipeline extracts from the seed reports, as the workspace runs it."""
    pipeline = Pipeline(gazetteer, home_city=Settings().home_city)
    found: dict[str, EntityRef] = {}
    for path in sorted(CORPUS.glob("*.txt")):
        for entity in pipeline.extract(read_document(path)).entities:
            found.setdefault(entity.key, entity)
    assert found, "the seed reports yield entities"
    return list(found.values())


def cedict(glosses: GlossDictionary) -> str:
    return f"CC-CEDICT {glosses.release}"


def assert_clean(name: EnglishName) -> None:
    """One sense, title case, no dictionary residue."""
    assert name.text and name.text == name.text.strip() and "  " not in name.text
    assert not re.search(r"[;\[\]\u3400-\u9fff]", name.text), name
    # GeoNames writes bilingual towns with a slash (Biel/Bienne); a gloss never may.
    assert name.rule == RULE_REFERENCE or "/" not in name.text, name
    assert name.rule in (RULE_REFERENCE, RULE_WHOLE_NAME, RULE_COMPOSED, RULE_WORD_BY_WORD)
    assert name.source
    if name.rule in (RULE_COMPOSED, RULE_WORD_BY_WORD):
        for k, word in enumerate(name.text.replace("(", "").split()):
            assert word[:1].isupper() or word[:1].isdigit() or (k and word in SMALL_WORDS), name


def test_cedict_release_is_the_file_date(glosses: GlossDictionary) -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cedict_release())
    assert glosses.source_name == f"CC-CEDICT {cedict_release()}"


def test_reference_label_comes_first(bridge: EnglishBridge) -> None:
    assert bridge.english_label("青岛", "City") == EnglishName(
        "Qingdao", "reference", RULE_REFERENCE
    )
    forum = bridge.english_label("博鳌亚洲论坛", "Organization")
    assert forum == EnglishName("Boao Forum for Asia", "reference", RULE_REFERENCE)


def test_a_place_takes_only_its_own_types_label(
    bridge: EnglishBridge, glosses: GlossDictionary
) -> None:
    # The reference's 城阳 are a town in Fujian (an alias) and Jōyō in Japan, both cities;
    # the Qingdao district is a region, named by CC-CEDICT.
    assert bridge.english_label("城阳", "Region") == EnglishName(
        "Chengyang", cedict(glosses), RULE_WHOLE_NAME
    )


def test_same_named_places_need_the_country(bridge: EnglishBridge) -> None:
    assert bridge.english_label("长滩", "City") is None  # Long Beach (US) or Changtan (CN)
    long_beach = bridge.english_label("长滩", "City", country="US")
    assert long_beach is not None and long_beach.text == "Long Beach"


def test_cedict_only_proper_name(bridge: EnglishBridge, glosses: GlossDictionary) -> None:
    bare = EnglishBridge(Gazetteer(), glosses, [])
    yerevan = EnglishName("Yerevan", cedict(glosses), RULE_WHOLE_NAME)
    assert bare.english_label("埃里温", "City") == yerevan
    assert bridge.english_label("海信", "Enterprise") == EnglishName(
        "Hisense", cedict(glosses), RULE_WHOLE_NAME
    )


def test_only_the_proper_sense_and_only_one(glosses: GlossDictionary) -> None:
    assert glosses.proper_name("达尔文") == "Darwin", "Charles Darwin is a person's sense"
    assert glosses.proper_name("海尔") == "Haier", '"Hale (name)" is a person\'s sense'
    assert glosses.proper_name("中欧") is None, "Sino-European or Central Europe"
    assert glosses.proper_name("齐鲁") is None, '"alternative name for Shandong" is no name'
    assert glosses.proper_name("合作") is None


def test_one_sense_words(glosses: GlossDictionary) -> None:
    assert glosses.sole_sense("论坛") == "forum"
    assert glosses.sole_sense("海洋") == "ocean"
    assert glosses.sole_sense("石油") is None, "oil / petroleum: two senses"
    assert glosses.sole_sense("青岛") is None, "a proper noun"
    assert glosses.sole_sense("自贸区") is None, "only a pointer to 自由贸易区"


def test_glossary_type_words(glosses: GlossDictionary) -> None:
    for word, form in [("港", "port"), ("集团", "group"), ("大学", "university"),
                       ("片区", "area"), ("驻华使馆", "embassy in China")]:  # fmt: skip
        entry = glosses.glossary_entry(word)
        assert entry is not None and entry.is_type_word and entry.name_form == form, word
    usage = glosses.glossary_entry("驻华")
    assert usage is not None and not usage.is_type_word


@pytest.mark.parametrize(
    ("label", "entity_type", "country", "expected"),
    [
        ("青岛港", "Enterprise", "CN", "Port of Qingdao"),
        ("长滩港", "Enterprise", "US", "Port of Long Beach"),
        ("安特卫普-布鲁日港", "Enterprise", "BE", "Port of Antwerp-Brugge"),
        ("中国海洋大学", "Organization", "", "China Ocean University"),
        ("青岛大学", "Organization", "", "Qingdao University"),
        ("海尔集团", "Enterprise", "", "Haier Group"),
        ("德国驻华使馆", "Organization", "", "Embassy of Germany in China"),
        ("美国驻华大使馆", "Organization", "", "Embassy of the United States in China"),
        ("柬埔寨驻西安总领事馆", "Organization", "", "Consulate General of Cambodia in Xi’an"),
        ("俄罗斯驻哈尔滨总领事馆", "Organization", "", "Consulate General of Russia in Harbin"),
        ("博鳌亚洲论坛秘书处", "Organization", "", "Boao Forum for Asia Secretariat"),
        ("青岛市外办", "Organization", "", "Qingdao Foreign Affairs Office"),
        ("上合组织青岛峰会", "Event", "", "Shanghai Cooperation Organisation Qingdao Summit"),
        ("中尼外长会", "Event", "", "China-Nepal Foreign Ministers' Meeting"),
        ("山东自贸区青岛片区", "Initiative", "CN", "Shandong Pilot Free Trade Zone Qingdao Area"),
    ],
)
def test_composed_names(
    bridge: EnglishBridge, label: str, entity_type: str, country: str, expected: str
) -> None:
    name = bridge.english_label(label, entity_type, country=country)
    assert name is not None and name.text == expected, name
    assert name.rule == RULE_COMPOSED and "glossary" in name.source and " + " in name.source
    assert_clean(name)


def test_composed_source_names_every_source(
    bridge: EnglishBridge, glosses: GlossDictionary
) -> None:
    name = bridge.english_label("中国海洋大学", "Organization")
    assert name is not None
    assert name.source == f"reference + {cedict(glosses)} + glossary"  # 中国, 海洋, 大学


def test_common_words_are_not_place_names(bridge: EnglishBridge) -> None:
    # 合作 is also a town in Gansu (Hezuo) in the reference; here it means cooperation.
    name = bridge.english_label("中德合作示范城", "Initiative")
    assert name is not None and name.text == "China-Germany Cooperation Demonstration City"


@pytest.mark.parametrize(
    ("label", "entity_type", "expected"),
    [
        ("中国石油大学", "Organization", "China Oil University"),
        ("韩国岭南大学", "Organization", "South Korea Lingnan University"),  # 岭南 in pinyin
        ("海发集团", "Enterprise", "Haifa Group"),  # a brand no dictionary knows: pinyin
        ("中学生线上交流会", "Event", "Middle-School Student Online Exchange Meeting"),
        ("中赞经贸投资论坛", "Event", "China-Zambia Economy and Trade Investment Forum"),
        ("纪念中韩建交30周年音乐会", "Event",
         "Commemorate China-South Korea Establish Diplomatic Relations 30th Anniversary Concert"),
        ("博鳌亚洲论坛全球健康论坛第二届大会", "Event",
         "Boao Forum for Asia Entire Health Forum 2nd General Assembly"),
        ("中日(青岛)地方发展合作示范区", "Initiative",
         "China-Japan (Qingdao) Region Development Cooperation Demonstration Zone"),
        ("中欧班列(齐鲁号)青岛-曼海姆专列", "Event",
         "China-Europe Railway Express (Qiluhao) Qingdao-Mannheim Special Train"),
    ],
)
def test_titles_composed_word_by_word(
    bridge: EnglishBridge, glosses: GlossDictionary, label: str, entity_type: str,
    expected: str
) -> None:
    """An event's, company's or institution's title read in its own order, each word from the
    reference, the glossary or CC-CEDICT, and the sources named."""
    name = bridge.english_label(label, entity_type)
    assert name is not None and name.text == expected, name
    assert name.rule == RULE_WORD_BY_WORD
    assert cedict(glosses) in name.source or "glossary" in name.source
    assert_clean(name)


@pytest.mark.parametrize(
    ("label", "entity_type", "why"),
    [
        ("港", "City", "a common word before it is Hong Kong"),
        ("长滩港", "Enterprise", "Long Beach or Changtan, and no country to decide"),
        ("国际友人说青岛", "Event", "说 alone is a verb a gloss would turn into a noun"),
        ("友城合作，共创未来", "Event", "a slogan: its lone characters are no name"),
        ("西海岸", "Region", "a place is named by the reference or CC-CEDICT only"),
    ],
)
def test_no_guess(bridge: EnglishBridge, label: str, entity_type: str, why: str) -> None:
    assert bridge.english_label(label, entity_type) is None, why


def test_never_a_semicolon_or_a_second_sense(bridge: EnglishBridge, gazetteer: Gazetteer) -> None:
    names = [name for name in gazetteer.names if re.search(r"[\u3400-\u9fff]", name)]
    labelled = 0
    for name in names:
        for entity_type in ("Organization", "City"):
            found = bridge.english_label(name, entity_type)
            if found is not None:
                labelled += 1
                assert_clean(found)
    assert labelled > len(names) // 2


def test_english_name_still_links_questions(bridge: EnglishBridge) -> None:
    assert bridge.english_name("青岛") == "Qingdao"
    assert bridge.english_name("青岛港") == "Port of Qingdao"
    fallback = bridge.english_name("中国石油大学")  # no label, but words to match on
    assert fallback is not None and "China" in fallback
    # a compound jieba keeps whole is glossed by its two words, not cut to its place name
    # (which would link "Harbin" in a question to the university)
    university = bridge.english_name("哈尔滨工程大学") or ""
    assert university.startswith("Harbin") and "university" in university.lower()


def test_seed_entities_without_reference_labels(
    bridge: EnglishBridge, seed_entities: list[EntityRef]
) -> None:
    unnamed = sorted(
        (e for e in seed_entities if not e.label_en), key=lambda e: (e.type, e.label_zh)
    )
    labelled: list[tuple[EntityRef, EnglishName]] = []
    missing: list[EntityRef] = []
    for entity in unnamed:
        name = bridge.english_label(entity.label_zh, entity.type, country=entity.country)
        if name is None:
            missing.append(entity)
        else:
            assert_clean(name)
            labelled.append((entity, name))
    print(f"\n{len(labelled)}/{len(unnamed)} seed entities without a reference label get one")
    for entity, name in labelled:
        print(f"  {entity.type:12} {entity.label_zh} -> {name.text}  [{name.rule}; {name.source}]")
    print("none for: " + ", ".join(e.label_zh for e in missing))
    assert len(labelled) >= len(unnamed) * 2 // 3
    events = [e for e in seed_entities if e.type == "Event"]
    named_events = [e for e in events if e.label_en] + [
        e for e, _ in labelled if e.type == "Event"]
    assert len(named_events) >= len(events) * 2 // 3  # most events: word by word
    for entity in seed_entities:
        if entity.label_en:  # the reference's own label is kept, never recomposed
            name = bridge.english_label(entity.label_zh, entity.type, country=entity.country)
            assert name is None or name.text == entity.label_en, (entity, name)


def test_the_graph_carries_english_labels_with_their_source(workspace: object) -> None:
    """The derived graph gives extracted entities their English label and its source, so the
    entity card shows both and an English query finds the Chinese entity."""
    from waishi.workspace import Workspace

    assert isinstance(workspace, Workspace)
    named = {e["label"]: e for e in workspace.entities() if e.get("label_en_source")}
    assert len(named) >= 10
    for row in named.values():
        assert row["label_en"] and ";" not in str(row["label_en"])
        assert re.search(r"CC-CEDICT|glossary|reference", str(row["label_en_source"]))
    port = next(e for e in named.values() if e["type"] == "Enterprise" and "港" in str(e["label"]))
    hits = workspace.search(str(port["label_en"]), k=3, kind="entity")
    assert hits and hits[0]["id"] == port["iri"]
