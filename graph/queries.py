"""Named SPARQL queries over the stored graph (prefixes declared once in `namespaces`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from pyoxigraph import BlankNode, NamedNode
from rdflib import BNode, Graph, Literal, URIRef

from graph.namespaces import ONTOLOGY_GRAPH, SPARQL_PREFIXES

# The entities listing, in pages, in order: by type, then Chinese label. One query for the whole
# listing grouped every mention of every entity before it could return a row (7-11 s at a million
# triples); here the entities of one type at a time are read (~0.1 s for the 4,000 cities of a
# million triples) and sorted, and the details are asked for one page at a time.
ENTITY_TYPES = (
    SPARQL_PREFIXES
    + f"SELECT ?type WHERE {{ GRAPH {ONTOLOGY_GRAPH.n3()} "
    + "{ ?type rdfs:subClassOf* wsh:Entity } }\n"
)
ENTITIES_OF_TYPE = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?zh WHERE {
  ?e a {type} . FILTER EXISTS { ?m wsh:mentionOf ?e }
  OPTIONAL { ?e rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
}
"""
)
# A page's details and its mention counts are two queries: together, every mention of an entity
# was joined with each of its aliases, labels and identifiers before grouping (a busy partner
# has thousands of mentions at a million triples).
ENTITY_DETAILS = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?type (SAMPLE(?en) AS ?label_en)
       (GROUP_CONCAT(DISTINCT ?alias; separator="|") AS ?aliases)
       (SAMPLE(?c) AS ?country)
       (SAMPLE(?iso) AS ?iso2) (SAMPLE(?gid) AS ?geonames) (SAMPLE(?same) AS ?sameas)
       (SAMPLE(?enSource) AS ?label_en_source)
WHERE {
  ?e a ?type .
  OPTIONAL { ?e rdfs:label ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?e skos:altLabel ?alias FILTER(LANG(?alias) IN ("zh", "en")) }
  OPTIONAL { ?e wsh:country/wsh:iso2 ?c }
  OPTIONAL { ?e wsh:iso2 ?iso }
  OPTIONAL { ?e wsh:geonamesId ?gid }
  OPTIONAL { ?e owl:sameAs ?same FILTER(STRSTARTS(STR(?same), STR(wd:))) }
  OPTIONAL { ?e wsh:englishLabelSource ?enSource }
}
GROUP BY ?e ?type
"""
)
ENTITY_MENTIONS = (
    SPARQL_PREFIXES
    + """
SELECT ?e (COUNT(DISTINCT ?m) AS ?mentions) WHERE { ?m wsh:mentionOf ?e } GROUP BY ?e
"""
)


def entity_pages(
    dataset: Graph, size: int = 500, kind: str | None = None
) -> Iterator[list[tuple[URIRef, URIRef, str, tuple[Any, ...] | None]]]:
    """The entities listing a page at a time: (entity, type, Chinese label, the row of
    `ENTITY_DETAILS` or None), by type IRI, then label (the least, when an entity has several),
    then IRI. `kind` keeps one type (a class name: "City")."""
    types = sorted(str(t) for (t,) in select(dataset, ENTITY_TYPES))
    page: list[tuple[URIRef, URIRef, str]] = []
    for type_iri in types:
        if kind is not None and type_iri.rsplit("#", 1)[-1] != kind:
            continue
        kind_term = URIRef(type_iri)
        labels: dict[str, str | None] = {}
        # the type written into the pattern: Oxigraph joins a VALUES row with every typed node
        query = ENTITIES_OF_TYPE.replace("{type}", kind_term.n3())
        for e, zh in select(dataset, query):
            known = labels.get(str(e))
            if zh is not None and (known is None or str(zh) < known):
                labels[str(e)] = str(zh)
            else:
                labels.setdefault(str(e), known)
        # as SPARQL orders them: an entity without a label first
        for e, label in sorted(
            labels.items(), key=lambda item: (item[1] is not None, item[1] or "", item[0])
        ):
            page.append((URIRef(e), kind_term, label or ""))
            if len(page) == size:
                yield _with_details(dataset, page)
                page = []
    if page:
        yield _with_details(dataset, page)


def _with_details(
    dataset: Graph, page: list[tuple[URIRef, URIRef, str]]
) -> list[tuple[URIRef, URIRef, str, tuple[Any, ...] | None]]:
    """Each entity of the page with its row: (e, type, label_en, aliases, mentions, country,
    iso2, geonames, sameas, label_en_source)."""
    pairs = " ".join(f"({e.n3()} {t.n3()})" for e, t, _ in page)
    entities = " ".join(dict.fromkeys(e.n3() for e, _, _ in page))
    details = {
        (str(r[0]), str(r[1])): r
        for r in select(dataset, _with_values(ENTITY_DETAILS, f"(?e ?type) {{ {pairs} }}"))
    }
    mentions = {
        str(e): n for e, n in select(dataset, _with_values(ENTITY_MENTIONS, f"?e {{ {entities} }}"))
    }
    rows: list[tuple[URIRef, URIRef, str, tuple[Any, ...] | None]] = []
    for e, t, label in page:
        found = details.get((str(e), str(t)))
        row = None if found is None else (*found[:4], mentions.get(str(e)), *found[4:])
        rows.append((e, t, label, row))
    return rows


def _with_values(query: str, values: str) -> str:
    """`query` with `VALUES <values>` first in its WHERE clause. Terms go in through rdflib's
    `n3()`, which escapes them: no text is pasted into the query."""
    head, _, tail = query.partition("WHERE {")
    return f"{head}WHERE {{\n  VALUES {values}{tail}"


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
    """The rows of a SELECT query as plain tuples of rdflib terms (None when unbound).

    On the embedded store the query runs in pyoxigraph itself, not through rdflib's query
    machinery and result objects; the terms are the same either way."""
    store = _native(dataset)
    if store is not None:
        solutions = store.query(query, use_default_graph_as_union=True)
        width = len(solutions.variables)
        return [tuple(_term(row[k]) for k in range(width)) for row in solutions]
    return [tuple(row) for row in dataset.query(query)]  # type: ignore[arg-type]


def _native(dataset: Graph) -> Any:
    """The pyoxigraph store under an embedded dataset whose default graph is the union of its
    named graphs (what every query here expects), or None."""
    inner = getattr(dataset.store, "_inner", None)  # oxrdflib: a pyoxigraph.Store
    if inner is not None and hasattr(inner, "query") and getattr(dataset, "default_union", False):
        return inner
    return None


@lru_cache(maxsize=1 << 16)
def _iri(value: str) -> URIRef:
    """rdflib checks every character of an IRI it is given (a tenth of a millisecond for a
    long percent-encoded one); the same IRIs come back row after row, query after query."""
    return URIRef(value)


def _term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return _iri(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    language = term.language
    if language:
        return Literal(term.value, lang=language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))  # as oxrdflib gives it


def select_values(dataset: Graph, query: str) -> list[dict[str, Any]]:
    """The rows of a SELECT query as {variable: value}: IRIs as `URIRef`, blank nodes as `BNode`,
    literals as the `str` of their lexical form, None when unbound; the same from every store.

    On the embedded store the query runs in pyoxigraph itself: building an rdflib `Literal` for
    every value (which parses it to a Python value) costs more than the query does when a
    question has thousands of answers (at a million triples, 1,800 goal partners: +200 ms)."""
    inner = _native(dataset)
    if inner is not None:
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
        return _iri(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    return None if term is None else term.value
