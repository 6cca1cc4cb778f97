"""Named SPARQL queries over the stored graph (prefixes declared once in `namespaces`)."""

from __future__ import annotations

from typing import Any

from rdflib import Graph

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
  OPTIONAL { ?e skos:altLabel ?alias FILTER(LANG(?alias) = "zh") }
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


def select(dataset: Graph, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT query as plain tuples (rdflib types them as a union)."""
    return [tuple(row) for row in dataset.query(query)]  # type: ignore[arg-type]
