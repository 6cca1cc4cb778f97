"""The on-disk store: survives reopening, ingest is idempotent and incremental, removal
removes, and SHACL catches a broken graph."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from graph.namespaces import DERIVED_GRAPH, SPARQL_PREFIXES, WSH
from graph.queries import PROVENANCE, select, select_values
from graph.validate import ShapeViolation, validate
from tests.conftest import CORPUS, copy_seeds
from waishi.settings import Settings
from waishi.workspace import Workspace


def _open(data_dir: Path, corpus: Path) -> Workspace:
    return Workspace(Settings.load(data_dir=data_dir, corpus_dir=corpus))


def test_reopen_readd_add_remove(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    ws = _open(tmp_path / "data", corpus)
    first = ws.ingest([corpus])
    assert len(first.added) == 2
    size = len(ws.dataset)
    ws.close()

    ws = _open(tmp_path / "data", corpus)  # a second process later: nothing is rebuilt
    again = ws.ingest([corpus])
    assert again.added == () and len(again.unchanged) == 2
    assert len(ws.dataset) == size

    extra = corpus / "extra.txt"
    extra.write_text(
        "烟台市外办2023年工作报告\n今年,我市与坦桑尼亚首都多多马结好。\n", encoding="utf-8"
    )
    added = ws.ingest([extra])
    assert added.added == ("extra",)
    labels = {e["label"] for e in ws.entities()}
    assert "多多马" in labels
    assert ws.remove("extra")
    assert "多多马" not in {e["label"] for e in ws.entities()}
    assert len(ws.dataset) == size
    ws.close()


def test_english_labels_are_looked_up_while_the_reports_are_written(tmp_path: Path) -> None:
    """The ingest looks up the English labels as it builds each report (while the store writes
    it), so its `refresh_derived` finds them looked up, but for an entity whose preferred name
    and country come from different reports (海尔集团 in one, 海尔 in CN in the other); and it
    derives the same graph as a workspace that looks them all up afresh."""
    corpus = copy_seeds(tmp_path / "corpus")
    ws = _open(tmp_path / "data", corpus)
    lookups = {"building": 0, "refreshing": 0}
    phase = ["building"]
    lookup, refresh = ws.english.english_label, ws.refresh_derived

    def counted_lookup(*args: object, **kwargs: object) -> object:
        lookups[phase[0]] += 1
        return lookup(*args, **kwargs)  # type: ignore[arg-type]

    def marked_refresh() -> None:
        phase[0] = "refreshing"
        refresh()

    ws.english.english_label = counted_lookup  # type: ignore[method-assign, assignment]
    ws.refresh_derived = marked_refresh  # type: ignore[method-assign]
    try:
        ws.ingest([corpus])
        assert phase == ["refreshing"]
        assert lookups["building"] > 10 * max(lookups["refreshing"], 1)
        derived = set(ws.dataset.graph(DERIVED_GRAPH))
        sources = {o for _, p, o in derived if p == WSH.englishLabelSource}
        assert any("CC-CEDICT" in str(o) for o in sources)
    finally:
        ws.close()
    fresh = _open(tmp_path / "data", corpus)
    try:
        fresh.refresh_derived()
        assert set(fresh.dataset.graph(DERIVED_GRAPH)) == derived
    finally:
        fresh.close()


class _Stop(Exception):
    pass


def test_an_ingest_pauses_full_collections_and_always_restores_the_collector(
    tmp_path: Path,
) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    assert gc.isenabled()
    seen: list[bool] = []
    ws = _open(tmp_path / "data", corpus)
    try:
        ws.ingest([corpus], progress=lambda fraction, _: seen.append(gc.isenabled()))
        assert seen[:2] == [False, False]  # while reports are built
        assert seen[-1] and gc.isenabled()  # "done": after the ingest

        def stop(fraction: float, _: str) -> None:
            if fraction > 0:  # before the second report
                raise _Stop

        again = _open(tmp_path / "again", corpus)
        try:
            with pytest.raises(_Stop):
                again.ingest([corpus], progress=stop)
            assert gc.isenabled()
            assert len(again.documents()) == 1  # the first report is stored all the same
        finally:
            again.close()
    finally:
        ws.close()


def test_entities_are_described_once_and_a_replaced_report_takes_its_own(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report = corpus / "yantai.txt"
    report.write_text(
        "烟台市外办2023年工作报告\n今年,我市与坦桑尼亚首都多多马结好。\n"
        "我市与韩国群山市签署友好合作意向书。\n",
        encoding="utf-8",
    )
    shutil.copy(CORPUS / "qingdao-fao-2021-targets.txt", corpus)
    ws = _open(tmp_path / "data", corpus)
    ws.ingest([corpus])
    ws.refresh_derived()  # a second refresh keeps every preferred label
    described_twice = """SELECT ?s ?p ?o WHERE {
        VALUES ?p { rdf:type wsh:name rdfs:label skos:altLabel wsh:country
                    wsh:iso2 wsh:geonamesId owl:sameAs geo:lat geo:long dcterms:source }
        GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER(STR(?g1) < STR(?g2)) }"""
    assert select(ws.dataset, SPARQL_PREFIXES + described_twice) == []
    unlabelled = """SELECT ?e WHERE { ?m wsh:mentionOf ?e .
        FILTER NOT EXISTS { ?e rdfs:label ?l FILTER(LANG(?l) = "zh") } }"""
    assert select(ws.dataset, SPARQL_PREFIXES + unlabelled) == []
    assert {"多多马", "群山"} <= {e["label"] for e in ws.entities()}

    report.write_text(
        "烟台市外办2023年工作报告\n今年,我市与坦桑尼亚首都多多马结好。\n", encoding="utf-8"
    )
    assert ws.ingest([report]).replaced == ("yantai",)
    labels = {e["label"] for e in ws.entities()}
    assert "多多马" in labels and "群山" not in labels
    gone = SPARQL_PREFIXES + 'SELECT ?e WHERE { ?e rdfs:label|wsh:name "群山"@zh }'
    assert select(ws.dataset, gone) == []
    ws.close()


def test_every_relation_traces_to_its_sentence(workspace: Workspace) -> None:
    rows = list(workspace.dataset.query(PROVENANCE))
    assert len(rows) > 50
    for _s, _p, _o, doc, sentence, start, end, rule, confidence in rows:  # type: ignore[misc]
        assert doc and sentence and rule
        assert 0 < float(confidence) <= 1
        assert int(start) <= int(end)


def test_shacl_rejects_a_fact_without_provenance() -> None:
    graph = Graph()
    fact = URIRef("https://w3id.org/waishi/id/doc/x/f1")
    graph.add((fact, RDF.type, WSH.Fact))
    graph.add((fact, RDF.subject, URIRef("https://w3id.org/waishi/id/city/1")))
    with pytest.raises(ShapeViolation, match=r"wasDerivedFrom|predicate"):
        validate(graph)
    graph.add((fact, WSH.confidence, Literal(2.0)))
    with pytest.raises(ShapeViolation):
        validate(graph)


def test_export_formats(workspace: Workspace, tmp_path: Path) -> None:
    for fmt, name in (
        ("turtle", "g.ttl"),
        ("jsonld", "g.jsonld"),
        ("nt", "g.nt"),
        ("graphml", "g.graphml"),
    ):
        count = workspace.export(tmp_path / name, fmt)
        assert count > 0 and (tmp_path / name).stat().st_size > 1000
    reread = Graph().parse(tmp_path / "g.ttl")
    assert len(reread) == workspace.export(tmp_path / "again.ttl", "turtle")


def test_select_values_are_the_same_from_the_native_path_and_rdflib(workspace: Workspace) -> None:
    """The answerer reads rows through pyoxigraph itself on the embedded store; the values must
    be those rdflib's own query path gives (and the in-memory store's, which takes it)."""
    native = select_values(workspace.dataset, PROVENANCE)
    memory = Dataset(default_union=True)
    memory.addN(
        (s, p, o, memory.graph(g))
        for s, p, o, g in workspace.dataset.quads((None, None, None, None))
    )
    through_rdflib = select_values(memory, PROVENANCE)
    assert len(native) > 100
    assert sorted(map(_key, native)) == sorted(map(_key, through_rdflib))
    row = native[0]
    assert isinstance(row["subject"], URIRef) and type(row["sentence"]) is str
    assert int(row["start"]) <= int(row["end"])


def _key(row: dict[str, object]) -> list[tuple[str, str, str]]:
    return sorted((name, type(value).__name__, str(value)) for name, value in row.items())


# -- readers beside a writer (graph/snapshots.py) --------------------------------------------

_CITY = URIRef("https://w3id.org/waishi/data/city/test")
_GRAPH = URIRef("https://w3id.org/waishi/data/graph/test")


def _cities(dataset: Dataset) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(?c))) }"
    return int(select(dataset, query.replace("?c", f"<{_CITY}>"))[0][0])


def test_a_reader_sees_each_published_write_without_the_lock(tmp_path: Path) -> None:
    from graph.store import open_dataset

    path = tmp_path / "store"
    writer = open_dataset("oxigraph", path)
    reader = open_dataset("oxigraph", path, read_only=True)  # beside the writer
    assert _cities(reader) == 0
    for n in range(1, 4):
        writer.add((URIRef(f"{_CITY}{n}"), RDF.type, WSH.City, _GRAPH))  # type: ignore[arg-type]
        assert _cities(reader) == n - 1  # not published yet
        writer.store.publisher.publish()  # type: ignore[attr-defined]
        assert _cities(reader) == n  # the same reader, not reopened
    with pytest.raises(Exception, match="cannot write it"):
        reader.add((_CITY, RDF.type, WSH.City, _GRAPH))  # type: ignore[arg-type]
    reader.close()
    writer.close()


def test_a_commit_is_published_beside_the_writer_not_by_it(tmp_path: Path) -> None:
    # the checkpoint and the pruning of old snapshots run on the timer thread, while the
    # writer (an ingest) builds its next report; the snapshot still follows at once
    import threading
    import time

    import pyoxigraph

    from graph.snapshots import PUBLISH_EVERY_S, Publisher, current_generation, snapshots_dir

    path = tmp_path / "store"
    store = pyoxigraph.Store(str(path))
    publisher = Publisher(store, path)
    first = current_generation(snapshots_dir(path))
    publishers: list[threading.Thread] = []
    publish = publisher._publish_locked

    def recorded() -> int:
        publishers.append(threading.current_thread())
        return publish()

    publisher._publish_locked = recorded  # type: ignore[method-assign]
    time.sleep(PUBLISH_EVERY_S)  # the last snapshot is old enough: this commit is due now
    publisher.committed()
    deadline = time.monotonic() + 10
    while current_generation(snapshots_dir(path)) == first and time.monotonic() < deadline:
        time.sleep(0.01)
    assert current_generation(snapshots_dir(path)) != first
    assert publishers and threading.main_thread() not in publishers
    publisher.close()
    del store


def test_a_snapshot_in_use_is_kept_until_its_reader_lets_go(tmp_path: Path) -> None:
    import pyoxigraph

    from graph.snapshots import Publisher, SnapshotReader, snapshots_dir

    path = tmp_path / "store"
    store = pyoxigraph.Store(str(path))
    publisher = Publisher(store, path)
    reader = SnapshotReader(path, grace_s=0.0)
    held = reader.generation
    publisher.publish()
    assert (snapshots_dir(path) / f"{held:09d}").is_dir()  # still read by `reader`
    assert reader.store() is not None and reader.generation > held  # moves on, lets go
    newer = publisher.publish()
    assert not (snapshots_dir(path) / f"{held:09d}").exists()
    reader.store()
    assert reader.generation == newer
    reader.close()
    publisher.close()
    del store


def test_a_second_writer_is_refused_with_who_holds_the_store(tmp_path: Path) -> None:
    import os

    from graph.store import open_dataset
    from waishi.errors import StoreUnavailable

    path = tmp_path / "store"
    writer = open_dataset("oxigraph", path)
    with pytest.raises(StoreUnavailable, match=rf"open for writing by pid {os.getpid()} "):
        open_dataset("oxigraph", path)
    writer.close()
    gc.collect()
    open_dataset("oxigraph", path).close()  # the lock went with the first writer


def test_after_a_writer_is_killed_readers_see_every_committed_write(tmp_path: Path) -> None:
    import subprocess
    import sys

    from graph.store import open_dataset

    path = tmp_path / "store"
    # The writer publishes as it opens, then commits a write that no snapshot holds, and dies.
    killed = subprocess.run([sys.executable, "-c", f"""
import os, signal
from pathlib import Path
from rdflib import RDF, URIRef
from graph.namespaces import WSH
from graph.store import open_dataset
writer = open_dataset("oxigraph", Path({str(path)!r}))
writer.add((URIRef("{_CITY}1"), RDF.type, WSH.City, URIRef("{_GRAPH}")))
os.kill(os.getpid(), signal.SIGKILL)
"""], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    reader = open_dataset("oxigraph", path, read_only=True)  # nobody writes: brought up to date
    assert _cities(reader) == 1
    reader.close()
