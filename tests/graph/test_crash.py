"""A crash mid-ingest leaves the previous graph: an ingest process is killed at several
moments while it replaces a report, and the store holds the old or the new version, whole."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.queries import select
from ingest.readers import read_document
from ingest.segment import split_sentences
from tests.conftest import CORPUS
from waishi.settings import Settings
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow


def _ingest(data_dir: Path, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WAISHI_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    exe = str(Path(sys.executable).with_name("waishi"))
    return subprocess.Popen([exe, "ingest", str(path)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _stored(data_dir: Path, doc_id: str) -> tuple[str, int]:
    ws = Workspace(Settings.load(data_dir=data_dir))
    try:
        sha = ws.documents()[doc_id]["sha256"]
        query = ("PREFIX wsh: <https://w3id.org/waishi/ontology#> "
                 "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT (COUNT(?s) AS ?n) WHERE { "
                 f'?s wsh:inDocument ?d . ?d dcterms:identifier "{doc_id}" }}')
        count = int(select(ws.dataset, query)[0][0])
        return sha, count
    finally:
        ws.close()


def test_killed_ingest_leaves_old_or_new_version_whole(tmp_path: Path) -> None:
    seed = (CORPUS / "qingdao-fao-2022-work-report.txt").read_text(encoding="utf-8")
    report = tmp_path / "report.txt"
    versions = {}
    for name, text in (("old", seed), ("new", seed + "\n" + seed.replace("2022", "2023") * 6)):
        versions[name] = (
            hashlib.sha256(text.encode()).hexdigest(),
            len(split_sentences("report", text)),
        )
        if name == "old":
            report.write_text(text, encoding="utf-8")
            assert _ingest(tmp_path / "data", report).wait(timeout=600) == 0
            new_text = ""
        else:
            new_text = text
    assert read_document(report).sha256 == versions["old"][0]
    report.write_text(new_text, encoding="utf-8")
    seen = set()
    for delay in (1.0, 4.0, 8.0):
        process = _ingest(tmp_path / "data", report)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        sha, sentences = _stored(tmp_path / "data", "report")
        version = "old" if sha == versions["old"][0] else "new"
        assert sha == versions[version][0]
        assert sentences == versions[version][1], (delay, version, sentences)
        seen.add(version)
        if version == "new":
            break
    assert "old" in seen


def _sentences_stored(data_dir: Path) -> dict[str, int]:
    """Sentences stored per report graph, whether or not the report's document node is there."""
    ws = Workspace(Settings.load(data_dir=data_dir))
    try:
        query = (
            "PREFIX wsh: <https://w3id.org/waishi/ontology#> SELECT ?g (COUNT(?s) AS ?n) WHERE {"
            " GRAPH ?g { ?s a wsh:Sentence } } GROUP BY ?g"
        )
        return {str(g).rsplit("/", 1)[-1]: int(n) for g, n in select(ws.dataset, query)}
    finally:
        ws.close()


def test_killed_ingest_of_new_reports_leaves_each_whole_or_absent(tmp_path: Path) -> None:
    """New reports are written by Oxigraph's bulk loader (graph/write.py, _ONE_BATCH): a kill
    at any moment leaves every report with all its sentences or with none."""
    seed = (CORPUS / "qingdao-fao-2022-work-report.txt").read_text(encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = {}
    for k in range(12):
        text = seed.replace("2022", str(2010 + k)) * 6
        (corpus / f"report-{k}.txt").write_text(text, encoding="utf-8")
        expected[f"report-{k}"] = len(split_sentences(f"report-{k}", text))
    # kill at fractions of a whole ingest's time on this machine now, not at fixed seconds: a
    # loaded machine reaches the first write later
    started = time.monotonic()
    assert _ingest(tmp_path / "probe", corpus).wait(timeout=600) == 0
    whole = time.monotonic() - started
    partial = False
    for fraction in (0.45, 0.55, 0.65, 0.75, 0.85, 0.95):
        if partial:
            break
        process = _ingest(tmp_path / "data", corpus)
        time.sleep(whole * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        stored = _sentences_stored(tmp_path / "data")
        for report, sentences in stored.items():
            assert sentences == expected[report], (fraction, report, sentences)
        partial = partial or 0 < len(stored) < len(expected)
    assert _ingest(tmp_path / "data", corpus).wait(timeout=600) == 0
    assert _sentences_stored(tmp_path / "data") == expected
    assert partial  # some kill fell between two reports' writes
