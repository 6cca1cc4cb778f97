"""Named SPARQL queries over the stored graph (prefixes declared once in `namespaces`)."""

from __future__ import annotations

from typing import Any

from pyoxigraph import BlankNode, NamedNode
from rdflib import BNode, Graph, Literal, URIRef

from graph.namespaces import SPARQL_PREFIXES

ENTITIES = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?type
       (SAMPLE(?zh) AS ?label) (SAMPLE(?en) AS ?label_en)
       (GROUP_CONCAT(DISTINCT ?alias; separator="|") AS ?aliases)
       (COUNT(DISTINCT ?m) AS ?mentions) (SAMPLE(?c) AS ?country)
       (SAMPLE(?iso) AS ?iso2) (SAMPLE(?gid) AS ?geonames) (SAMPLE(?same) AS ?sameas)
       (SAMPLE(?enSource) AS ?label_en_source)
WHERE {
  ?m a wsh:Mention ; wsh:mentionOf ?e .
  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  OPTIONAL { ?e rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?e rdfs:label ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?e skos:altLabel ?alias FILTER(LANG(?alias) IN ("zh", "en")) }
  OPTIONAL { ?e wsh:country/wsh:iso2 ?c }
  OPTIONAL { ?e wsh:iso2 ?iso }
  OPTIONAL { ?e wsh:geonamesId ?gid }
  OPTIONAL { ?e owl:sameAs ?same FILTER(STRSTARTS(STR(?same), STR(wd:))) }
  OPTIONAL { ?e wsh:englishLabelSource ?enSource }
}
GROUP BY ?e ?type
ORDER BY ?type ?label
"""
)

# The recognisers whose mentions name each entity (for `waishi eval entities`).
ENTITY_RULES = (
    SPARQL_PREFIXES
    + """
SELECT ?e (GROUP_CONCAT(DISTINCT ?rule; separator="|") AS ?rules) WHERE {
  ?m a wsh:Mention ; wsh:mentionOf ?e ; wsh:rule ?rule .
} GROUP BY ?e
"""
)

# Every relation with the sentence and span it came from (or the reference source it cites).
PROVENANCE = (
    SPARQL_PREFIXES
    + """
SELECT ?subject ?predicate ?object ?doc ?sentence ?start ?end ?rule ?confidence WHERE {
  ?fact a wsh:Fact ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
        prov:wasDerivedFrom ?s ; wsh:start ?start ; wsh:end ?end ; wsh:rule ?rule ;
        wsh:confidence ?confidence .
  ?s wsh:text ?sentence ; wsh:inDocument/dcterms:identifier ?doc .
}
ORDER BY ?doc ?start
"""
)


# The stored reports, and apart (one query with both counts joined every entity of a report with
# every fact of it: 1 s at 200 reports, against 0.04 s for the three) what each of them holds.
DOCUMENTS = (
    SPARQL_PREFIXES
    + """
SELECT ?id ?title ?sha ?path ?year ?layout ?home ?homeNote WHERE {
  ?d a wsh:Document ; dcterms:identifier ?id ; dcterms:title ?title ; wsh:sha256 ?sha ;
     wsh:sourcePath ?path .
  OPTIONAL { ?d wsh:year ?year }
  OPTIONAL { ?d wsh:layout ?layout }
  OPTIONAL { ?d wsh:homePlace/rdfs:label ?home FILTER(lang(?home) = "zh") }
  OPTIONAL { ?d wsh:homePlaceNote ?homeNote }
}
ORDER BY ?id
"""
)
DOCUMENT_ENTITIES = (
    SPARQL_PREFIXES
    + """
SELECT ?id (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?d a wsh:Document ; dcterms:identifier ?id . ?e wsh:mentionedIn ?d .
} GROUP BY ?id
"""
)
DOCUMENT_FACTS = (  # a report's facts are in its own graph
    SPARQL_PREFIXES
    + """
SELECT ?id (COUNT(DISTINCT ?f) AS ?n) WHERE {
  GRAPH ?g { ?d a wsh:Document ; dcterms:identifier ?id . }
  GRAPH ?g { ?f a wsh:Fact }
} GROUP BY ?id
"""
)


def select(dataset: Graph, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT query as plain tuples (rdflib types them as a union)."""
    return [tuple(row) for row in dataset.query(query)]  # type: ignore[arg-type]


def select_values(dataset: Graph, query: str) -> list[dict[str, Any]]:
    """The rows of a SELECT query as {variable: value}: IRIs as `URIRef`, blank nodes as `BNode`,
    literals as the `str` of their lexical form, None when unbound; the same from every store.

    On the embedded store the query runs in pyoxigraph itself: building an rdflib `Literal` for
    every value (which parses it to a Python value) costs more than the query does when a
    question has thousands of answers (at a million triples, 1,800 goal partners: +200 ms)."""
    inner = getattr(dataset.store, "_inner", None)  # oxrdflib: a pyoxigraph.Store
    if inner is not None and hasattr(inner, "query") and getattr(dataset, "default_union", False):
        solutions = inner.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [{n: _value(t) for n, t in zip(names, row, strict=True)} for row in solutions]
    result = dataset.query(query)
    names = [str(v) for v in result.vars or []]
    return [
        {n: str(t) if isinstance(t, Literal) else t for n, t in zip(names, row, strict=True)}  # type: ignore[arg-type]
        for row in result
    ]


def _value(term: Any) -> Any:
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    return None if term is None else term.value
