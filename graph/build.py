"""Building triples: one named graph per document, holding its sentences, mentions and facts,
each fact reified with its provenance (sentence, span, rule, confidence); and the descriptions of
the entities it names, which go to the one shared entities graph.

Each triple is stored once. A description repeated in every report that names the entity would
sit in many named graphs, and Oxigraph's union default graph returns such a triple once per graph:
every join over it multiplies (a million-triple store answered in seconds instead of
milliseconds). So a report's graph keeps only its linker output as `wsh:entityRecord` (JSON of
the `EntityRef`), from which the entities graph is rebuilt when a report is removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from graph.namespaces import GEO, GN, WD, WSD, WSH, bind_prefixes, document_graph
from ingest.model import EntityRef, Extraction, Fact

# how a report's graph is laid out; a report stored with another layout is rebuilt on ingest
GRAPH_LAYOUT = "2"  # 2: entity descriptions in the shared entities graph

_QUALIFIER_PREDICATES = {
    "year": (WSH.year, XSD.gYear),
    "status": (WSH.status, None),
    "basis": (WSH.basis, None),
    "agreement": (WSH.agreement, None),
    "instrument": (WSH.instrument, None),
    "role": (WSH.role, None),
    "noun": (WSH.noun, None),
    "unit": (WSH.unit, None),
}


def entity_iri(key: str) -> URIRef:
    return WSD[quote(key, safe="/-_.")]


def sentence_iri(doc_id: str, index: int) -> URIRef:
    return WSD[f"doc/{doc_id}/s{index}"]


def document_iri(doc_id: str) -> URIRef:
    return WSD[f"doc/{doc_id}"]


def describe_entity(graph: Graph, ref: EntityRef) -> URIRef:
    """Type, labels, country and identifiers of an entity."""
    iri = entity_iri(ref.key)
    graph.add((iri, RDF.type, WSH[ref.type]))
    # reference entities carry their one label; extracted ones a name, from which the derived
    # graph picks the preferred label across documents (海尔集团 over 海尔)
    label_predicate = RDFS.label if ref.source.startswith("reference") else WSH.name
    graph.add((iri, label_predicate, Literal(ref.label_zh, lang="zh")))
    if ref.label_en:
        graph.add((iri, label_predicate, Literal(ref.label_en, lang="en")))
    for alias in ref.aliases:
        graph.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
    if ref.country and ref.type != "Country":
        country = entity_iri(f"country/{ref.country}")
        graph.add((iri, WSH.country, country))
        if ref.type in ("City", "Region"):
            graph.add((iri, WSH.locatedIn, country))
    ids = dict(ref.ids)
    if ref.type == "Country" and ref.country:
        graph.add((iri, WSH.iso2, Literal(ref.country)))
    if ids.get("geonames") or ids.get("geonameid"):
        gid = ids.get("geonames") or ids["geonameid"]
        graph.add((iri, WSH.geonamesId, Literal(gid)))
        graph.add((iri, OWL.sameAs, GN[f"{gid}/"]))
    if ids.get("wikidata"):
        graph.add((iri, OWL.sameAs, WD[ids["wikidata"]]))
    if ids.get("lat") and ids.get("lon"):
        graph.add((iri, GEO.lat, Literal(ids["lat"], datatype=XSD.decimal)))
        graph.add((iri, GEO.long, Literal(ids["lon"], datatype=XSD.decimal)))
    if ref.source:
        graph.add((iri, DCTERMS.source, Literal(ref.source)))
    return iri


def describe_entities(refs: Iterable[EntityRef], identifier: URIRef | None = None) -> Graph:
    graph = Graph(identifier=identifier)
    bind_prefixes(graph)
    for ref in refs:
        describe_entity(graph, ref)
    return graph


def document_entities(extraction: Extraction) -> list[EntityRef]:
    """The entities a report names, each with the surfaces it was written as among its
    aliases (海尔 for 海尔集团)."""
    surfaces: dict[str, list[str]] = {}
    for mention in extraction.mentions:
        known = surfaces.setdefault(mention.entity.key, [])
        if mention.surface not in known:
            known.append(mention.surface)
    refs = {ref.key: ref for ref in extraction.entities}
    for mention in extraction.mentions:
        refs.setdefault(mention.entity.key, mention.entity)
    return [
        dataclasses.replace(
            ref,
            aliases=ref.aliases + tuple(s for s in surfaces.get(key, []) if s not in ref.aliases),
        )
        for key, ref in refs.items()
    ]


def entity_record(ref: EntityRef) -> Literal:
    return Literal(json.dumps(dataclasses.asdict(ref), ensure_ascii=False, sort_keys=True))


def record_entity(text: str) -> EntityRef:
    """The `EntityRef` an `entity_record` literal holds."""
    fields = json.loads(text)
    fields["aliases"] = tuple(fields.get("aliases", ()))
    fields["ids"] = tuple(tuple(pair) for pair in fields.get("ids", ()))
    return EntityRef(**fields)


def document_triples(extraction: Extraction) -> Graph:
    """The named graph of one document (its IRI is `document_graph(doc_id)`); the entities it
    names are described by `describe_entities(document_entities(extraction))`."""
    doc = extraction.document
    graph = Graph(identifier=URIRef(document_graph(doc.doc_id)))
    bind_prefixes(graph)
    doc_iri = document_iri(doc.doc_id)
    graph.add((doc_iri, RDF.type, WSH.Document))
    graph.add((doc_iri, DCTERMS.title, Literal(doc.title, lang="zh")))
    graph.add((doc_iri, DCTERMS.identifier, Literal(doc.doc_id)))
    graph.add((doc_iri, WSH.sha256, Literal(doc.sha256)))
    graph.add((doc_iri, WSH.sourcePath, Literal(doc.source_path)))
    graph.add((doc_iri, WSH["format"], Literal(doc.fmt)))
    graph.add((doc_iri, WSH.layout, Literal(GRAPH_LAYOUT)))
    if doc.year:
        graph.add((doc_iri, WSH.year, Literal(str(doc.year), datatype=XSD.gYear)))
    for sentence in extraction.sentences:
        s_iri = sentence_iri(doc.doc_id, sentence.index)
        graph.add((s_iri, RDF.type, WSH.Sentence))
        graph.add((s_iri, WSH.inDocument, doc_iri))
        graph.add((s_iri, WSH.text, Literal(sentence.text, lang="zh")))
        graph.add((s_iri, WSH["index"], Literal(sentence.index)))
        graph.add((s_iri, WSH.start, Literal(sentence.start)))
        graph.add((s_iri, WSH.end, Literal(sentence.end)))
        if sentence.section:
            graph.add((s_iri, WSH.section, Literal(" / ".join(sentence.section), lang="zh")))
        if sentence.context:
            graph.add((s_iri, WSH.context, Literal(sentence.context, lang="zh")))
    for ref in document_entities(extraction):
        graph.add((entity_iri(ref.key), WSH.mentionedIn, doc_iri))
        graph.add((doc_iri, WSH.entityRecord, entity_record(ref)))
    for k, mention in enumerate(extraction.mentions):
        m_iri = WSD[f"doc/{doc.doc_id}/m{k}"]
        graph.add((m_iri, RDF.type, WSH.Mention))
        graph.add((m_iri, WSH.mentionOf, entity_iri(mention.entity.key)))
        graph.add((m_iri, WSH.inSentence, sentence_iri(doc.doc_id, mention.sentence)))
        graph.add((m_iri, WSH.surface, Literal(mention.surface, lang="zh")))
        graph.add((m_iri, WSH.start, Literal(mention.start)))
        graph.add((m_iri, WSH.end, Literal(mention.end)))
        graph.add((m_iri, WSH.rule, Literal(mention.rule)))
        graph.add((m_iri, WSH.confidence, Literal(mention.confidence)))
    for fact in extraction.facts:
        add_fact(graph, fact)
    return graph


def add_fact(graph: Graph, fact: Fact) -> URIRef:
    """The direct triple for querying, and a reified `wsh:Fact` carrying its provenance."""
    prov = fact.provenance
    digest = hashlib.sha1(
        f"{fact.subject}|{fact.predicate}|{fact.object}|{prov.sentence}|{prov.start}|{prov.end}|"
        f"{prov.rule}|{sorted(fact.qualifiers)}".encode()
    ).hexdigest()[:16]
    f_iri = WSD[f"doc/{prov.doc_id}/f{digest}"]
    subject = entity_iri(fact.subject)
    predicate = WSH[fact.predicate]
    qualifiers = dict(fact.qualifiers)
    if fact.literal:
        obj: URIRef | Literal = f_iri  # a quantity: the fact node itself holds the value
        graph.add((f_iri, RDF.type, WSH.Quantity))
        graph.add((f_iri, RDF.value, Literal(int(float(fact.object)))))
    else:
        obj = entity_iri(fact.object)
        graph.add((f_iri, RDF.type, WSH.Fact))
    graph.add((subject, predicate, obj))
    graph.add((f_iri, RDF.subject, subject))
    graph.add((f_iri, RDF.predicate, predicate))
    graph.add((f_iri, RDF.object, obj))
    graph.add((f_iri, PROV.wasDerivedFrom, sentence_iri(prov.doc_id, prov.sentence)))
    graph.add((f_iri, WSH.start, Literal(prov.start)))
    graph.add((f_iri, WSH.end, Literal(prov.end)))
    graph.add((f_iri, WSH.rule, Literal(prov.rule)))
    graph.add((f_iri, WSH.confidence, Literal(prov.confidence)))
    for key, value in qualifiers.items():
        pred, datatype = _QUALIFIER_PREDICATES.get(key, (WSH[key], None))
        graph.add((f_iri, pred, Literal(value, datatype=datatype)))
    return f_iri
