"""The networkx view of the graph: entities as nodes, relations as edges, for analytics
(centrality, paths) and GraphML export."""

from __future__ import annotations

import networkx as nx
from rdflib import Dataset

from graph.namespaces import SPARQL_PREFIXES
from graph.queries import select

NODES = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?type (SAMPLE(?zh) AS ?label) (SAMPLE(?en) AS ?label_en) (SAMPLE(?c) AS ?country)
       (SAMPLE(?lat) AS ?latitude) (SAMPLE(?long) AS ?longitude) WHERE {
  ?m wsh:mentionOf ?e . ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  OPTIONAL { ?e rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?e rdfs:label ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?e wsh:country/wsh:iso2 ?c }
  OPTIONAL { ?e geo:lat ?lat ; geo:long ?long }
} GROUP BY ?e ?type"""
)

EDGES = (
    SPARQL_PREFIXES
    + """
SELECT ?s ?p ?o (COUNT(?f) AS ?weight) WHERE {
  ?f a wsh:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
} GROUP BY ?s ?p ?o"""
)


def to_networkx(dataset: Dataset) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for e, kind, label, label_en, country, lat, lon in select(dataset, NODES):
        attrs: dict[str, object] = {
            "type": str(kind).rsplit("#", 1)[-1],
            "label": str(label or ""),
            "label_en": str(label_en or ""),
            "country": str(country or ""),
        }
        if lat is not None and lon is not None:
            attrs.update(lat=float(lat), lon=float(lon))
        graph.add_node(str(e), **attrs)
    for s, p, o, weight in select(dataset, EDGES):
        if str(s) in graph and str(o) in graph:
            graph.add_edge(
                str(s),
                str(o),
                key=str(p).rsplit("#", 1)[-1],
                relation=str(p).rsplit("#", 1)[-1],
                weight=int(weight),
            )
    return graph


def shortest_path(graph: nx.MultiDiGraph, source: str, target: str) -> list[str]:
    """The shortest chain of relations between two entities, ignoring direction."""
    try:
        return list(nx.shortest_path(graph.to_undirected(as_view=True), source, target))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
