"""What the app shows, computed away from Gradio: the workspace behind one lock with its graph
views, answer rows, SPARQL result tables, document tables and the example queries."""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import networkx as nx
import pandas as pd

from graph.views import (
    country_name,
    document_entities,
    entity_card_html,
    entity_evidence,
    evidence_html,
    goal_links,
    sentence_starts,
)
from graph.visual import TYPE_STYLES, node_label
from search.sparql import formats_for, run_query, serialize
from waishi.errors import WaishiError
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


class Views:
    """The workspace behind one lock, with the graph views it has computed (recomputed after
    every change of the corpus)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.lock = threading.RLock()
        self.out_dir = Path(tempfile.mkdtemp(prefix="waishi-app-"))
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
            self.graph: nx.MultiDiGraph = self.ws.network()
            self.links = goal_links(self.ws.dataset)
            self.entities = {str(e["iri"]): e for e in self.ws.entities()}
            self.home = self.ws.pipeline_home_city() or None

    def choices(self) -> list[tuple[str, str]]:
        rows = []
        for iri, attrs in self.graph.nodes(data=True):
            style = TYPE_STYLES.get(str(attrs.get("type")))
            name = node_label(attrs, iri).replace("\n", " · ")
            rows.append((f"{name} [{style.zh if style else attrs.get('type')}]", iri))
        return sorted(rows)

    def country(self, iri: str) -> str:
        attrs = self.graph.nodes[iri] if iri in self.graph else {}
        iso = str(attrs.get("country") or "")
        if not iso and attrs.get("type") == "Country":
            iso = iri.rsplit("/", 1)[-1]
        return country_name(self.graph, iso)

    def card(self, iri: str | None) -> str:
        if not iri:
            return "<p>点击图中的节点查看卡片 · click a node to see its card</p>"
        with self.lock:
            evidence = entity_evidence(self.ws.dataset, iri)
        return entity_card_html(self.graph, iri, self.entities.get(iri), evidence,
                                self.links.get(iri))


# -- Ask -----------------------------------------------------------------------------------------

ANSWER_COLUMNS = ["答案 Answer", "英文 English", "类型 Type", "国家 Country", "依据 Basis",
                  "理由 Why"]


def ask(views: Views, question: str) -> tuple[str, pd.DataFrame, str, str]:
    question = (question or "").strip()
    if not question:
        return "请输入问题 · type a question", pd.DataFrame(columns=ANSWER_COLUMNS), "", ""
    started = time.perf_counter()
    with views.lock:
        answer = views.ws.ask(question).to_json()
        starts = sentence_starts(views.ws.dataset, answer["evidence"])
    rows = []
    for row, inferred in [(r, False) for r in answer["answers"]] + \
                         [(r, True) for r in answer["inferred"]]:
        why = str(row["why"])
        if inferred or why.startswith("inferred"):
            basis = "推断 inferred"
        elif answer["intent"] == "membership":
            basis = "成员资格 membership"
        else:
            basis = "明确 explicit"
        label = unquote(str(row["label"]))  # an entity without a label shows its IRI's tail
        rows.append([label, row["label_en"], row["type"], views.country(row["iri"]),
                     basis, why])
    status = (f"«{question}» — **{len(answer['answers'])}** 个答案 answers · "
              f"**{len(answer['inferred'])}** 个推断 inferred · "
              f"意图 intent `{answer['intent']}` · 置信度 confidence {answer['confidence']} · "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
    if answer["fallback"] or answer["message"]:
        status += f"\n\n⚠️ {answer['message'] or 'no template fits: retrieval fallback'}"
    terms = [r["label"] for r in answer["answers"] + answer["inferred"]]
    evidence = evidence_html(answer["evidence"], starts, terms)
    return status, pd.DataFrame(rows, columns=ANSWER_COLUMNS), evidence, answer["sparql"]


# -- SPARQL ----------------------------------------------------------------------------------------


def _cell(term: object) -> str:
    return "" if term is None else str(term)


def run_sparql(views: Views, text: str) -> tuple[str, pd.DataFrame, list[str] | None]:
    if not (text or "").strip():
        return "请输入查询 · type a query", pd.DataFrame(), None
    settings = views.ws.settings
    try:
        with views.lock:
            result = run_query(views.ws.dataset, text, timeout_s=settings.query_timeout_s,
                               max_rows=settings.max_result_rows)
        files = []
        folder = Path(tempfile.mkdtemp(dir=views.out_dir))
        for fmt in formats_for(result.form):
            body, _ = serialize(result, fmt)
            name = {"json": "results.srj.json", "xml": "results.srx.xml",
                    "jsonld": "results.jsonld", "turtle": "results.ttl"}.get(fmt, f"results.{fmt}")
            (folder / name).write_bytes(body)
            files.append(str(folder / name))
    except WaishiError as exc:
        return f"⚠️ {exc}", pd.DataFrame(), None
    if result.form == "ASK":
        table = pd.DataFrame({"ASK": [str(result.boolean).lower()]})
    elif result.graph is not None:
        triples = sorted(result.graph)
        table = pd.DataFrame([[_cell(t) for t in triple] for triple in triples],
                             columns=["subject", "predicate", "object"])
    else:
        table = pd.DataFrame([[_cell(t) for t in row] for row in result.rows],
                             columns=list(result.variables))
    message = f"{result.form}: **{len(table)}** 行 rows"
    if result.truncated:
        message += f" (截断 truncated at {settings.max_result_rows})"
    return message, table, files


# -- Documents -------------------------------------------------------------------------------------

DOC_COLUMNS = ["文档 Document", "标题 Title", "年份 Year", "实体 Entities", "事实 Facts"]
ENTITY_COLUMNS = ["实体 Entity", "英文 English", "类型 Type", "国家 Country"]


def documents_table(views: Views) -> pd.DataFrame:
    with views.lock:
        docs = views.ws.documents()
    rows = [[d, v["title"], v["year"], int(v["entities"] or 0), int(v["facts"] or 0)]
            for d, v in docs.items()]
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


def document_entities_table(views: Views, doc_id: str | None) -> pd.DataFrame:
    if not doc_id:
        return pd.DataFrame(columns=ENTITY_COLUMNS)
    with views.lock:
        rows = document_entities(views.ws.dataset, doc_id)
    return pd.DataFrame([[r["label"], r["label_en"], r["type"],
                          country_name(views.graph, r["country"])] for r in rows],
                        columns=ENTITY_COLUMNS)
