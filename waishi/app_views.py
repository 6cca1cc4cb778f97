"""What the app shows, computed away from Gradio: the workspace behind one lock with the views
it has read from the store (graph, goal links, entities, documents, sentences), re-read after
every write and whenever another writer changed the store, and the document tables."""

from __future__ import annotations

import bisect
import hashlib
import html
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from rdflib import Literal

from graph.namespaces import SPARQL_PREFIXES
from graph.queries import select_values
from graph.views import (
    country_name,
    document_entities,
    entity_card_html,
    entity_evidence,
    goal_links,
)
from graph.visual import TYPE_STYLES, node_label
from waishi.workspace import Workspace

log = logging.getLogger("waishi.app")

WARM_QUESTIONS = ("Which partners support SCO goals?", "2022年新结好了哪些国际友城？")


def example_queries() -> dict[str, str]:
    """Title -> text of the example queries in search/queries/, in file-name order; each
    file's first line is `# title`."""
    folder = resources.files("search").joinpath("queries")
    queries = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".rq"):
            title, _, text = item.read_text(encoding="utf-8").partition("\n")
            queries[title.removeprefix("#").strip()] = text.strip()
    return queries


@dataclass(frozen=True)
class Sentence:
    """A sentence of a stored report: its position among the report's sentences, its offsets
    in the report, and its text."""

    doc: str
    index: int
    start: int
    end: int
    text: str


_SENTENCES = SPARQL_PREFIXES + """
SELECT ?start ?end ?text WHERE {
  ?d dcterms:identifier __DOC__ . ?s wsh:inDocument ?d ; wsh:start ?start ; wsh:end ?end ;
     wsh:text ?text .
}"""


class Views:
    """The workspace behind one lock, with what the pages show read from the store. `refresh`
    re-reads it after a write; `sync` does when another writer changed the store; `generation`
    counts the re-reads, so that a page can tell it is behind."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.lock = threading.RLock()
        self.out_dir = Path(tempfile.mkdtemp(prefix="waishi-app-"))
        self.generation = 0
        self.refresh()

    def warm_in_background(self) -> None:
        """Load the models while the page is already served; a question asked meanwhile
        waits for the lock instead of loading them a second time."""
        threading.Thread(target=self.warm, name="waishi-warm", daemon=True).start()

    def warm(self) -> None:
        with self.lock:
            started = time.monotonic()
            for question in WARM_QUESTIONS:  # English and Chinese take different paths
                self.ws.ask(question)
            log.info("warm after %.1f s", time.monotonic() - started)

    def refresh(self) -> None:
        with self.lock:
            self.documents: dict[str, dict[str, str]] = self.ws.documents()
            self.fingerprint = _fingerprint(self.documents)
            self.graph: nx.MultiDiGraph = self.ws.network()
            self.links = goal_links(self.ws.dataset, self.ws.settings.home_country)
            self.entities = {str(e["iri"]): e for e in self.ws.entities()}
            self.home = self.ws.pipeline_home_city() or None
            self._cache: dict[tuple[str, ...], Any] = {}
            self.generation += 1

    def sync(self) -> int:
        """Re-read the store if another writer (another process on a shared store) changed
        its reports since the last read; the generation, new or not."""
        # read without the lock: a question loading the models holds it for seconds
        if _fingerprint(self.ws.documents()) != self.fingerprint:
            with self.lock:
                if _fingerprint(self.ws.documents()) != self.fingerprint:
                    log.info("the store changed outside this app: re-reading it")
                    self.ws.refresh_index()
                    self.refresh()
        return self.generation

    # -- lookups ---------------------------------------------------------------------------

    def choices(self) -> list[tuple[str, str]]:
        """(shown name, IRI) of every entity, for the dropdowns."""
        return sorted((self.entity_name(iri, with_type=True), iri) for iri in self.graph)

    def entity_name(self, iri: str, *, with_type: bool = False) -> str:
        attrs = self.graph.nodes[iri] if iri in self.graph else self.entities.get(iri, {})
        name = node_label(attrs, iri).replace("\n", " · ")
        if not with_type:
            return name
        style = TYPE_STYLES.get(str(attrs.get("type")))
        return f"{name} [{style.zh if style else attrs.get('type', '?')}]"

    def country(self, iri: str) -> str:
        attrs = self.graph.nodes[iri] if iri in self.graph else {}
        iso = str(attrs.get("country") or "")
        if not iso and attrs.get("type") == "Country":
            iso = iri.rsplit("/", 1)[-1]
        return country_name(self.graph, iso)

    def card(self, iri: str | None) -> str:
        if not iri:
            return ('<p class="hint">点击图中的节点查看卡片，双击展开邻居 · click a node to see '
                    "its card, double-click it to expand its neighbours</p>")
        if iri not in self.graph and iri not in self.entities:
            return (f'<p class="hint">图中没有这个实体 · not an entity of the graph: '
                    f"<code>{html.escape(iri)}</code></p>")
        with self.lock:
            evidence = entity_evidence(self.ws.dataset, iri)
        for item in evidence:  # a link that opens the report at the sentence
            found = self.sentence_at(item["doc"], item["offset"])
            if found is not None:
                item["read"] = f"{found.doc}|{found.index}|{iri}"
        return entity_card_html(self.graph, iri, self.entities.get(iri), evidence,
                                self.links.get(iri))

    def cached(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        """`compute()`, once per generation: what the store said stays true until it changes."""
        with self.lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def select(self, query: str) -> list[dict[str, Any]]:
        with self.lock:
            return select_values(self.ws.dataset, query)

    def sentences(self, doc: str) -> list[Sentence]:
        """A report's sentences in order."""
        def read() -> list[Sentence]:
            query = _SENTENCES.replace("__DOC__", Literal(doc).n3())  # escaped by rdflib
            spans = sorted((int(r["start"]), int(r["end"]), str(r["text"]))
                           for r in self.select(query))
            return [Sentence(doc, k, s, e, t) for k, (s, e, t) in enumerate(spans)]

        return self.cached(("sentences", doc), read)

    def sentence_at(self, doc: str, offset: int) -> Sentence | None:
        """The sentence of a report holding a document offset."""
        sentences = self.sentences(doc)
        k = bisect.bisect_right([s.start for s in sentences], offset) - 1
        if 0 <= k < len(sentences) and sentences[k].start <= offset < sentences[k].end:
            return sentences[k]
        return None

    def title(self, doc: str) -> str:
        return str(self.documents.get(doc, {}).get("title") or doc)


def _fingerprint(documents: dict[str, dict[str, str]]) -> str:
    """What changes when a report is added, replaced or removed."""
    digest = hashlib.sha1()
    for doc_id, info in sorted(documents.items()):
        digest.update(f"{doc_id}\0{info.get('sha256')}\0{info.get('layout')}\n".encode())
    return digest.hexdigest()


# -- Documents -------------------------------------------------------------------------------------

DOC_COLUMNS = ["文档 Document", "标题 Title", "年份 Year", "实体 Entities", "事实 Facts"]
ENTITY_COLUMNS = ["实体 Entity", "英文 English", "类型 Type", "国家 Country"]


def documents_table(views: Views) -> pd.DataFrame:
    rows = [[d, v["title"], v["year"], int(v["entities"] or 0), int(v["facts"] or 0)]
            for d, v in views.documents.items()]
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


def document_entities_table(views: Views, doc_id: str | None) -> pd.DataFrame:
    if not doc_id or doc_id not in views.documents:
        return pd.DataFrame(columns=ENTITY_COLUMNS)
    with views.lock:
        rows = document_entities(views.ws.dataset, doc_id)
    return pd.DataFrame([[r["label"], r["label_en"], _type_name(r["type"]),
                          country_name(views.graph, r["country"])] for r in rows],
                        columns=ENTITY_COLUMNS)


def _type_name(kind: str) -> str:
    style = TYPE_STYLES.get(kind)
    return f"{style.zh} {style.en}" if style else kind


def counts_text(views: Views) -> str:
    """One line on what the store holds, shown at the top of the page."""
    docs = views.documents
    facts = sum(int(v.get("facts") or 0) for v in docs.values())
    return (f"**{len(docs)}** 篇报告 reports · **{views.graph.number_of_nodes()}** 个实体 "
            f"entities · **{facts}** 条事实 facts")


def page_values(views: Views) -> dict[str, Any]:
    """What every page shows from the store, for a page load and after a change."""
    return {"documents": documents_table(views), "doc_ids": list(views.documents),
            "choices": views.choices(), "counts": counts_text(views),
            "generation": views.generation}
