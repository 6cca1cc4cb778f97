"""Extraction on reports of other cities, each ingested into a store of its own and scored like
`waishi eval entities --gold FILE` (see tests/data/unseen/README.md: written for the tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from waishi.evaluate import load_gold_entities, score_entities, total
from waishi.settings import Settings
from waishi.workspace import Workspace

UNSEEN = Path(__file__).resolve().parents[1] / "data" / "unseen"
REPORTS = sorted(p.stem for p in (UNSEEN / "reports").glob("*.txt"))

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("report", REPORTS)
def test_entities_of_another_citys_report(tmp_path: Path, report: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(UNSEEN / "reports" / f"{report}.txt", corpus)
    ws = Workspace(Settings.load(data_dir=tmp_path / "data", corpus_dir=corpus))
    try:
        assert ws.ingest([corpus]).added == (report,)
        scores = score_entities(ws.entities(), load_gold_entities(UNSEEN / f"{report}.gold.tsv"))
    finally:
        ws.close()
    overall = total(scores)
    assert overall.gold > 40
    assert overall.precision >= 0.95 and overall.recall >= 0.95, scores
    for score in scores:
        if score.gold >= 5:
            assert score.recall >= 0.8, score
