"""The analyst's web app, thin UI wiring only: Ask, Explore, SPARQL and Documents tabs over one
Workspace, with what they show computed in `waishi.app_views` and `graph.visual`."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when gradio is imported

import logging
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
from gradio import utils as gradio_utils

from graph import visual, worldmap
from graph.network import shortest_path
from waishi.app_views import (
    ANSWER_COLUMNS,
    ENTITY_COLUMNS,
    Views,
    ask,
    document_entities_table,
    documents_table,
    example_queries,
    run_sparql,
)
from waishi.logins import LoginThrottle
from waishi.settings import Settings
from waishi.workspace import Workspace, upload_source

log = logging.getLogger("waishi.app")

SANS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei",
        "ui-sans-serif", "system-ui", "sans-serif"]
MONO = ["DejaVu Sans Mono", "ui-monospace", "Consolas", "monospace"]
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".docx", ".pdf"]

EXAMPLE_QUESTIONS = [
    "哪些合作伙伴支持上合组织目标？",
    "Which partners support RCEP goals?",
    "2022年新结好了哪些国际友城？",
    "Which partner cities are located in SCO member states?",
    "哪些合作伙伴城市位于上合组织成员国？",
    "青岛港与哪些外国港口合作？",
    "青岛有多少个国际友城？",
]

EXAMPLE_QUERIES = example_queries()

CSS = """
.waishi-evidence li { margin-bottom: .4em; line-height: 1.6; }
.waishi-evidence .doc, .waishi-card .doc { color: #6b7280; font-size: .85em; }
mark { background: #fde68a; padding: 0 2px; border-radius: 2px; }
.waishi-card dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; }
.waishi-card dd { margin: 0; word-break: break-all; }
.waishi-card h3 small { color: #6b7280; font-weight: 400; }
#node-bridge { display: none !important; }
#answers table, #sparql-results table, #documents table, #doc-entities table {
  font-family: var(--font); }
"""

# Listens for the graph iframe's clicks: the clicked IRI becomes this hidden component's
# value and a change event tells the server to show the card.
BRIDGE_JS = """
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.waishi !== 'node' || typeof data.iri !== 'string') return;
  props.value = data.iri;
  trigger('change');
});
"""


# -- Explore ---------------------------------------------------------------------------------------


def _explore_state(view: set[str], selected: str | None = None,
                   path: list[str] | None = None) -> dict[str, Any]:
    return {"view": sorted(view), "selected": selected, "path": path or []}


def render_graph(views: Views, state: dict[str, Any], types: list[str]) -> str:
    keep = [*state["path"], *([state["selected"]] if state["selected"] else [])]
    shown = visual.visible_nodes(views.graph, state["view"], types, keep)
    page = visual.graph_html(views.graph, shown, home=views.home, selected=state["selected"],
                             path=state["path"], links=views.links)
    return visual.iframe(page, height=620)


def first_state(views: Views) -> dict[str, Any]:
    return _explore_state(visual.first_view(views.graph, views.home))


def focus_state(views: Views, iri: str | None) -> dict[str, Any]:
    if not iri or iri not in views.graph:
        return first_state(views)
    return _explore_state(visual.neighbourhood(views.graph, iri), selected=iri)


def goal_state(views: Views, goals: list[str]) -> dict[str, Any]:
    if not goals:
        return first_state(views)
    return _explore_state(visual.goal_view(views.links, goals, views.graph))


def expand_state(views: Views, state: dict[str, Any]) -> dict[str, Any]:
    selected = state.get("selected")
    if not selected:
        return state
    view = set(state["view"]) | visual.neighbourhood(views.graph, selected)
    return _explore_state(view, selected, state["path"])


def path_state(views: Views, source: str | None, target: str | None) -> tuple[dict[str, Any], str]:
    if not source or not target:
        return first_state(views), "选择两个实体 · choose two entities"
    path = shortest_path(views.graph, source, target)
    if not path:
        return _explore_state({source, target}), "两者之间没有路径 · no path between them"
    names = " → ".join(visual.node_label(views.graph.nodes[n], n).split("\n")[0] for n in path)
    return _explore_state(set(path), path=path), f"路径 Path ({len(path) - 1} 步 hops): {names}"


# -- SPARQL ----------------------------------------------------------------------------------------


def export_graph(views: Views, fmt: str) -> str:
    suffix = {"turtle": "ttl", "jsonld": "jsonld", "graphml": "graphml", "nt": "nt"}[fmt]
    out = Path(tempfile.mkdtemp(dir=views.out_dir)) / f"waishi-graph.{suffix}"
    with views.lock:
        views.ws.export(out, fmt)
    return str(out)


# -- Documents -------------------------------------------------------------------------------------


def uploaded_through(app: gr.Blocks) -> Callable[[Path], bool]:
    """Whether a path is a file this app received through its upload route: a regular file, at
    the path Gradio's upload handler gave it (`Blocks.upload_file_set`), inside Gradio's upload
    folder (GRADIO_TEMP_DIR, else <tmp>/gradio). Anything else named in a request (a server
    path, a file another process left in the folder, a link) is not an upload."""
    folder = os.path.realpath(gradio_utils.get_upload_folder())

    def check(path: Path) -> bool:
        given = os.path.abspath(path)
        if given not in {os.path.abspath(p) for p in app.upload_file_set}:
            return False
        real = os.path.realpath(given)
        try:
            regular = stat.S_ISREG(os.lstat(given).st_mode)
        except OSError:
            return False
        return regular and os.path.commonpath([real, folder]) == folder

    return check


def ingest(views: Views, files: list[str] | None, progress: Callable[..., Any],
           uploaded: Callable[[Path], bool]) -> tuple[str, str | None]:
    if not files:
        return "请先选择文件 · choose files first", None
    paths = [Path(f) for f in files]
    refused = [p for p in paths if not uploaded(p)]
    for path in refused:  # the path stays in the log only: the message must not confirm it exists
        log.warning("ingest refused %s: not a file uploaded through the page", path)
    paths = [p for p in paths if p not in refused]
    with views.lock:
        report = views.ws.ingest(paths, progress=lambda f, text: progress(0.8 * f, desc=text),
                                 source=upload_source)
        if report.added or report.replaced:
            progress(0.85, desc="索引 indexing")
            views.ws.refresh_index()
        views.refresh()
    lines = [f"新增 added: {', '.join(report.added) or '—'}",
             f"更新 replaced: {', '.join(report.replaced) or '—'}",
             f"未变 unchanged: {', '.join(report.unchanged) or '—'}"]
    lines += [f"⚠️ {p.name}: 拒绝 refused: 只接受本页上传的文件 · only files uploaded on this "
              "page are read; upload it above" for p in refused]
    lines += [f"⚠️ {Path(p).name}: {message}" for p, message in report.failed]
    changed = [*report.added, *report.replaced, *report.unchanged]
    return " · ".join(lines[:3]) + "".join(f"\n\n{line}" for line in lines[3:]), \
        (changed[0] if changed else None)


def remove_document(views: Views, doc_id: str | None) -> str:
    if not doc_id:
        return "请选择文档 · choose a document"
    with views.lock:
        removed = views.ws.remove(doc_id)
        if removed:
            views.ws.refresh_index()
        views.refresh()
    return f"已删除 removed {doc_id}" if removed else f"没有文档 no document {doc_id}"


# -- the page --------------------------------------------------------------------------------------


def build_app(ws: Workspace, *, warm: bool = False) -> gr.Blocks:
    """The page over an open workspace; `warm` answers one question in the background so
    the first analyst's question does not pay for loading the models."""
    views = Views(ws)
    type_choices = [(f"{s.zh} {s.en}", t) for t, s in visual.TYPE_STYLES.items()]
    goal_choices = [(g.title, g.key) for g in visual.GOALS]
    doc_ids = list(ws.documents())

    with gr.Blocks(title="Waishi 外事", analytics_enabled=False) as app:
        gr.Markdown("# 外事知识图谱 · Waishi foreign-affairs knowledge graph")
        with gr.Tabs() as tabs:
            with gr.Tab("问答 Ask", id="ask"):
                with gr.Row():
                    question = gr.Textbox(label="问题 Question (中文 / English)", scale=5,
                                          placeholder=EXAMPLE_QUESTIONS[0], elem_id="question")
                    ask_button = gr.Button("提问 Ask", variant="primary", scale=1,
                                           elem_id="ask-button")
                gr.Examples(EXAMPLE_QUESTIONS, inputs=question, label="示例 Examples")
                status = gr.Markdown(elem_id="ask-status")
                answers = gr.Dataframe(headers=ANSWER_COLUMNS, label="答案 Answers",
                                       interactive=False, wrap=True, elem_id="answers")
                gr.Markdown("### 证据 Evidence")
                evidence = gr.HTML(elem_id="evidence")
                shown_sparql = gr.Code(label="SPARQL", language="sql", interactive=False,
                                       elem_id="ask-sparql")
                to_sparql = gr.Button("在 SPARQL 页编辑 · Open in SPARQL tab", size="sm")

            with gr.Tab("探索 Explore", id="explore") as explore_tab:
                with gr.Row():
                    search = gr.Dropdown(views.choices(), value=None,
                                         label="搜索实体 Search entity", filterable=True,
                                         scale=3, elem_id="entity-search")
                    reset = gr.Button("重置视图 Reset view", scale=1)
                with gr.Row():
                    types = gr.CheckboxGroup(type_choices, value=list(visual.TYPE_STYLES),
                                             label="类型 Types", scale=3)
                    goals = gr.CheckboxGroup(goal_choices, label="目标 Goals", scale=2)
                with gr.Row():
                    source = gr.Dropdown(views.choices(), value=None, label="起点 From",
                                         filterable=True, elem_id="path-from")
                    target = gr.Dropdown(views.choices(), value=None, label="终点 To",
                                         filterable=True, elem_id="path-to")
                    find_path = gr.Button("查找路径 Find path")
                path_text = gr.Markdown(elem_id="path-text")
                state = gr.State(first_state(views))
                with gr.Row():
                    with gr.Column(scale=3):
                        # drawn when the tab first opens: the page loads light
                        graph_view = gr.HTML("", elem_id="graph-view")
                    with gr.Column(scale=2):
                        card = gr.HTML(views.card(None), elem_id="entity-card")
                        expand = gr.Button("展开邻居 Expand neighbours", elem_id="expand")
                bridge = gr.HTML("", js_on_load=BRIDGE_JS, elem_id="node-bridge")
                gr.Markdown("### 伙伴城市地图 · Partner cities by goal")
                world = gr.HTML("", elem_id="world-map")
                drawn = gr.State(False)

            with gr.Tab("SPARQL", id="sparql"):
                example = gr.Dropdown(list(EXAMPLE_QUERIES), value=None,
                                      label="示例查询 Example queries")
                editor = gr.Code(next(iter(EXAMPLE_QUERIES.values())), language="sql",
                                 label="SPARQL (前缀已声明 prefixes wsh: wsd: rdfs: … predeclared)",
                                 interactive=True, lines=12, elem_id="sparql-editor")
                run = gr.Button("运行 Run", variant="primary", elem_id="sparql-run")
                query_status = gr.Markdown(elem_id="sparql-status")
                results = gr.Dataframe(label="结果 Results", interactive=False, wrap=True,
                                       elem_id="sparql-results")
                downloads = gr.File(label="下载结果 Download results", file_count="multiple",
                                    interactive=False, elem_id="sparql-downloads")
                with gr.Row():
                    export_buttons = {fmt: gr.Button(label, size="sm") for fmt, label in [
                        ("turtle", "整图 Whole graph · Turtle"),
                        ("jsonld", "整图 Whole graph · JSON-LD"),
                        ("graphml", "网络 networkx · GraphML")]}
                export_file = gr.File(label="导出 Export", interactive=False, height=90,
                                      elem_id="export-file")

            with gr.Tab("文档 Documents", id="documents"):
                limit_mb = ws.settings.max_upload_bytes / 1024 / 1024
                upload = gr.File(label=f"上传报告 Upload reports (txt, md, html, docx, pdf; "
                                       f"≤ {limit_mb:g} MB)", file_count="multiple",
                                 file_types=UPLOAD_TYPES, elem_id="upload")
                ingest_button = gr.Button("导入 Ingest", variant="primary", elem_id="ingest")
                ingest_report = gr.Markdown(elem_id="ingest-report")
                docs = gr.Dataframe(documents_table(views), label="文档 Documents",
                                    interactive=False, elem_id="documents")
                with gr.Row():
                    doc_pick = gr.Dropdown(doc_ids, value=None, label="文档 Document", scale=3,
                                           elem_id="doc-pick")
                    remove = gr.Button("删除 Remove", variant="stop", scale=1)
                doc_entities = gr.Dataframe(headers=ENTITY_COLUMNS, label="文档中的实体 Entities",
                                            interactive=False, elem_id="doc-entities")

        # Ask
        ask_outputs = [status, answers, evidence, shown_sparql]
        ask_button.click(lambda q: ask(views, q), question, ask_outputs)
        question.submit(lambda q: ask(views, q), question, ask_outputs)
        to_sparql.click(lambda s: (s, gr.Tabs(selected="sparql")), shown_sparql, [editor, tabs])

        # Explore
        def show(new_state: dict[str, Any], kinds: list[str]) -> tuple[Any, ...]:
            graph_page = render_graph(views, new_state, kinds)
            return new_state, graph_page, views.card(new_state["selected"])

        explore_out = [state, graph_view, card]

        def on_open(current: dict[str, Any], kinds: list[str], done: bool) -> tuple[Any, ...]:
            if done:
                return gr.skip(), gr.skip(), True
            return (render_graph(views, current, kinds),
                    worldmap.world_map_svg(views.graph, views.links, views.home), True)

        explore_tab.select(on_open, [state, types, drawn], [graph_view, world, drawn])
        search.change(lambda iri, k: show(focus_state(views, iri), k), [search, types],
                      explore_out)
        reset.click(lambda k: show(first_state(views), k), types, explore_out)
        goals.change(lambda g, k: show(goal_state(views, g), k), [goals, types], explore_out)
        types.change(lambda s, k: show(s, k), [state, types], explore_out)
        expand.click(lambda s, k: show(expand_state(views, s), k), [state, types], explore_out)

        def on_path(a: str | None, b: str | None, kinds: list[str]) -> tuple[Any, ...]:
            new_state, text = path_state(views, a, b)
            return (*show(new_state, kinds), text)

        find_path.click(on_path, [source, target, types], [*explore_out, path_text])

        def on_node(iri: str, current: dict[str, Any]) -> tuple[Any, ...]:
            return {**current, "selected": iri or None}, views.card(iri or None)

        bridge.change(on_node, [bridge, state], [state, card])

        # SPARQL
        example.change(lambda name: EXAMPLE_QUERIES.get(name, ""), example, editor)
        run.click(lambda q: run_sparql(views, q), editor, [query_status, results, downloads])
        for fmt, button in export_buttons.items():
            button.click(lambda f=fmt: export_graph(views, f), None, export_file)

        # Documents
        def after_change(message: str, doc_id: str | None) -> tuple[Any, ...]:
            choices = views.choices()
            ids = list(views.ws.documents())
            fresh = first_state(views)
            return (message, documents_table(views),
                    gr.Dropdown(choices=ids, value=doc_id if doc_id in ids else None),
                    document_entities_table(views, doc_id),
                    gr.Dropdown(choices=choices), gr.Dropdown(choices=choices),
                    gr.Dropdown(choices=choices), fresh, "", "", False)  # redrawn on opening

        doc_outputs = [ingest_report, docs, doc_pick, doc_entities, search, source, target,
                       state, graph_view, world, drawn]

        def on_ingest(files: list[str] | None,
                      progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            message, doc_id = ingest(views, files, progress, uploaded)
            return after_change(message, doc_id)

        uploaded = uploaded_through(app)
        ingest_button.click(on_ingest, upload, doc_outputs)
        remove.click(lambda d: after_change(remove_document(views, d), None), doc_pick,
                     doc_outputs)
        doc_pick.change(lambda d: document_entities_table(views, d), doc_pick, doc_entities)
    if warm:
        views.warm_in_background()
    return app


def launch_options(settings: Settings) -> dict[str, Any]:
    """How the app is served: local fonts only, the configured address, size limit and
    password (any user name with the configured password)."""
    password = settings.password
    throttle = LoginThrottle()  # failed logins pause all logins, 1 s doubling up to 30 s

    def check(_user: str, given: str) -> bool:
        return throttle.attempt(lambda: secrets.compare_digest(given.encode(), password.encode()))

    return {
        "server_name": settings.host, "server_port": settings.port,
        "theme": gr.themes.Default(font=SANS, font_mono=MONO), "css": CSS,
        "auth": check if password else None, "max_file_size": settings.max_upload_bytes,
        "ssr_mode": False, "footer_links": [], "show_error": False,
    }


def main(settings: Settings | None = None) -> None:
    settings = settings or Settings.load()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    log.info("opening %s", settings.data_dir)
    ws = Workspace(settings)  # once: one process owns the store folder
    ws.ensure_corpus()
    app = build_app(ws, warm=True)
    app.queue(default_concurrency_limit=4)
    try:
        app.launch(**launch_options(settings))
    finally:
        ws.close()


if __name__ == "__main__":
    main()
