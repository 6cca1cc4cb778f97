"""The analyst's web app, thin UI wiring only: Ask, Explore, SPARQL and Documents tabs over one
Workspace, with what they show computed in `waishi.app_*` modules and `graph.visual`."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read when gradio is imported

import logging
import secrets
import stat
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import gradio as gr
from gradio import utils as gradio_utils

from graph import visual, worldmap
from waishi import app_answers, app_explore, app_sparql
from waishi.app_documents import ingest_message
from waishi.app_views import (
    ENTITY_COLUMNS,
    Views,
    document_entities_table,
    example_queries,
    page_values,
)
from waishi.errors import WaishiError
from waishi.logins import LoginThrottle
from waishi.settings import Settings
from waishi.workspace import Workspace, upload_source

log = logging.getLogger("waishi.app")

SANS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei",
        "ui-sans-serif", "system-ui", "sans-serif"]
MONO = ["DejaVu Sans Mono", "ui-monospace", "Consolas", "monospace"]
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".docx", ".pdf"]
POLL_S = 3.0  # how often a page asks whether the store changed

EXAMPLE_QUESTIONS = [
    "哪些合作伙伴支持上合组织目标？",
    "Which partners support SCO or RCEP goals?",
    "2022年新结好了哪些国际友城？",
    "Which partner cities are located in SCO member states?",
    "哪些合作伙伴城市位于上合组织成员国？",
    "青岛港与哪些外国港口合作？",
    "青岛有多少个国际友城？",
]

EXAMPLE_QUERIES = example_queries()


def asset(name: str) -> str:
    return resources.files("waishi").joinpath("assets", name).read_text(encoding="utf-8")


CSS = asset("app.css")


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


def export_graph(views: Views, fmt: str) -> str:
    suffix = {"turtle": "ttl", "jsonld": "jsonld", "graphml": "graphml", "nt": "nt"}[fmt]
    out = Path(tempfile.mkdtemp(dir=views.out_dir)) / f"waishi-graph.{suffix}"
    with views.lock:
        views.ws.export(out, fmt)
    return str(out)


# -- the page --------------------------------------------------------------------------------------


def entity_dropdown(label: str, elem_id: str, scale: int | None = None) -> gr.Dropdown:
    """A dropdown of every entity (filled from the store on load), all listed, type to narrow."""
    return gr.Dropdown([], value=None, label=label, filterable=True, num_choices_shown=None,
                       scale=scale, elem_id=elem_id)


def build_app(ws: Workspace, *, warm: bool = False) -> gr.Blocks:
    """The page over an open workspace; `warm` answers one question in the background so
    the first analyst's question does not pay for loading the models."""
    views = Views(ws)
    bench = app_sparql.Workbench(views)
    type_choices = [(f"{s.symbol} {s.zh} {s.en}", t) for t, s in visual.TYPE_STYLES.items()]
    goal_choices = [(g.title, g.key) for g in visual.GOALS]

    with gr.Blocks(title="Waishi 外事", analytics_enabled=False) as app:
        gr.Markdown("# 外事知识图谱 · Waishi foreign-affairs knowledge graph")
        counts = gr.Markdown(elem_id="store-counts")
        seen = gr.State(0)  # the store generation this page shows
        with gr.Tabs() as tabs:
            with gr.Tab("问答 Ask", id="ask"):
                with gr.Row():
                    question = gr.Textbox(label="问题 Question (中文 / English)", scale=5,
                                          placeholder=EXAMPLE_QUESTIONS[0], elem_id="question")
                    ask_button = gr.Button("提问 Ask", variant="primary", scale=1, min_width=90,
                                           elem_id="ask-button")
                gr.Examples(EXAMPLE_QUESTIONS, inputs=question, label="示例 Examples")
                status = gr.Markdown(elem_id="ask-status")
                gr.Markdown("点击一行查看它自己的证据句 · click a row for its own sentences: "
                            "<mark class='answer'>答案 answer</mark> <mark class='support'>"
                            "关联 what ties it</mark> <mark class='other'>其他答案 other "
                            "answers</mark>", elem_classes="mark-key")
                answers = gr.HTML(elem_id="answers")
                evidence = gr.HTML(elem_id="evidence")
                shown_sparql = gr.Code(label="SPARQL", language="sql", interactive=False,
                                       elem_id="ask-sparql")
                to_sparql = gr.Button("在 SPARQL 页编辑 · Open in SPARQL tab", size="sm")

            with gr.Tab("探索 Explore", id="explore") as explore_tab:
                with gr.Row():
                    search = entity_dropdown("搜索实体 Search entity", "entity-search", scale=3)
                    reset = gr.Button("重置视图 Reset view", scale=1, min_width=110)
                with gr.Row():
                    types = gr.CheckboxGroup(type_choices, value=list(visual.TYPE_STYLES),
                                             label="类型 Types", scale=3, elem_id="types")
                    goals = gr.CheckboxGroup(goal_choices, label="目标 Goals", scale=2,
                                             elem_id="goals")
                with gr.Row():
                    source = entity_dropdown("起点 From", "path-from")
                    target = entity_dropdown("终点 To", "path-to")
                    find_path = gr.Button("查找路径 Find path", min_width=110)
                explore_message = gr.Markdown(elem_id="path-text")
                state = gr.State(app_explore.first_state(views))
                drawn = gr.State(False)
                with gr.Row():
                    with gr.Column(scale=3, min_width=300):
                        graph_view = gr.HTML("", elem_id="graph-view")  # drawn on opening
                    with gr.Column(scale=2, min_width=280):
                        card = gr.HTML(views.card(None), elem_id="entity-card")
                        with gr.Accordion("全部实体 All entities", open=False):
                            entity_list = gr.HTML(elem_id="entity-list")
                gr.Markdown("### 伙伴城市地图 · Partner cities by goal")
                world = gr.HTML("", elem_id="world-map")

            with gr.Tab("SPARQL", id="sparql"):
                with gr.Row():
                    example = gr.Dropdown(list(EXAMPLE_QUERIES), value=None,
                                          label="示例查询 Example queries")
                    past = gr.Dropdown([], value=None, label="历史 History (this browser)",
                                       elem_id="sparql-history")
                editor = gr.Code(next(iter(EXAMPLE_QUERIES.values())), language="sql",
                                 label="SPARQL (前缀已声明 prefixes wsh: wsd: rdfs: … predeclared)",
                                 interactive=True, lines=12, elem_id="sparql-editor")
                run = gr.Button("运行 Run", variant="primary", elem_id="sparql-run")
                query_status = gr.Markdown(elem_id="sparql-status")
                results = gr.HTML(elem_id="sparql-results", js_on_load=asset("sparql_table.js"))
                downloads = gr.File(label="下载结果 Download results (results-excel.csv: "
                                          "带 BOM，Excel 直接打开 · with a BOM, for Excel)",
                                    file_count="multiple", interactive=False,
                                    elem_id="sparql-downloads")
                with gr.Row():
                    export_buttons = {fmt: gr.Button(label, size="sm") for fmt, label in [
                        ("turtle", "整图 Whole graph · Turtle"),
                        ("jsonld", "整图 Whole graph · JSON-LD"),
                        ("graphml", "网络 networkx · GraphML")]}
                export_file = gr.File(label="导出 Export", interactive=False, height=90,
                                      elem_id="export-file")

            with gr.Tab("文档 Documents", id="documents"):
                limit_mb = ws.settings.max_upload_bytes / 1024 / 1024
                upload = gr.File(label=f"上传报告 Upload reports ({', '.join(UPLOAD_TYPES)}; "
                                       f"≤ {limit_mb:g} MB)", file_count="multiple",
                                 elem_id="upload")
                ingest_button = gr.Button("导入 Ingest", variant="primary", elem_id="ingest")
                ingest_report = gr.Markdown(elem_id="ingest-report")
                docs = gr.Dataframe(label="文档 Documents", interactive=False, wrap=True,
                                    elem_id="documents")
                with gr.Row():
                    doc_pick = gr.Dropdown([], value=None, label="文档 Document", scale=3,
                                           elem_id="doc-pick")
                    remove = gr.Button("删除 Remove", variant="stop", scale=1, min_width=90)
                doc_entities = gr.Dataframe(headers=ENTITY_COLUMNS, label="文档中的实体 Entities",
                                            interactive=False, wrap=True, elem_id="doc-entities")

        reader = gr.HTML("", js_on_load=asset("reader.js"), elem_id="reader")
        bridge = gr.HTML("", js_on_load=asset("bridge.js"), elem_id="node-bridge")
        graph_data = gr.HTML("", html_template="", js_on_load=asset("graph_data.js"),
                             elem_id="graph-data")
        history = gr.BrowserState([], storage_key="waishi-sparql-history",
                                  secret="waishi-sparql-history")  # the analyst's own queries
        timer = gr.Timer(POLL_S)

        # -- what every page shows from the store -----------------------------------------
        store_outputs = [counts, docs, doc_pick, search, source, target, entity_list, world,
                         graph_data, state, seen]

        def store_values(doc_id: str | None, current: dict[str, Any], kinds: list[str],
                         is_drawn: bool) -> list[Any]:
            values = page_values(views)
            ids = values["doc_ids"]
            choices = values["choices"]
            redrawn = {**current, "seq": int(current.get("seq", 0)) + 1}
            return [values["counts"], values["documents"],
                    gr.Dropdown(choices=ids, value=doc_id if doc_id in ids else None),
                    gr.Dropdown(choices=choices), gr.Dropdown(choices=choices),
                    gr.Dropdown(choices=choices), app_explore.entity_list_html(views),
                    worldmap.world_map_svg(views.graph, views.links, views.home)
                    if is_drawn else gr.skip(),
                    app_explore.update(views, redrawn, kinds, catalog=True)
                    if is_drawn else gr.skip(),
                    redrawn, values["generation"]]

        def on_load(queries: list[str] | None, current: dict[str, Any],
                    kinds: list[str]) -> list[Any]:
            views.sync()
            return [*store_values(None, current, kinds, False),
                    gr.Dropdown(choices=app_sparql.history_choices(queries))]

        app.load(on_load, [history, state, types], [*store_outputs, past])

        def on_tick(generation: int, doc_id: str | None, current: dict[str, Any],
                    kinds: list[str], is_drawn: bool) -> list[Any]:
            if generation == views.generation:
                return [gr.skip()] * len(store_outputs)
            return store_values(doc_id, current, kinds, is_drawn)

        timer.tick(on_tick, [seen, doc_pick, state, types, drawn], store_outputs,
                   show_progress="hidden", queue=False)

        # -- Ask ------------------------------------------------------------------------------
        ask_outputs = [status, answers, evidence, shown_sparql]
        ask_button.click(lambda q: app_answers.ask(views, q), question, ask_outputs)
        question.submit(lambda q: app_answers.ask(views, q), question, ask_outputs)
        to_sparql.click(lambda s: (s, gr.Tabs(selected="sparql")), shown_sparql, [editor, tabs])

        def on_read(evt: gr.EventData) -> str:
            return app_answers.reader_html(views, str(evt.at), secrets.token_hex(4))

        bridge.read(on_read, None, reader)

        # -- Explore --------------------------------------------------------------------------
        explore_out = [state, graph_view, graph_data, card, explore_message, drawn]

        def show(new: dict[str, Any], old: dict[str, Any], kinds: list[str], is_drawn: bool,
                 message: str = "") -> list[Any]:
            new = {**new, "seq": int(old.get("seq", 0)) + 1}
            if is_drawn:
                page, data = gr.skip(), app_explore.update(views, new, kinds)
            else:
                page, data = app_explore.page(views, new, kinds), gr.skip()
            return [new, page, data, views.card(new["selected"]), message, True]

        def on_open(current: dict[str, Any], kinds: list[str], is_drawn: bool) -> list[Any]:
            if is_drawn:
                return [gr.skip()] * 3
            return [app_explore.page(views, current, kinds),
                    worldmap.world_map_svg(views.graph, views.links, views.home), True]

        explore_tab.select(on_open, [state, types, drawn], [graph_view, world, drawn])

        def explore(step: Callable[..., Any]) -> Callable[..., list[Any]]:
            def handler(current: dict[str, Any], kinds: list[str], is_drawn: bool,
                        *args: Any) -> list[Any]:
                found = step(current, *args)
                new, message = found if isinstance(found, tuple) else (found, "")
                return show(new, current, kinds, is_drawn, message)
            return handler

        base = [state, types, drawn]
        search.input(explore(lambda s, iri: app_explore.focus(views, s, iri)), [*base, search],
                     explore_out)
        reset.click(explore(lambda s: app_explore.reset(views, s)), base, explore_out)
        # a filter is drawn by the page at once; the server's view follows (no overlay)
        for box in (goals, types):
            box.change(None, [goals, types], None, js=asset("filter.js"))
        goals.change(explore(lambda s, g: app_explore.goals(views, s, g)), [*base, goals],
                     explore_out, show_progress="hidden")
        types.change(explore(lambda s: s), base, explore_out, show_progress="hidden")
        find_path.click(explore(lambda s, a, b: app_explore.path(views, s, a, b)),
                        [*base, source, target], explore_out)

        def on_expand(current: dict[str, Any], kinds: list[str], is_drawn: bool,
                      evt: gr.EventData) -> list[Any]:
            new, message = app_explore.expand(views, current, str(evt.iri))
            return show(new, current, kinds, is_drawn, message)

        bridge.grow(on_expand, base, explore_out)

        def on_node(current: dict[str, Any], evt: gr.EventData) -> tuple[Any, ...]:
            return app_explore.select(current, evt.iri), views.card(evt.iri)

        bridge.node(on_node, state, [state, card])

        def on_link(current: dict[str, Any], kinds: list[str], is_drawn: bool,
                    evt: gr.EventData) -> list[Any]:
            new, message = app_explore.focus(views, current, evt.iri)
            shown = show(new, current, kinds, is_drawn, message)
            world_map = gr.skip() if is_drawn else worldmap.world_map_svg(
                views.graph, views.links, views.home)
            return [*shown[:3], views.card(evt.iri), *shown[4:], gr.Tabs(selected="explore"),
                    world_map]

        bridge.open(on_link, base, [*explore_out, tabs, world])

        # -- SPARQL ---------------------------------------------------------------------------
        example.change(lambda name: EXAMPLE_QUERIES.get(name, ""), example, editor)
        past.change(lambda text: text or gr.skip(), past, editor)

        def on_run(text: str, queries: list[str] | None) -> tuple[Any, ...]:
            message, table, files, _ = bench.run(text)
            kept = app_sparql.history(queries, text)
            return (message, table, files, kept,
                    gr.Dropdown(choices=app_sparql.history_choices(kept), value=None))

        run.click(on_run, [editor, history],
                  [query_status, results, downloads, history, past])

        def on_page(evt: gr.EventData) -> str:
            sort = str(evt.sort)
            return bench.page(str(evt.result), int(evt.page),
                              int(sort) if sort.isdigit() else None, bool(evt.descending))

        results.turn(on_page, None, results)
        results.sort(on_page, None, results)
        for fmt, button in export_buttons.items():
            button.click(lambda f=fmt: export_graph(views, f), None, export_file)

        # -- Documents ------------------------------------------------------------------------
        doc_outputs = [ingest_report, doc_entities, *store_outputs]

        def after_change(message: str, doc_id: str | None, current: dict[str, Any],
                         kinds: list[str], is_drawn: bool) -> list[Any]:
            return [ingest_message(message), document_entities_table(views, doc_id),
                    *store_values(doc_id, current, kinds, is_drawn)]

        def on_ingest(files: list[str] | None, current: dict[str, Any], kinds: list[str],
                      is_drawn: bool,
                      progress: gr.Progress = gr.Progress()) -> list[Any]:  # noqa: B008
            try:
                message, doc_id = ingest(views, files, progress, uploaded)
            except WaishiError as exc:
                message, doc_id = f"⚠️ {exc}", None
            return after_change(message, doc_id, current, kinds, is_drawn)

        uploaded = uploaded_through(app)
        ingest_button.click(on_ingest, [upload, *base], doc_outputs)

        def on_remove(doc_id: str | None, current: dict[str, Any], kinds: list[str],
                      is_drawn: bool) -> list[Any]:
            return after_change(remove_document(views, doc_id), None, current, kinds, is_drawn)

        remove.click(on_remove, [doc_pick, *base], doc_outputs)
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
