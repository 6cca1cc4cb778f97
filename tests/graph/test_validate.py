"""The SHACL shapes: a well-formed graph passes, and each constraint catches the break it is
for (the shapes are top-level property shapes for speed; these pin what they must check)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH

from graph.build import describe_entities, document_entities, document_triples, new_graph
from graph.namespaces import WSH
from graph.shape_check import compile_shapes, surely_conforms
from graph.validate import (
    SHAPES,
    ShapeViolation,
    _compiled_shapes,
    _thread_shapes,
    shapes_graph,
    validate,
)
from ingest.readers import read_document
from waishi.workspace import Workspace

ID = "https://w3id.org/waishi/id/"
DOC = URIRef(ID + "doc/d")
SENTENCE = URIRef(ID + "doc/d/s0")
FACT = URIRef(ID + "doc/d/f0")
MENTION = URIRef(ID + "doc/d/m0")
CITY = URIRef(ID + "city/1")
COUNTRY = URIRef(ID + "country/KR")
MEMBERSHIP = URIRef(ID + "membership/KR-un")


def well_formed() -> Graph:
    graph = Graph()
    for triple in (
        (DOC, RDF.type, WSH.Document),
        (DOC, DCTERMS.title, Literal("报告")),
        (DOC, WSH.sha256, Literal("ab")),
        (SENTENCE, RDF.type, WSH.Sentence),
        (SENTENCE, WSH.text, Literal("句子")),
        (SENTENCE, WSH.inDocument, DOC),
        (FACT, RDF.type, WSH.Fact),
        (FACT, RDF.subject, CITY),
        (FACT, RDF.predicate, WSH.locatedIn),
        (FACT, RDF.object, COUNTRY),
        (FACT, PROV.wasDerivedFrom, SENTENCE),
        (FACT, WSH.start, Literal(0)),
        (FACT, WSH.end, Literal(2)),
        (FACT, WSH.rule, Literal("paren")),
        (FACT, WSH.confidence, Literal(0.9)),
        (MENTION, RDF.type, WSH.Mention),
        (MENTION, WSH.mentionOf, CITY),
        (MENTION, WSH.inSentence, SENTENCE),
        (MENTION, WSH.start, Literal(0)),
        (MENTION, WSH.end, Literal(2)),
        (CITY, RDF.type, WSH.City),
        (CITY, WSH.name, Literal("釜山", lang="zh")),
        (CITY, WSH.locatedIn, COUNTRY),
        (COUNTRY, RDF.type, WSH.Country),
        (COUNTRY, RDFS.label, Literal("韩国", lang="zh")),
        (MEMBERSHIP, RDF.type, WSH.Membership),
        (MEMBERSHIP, WSH.role, Literal("member")),
        (MEMBERSHIP, DCTERMS.source, Literal("un.org")),
    ):
        graph.add(triple)
    return graph


def test_a_well_formed_graph_passes() -> None:
    validate(well_formed())


BREAKS = [
    # (what is removed, what is added, the shape that must catch it)
    ((FACT, RDF.subject, CITY), None, "FactSubjectShape"),
    (None, (FACT, RDF.subject, COUNTRY), "FactSubjectShape"),
    ((FACT, RDF.subject, CITY), (FACT, RDF.subject, Literal("釜山")), "FactSubjectShape"),
    ((FACT, RDF.predicate, WSH.locatedIn), None, "FactPredicateShape"),
    (None, (FACT, RDF.predicate, WSH.capitalOf), "FactPredicateShape"),
    ((FACT, RDF.object, COUNTRY), None, "FactObjectShape"),
    (None, (FACT, RDF.object, CITY), "FactObjectShape"),
    ((FACT, PROV.wasDerivedFrom, SENTENCE), None, "FactSourceShape"),
    (None, (FACT, PROV.wasDerivedFrom, DOC), "FactSourceShape"),
    ((FACT, WSH.start, Literal(0)), None, "FactStartShape"),
    ((FACT, WSH.start, Literal(0)), (FACT, WSH.start, Literal("0")), "FactStartShape"),
    (None, (FACT, WSH.start, Literal(1)), "FactStartShape"),
    ((FACT, WSH.end, Literal(2)), None, "FactEndShape"),
    ((FACT, WSH.end, Literal(2)), (FACT, WSH.end, Literal(2.0)), "FactEndShape"),
    (None, (FACT, WSH.end, Literal(3)), "FactEndShape"),
    ((FACT, WSH.rule, Literal("paren")), None, "FactRuleShape"),
    ((FACT, WSH.rule, Literal("paren")), (FACT, WSH.rule, Literal(1)), "FactRuleShape"),
    ((FACT, WSH.confidence, Literal(0.9)), None, "FactConfidenceShape"),
    (
        (FACT, WSH.confidence, Literal(0.9)),
        (FACT, WSH.confidence, Literal(2.0)),
        "FactConfidenceShape",
    ),
    (
        (FACT, WSH.confidence, Literal(0.9)),
        (FACT, WSH.confidence, Literal(-1)),
        "FactConfidenceShape",
    ),
    (None, (FACT, WSH.confidence, Literal(0.5)), "FactConfidenceShape"),
    ((FACT, RDF.type, WSH.Fact), (FACT, RDF.type, WSH.Quantity), None),  # still valid
    ((MENTION, WSH.mentionOf, CITY), None, "MentionOfShape"),
    (None, (MENTION, WSH.mentionOf, COUNTRY), "MentionOfShape"),
    ((MENTION, WSH.mentionOf, CITY), (MENTION, WSH.mentionOf, BNode()), "MentionOfShape"),
    ((MENTION, WSH.inSentence, SENTENCE), None, "MentionSentenceShape"),
    ((MENTION, WSH.inSentence, SENTENCE), (MENTION, WSH.inSentence, DOC), "MentionSentenceShape"),
    ((MENTION, WSH.start, Literal(0)), None, "MentionStartShape"),
    ((MENTION, WSH.start, Literal(0)), (MENTION, WSH.start, Literal("0")), "MentionStartShape"),
    ((MENTION, WSH.end, Literal(2)), None, "MentionEndShape"),
    ((SENTENCE, WSH.text, Literal("句子")), None, "SentenceTextShape"),
    (None, (SENTENCE, WSH.text, Literal("另一句")), "SentenceTextShape"),
    ((SENTENCE, WSH.inDocument, DOC), None, "SentenceDocumentShape"),
    ((SENTENCE, WSH.inDocument, DOC), (SENTENCE, WSH.inDocument, CITY), "SentenceDocumentShape"),
    ((DOC, DCTERMS.title, Literal("报告")), None, "DocumentTitleShape"),
    ((DOC, WSH.sha256, Literal("ab")), None, "DocumentHashShape"),
    (None, (DOC, WSH.sha256, Literal("cd")), "DocumentHashShape"),
    ((CITY, WSH.name, Literal("釜山", lang="zh")), None, "EntityLabelShape"),
    ((COUNTRY, RDFS.label, Literal("韩国", lang="zh")), None, "EntityLabelShape"),
    (None, (URIRef(ID + "event/x"), RDF.type, WSH.Event), "EntityLabelShape"),
    ((CITY, WSH.locatedIn, COUNTRY), (CITY, WSH.locatedIn, Literal("KR")), "CityCountryShape"),
    ((CITY, WSH.locatedIn, COUNTRY), (CITY, WSH.locatedIn, CITY), "CityCountryShape"),
    ((MEMBERSHIP, WSH.role, Literal("member")), None, "MembershipRoleShape"),
    (
        (MEMBERSHIP, WSH.role, Literal("member")),
        (MEMBERSHIP, WSH.role, Literal("chair")),
        "MembershipRoleShape",
    ),
    ((MEMBERSHIP, DCTERMS.source, Literal("un.org")), None, "MembershipSourceShape"),
]


@pytest.mark.parametrize(("removed", "added", "shape"), BREAKS)
def test_each_break_is_caught_by_its_shape(
    removed: tuple[URIRef, URIRef, URIRef] | None,
    added: tuple[URIRef, URIRef, URIRef] | None,
    shape: str | None,
) -> None:
    graph = well_formed()
    if removed:
        graph.remove(removed)
    if added:
        graph.add(added)
    built = new_graph()  # the lighter store the built graphs use validates the same
    built += graph
    for data in (graph, built):
        if shape is None:
            validate(data)
            continue
        with pytest.raises(ShapeViolation, match=shape):
            validate(data)


def test_validations_do_not_share_a_shapes_graph() -> None:
    """pyshacl adds triples to the shapes graph it is given: each thread validates with its own
    copy (reused by that thread), and the parsed shapes stay as they were."""
    assert shapes_graph() is not shapes_graph()
    before = len(shapes_graph())
    graphs = [well_formed() for _ in range(8)]
    together = threading.Barrier(4)

    def validate_together(graph: Graph) -> int:
        together.wait(timeout=30)  # four threads at once, each with its own copy
        validate(graph)
        return id(_thread_shapes())

    with ThreadPoolExecutor(4) as pool:
        copies = set(pool.map(validate_together, graphs))
    assert len(copies) == 4
    assert _thread_shapes() is _thread_shapes()
    assert len(shapes_graph()) == before


# -- the compiled pre-check (graph/shape_check.py) ---------------------------------------------


def test_the_pre_check_compiles_the_shipped_shapes_and_passes_a_well_formed_graph() -> None:
    compiled = _compiled_shapes()
    assert compiled is not None
    assert len(compiled) == len(set(shapes_graph().subjects(SH.path, None)))
    built = new_graph()
    built += well_formed()
    assert surely_conforms(compiled, well_formed())
    assert surely_conforms(compiled, built)


@pytest.mark.parametrize(("removed", "added", "shape"), [b for b in BREAKS if b[2]])
def test_the_pre_check_passes_no_break(
    removed: tuple[URIRef, URIRef, URIRef] | None,
    added: tuple[URIRef, URIRef, URIRef] | None,
    shape: str,
) -> None:
    """A graph the pre-check passes is not shown to pyshacl: it must let no break through."""
    compiled = _compiled_shapes()
    assert compiled is not None
    graph = well_formed()
    if removed:
        graph.remove(removed)
    if added:
        graph.add(added)
    built = new_graph()
    built += graph
    assert not surely_conforms(compiled, graph)
    assert not surely_conforms(compiled, built)


def test_a_class_hierarchy_in_the_data_goes_to_pyshacl() -> None:
    """Targets and sh:class follow rdfs:subClassOf in pyshacl; the pre-check does not, so a
    graph with a hierarchy is left to pyshacl, which here finds the sub-class event unnamed."""
    compiled = _compiled_shapes()
    assert compiled is not None
    graph = well_formed()
    graph.add((WSH.Summit, RDFS.subClassOf, WSH.Event))
    assert not surely_conforms(compiled, graph)
    graph.add((URIRef(ID + "event/summit"), RDF.type, WSH.Summit))
    with pytest.raises(ShapeViolation, match="EntityLabelShape"):
        validate(graph)


UNREAD_SHAPES = [
    # a node shape with a nested property shape
    "wsh:S a sh:NodeShape ; sh:targetClass wsh:City ; sh:property [ sh:path wsh:name ; "
    "sh:minCount 1 ] .",
    # a constraint the pre-check does not read
    "wsh:S a sh:PropertyShape ; sh:targetClass wsh:Fact ; sh:path wsh:start ; "
    "sh:lessThan wsh:end .",
    "wsh:S a sh:PropertyShape ; sh:targetClass wsh:City ; sh:path wsh:name ; "
    "sh:nodeKind sh:Literal .",
    # a target other than a class, a path other than a predicate or alternatives
    "wsh:S a sh:PropertyShape ; sh:targetNode wsh:x ; sh:path wsh:name ; sh:minCount 1 .",
    "wsh:S a sh:PropertyShape ; sh:targetClass wsh:City ; sh:path [ sh:inversePath wsh:name ] ; "
    "sh:minCount 1 .",
]


@pytest.mark.parametrize("extra", UNREAD_SHAPES)
def test_shapes_the_pre_check_cannot_read_are_not_compiled(extra: str) -> None:
    prefixes = "\n".join(
        line for line in SHAPES.read_text(encoding="utf-8").splitlines() if line.startswith("@")
    )
    shapes = shapes_graph()
    shapes.parse(data=prefixes + "\n" + extra, format="turtle")
    assert compile_shapes(shapes) is None


def test_the_pre_check_agrees_with_pyshacl_on_the_seeds_graphs(workspace: Workspace) -> None:
    """Every graph an ingest of the seeds validates passes the pre-check, and pyshacl finds
    each of them conforming too."""
    from pyshacl import validate as shacl_validate

    compiled = _compiled_shapes()
    assert compiled is not None
    for path in sorted(workspace.settings.corpus_dir.glob("*.txt")):
        extraction = workspace.pipeline.extract(read_document(path))
        refs = document_entities(extraction)
        for graph in (document_triples(extraction, refs), describe_entities(refs)):
            assert surely_conforms(compiled, graph), path.name
            conforms, _, _ = shacl_validate(graph, shacl_graph=shapes_graph(), inference="none")
            assert conforms, path.name
