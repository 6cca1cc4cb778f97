"""The store reports are built in answers every triple pattern as rdflib's own memory store does,
on the graph of a real seed report."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from graph.build import document_triples, new_graph
from graph.built_store import BuiltGraphStore
from graph.namespaces import WSH
from ingest.gazetteer import load_gazetteer
from ingest.pipeline import Pipeline
from ingest.readers import read_document
from tests.conftest import CORPUS

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"


@pytest.fixture(scope="module")
def report_graph() -> Graph:
    pipeline = Pipeline(load_gazetteer(REFERENCE))
    report = read_document(CORPUS / "qingdao-fao-2021-targets.txt")
    return document_triples(pipeline.extract(report))


def _reference_copy(graph: Graph) -> Graph:
    copy = Graph()  # rdflib's default Memory store
    copy += graph
    return copy


def test_every_pattern_matches_rdflibs_memory_store(report_graph: Graph) -> None:
    assert isinstance(report_graph.store, BuiltGraphStore)
    reference = _reference_copy(report_graph)
    assert len(report_graph) == len(reference) > 1000
    triples = sorted(report_graph)
    rng = random.Random(7)
    absent = (URIRef("https://example.org/absent"), WSH.nothing, Literal("无"))
    for triple in [*rng.sample(triples, 40), absent]:
        for mask in itertools.product((True, False), repeat=3):
            pattern = tuple(term if keep else None for term, keep in zip(triple, mask, strict=True))
            got = list(report_graph.triples(pattern))  # type: ignore[arg-type]
            assert len(got) == len(set(got))
            assert set(got) == set(reference.triples(pattern)), pattern  # type: ignore[arg-type]


def test_adding_again_and_removing_keep_the_count(report_graph: Graph) -> None:
    graph = new_graph()
    graph += report_graph
    size = len(graph)
    graph += report_graph  # the same triples again: still one each
    assert len(graph) == size
    mentions = set(graph.subjects(RDF.type, WSH.Mention))
    assert len(list(graph.triples((None, None, WSH.Mention)))) == len(mentions)  # object index
    graph.remove((None, RDF.type, WSH.Mention))
    assert len(graph) == size - len(mentions)
    assert not set(graph.triples((None, RDF.type, WSH.Mention)))
    assert not set(graph.triples((None, None, WSH.Mention)))
    added = (URIRef("https://example.org/m"), RDF.type, WSH.Mention)
    graph.add(added)  # kept in the object index made above
    assert list(graph.triples((None, None, WSH.Mention))) == [added]
    graph.remove(added)
    assert set(graph) == set(report_graph) - {(m, RDF.type, WSH.Mention) for m in mentions}
