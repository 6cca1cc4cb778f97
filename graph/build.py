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
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from graph.built_store import BuiltGraphStore
from graph.namespaces import GEO, GN, WD, WSD, WSH, document_graph
from ingest.model import EntityRef, Extraction, Fact, Mention, Sentence

# how a report's graph is laid out; a report stored with another layout is rebuilt on ingest
GRAPH_LAYOUT = "3"  # 2: entity descriptions in the shared entities graph; 3: the home place

# Terms used for every report, made once: an attribute of an rdflib namespace builds and checks a
# new URIRef on every access, and a report's graph makes tens of thousands of them.
_TYPE, _VALUE = RDF.type, RDF.value
_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = RDF.subject, RDF.predicate, RDF.object
_DERIVED_FROM = PROV.wasDerivedFrom
_TITLE, _IDENTIFIER = DCTERMS.title, DCTERMS.identifier
_DOCUMENT, _SENTENCE, _MENTION = WSH.Document, WSH.Sentence, WSH.Mention
_FACT, _QUANTITY = WSH.Fact, WSH.Quantity
_SHA256, _SOURCE_PATH, _FORMAT, _LAYOUT = WSH.sha256, WSH.sourcePath, WSH["format"], WSH.layout
_YEAR, _IN_DOCUMENT, _TEXT = WSH.year, WSH.inDocument, WSH.text
_START, _END, _SECTION, _CONTEXT = WSH.start, WSH.end, WSH.section, WSH.context
_MENTIONED_IN, _ENTITY_RECORD = WSH.mentionedIn, WSH.entityRecord
_MENTION_OF, _IN_SENTENCE = WSH.mentionOf, WSH.inSentence
_RULE, _CONFIDENCE = WSH.rule, WSH.confidence
_LAYOUT_LITERAL = Literal(GRAPH_LAYOUT)
_LABEL, _NAME, _ALT_LABEL = RDFS.label, WSH.name, SKOS.altLabel
_COUNTRY, _LOCATED_IN, _ISO2 = WSH.country, WSH.locatedIn, WSH.iso2
_GEONAMES_ID, _SAME_AS, _LAT, _LONG = WSH.geonamesId, OWL.sameAs, GEO.lat, GEO.long
_DC_SOURCE = DCTERMS.source
_HOME_PLACE, _HOME_NOTE = WSH.homePlace, WSH.homePlaceNote

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


def _adder(graph: Graph) -> Callable[[tuple[Node, Node, Node]], None]:
    """`graph.add` without rdflib's three isinstance checks per triple, which went through the
    ABC machinery: every term added here is made by this module as an rdflib term."""
    return partial(graph.store.add, context=graph)


def new_graph(identifier: URIRef | None = None) -> Graph:
    """An empty graph to build into. It binds no prefixes: built graphs are written as
    N-Triples, and a namespace manager (which refers back to its graph) would make each one a
    reference cycle, with its thousands of index dicts, that only the cycle collector frees."""
    return Graph(store=BuiltGraphStore(), identifier=identifier)


@lru_cache(maxsize=1 << 16)
def entity_iri(key: str) -> URIRef:
    return WSD[quote(key, safe="/-_.")]


@lru_cache(maxsize=1 << 16, typed=True)  # typed: 1, 1.0 and True are different literals
def _literal(value: int | float | str) -> Literal:
    """A plain literal (an offset, a confidence, a rule name): they repeat across reports."""
    return Literal(value)


@lru_cache(maxsize=1 << 16)
def _zh(text: str) -> Literal:
    """A short Chinese literal that repeats (a label, an alias)."""
    return Literal(text, lang="zh")


def sentence_iri(doc_id: str, index: int) -> URIRef:
    return WSD[f"doc/{doc_id}/s{index}"]


def document_iri(doc_id: str) -> URIRef:
    return WSD[f"doc/{doc_id}"]


def describe_entity(graph: Graph, ref: EntityRef) -> URIRef:
    """Type, labels, country and identifiers of an entity."""
    iri = entity_iri(ref.key)
    add = _adder(graph)
    add((iri, _TYPE, WSH[ref.type]))
    # reference entities carry their one label; extracted ones a name, from which the derived
    # graph picks the preferred label across documents (海尔集团 over 海尔)
    label_predicate = _LABEL if ref.source.startswith("reference") else _NAME
    add((iri, label_predicate, _zh(ref.label_zh)))
    if ref.label_en:
        add((iri, label_predicate, Literal(ref.label_en, lang="en")))
    for alias in ref.aliases:  # a report's English surface (Tunis) is an English alias
        add((iri, _ALT_LABEL, Literal(alias, lang="en") if alias.isascii() else _zh(alias)))
    if ref.country and ref.type != "Country":
        country = entity_iri(f"country/{ref.country}")
        add((iri, _COUNTRY, country))
        if ref.type in ("City", "Region"):
            add((iri, _LOCATED_IN, country))
    ids = dict(ref.ids)
    if ref.type == "Country" and ref.country:
        add((iri, _ISO2, _literal(ref.country)))
    if ids.get("geonames") or ids.get("geonameid"):
        gid = ids.get("geonames") or ids["geonameid"]
        add((iri, _GEONAMES_ID, _literal(gid)))
        add((iri, _SAME_AS, GN[f"{gid}/"]))
    if ids.get("wikidata"):
        add((iri, _SAME_AS, WD[ids["wikidata"]]))
    if ids.get("lat") and ids.get("lon"):
        add((iri, _LAT, Literal(ids["lat"], datatype=XSD.decimal)))
        add((iri, _LONG, Literal(ids["lon"], datatype=XSD.decimal)))
    if ref.source:
        add((iri, _DC_SOURCE, _literal(ref.source)))
    return iri


def describe_entities(refs: Iterable[EntityRef], identifier: URIRef | None = None) -> Graph:
    graph = new_graph(identifier)
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
    # the fields as they are (tuples are JSON lists): `dataclasses.asdict` deep-copies them all
    fields = {field.name: getattr(ref, field.name) for field in dataclasses.fields(ref)}
    return Literal(json.dumps(fields, ensure_ascii=False, sort_keys=True))


def record_entity(text: str) -> EntityRef:
    """The `EntityRef` an `entity_record` literal holds."""
    fields = json.loads(text)
    fields["aliases"] = tuple(fields.get("aliases", ()))
    fields["ids"] = tuple(tuple(pair) for pair in fields.get("ids", ()))
    return EntityRef(**fields)


def document_triples(extraction: Extraction, entities: list[EntityRef] | None = None) -> Graph:
    """The named graph of one document (its IRI is `document_graph(doc_id)`); the entities it
    names (`entities`, when the caller has them: `document_entities(extraction)`) are described
    by `describe_entities`. It is `document_header` and every `document_body` chunk together."""
    graph = document_header(extraction, entities)
    _add_body(
        graph, extraction, extraction.sentences, enumerate(extraction.mentions), extraction.facts
    )
    return graph


def document_header(extraction: Extraction, entities: list[EntityRef] | None = None) -> Graph:
    """The part of a document's graph that is not its sentences, mentions and facts: the
    document's own triples and the records of the entities it names."""
    doc = extraction.document
    graph = new_graph(URIRef(document_graph(doc.doc_id)))
    add = _adder(graph)
    doc_iri = document_iri(doc.doc_id)
    for triple in document_node(extraction):
        add(triple)
    refs = entities if entities is not None else document_entities(extraction)
    if extraction.home is not None and any(r.key == extraction.home.key for r in refs):
        add((doc_iri, _HOME_PLACE, entity_iri(extraction.home.key)))
    if extraction.home_note:
        add((doc_iri, _HOME_NOTE, Literal(extraction.home_note)))
    for ref in refs:
        add((entity_iri(ref.key), _MENTIONED_IN, doc_iri))
        add((doc_iri, _ENTITY_RECORD, entity_record(ref)))
    return graph


def document_node(extraction: Extraction) -> list[tuple[Node, Node, Node]]:
    """The triples that make the document a `wsh:Document` (its type, title, digest …)."""
    doc = extraction.document
    doc_iri = document_iri(doc.doc_id)
    triples: list[tuple[Node, Node, Node]] = [
        (doc_iri, _TYPE, _DOCUMENT),
        (doc_iri, _TITLE, Literal(doc.title, lang="zh")),
        (doc_iri, _IDENTIFIER, Literal(doc.doc_id)),
        (doc_iri, _SHA256, Literal(doc.sha256)),
        (doc_iri, _SOURCE_PATH, Literal(doc.source_path)),
        (doc_iri, _FORMAT, Literal(doc.fmt)),
        (doc_iri, _LAYOUT, _LAYOUT_LITERAL),
    ]
    if doc.year:
        triples.append((doc_iri, _YEAR, Literal(str(doc.year), datatype=XSD.gYear)))
    return triples


def document_body(extraction: Extraction, sentences_per_chunk: int) -> Iterator[Graph]:
    """The rest of a document's graph, in chunks of up to `sentences_per_chunk` sentences,
    each with the mentions and facts found in them (a mention or fact refers to its sentence,
    so each chunk holds what SHACL checks of its nodes, given the document's own triples).
    The chunks and `document_header` together are exactly `document_triples`."""
    sentences = extraction.sentences
    size = max(1, sentences_per_chunk)
    bounds = [s.index for s in sentences[::size]]
    chunk_of = partial(bisect_right, bounds)  # sentence index -> chunk number, from 1
    mentions: dict[int, list[tuple[int, Mention]]] = {}
    for k, mention in enumerate(extraction.mentions):
        mentions.setdefault(max(chunk_of(mention.sentence) - 1, 0), []).append((k, mention))
    facts: dict[int, list[Fact]] = {}
    for fact in extraction.facts:
        facts.setdefault(max(chunk_of(fact.provenance.sentence) - 1, 0), []).append(fact)
    for number in range(max(len(bounds), 1)):
        graph = new_graph(URIRef(document_graph(extraction.document.doc_id)))
        _add_body(
            graph,
            extraction,
            sentences[number * size : (number + 1) * size],
            mentions.pop(number, []),
            facts.pop(number, []),
        )
        yield graph


def _add_body(
    graph: Graph,
    extraction: Extraction,
    sentences: Iterable[Sentence],
    mentions: Iterable[tuple[int, Mention]],
    facts: Iterable[Fact],
) -> None:
    """Sentences, mentions (each with its number in the document) and facts, into `graph`."""
    doc = extraction.document
    add = _adder(graph)
    doc_iri = document_iri(doc.doc_id)
    placed: dict[int, URIRef] = {}
    for sentence in sentences:
        s_iri = placed[sentence.index] = sentence_iri(doc.doc_id, sentence.index)
        add((s_iri, _TYPE, _SENTENCE))
        add((s_iri, _IN_DOCUMENT, doc_iri))
        add((s_iri, _TEXT, Literal(sentence.text, lang="zh")))
        add((s_iri, _START, _literal(sentence.start)))
        add((s_iri, _END, _literal(sentence.end)))
        if sentence.section:
            add((s_iri, _SECTION, Literal(" / ".join(sentence.section), lang="zh")))
        if sentence.context:
            add((s_iri, _CONTEXT, Literal(sentence.context, lang="zh")))
    # a mention's surface is not stored: it is the document's text at its span, which its
    # sentence holds (wsh:text from wsh:start), and it is among the entity's aliases
    mention_prefix = f"doc/{doc.doc_id}/m"
    for k, mention in mentions:
        m_iri = WSD[f"{mention_prefix}{k}"]
        in_sentence = placed.get(mention.sentence) or sentence_iri(doc.doc_id, mention.sentence)
        add((m_iri, _TYPE, _MENTION))
        add((m_iri, _MENTION_OF, entity_iri(mention.entity.key)))
        add((m_iri, _IN_SENTENCE, in_sentence))
        add((m_iri, _START, _literal(mention.start)))
        add((m_iri, _END, _literal(mention.end)))
        # the rule, which the home-city queries read; not the confidence, which no query reads
        # (a fact keeps both): a quad fewer for each of a report's hundreds of mentions
        add((m_iri, _RULE, _literal(mention.rule)))
    for fact in facts:
        add_fact(graph, fact)


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
    add = _adder(graph)
    if fact.literal:
        obj: URIRef | Literal = f_iri  # a quantity: the fact node itself holds the value
        add((f_iri, _TYPE, _QUANTITY))
        add((f_iri, _VALUE, Literal(int(float(fact.object)))))
    else:
        obj = entity_iri(fact.object)
        add((f_iri, _TYPE, _FACT))
    add((subject, predicate, obj))
    add((f_iri, _RDF_SUBJECT, subject))
    add((f_iri, _RDF_PREDICATE, predicate))
    add((f_iri, _RDF_OBJECT, obj))
    add((f_iri, _DERIVED_FROM, sentence_iri(prov.doc_id, prov.sentence)))
    add((f_iri, _START, _literal(prov.start)))
    add((f_iri, _END, _literal(prov.end)))
    add((f_iri, _RULE, _literal(prov.rule)))
    add((f_iri, _CONFIDENCE, _literal(prov.confidence)))
    for key, value in qualifiers.items():
        pred, datatype = _QUALIFIER_PREDICATES.get(key, (WSH[key], None))
        add((f_iri, pred, Literal(value, datatype=datatype)))
    return f_iri
