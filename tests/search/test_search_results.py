"""What `waishi search` shows a person: sentences that answer stay on the first page among the
entity cards, a sentence the reports repeat comes once with all its places, and every result
says why it matched."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.corpus import SearchItem
from search.lexical import LexicalIndex
from tests.conftest import GOLD_ENTITIES, QA_DEV
from waishi.evaluate import load_gold_entities, load_questions

pytestmark = pytest.mark.slow


def test_default_results_keep_the_answering_sentences(workspace: object) -> None:
    gold = {g.label: g.names for g in load_gold_entities(GOLD_ENTITIES)}
    ranks: list[int | None] = []
    for q in load_questions(QA_DEV):
        if q["lang"] != "en":
            continue
        names = {n for a in q["answers"] for n in gold.get(a, {a}) if len(n) >= 2}
        results = workspace.search(q["question"], 10)  # type: ignore[attr-defined]
        assert {r["kind"] for r in results} == {"sentence", "entity"}  # both kinds, interleaved
        ranks.append(
            next(
                (k for k, r in enumerate(results)
                 if r["kind"] == "sentence" and any(n in r["text"] for n in names)),
                None,
            )
        )
    hit = sum(r is not None and r < 5 for r in ranks) / len(ranks)
    mrr = sum(1 / (r + 1) for r in ranks if r is not None) / len(ranks)
    assert hit >= 0.85 and mrr >= 0.6, (hit, mrr, ranks)


def test_every_result_says_why(workspace: object) -> None:
    results = workspace.search("比什凯克 友好城市", 10)  # type: ignore[attr-defined]
    assert results
    for r in results:
        assert r["why"], r
        if "bm25" in r["sources"]:
            assert any(w.startswith("shares the words") for w in r["why"])
        if "dense" in r["sources"]:
            assert any(w.startswith("close in meaning") for w in r["why"])
    named = [r for r in results if "graph" in r["sources"]]
    assert named
    for r in named:
        assert any("比什凯克" in w or "Bishkek" in w for w in r["why"] if "query names" in w)


def test_a_name_lookup_leads_with_its_card(workspace: object) -> None:
    results = workspace.search("Mannheim", 5)  # type: ignore[attr-defined]
    assert results[0]["kind"] == "entity" and "曼海姆" in results[0]["text"]
    assert "the query names Mannheim" in results[0]["why"]


REPEATED = "青岛与曼海姆签署了港口物流合作备忘录。"


def test_a_repeated_sentence_comes_once_with_all_its_places(tmp_path: Path) -> None:
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a-report.txt").write_text(
        f"青岛市外办工作报告\n一、友城工作\n{REPEATED}今年共举办友城活动十场。\n二、其他\n{REPEATED}\n",
        encoding="utf-8",
    )
    (reports / "b-report.txt").write_text(
        f"青岛市外办工作要点\n{REPEATED}推动与比什凯克结好。\n", encoding="utf-8"
    )
    ws = Workspace(Settings.load(data_dir=tmp_path / "data"))
    try:
        ws.ingest([reports])
        for kind in ("sentence", None):
            results = ws.search("港口物流合作备忘录", 10, kind)
            same = [r for r in results if r["text"] == REPEATED.rstrip("。")
                    or r["text"] == REPEATED]
            assert len(same) == 1, results
            places = same[0]["places"]
            assert len(places) == 3 and {p["doc"] for p in places} == {"a-report", "b-report"}
            assert places[0] == {k: same[0][k] for k in ("doc", "start", "end")}
    finally:
        ws.close()


def test_a_match_on_numbers_alone_is_no_lexical_match() -> None:
    items = [
        SearchItem("s0", "sentence", "青岛政务网 发布日期 2022-11-28", "doc", 0, 20),
        SearchItem("s1", "sentence", "2022年与比什凯克结好", "doc", 21, 33),
        SearchItem("s2", "sentence", "与埃里温结好", "doc", 34, 40),
    ]
    index = LexicalIndex(items)
    assert {i for i, _ in index.search("2022 结好", 3)} == {1, 2}
    assert {i for i, _ in index.search("2022", 3)} == {0, 1}  # numbers alone still search
