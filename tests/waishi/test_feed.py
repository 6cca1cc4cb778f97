"""An ingest's reports: extracted in a pool of processes (`--jobs`), stored in bulk loads of
several new reports, with its progress on a terminal or in a log. The store holds the same
quads whichever way."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from graph.write import GraphWriter
from tests.conftest import copy_seeds
from waishi import progress
from waishi.feed import IngestStatus
from waishi.settings import Settings
from waishi.workspace import Workspace


def _quads(ws: Workspace) -> set[tuple[str, ...]]:
    """Every stored quad without blank nodes (the reference graph's are named at random)."""
    return {
        (str(s), str(p), str(o), str(g))
        for s, p, o, g in ws.dataset.quads((None, None, None, None))
        if not any(isinstance(t, BNode) for t in (s, p, o))
    }


@pytest.mark.slow
def test_a_pool_of_extractors_stores_the_same_graph(tmp_path: Path) -> None:
    """Workers that extract and also build, check and write out a report's graph (jobs 2),
    or that send the extraction of a report stored in chunks (jobs 2, chunks of 5 sentences),
    store what one process stores: new reports, then one of them replaced."""
    stores = []
    for jobs, chunk in ((1, 1_000), (2, 1_000), (2, 5)):
        shutil.rmtree(tmp_path / "corpus", ignore_errors=True)  # one path: stored as the source
        corpus = copy_seeds(tmp_path / "corpus")
        settings = Settings.load(
            data_dir=tmp_path / f"data{jobs}-{chunk}", corpus_dir=corpus,
            ingest_chunk_sentences=chunk,
        )
        ws = Workspace(settings)
        try:
            report = ws.ingest([corpus], jobs=jobs)
            assert len(report.added) == 2 and not report.failed
            again = ws.ingest([corpus], jobs=jobs)
            assert len(again.unchanged) == 2 and not again.added
            first = sorted(corpus.glob("*.txt"))[0]
            with first.open("a", encoding="utf-8") as out:
                out.write("\n青岛市与釜山市签署了新的港口合作备忘录。\n")
            changed = ws.ingest([corpus], jobs=jobs)
            assert changed.replaced == (first.stem,) and len(changed.unchanged) == 1
            stores.append(_quads(ws))
        finally:
            ws.close()
    assert stores[0] == stores[1] == stores[2] and len(stores[0]) > 5000


def test_new_graphs_go_to_the_store_together(tmp_path: Path) -> None:
    ws = Workspace(Settings.load(data_dir=tmp_path / "data"))
    try:
        graphs = {}
        with GraphWriter(ws.dataset) as writer:
            for k in range(3):
                iri = URIRef(f"urn:test:graph{k}")
                graph = Graph(identifier=iri)
                graph.add((URIRef(f"urn:test:s{k}"), URIRef("urn:test:p"), Literal(k)))
                graphs[iri] = graph
                writer.write(replace={iri: graph})
            # gathered, not yet handed to the store
            assert writer._gathered and len(writer._gathered) == 3
            writer.wait()
            assert not writer._gathered
            stored = {iri: set(ws.dataset.graph(iri)) for iri in graphs}
            assert all(len(triples) == 1 for triples in stored.values())
            # a replaced graph is written in its own write, after the gathered ones
            first = URIRef("urn:test:graph0")
            replacement = Graph(identifier=first)
            replacement.add((URIRef("urn:test:new"), URIRef("urn:test:p"), Literal("x")))
            writer.write(replace={first: replacement})
        assert {str(s) for s, _, _ in ws.dataset.graph(first)} == {"urn:test:new"}
    finally:
        ws.close()


def test_progress_is_a_quiet_log_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
    out = io.StringIO()
    with progress.ingest_progress(out) as show:
        show(IngestStatus(1, 4, 2_000_000, 8_000_000, 4.0, "a.txt"))
        show(IngestStatus(4, 4, 8_000_000, 8_000_000, 16.0, "d.txt"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "ingest: 1/4 reports, 2.0/8.0 MB, 0.50 MB/s, about 12 s left"
    assert lines[-1].startswith("ingest: 4/4 reports, 8.0/8.0 MB, 0.50 MB/s")


def test_a_short_ingest_logs_nothing() -> None:
    out = io.StringIO()
    with progress.ingest_progress(out) as show:
        show(IngestStatus(1, 1, 1000, 1000, 0.5, "a.txt"))
    assert out.getvalue() == ""


def test_a_long_stage_says_it_is_still_working(monkeypatch: pytest.MonkeyPatch) -> None:
    # one long report gives no status while it is extracted, stored and indexed
    monkeypatch.setattr(progress, "HEARTBEAT_S", 0.2)
    out = io.StringIO()
    with progress.ingest_progress(out) as show:
        show(IngestStatus(0, 1, 0, 5_000_000, 0.0, "extracting big.txt"))
        time.sleep(0.8)
        show.stage("building the search index")
        time.sleep(0.8)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ingest: still working: extracting big.txt (")
    assert lines[-1].startswith("ingest: still working: building the search index (")
