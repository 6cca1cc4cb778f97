"""The place a report speaks for is stored on its document, with how it was found, or why not."""

from __future__ import annotations

from rdflib import Literal

from graph.build import document_iri, document_triples, entity_iri
from graph.namespaces import WSH
from tests.ingest.test_extraction import extract


def test_the_home_place_and_how_it_was_found_are_on_the_document() -> None:
    ex = extract("今年，我市与明斯克市结为友好城市。", title="兰州市外办2023年工作总结")
    graph = document_triples(ex)
    doc = document_iri(ex.document.doc_id)
    assert ex.home is not None and ex.home.label_zh == "兰州"
    assert (doc, WSH.homePlace, entity_iri(ex.home.key)) in graph
    assert (doc, WSH.homePlaceNote, Literal("title")) in graph


def test_a_report_that_names_no_home_says_why() -> None:
    ex = extract("全市外事系统认真落实部署。", title="2023年工作总结")
    graph = document_triples(ex)
    doc = document_iri(ex.document.doc_id)
    assert ex.home is None
    assert not list(graph.objects(doc, WSH.homePlace))
    notes = [str(o) for o in graph.objects(doc, WSH.homePlaceNote)]
    assert notes and "我市" in notes[0]
