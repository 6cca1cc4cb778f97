"""The reference graph (countries, organisations, memberships with role and year, each citing
its source) and the derived graph (preferred labels, which initiative serves which goal).
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from graph.build import describe_entity, entity_iri
from graph.namespaces import DERIVED_GRAPH, REFERENCE_GRAPH, SPARQL_PREFIXES, WSH, bind_prefixes
from graph.queries import select
from ingest.gazetteer import Gazetteer

GOAL_KEYS = {  # memberships.csv org code -> the initiative that stands for it
    "SCO": "Shanghai Cooperation Organisation",
    "RCEP": "Regional Comprehensive Economic Partnership",
    "APEC": "Asia-Pacific Economic Cooperation",
    "ASEAN": "Association of Southeast Asian Nations",
    "BRI": "Belt and Road Initiative",
}


def reference_graph(gaz: Gazetteer) -> Graph:
    graph = Graph(identifier=REFERENCE_GRAPH)
    bind_prefixes(graph)
    for country in gaz.countries.values():
        describe_entity(graph, country.ref)
    orgs = {
        ref.key: ref
        for refs in gaz.names.values()
        for ref in refs
        if ref.type in ("Organization", "Initiative")
    }
    for ref in orgs.values():
        describe_entity(graph, ref)
    by_code = _goal_iris(gaz)
    for row in gaz.memberships:
        org = by_code.get(row["org"])
        if org is None or row["country"] not in gaz.countries:
            continue
        member = entity_iri(f"country/{row['country']}")
        node = BNode()
        graph.add((member, WSH.memberOf, org))
        graph.add((member, WSH.membership, node))
        graph.add((node, RDF.type, WSH.Membership))
        graph.add((node, WSH.organisation, org))
        graph.add((node, WSH.role, Literal(row["role"])))
        if row.get("since"):
            graph.add((node, WSH.since, Literal(row["since"], datatype=XSD.gYear)))
        if row.get("until"):
            graph.add((node, WSH.until, Literal(row["until"], datatype=XSD.gYear)))
        graph.add((node, DCTERMS.source, Literal(row.get("source") or "reference")))
    return graph


def _goal_iris(gaz: Gazetteer) -> dict[str, URIRef]:
    found: dict[str, URIRef] = {}
    for refs in gaz.names.values():
        for ref in refs:
            for code, name in GOAL_KEYS.items():
                if ref.type in ("Initiative", "Organization") and (
                    ref.label_en.lower().startswith(name.lower()) or ref.label_en == code
                ):
                    found.setdefault(code, entity_iri(ref.key))
    return found


_NAMES = (
    SPARQL_PREFIXES
    + """
SELECT DISTINCT ?e ?type ?name ?how WHERE {
  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  { ?e wsh:name ?name BIND("name" AS ?how) }
  UNION { ?e rdfs:label ?name BIND("label" AS ?how) }
  UNION { ?e skos:altLabel ?name BIND("alias" AS ?how) }
}"""
)


_CORPORATE = ("集团", "公司", "控股", "股份")


def _label_preference(name: str) -> tuple[bool, int, str]:
    """海尔集团 over 海尔, and 欧力士集团 over 欧力士大中华区总部: a legal name first, then
    the longest."""
    return name.endswith(_CORPORATE), len(name), name


def derived_graph(dataset: Dataset) -> Graph:
    """Recomputed after every change: one preferred label per entity and language (the
    longest name, 海尔集团 over 海尔, unless reference data gives one), and `servesGoal` from
    an initiative to every initiative whose name or alias its own name contains."""
    graph = Graph(identifier=DERIVED_GRAPH)
    bind_prefixes(graph)
    names: dict[tuple[Any, str], set[str]] = {}
    labelled: set[tuple[Any, str]] = set()
    all_names: dict[Any, set[str]] = {}
    initiatives: set[Any] = set()
    for entity, kind, name, how in select(dataset, _NAMES):
        lang = name.language or ""
        if kind == WSH.Initiative:
            initiatives.add(entity)
        all_names.setdefault(entity, set()).add(str(name))
        if str(how) == "name":
            names.setdefault((entity, lang), set()).add(str(name))
        elif str(how) == "label":
            labelled.add((entity, lang))
    for (entity, lang), options in names.items():
        if (entity, lang) not in labelled:
            best = max(options, key=_label_preference)
            graph.add((entity, RDFS.label, Literal(best, lang=lang or None)))
    for entity in initiatives:
        own = all_names.get(entity, set())
        for goal in initiatives - {entity}:
            keys = {n for n in all_names.get(goal, set()) if len(n) >= 2}
            if any(k in n and k != n for k in keys for n in own):
                graph.add((entity, WSH.servesGoal, goal))
    return graph
