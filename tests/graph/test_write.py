"""Writing reports into the on-disk store: it holds exactly the triples built for them, whichever
transaction wrote them (one TriG load for a new report, a SPARQL update for a replaced one, on
the writer thread or not), the same quads as the rdflib store; and a write that fails part-way
leaves the previous graphs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from graph.build import describe_entities, document_body, document_entities, document_triples
from graph.namespaces import ENTITIES_GRAPH, PENDING_GRAPH, WSH, document_graph
from graph.reference import stored_triples, unknown_triples
from graph.write import GraphWriter, ntriples, write_graphs
from ingest.readers import read_document
from tests.conftest import CORPUS, copy_seeds
from waishi.settings import Settings
from waishi.workspace import DescribedEntities, Workspace

TARGETS = "qingdao-fao-2021-targets"
WORK_REPORT = "qingdao-fao-2022-work-report"
Triples = set[tuple[Any, Any, Any]]
EXTRA = "\n今年,我市与坦桑尼亚首都多多马结好。\n"


def _workspace(data_dir: Path, corpus: Path, store: str = "oxigraph") -> Workspace:
    return Workspace(Settings.load(data_dir=data_dir, corpus_dir=corpus, store=store))


def _built(ws: Workspace, path: Path) -> tuple[Graph, Graph]:
    """What `add_document` builds for a report: its graph and its new entity descriptions."""
    extraction = ws.pipeline.extract(read_document(path))
    described = describe_entities(document_entities(extraction))
    return document_triples(extraction), unknown_triples(described, ws._reference_triples)


def _triples(graph: Graph) -> Triples:
    return set(graph)


def _graph(ws: Workspace, iri: str | URIRef) -> Triples:
    """A stored graph's triples as built (`stored_triples`: Oxigraph types plain literals)."""
    return stored_triples(ws.dataset.graph(URIRef(str(iri))))


def _report_quads(ws: Workspace) -> set[tuple[object, ...]]:
    """The quads of the report graphs and the entities graph. (The entities graph leaves out
    what the reference graph says; the embedded store reads the reference's simple literals
    back as xsd:string ones, and until `graph.reference.stored_triples` said they are the same,
    its entities graph repeated them.)"""
    quads: set[tuple[object, ...]] = set()
    for graph in ws.dataset.graphs():
        name = str(graph.identifier)
        if name.startswith(document_graph("")) or name == str(ENTITIES_GRAPH):
            quads |= {(*triple, name) for triple in stored_triples(graph)}
    return quads


def test_the_store_holds_exactly_the_built_triples(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    ws = _workspace(tmp_path / "data", corpus)
    memory = _workspace(tmp_path / "memory", corpus, store="memory")
    try:
        assert len(ws.ingest([corpus]).added) == 2  # new reports: TriG loads on the writer
        memory.ingest([corpus])
        entities: Triples = set()
        for path in sorted(corpus.glob("*.txt")):
            graph, described = _built(ws, path)
            assert len(graph) > 1000
            assert _graph(ws, graph.identifier) == _triples(graph)
            entities |= _triples(described)
        assert _graph(ws, ENTITIES_GRAPH) == entities
        assert _report_quads(ws) == _report_quads(memory)

        report = corpus / f"{TARGETS}.txt"
        report.write_text(report.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
        assert ws.ingest([report]).replaced == (TARGETS,)  # a SPARQL update: DROP + INSERT
        assert memory.ingest([report]).replaced == (TARGETS,)
        graph, _ = _built(ws, report)
        assert any("多多马" in str(o) for o in graph.objects(None, WSH.entityRecord))
        assert _graph(ws, graph.identifier) == _triples(graph)
        assert _report_quads(ws) == _report_quads(memory)
    finally:
        ws.close()
        memory.close()


def _broken(graph: Graph) -> Graph:
    """`graph` and, after it, a triple that rdflib writes but the store's parser refuses (a
    relative IRI)."""
    broken = Graph(identifier=graph.identifier)
    broken += graph
    broken.add((URIRef("not-an-absolute-iri"), RDF.type, WSH.Mention))
    return broken


def test_a_write_that_fails_part_way_leaves_the_previous_graphs(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    (corpus / f"{WORK_REPORT}.txt").unlink()
    ws = _workspace(tmp_path / "data", corpus)
    try:
        ws.ingest([corpus])
        stored = URIRef(document_graph(TARGETS))
        before = {iri: _graph(ws, iri) for iri in (stored, ENTITIES_GRAPH)}
        size = len(ws.dataset)
        assert len(before[stored]) > 1000 and len(before[ENTITIES_GRAPH]) > 50

        new, described = _built(ws, CORPUS / f"{WORK_REPORT}.txt")
        new_iri = URIRef(str(new.identifier))
        assert _triples(described) - before[ENTITIES_GRAPH]  # the write would add descriptions

        # a stored report replaced: DROP and INSERT DATA in one update
        with pytest.raises(SyntaxError):
            write_graphs(ws.dataset, replace={stored: _broken(new), ENTITIES_GRAPH: described})
        # a new report: one load, refused after the report's own triples were parsed
        with pytest.raises(SyntaxError):
            write_graphs(
                ws.dataset, replace={new_iri: _broken(new)}, add={ENTITIES_GRAPH: described}
            )
        # on the writer thread: the failure is raised, and the request after it is not written
        with pytest.raises(SyntaxError), GraphWriter(ws.dataset) as writer:
            writer.write(replace={new_iri: _broken(new)}, add={ENTITIES_GRAPH: described})
            writer.write(replace={new_iri: new}, add={ENTITIES_GRAPH: described})
        assert {iri: _graph(ws, iri) for iri in (stored, ENTITIES_GRAPH)} == before
        assert _graph(ws, new_iri) == set()
        assert len(ws.dataset) == size
    finally:
        ws.close()

    ws = _workspace(tmp_path / "data", corpus)  # and so it stays on disk
    try:
        assert {iri: _graph(ws, iri) for iri in (stored, ENTITIES_GRAPH)} == before
        assert set(ws.documents()) == {TARGETS}
        with GraphWriter(ws.dataset) as writer:  # the same request, whole, is written
            writer.write(replace={new_iri: new}, add={ENTITIES_GRAPH: described})
        assert _graph(ws, new_iri) == _triples(new)
        assert _graph(ws, ENTITIES_GRAPH) == before[ENTITIES_GRAPH] | _triples(described)
    finally:
        ws.close()


def test_ntriples_writes_what_rdflibs_serializer_writes(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "data", copy_seeds(tmp_path / "corpus"))
    try:
        graphs = [graph for path in sorted(CORPUS.glob("*.txt")) for graph in _built(ws, path)]
    finally:
        ws.close()
    awkward = Graph()
    subject = URIRef("https://w3id.org/waishi/id/x")
    for value in [
        Literal('引号"与\\反斜杠\n换行\r回车\t制表'),
        Literal("青岛", lang="zh"),
        Literal("2022", datatype=XSD.gYear),
        Literal(0.85),
        Literal(12),
        Literal(True),
        BNode("b1"),
    ]:
        awkward.add((subject, RDF.value, value))
    for graph in [*graphs, awkward]:
        written = ntriples(graph)
        assert sorted(written.splitlines()) == sorted(graph.serialize(format="nt").splitlines())
        assert isomorphic(Graph().parse(data=written, format="nt"), graph)


class _RecordingWriter(GraphWriter):
    """A real writer that also keeps what each request adds to the entities graph."""

    def __init__(self, dataset: Any) -> None:
        super().__init__(dataset)
        self.described: list[Triples] = []

    def write(self, replace: Any = None, add: Any = None, drop: Any = ()) -> None:
        self.described.append(_triples((add or {}).get(ENTITIES_GRAPH, Graph())))
        super().write(replace, add, drop)


def test_a_report_leaves_out_what_an_earlier_report_of_the_ingest_described(
    tmp_path: Path,
) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    paths = sorted(corpus.glob("*.txt"))
    ws = _workspace(tmp_path / "data", corpus)
    try:
        described = DescribedEntities()
        with _RecordingWriter(ws.dataset) as writer:
            for path in paths:
                ws.add_document(read_document(path), writer=writer, described=described)
        first, second = writer.described
        own_second = _triples(_built(ws, paths[1])[1])
        assert own_second & first  # the seeds share entities (中国, 青岛, 韩国 …)
        assert second == own_second - first
        assert _graph(ws, ENTITIES_GRAPH) == first | own_second
    finally:
        ws.close()


def test_a_writer_thread_shortens_the_switch_interval_while_it_runs(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    ws = _workspace(tmp_path / "data", corpus)
    before = sys.getswitchinterval()
    try:
        graph, _ = _built(ws, corpus / f"{TARGETS}.txt")
        with GraphWriter(ws.dataset) as outer, GraphWriter(ws.dataset):
            assert sys.getswitchinterval() < before
            outer.write(replace={URIRef(str(graph.identifier)): graph})
        assert sys.getswitchinterval() == before
        with pytest.raises(SyntaxError), GraphWriter(ws.dataset) as writer:
            writer.write(replace={URIRef(str(graph.identifier)): _broken(graph)})
        assert sys.getswitchinterval() == before  # restored after a failed write too
    finally:
        ws.close()


def test_a_report_stored_in_chunks_holds_what_it_holds_stored_whole(tmp_path: Path) -> None:
    """A report of more than `ingest_chunk_sentences` sentences is built, checked and stored a
    chunk at a time (memory stays bounded); the store holds the same quads, and no mark of the
    chunked write is left."""
    corpus = copy_seeds(tmp_path / "corpus")
    whole = _workspace(tmp_path / "whole", corpus)
    chunked = Workspace(
        Settings.load(data_dir=tmp_path / "chunked", corpus_dir=corpus, ingest_chunk_sentences=7)
    )
    memory = Workspace(
        Settings.load(
            data_dir=tmp_path / "memory", corpus_dir=corpus, store="memory",
            ingest_chunk_sentences=7,
        )
    )
    try:
        for ws in (whole, chunked, memory):
            assert len(ws.ingest([corpus]).added) == 2
        assert len(_report_quads(whole)) > 5000
        assert _report_quads(chunked) == _report_quads(whole)
        assert _report_quads(memory) == _report_quads(whole)
        assert chunked.documents() == whole.documents()
        for ws in (chunked, memory):
            assert _graph(ws, PENDING_GRAPH) == set()
    finally:
        for ws in (whole, chunked, memory):
            ws.close()


def test_a_report_whose_chunked_write_did_not_finish_is_dropped_by_the_next_writer(
    tmp_path: Path,
) -> None:
    """What a process killed while it stored a large report leaves (the pending mark and some of
    the report's chunks, without its document triples) is dropped when a writer opens the
    store; the reports stored before are untouched."""
    corpus = copy_seeds(tmp_path / "corpus")
    (corpus / f"{WORK_REPORT}.txt").unlink()
    ws = _workspace(tmp_path / "data", corpus)
    try:
        ws.ingest([corpus])
        before = _report_quads(ws)
        extraction = ws.pipeline.extract(read_document(CORPUS / f"{WORK_REPORT}.txt"))
        iri = URIRef(document_graph(WORK_REPORT))
        mark = Graph()
        mark.add((iri, RDF.type, WSH.PendingReport))
        write_graphs(ws.dataset, add={PENDING_GRAPH: mark})
        chunks = document_body(extraction, 10)
        write_graphs(ws.dataset, add={iri: next(chunks)})
        write_graphs(ws.dataset, add={iri: next(chunks)})
        assert len(_graph(ws, iri)) > 50
    finally:
        ws.close()

    ws = _workspace(tmp_path / "data", corpus)
    try:
        assert _graph(ws, iri) == set()
        assert _graph(ws, PENDING_GRAPH) == set()
        assert _report_quads(ws) == before
        assert set(ws.documents()) == {TARGETS}
        assert ws.ingest([CORPUS / f"{WORK_REPORT}.txt"]).added == (WORK_REPORT,)
    finally:
        ws.close()
