"""The reference graph (countries, organisations, memberships with role and year, each citing
its source), the entities graph (every entity the stored reports name, described once) and the
derived graph (preferred and English labels, which initiative serves which goal), stamped with
the version of the reports it was built from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Container, Iterable
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from graph.build import (
    describe_entities,
    describe_entity,
    entity_iri,
    new_graph,
    record_entity,
)
from graph.namespaces import (
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    REFERENCE_GRAPH,
    SPARQL_PREFIXES,
    WSH,
    bind_prefixes,
)
from graph.queries import select, select_values
from ingest.gazetteer import Gazetteer
from ingest.model import EntityRef

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


def entity_descriptions(refs: Iterable[EntityRef], known: Container[Any]) -> Graph:
    """Triples of the entities graph describing `refs`, leaving out those already `known`."""
    return unknown_triples(describe_entities(refs), known)


def stored_triples(graph: Graph) -> set[tuple[Any, Any, Any]]:
    """The triples of a stored graph as they were built, to compare with built ones: Oxigraph
    reads a plain literal back typed `xsd:string`, which rdflib holds unequal to the plain
    literal it was built as (so `wsh:iso2 "CN"` was stored again in the entities graph)."""
    return {
        (s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o)
        for s, p, o in graph
    }


def unknown_triples(graph: Graph, *known: Container[Any]) -> Graph:
    """The triples of `graph` for the entities graph, without those already `known` (the
    reference graph's, those written before): a triple stored twice would be read twice."""
    result = new_graph(ENTITIES_GRAPH)
    result += (t for t in graph if not any(t in triples for triples in known))
    return result


_RECORDS = SPARQL_PREFIXES + "SELECT ?d ?record WHERE { ?d wsh:entityRecord ?record }"


def entities_graph(dataset: Dataset, known: Container[Any], without: URIRef | None = None) -> Graph:
    """The entities graph rebuilt from the stored reports' entity records, leaving out the
    report `without` (about to be removed or replaced)."""
    refs = [record_entity(str(r)) for d, r in select(dataset, _RECORDS) if d != without]
    return entity_descriptions(refs, known)


# Names from the entities and reference graphs, the only graphs that give them: a report's graph
# holds no labels, and the derived graph holds the previous run's preferred labels (read as
# labels, they would mark the entity as labelled and the new run would drop them). Naming the
# two graphs spares Oxigraph a walk through every report's graph: 0.96 -> 0.12 s with 63
# reports stored, the same rows.
_NAMES = (
    SPARQL_PREFIXES
    + """
SELECT DISTINCT ?e ?type ?name ?lang ?how WHERE {
  VALUES ?g { """
    + f"{ENTITIES_GRAPH.n3()} {REFERENCE_GRAPH.n3()}"
    + """ }
  GRAPH ?g {
    { ?e wsh:name ?name BIND("name" AS ?how) }
    UNION { ?e rdfs:label ?name BIND("label" AS ?how) }
    UNION { ?e skos:altLabel ?name BIND("alias" AS ?how) }
  }
  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  BIND(LANG(?name) AS ?lang)
}"""
)


_CORPORATE = ("集团", "公司", "控股", "股份")


def _label_preference(name: str) -> tuple[bool, int, str]:
    """海尔集团 over 海尔, and 欧力士集团 over 欧力士大中华区总部: a legal name first, then
    the longest."""
    return name.endswith(_CORPORATE), len(name), name


# (Chinese label, type, ISO country) -> (English label, where it comes from), or None
EnglishLabeller = Callable[[str, str, str], tuple[str, str] | None]

_COUNTRIES = (
    SPARQL_PREFIXES
    + "SELECT DISTINCT ?e ?iso WHERE { ?e wsh:mentionedIn ?d ; wsh:country/wsh:iso2 ?iso }"
)


# what the derived graph computes; a derived graph stamped with another is rebuilt at open
DERIVED_LAYOUT = "1"

_REPORTS = (
    SPARQL_PREFIXES
    + """SELECT ?id ?sha ?layout WHERE {
  ?d a wsh:Document ; dcterms:identifier ?id ; wsh:sha256 ?sha . OPTIONAL { ?d wsh:layout ?layout }
}"""
)
_STAMP = (
    SPARQL_PREFIXES
    + f"SELECT ?version WHERE {{ GRAPH {DERIVED_GRAPH.n3()} {{ "
    + f"{DERIVED_GRAPH.n3()} wsh:builtFrom ?version }} }}"
)


def reports_version(dataset: Dataset) -> str | None:
    """The version of the stored reports, as the derived graph and the search index record what
    they were built from: a digest of every report's id, text digest and graph layout (and of
    what the derived graph computes), or None when no report is stored."""
    rows = sorted(
        f"{row['id']}\t{row['sha']}\t{row['layout'] or ''}"
        for row in select_values(dataset, _REPORTS)
    )
    if not rows:
        return None
    text = "\n".join([f"derived layout {DERIVED_LAYOUT}", *rows])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def derived_version(dataset: Dataset) -> str | None:
    """The version of the reports the stored derived graph was built from, None if unstamped."""
    versions = [row["version"] for row in select_values(dataset, _STAMP)]
    return str(versions[0]) if len(versions) == 1 else None


def derived_graph(dataset: Dataset, english: EnglishLabeller | None = None) -> Graph:
    """Recomputed after every change: one preferred label per entity and language (the
    longest name, 海尔集团 over 海尔, unless reference data gives one); an English label,
    marked with its source (`wsh:englishLabelSource`), for entities the reports name that have
    none, when `english` finds one; and `servesGoal` from an initiative to every initiative
    whose name or alias its own name contains. The graph names the version of the reports it
    was built from (`wsh:builtFrom`), written with it in one atomic write."""
    graph = new_graph(DERIVED_GRAPH)
    version = reports_version(dataset)
    if version is not None:
        graph.add((DERIVED_GRAPH, WSH.builtFrom, Literal(version)))
    names: dict[tuple[Any, str], set[str]] = {}
    labelled: set[tuple[Any, str]] = set()
    all_names: dict[Any, set[str]] = {}
    initiatives: set[Any] = set()
    kinds: dict[Any, str] = {}
    # plain values: an rdflib Literal per name (its language tag checked by a regex) was a third
    # of the query's time
    for row in select_values(dataset, _NAMES):
        entity, kind, name, lang, how = row["e"], row["type"], row["name"], row["lang"], row["how"]
        kinds[entity] = str(kind).rsplit("#", 1)[-1]
        if kind == WSH.Initiative:
            initiatives.add(entity)
        all_names.setdefault(entity, set()).add(name)
        if how == "name":
            names.setdefault((entity, lang), set()).add(name)
        elif how == "label":
            labelled.add((entity, lang))
    preferred: dict[Any, str] = {}
    for (entity, lang), options in names.items():
        if (entity, lang) not in labelled:
            best = max(options, key=_label_preference)
            graph.add((entity, RDFS.label, Literal(best, lang=lang or None)))
            if lang == "zh":
                preferred[entity] = best
    if english is not None:
        english_named = {e for e, lang in names.keys() | labelled if lang == "en"}
        countries = {row["e"]: row["iso"] for row in select_values(dataset, _COUNTRIES)}
        for entity, zh in preferred.items():
            found = None if entity in english_named else english(
                zh, kinds[entity], countries.get(entity, "")
            )
            if found:
                graph.add((entity, RDFS.label, Literal(found[0], lang="en")))
                graph.add((entity, WSH.englishLabelSource, Literal(found[1])))
    for entity in initiatives:
        own = all_names.get(entity, set())
        for goal in initiatives - {entity}:
            keys = {n for n in all_names.get(goal, set()) if len(n) >= 2}
            if any(k in n and k != n for k in keys for n in own):
                graph.add((entity, WSH.servesGoal, goal))
    return graph
