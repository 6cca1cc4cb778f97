"""Namespaces, declared once: the ontology (wsh:), instance data (wsd:) and the vocabularies
we align with. SPARQL text gets its PREFIX block from `SPARQL_PREFIXES`.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

WSH = Namespace("https://w3id.org/waishi/ontology#")
WSD = Namespace("https://w3id.org/waishi/id/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
WD = Namespace("http://www.wikidata.org/entity/")
GN = Namespace("https://sws.geonames.org/")

PREFIXES = {
    "wsh": WSH,
    "wsd": WSD,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "owl": OWL,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SDO,
    "xsd": XSD,
    "geo": GEO,
    "wd": WD,
    "gn": GN,
}
SPARQL_PREFIXES = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()) + "\n"

REFERENCE_GRAPH = WSD["graph/reference"]
DERIVED_GRAPH = WSD["graph/derived"]
ENTITIES_GRAPH = WSD["graph/entities"]  # every entity a stored report names, described once
ONTOLOGY_GRAPH = WSD["graph/ontology"]
# names the graph of a report being stored in several loads (a large report), until the last
# load: a process killed before it leaves the report's partial graph, which the next writer drops
PENDING_GRAPH = WSD["graph/pending"]


def document_graph(doc_id: str) -> str:
    return str(WSD[f"graph/doc/{doc_id}"])


def bind_prefixes(graph: object) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)  # type: ignore[attr-defined]
