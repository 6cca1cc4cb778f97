"""The interactive network page: a networkx (sub)graph as a self-contained vis-network page,
styled by type and goal, with its legend and a readable first view (nothing fetched)."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import networkx as nx
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from graph.namespaces import WSH
from graph.validate import ONTOLOGY


@dataclass(frozen=True)
class Style:
    colour: str
    shape: str  # a vis-network shape
    symbol: str  # the same shape as a character, for legends outside the canvas
    zh: str
    en: str


# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
TYPE_STYLES: dict[str, Style] = {
    "City": Style("#0072B2", "dot", "●", "城市", "City"),
    "Country": Style("#D55E00", "diamond", "◆", "国家", "Country"),
    "Region": Style("#7f7f7f", "hexagon", "⬢", "地区", "Region"),
    "Enterprise": Style("#E69F00", "triangle", "▲", "企业", "Enterprise"),
    "Organization": Style("#009E73", "square", "■", "机构", "Organization"),
    "Event": Style("#CC79A7", "dot", "•", "活动", "Event"),
    "Initiative": Style("#56B4E9", "star", "★", "平台与倡议", "Initiative"),
}
OTHER_STYLE = Style("#999999", "dot", "●", "其他", "Other")


@dataclass(frozen=True)
class Goal:
    key: str
    zh: str
    en: str
    colour: str
    keywords: tuple[str, ...]  # matched in the labels of an initiative and what it serves

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"


GOALS: tuple[Goal, ...] = (
    Goal("SCO", "上合组织", "SCO", "#c0392b",
         ("上海合作组织", "上合", "shanghai cooperation", "sco")),
    Goal("RCEP", "RCEP", "RCEP", "#2563eb",
         ("rcep", "区域全面经济伙伴关系", "regional comprehensive economic partnership")),
    Goal("BRI", "一带一路", "Belt and Road", "#d97706",
         ("一带一路", "belt and road", "丝绸之路", "silk road", "中欧班列",
          "china-europe railway")),
    Goal("FTZ", "自贸区", "Free-trade zone", "#15803d", ("自贸", "自由贸易", "free trade")),
    Goal("DE", "中德合作", "Sino-German", "#7c3aed", ("中德", "sino-german", "china-germany")),
)
GOAL_BY_KEY = {g.key: g for g in GOALS}
NO_GOAL = "#6b7280"
BASIS_ZH = {"explicit": "明确", "linked": "相关", "inferred": "推断"}
BASIS_ORDER = ("explicit", "linked", "inferred")


def goal_keys(*labels: str) -> set[str]:
    """The goals whose keywords occur in any of the labels (SCO for 上合示范区)."""
    found = set()
    for label in labels:
        text = label.lower()
        for goal in GOALS:
            if any(_keyword_in(k, text) for k in goal.keywords):
                found.add(goal.key)
    return found


def _keyword_in(keyword: str, text: str) -> bool:
    if not keyword.isascii() or len(keyword) > 4:
        return keyword in text
    # a short Latin acronym must stand alone: "sco" is not in "disco", but is in "sco青岛"
    return keyword in re.findall(r"[a-z0-9]+", text)


@cache
def relation_labels() -> dict[str, tuple[str, str]]:
    """Relation local name -> (zh, en), from the ontology's own labels."""
    ontology = Graph().parse(ONTOLOGY)
    labels: dict[str, dict[str, str]] = {}
    for prop, label in ontology.subject_objects(RDFS.label):
        if str(prop).startswith(str(WSH)) and isinstance(label, Literal):
            labels.setdefault(str(prop)[len(str(WSH)):], {})[label.language or ""] = str(label)
    return {name: (d.get("zh", name), d.get("en", name)) for name, d in labels.items()}


# -- choosing what to show -------------------------------------------------------------------


def first_view(graph: nx.MultiDiGraph, home: str | None = None, limit: int = 36) -> set[str]:
    """A readable first picture, connected: the home city (else the best-connected entity),
    then, one at a time, the best-connected neighbour of what is shown, events last."""
    if not graph:
        return set()
    degree = dict(graph.degree())
    start = str(home) if home in graph else max(graph, key=lambda n: (degree[n], n))
    chosen: set[str] = {start}
    frontier = set(nx.all_neighbors(graph, start))
    while frontier and len(chosen) < limit:
        best = min(frontier, key=lambda n: (graph.nodes[n].get("type") == "Event", -degree[n], n))
        chosen.add(best)
        frontier |= set(nx.all_neighbors(graph, best))
        frontier -= chosen
    return chosen


def neighbourhood(graph: nx.MultiDiGraph, centre: str, radius: int = 1) -> set[str]:
    if centre not in graph:
        return set()
    undirected = graph.to_undirected(as_view=True)
    return set(nx.single_source_shortest_path_length(undirected, centre, cutoff=radius))


def goal_view(links: Mapping[str, Mapping[str, str]], goals: Collection[str],
              graph: nx.MultiDiGraph) -> set[str]:
    return {n for n, by_goal in links.items() if n in graph and set(by_goal) & set(goals)}


def visible_nodes(graph: nx.MultiDiGraph, view: Iterable[str], types: Collection[str] | None,
                  keep: Iterable[str] = ()) -> set[str]:
    """The view less the unticked types; `keep` (the selection, a path) always stays."""
    shown = {n for n in view
             if n in graph and (types is None or graph.nodes[n].get("type") in types)}
    return shown | {n for n in keep if n in graph}


# -- the interactive network -------------------------------------------------------------------


@cache
def _vis_script() -> str:
    lib = resources.files("pyvis").joinpath("lib")
    folders = sorted((p for p in lib.iterdir() if p.name.startswith("vis-")),
                     key=lambda p: [int(x) for x in p.name[4:].split(".")])
    return folders[-1].joinpath("vis-network.min.js").read_text(encoding="utf-8")


def node_label(attrs: Mapping[str, Any], iri: str = "") -> str:
    """Chinese label over English name; the IRI's last segment when the entity has neither."""
    label, english = str(attrs.get("label") or ""), str(attrs.get("label_en") or "")
    if not label and not english:
        return unquote(iri.rsplit("/", 1)[-1])
    return f"{label}\n{english}" if english and english != label else label or english


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_label(attrs: Mapping[str, Any], iri: str = "") -> str:
    """The node's label as drawn: long titles cut (the tooltip has them whole), so that a
    picture of many events stays readable at the zoom that fits it."""
    lines = node_label(attrs, iri).split("\n")
    return "\n".join(_shorten(line, 12 if k == 0 else 26) for k, line in enumerate(lines))


def network_data(
    graph: nx.MultiDiGraph,
    nodes: Iterable[str],
    *,
    home: str | None = None,
    selected: str | None = None,
    path: list[str] | None = None,
    links: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The vis-network DataSets for the subgraph on `nodes`, styled by type."""
    shown = [n for n in sorted(nodes) if n in graph]
    on_path = set(path or [])
    path_pairs = {frozenset(p) for p in zip(path or [], (path or [])[1:], strict=False)}
    relations = relation_labels()
    degree = dict(graph.degree())
    out_nodes = []
    for n in shown:
        attrs = graph.nodes[n]
        style = TYPE_STYLES.get(str(attrs.get("type")), OTHER_STYLE)
        goals = (links or {}).get(n, {})
        name = node_label(attrs, n)
        tip = [name.replace("\n", " · "), f"{style.zh} {style.en}"]
        if attrs.get("country"):
            tip.append(f"国家 Country: {attrs['country']}")
        tip += [f"{GOAL_BY_KEY[k].title}: {BASIS_ZH[b]} {b}" for k, b in sorted(goals.items())]
        node: dict[str, Any] = {
            "id": n, "label": short_label(attrs, n), "title": "\n".join(tip),
            "shape": style.shape,
            "color": {"background": style.colour, "border": "#1f2937",
                      "highlight": {"background": style.colour, "border": "#111827"}},
            "size": 10 + min(18, 2 * math.sqrt(degree.get(n, 0)) * 2),
            "type": attrs.get("type", ""), "goals": sorted(goals),
        }
        if n == home:
            node.update(size=30, borderWidth=4, font={"size": 18, "face": "sans-serif"})
        if n in on_path or n == selected:
            node.update(borderWidth=5, color={**node["color"], "border": "#dc2626"})
        out_nodes.append(node)
    keep = set(shown)
    out_edges = []
    for s, o, attrs in graph.edges(data=True):
        if s not in keep or o not in keep:
            continue
        relation = str(attrs.get("relation", ""))
        zh, en = relations.get(relation, (relation, relation))
        edge: dict[str, Any] = {"from": s, "to": o, "label": zh, "title": f"{zh} · {en}",
                                "relation": relation, "arrows": "to"}
        if frozenset((s, o)) in path_pairs:
            edge.update(color={"color": "#dc2626"}, width=4)
        out_edges.append(edge)
    return {"nodes": out_nodes, "edges": out_edges}


@cache
def _page_template() -> str:
    return resources.files("graph").joinpath("network_page.html").read_text(encoding="utf-8")


def legend_html(types: Iterable[str] | None = None, *, path: bool = False) -> str:
    """The legend as a row of items, drawn above the canvas so that it covers no node."""
    wanted = list(types) if types is not None else list(TYPE_STYLES)
    items = ["<b>图例 Legend</b>"]
    for name in wanted:
        style = TYPE_STYLES.get(name, OTHER_STYLE)
        items.append(f'<span><span style="color:{style.colour}">{style.symbol}</span> '
                     f"{html.escape(style.zh)} {html.escape(style.en)}</span>")
    if path:
        items.append('<span><span style="color:#dc2626">━</span> 路径 path</span>')
    items.append('<span style="color:#6b7280">双击展开 double-click to expand</span>')
    return "".join(items)


def graph_html(
    graph: nx.MultiDiGraph,
    nodes: Iterable[str],
    *,
    home: str | None = None,
    selected: str | None = None,
    path: list[str] | None = None,
    links: Mapping[str, Mapping[str, str]] | None = None,
    title: str = "Waishi graph",
    seq: int = 0,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """A whole HTML page drawing the subgraph; vis-network is inlined, nothing is fetched.
    Inside a host page it takes later views as `{waishi: "update", data}` messages (see
    `view_update`), keeping the place of every node already drawn, and filters as
    `{waishi: "filter", goals, types}`. `extra` goes with the first view: the types to show
    (`types`), nodes shown whatever their type (`keep`), the goal-linked nodes a goal filter
    picks from (`catalog`, as `network_data` gives them)."""
    data = {**view_update(graph, nodes, home=home, selected=selected, path=path, links=links,
                          seq=seq), **(extra or {})}
    # "</" inside inline JSON would end the script element early
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    replacements = {
        "__TITLE__": html.escape(title), "__VIS__": _vis_script().replace("</script", "<\\/script"),
        "__LEGEND__": legend_html(TYPE_STYLES, path=True), "__DATA__": payload,
    }
    page = _page_template()
    for key in ("__TITLE__", "__LEGEND__", "__DATA__", "__VIS__"):
        page = page.replace(key, replacements[key], 1)
    return page


def view_update(
    graph: nx.MultiDiGraph,
    nodes: Iterable[str],
    *,
    home: str | None = None,
    selected: str | None = None,
    path: list[str] | None = None,
    links: Mapping[str, Mapping[str, str]] | None = None,
    seq: int = 0,
) -> dict[str, Any]:
    """What the page shows next: the view's nodes and edges, the selection, and a sequence
    number (the page ignores an update older than the one it shows)."""
    data: dict[str, Any] = network_data(graph, nodes, home=home, selected=selected, path=path,
                                        links=links)
    return {**data, "selected": selected if selected in graph else None, "seq": seq}


def iframe(page: str, height: int = 620, title: str = "graph") -> str:
    """The page in an iframe's srcdoc, so its scripts run inside a host that only sets HTML.
    Braces and dollars are escaped too: some hosts treat the HTML they set as a template."""
    escaped = html.escape(page, quote=True)
    for char, entity in (("{", "&#123;"), ("}", "&#125;"), ("$", "&#36;")):
        escaped = escaped.replace(char, entity)
    return (f'<iframe class="waishi-graph" title="{html.escape(title)}" srcdoc="{escaped}" '
            f'style="width:100%;height:{height}px;border:1px solid #e5e7eb;border-radius:8px">'
            "</iframe>")


def save_page(page: str, path: Path) -> Path:
    """Write a page to a file (the notebook keeps the graph as a standalone page)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
