"""Pictures of the graph for the web app and the notebook: a networkx (sub)graph as a
self-contained vis-network page, entity cards, evidence with its span marked, and an offline
world map of partner cities coloured by goal. No asset is fetched from the network: the
vis-network script is inlined from the pyvis package and the map is an SVG drawn here.
"""

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
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from graph.namespaces import SPARQL_PREFIXES, WSD, WSH
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
_OTHER = Style("#999999", "dot", "●", "其他", "Other")


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
_BASIS_ORDER = ("explicit", "linked", "inferred")


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


# -- what the views read from the store ------------------------------------------------------

_GOAL_LINKS = SPARQL_PREFIXES + """
SELECT DISTINCT ?e ?basis ?gl WHERE {
  {
    ?f a wsh:Fact ; rdf:predicate wsh:supportsGoal ; rdf:subject ?e ; rdf:object ?i .
    BIND("explicit" AS ?basis)
  } UNION {
    ?e a wsh:Initiative . ?m wsh:mentionOf ?e . BIND(?e AS ?i) BIND("explicit" AS ?basis)
  } UNION {
    ?f a wsh:Fact ; rdf:predicate ?p ; rdf:subject ?e ; rdf:object ?i . ?i a wsh:Initiative .
    FILTER(?p != wsh:supportsGoal) BIND("linked" AS ?basis)
  } UNION {
    ?f a wsh:Fact ; rdf:subject ?i ; rdf:object ?e . ?i a wsh:Initiative .
    BIND("linked" AS ?basis)
  } UNION {
    ?m wsh:mentionOf ?e .
    { ?e wsh:country ?c } UNION { ?e a wsh:Country BIND(?e AS ?c) }
    ?c wsh:membership ?ms . ?ms wsh:organisation ?i .
    BIND("inferred" AS ?basis)
  }
  ?i wsh:servesGoal* ?g . ?g rdfs:label ?gl .
}"""

_EVIDENCE = SPARQL_PREFIXES + """
SELECT DISTINCT ?doc ?text ?sstart ?start ?end WHERE {
  ?m wsh:mentionOf ?e ; wsh:inSentence ?s ; wsh:start ?start ; wsh:end ?end .
  ?s wsh:text ?text ; wsh:start ?sstart ; wsh:inDocument/dcterms:identifier ?doc .
} ORDER BY ?doc ?start"""

_SENTENCE_STARTS = SPARQL_PREFIXES + """
SELECT ?doc ?text ?sstart WHERE {
  ?s wsh:inDocument/dcterms:identifier ?doc ; wsh:text ?tagged ; wsh:start ?sstart .
  FILTER(STR(?tagged) = ?text)
}"""

_DOCUMENT_ENTITIES = SPARQL_PREFIXES + """
SELECT ?e ?type (SAMPLE(?zh) AS ?label) (SAMPLE(?en) AS ?label_en) (SAMPLE(?c) AS ?country)
WHERE {
  ?d dcterms:identifier ?id . ?e wsh:mentionedIn ?d ; a ?type .
  FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  OPTIONAL { ?e rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?e rdfs:label ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?e wsh:country/wsh:iso2|wsh:iso2 ?c }
} GROUP BY ?e ?type ORDER BY ?type ?label"""


def _values(names: str, rows: Iterable[tuple[Any, ...]]) -> str:
    # Terms go in through rdflib's n3(), which escapes them: no text is pasted into SPARQL.
    body = " ".join("(" + " ".join(term.n3() for term in row) + ")" for row in rows)
    return f"VALUES ({names}) {{ {body} }}\n"


def _with_values(query: str, values: str) -> str:
    head, _, tail = query.partition("WHERE {")
    return f"{head}WHERE {{\n  {values}{tail}"


def goal_links(dataset: Dataset | Graph) -> dict[str, dict[str, str]]:
    """Entity IRI -> {goal key: strongest basis}: explicit (the text ties it to the goal or it
    is the goal's own initiative), linked (any other relation with such an initiative), or
    inferred (its country is a member, observer or partner of the organisation)."""
    links: dict[str, dict[str, str]] = {}
    for e, basis, label in dataset.query(_GOAL_LINKS):  # type: ignore[misc]
        for key in goal_keys(str(label)):
            current = links.setdefault(str(e), {})
            old = current.get(key)
            if old is None or _BASIS_ORDER.index(str(basis)) < _BASIS_ORDER.index(old):
                current[key] = str(basis)
    return links


def entity_evidence(dataset: Dataset | Graph, iri: str, limit: int = 6) -> list[dict[str, Any]]:
    """The sentences that mention an entity, with the mention's span inside the sentence."""
    query = _with_values(_EVIDENCE, _values("?e", [(URIRef(iri),)]))
    rows = []
    for doc, text, sstart, start, end in dataset.query(query):  # type: ignore[misc]
        offset = int(sstart)
        rows.append({"doc": str(doc), "sentence": str(text), "start": int(start) - offset,
                     "end": int(end) - offset})
    return rows[:limit]


def sentence_starts(
    dataset: Dataset | Graph, evidence: Iterable[Mapping[str, Any]]
) -> dict[tuple[str, str], int]:
    """(doc, sentence text) -> the sentence's offset in its document, to place a span that
    is given in document offsets."""
    wanted = {(str(e["doc"]), str(e["sentence"])) for e in evidence}
    if not wanted:
        return {}
    query = _with_values(
        _SENTENCE_STARTS, _values("?doc ?text", [(Literal(d), Literal(t)) for d, t in wanted])
    )
    return {(str(d), str(t)): int(s) for d, t, s in dataset.query(query)}  # type: ignore[misc, arg-type]


def document_entities(dataset: Dataset | Graph, doc_id: str) -> list[dict[str, str]]:
    query = _with_values(_DOCUMENT_ENTITIES, _values("?id", [(Literal(doc_id),)]))
    rows = []
    for e, t, zh, en, c in dataset.query(query):  # type: ignore[misc]
        rows.append({"iri": str(e), "type": str(t).rsplit("#", 1)[-1], "label": str(zh or ""),
                     "label_en": str(en or ""), "country": str(c or "")})
    return rows


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
        style = TYPE_STYLES.get(str(attrs.get("type")), _OTHER)
        goals = (links or {}).get(n, {})
        name = node_label(attrs, n)
        tip = [name.replace("\n", " · "), f"{style.zh} {style.en}"]
        if attrs.get("country"):
            tip.append(f"国家 Country: {attrs['country']}")
        tip += [f"{GOAL_BY_KEY[k].title}: {BASIS_ZH[b]} {b}" for k, b in sorted(goals.items())]
        node: dict[str, Any] = {
            "id": n, "label": name, "title": "\n".join(tip), "shape": style.shape,
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


_PAGE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
html, body { margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei",
  "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; background: #fff; }
#graph { position: absolute; inset: 0; }
#legend { position: absolute; left: 8px; top: 8px; background: rgba(255,255,255,.92);
  border: 1px solid #d1d5db; border-radius: 6px; padding: 6px 10px; font-size: 12px;
  line-height: 1.5; pointer-events: none; }
#legend b { font-weight: 600; }
#empty { position: absolute; inset: 0; display: flex; align-items: center;
  justify-content: center; color: #6b7280; font-size: 15px; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 6px 8px; white-space: pre;
  font-size: 12px; background: #fffbe6; border: 1px solid #d1d5db; border-radius: 4px;
  box-shadow: 2px 2px 6px rgba(0,0,0,.15); pointer-events: none; z-index: 5; }
</style>
<script>__VIS__</script>
</head><body>
<div id="graph"></div>
<div id="legend">__LEGEND__</div>
__EMPTY__
<script>
const DATA = __DATA__;
const FOCUS = __FOCUS__;
const nodes = new vis.DataSet(DATA.nodes);
const edges = new vis.DataSet(DATA.edges);
const options = {
  layout: { randomSeed: 7, improvedLayout: DATA.nodes.length < 150 },
  physics: { solver: "forceAtlas2Based", stabilization: { iterations: 300, fit: true },
             forceAtlas2Based: { gravitationalConstant: -60, springLength: 110 } },
  nodes: { font: { size: 13, face: "sans-serif", multi: false }, borderWidth: 1 },
  edges: { font: { size: 10, color: "#4b5563", strokeWidth: 3, align: "middle" },
           color: { color: "#9ca3af", highlight: "#111827" }, smooth: { type: "continuous" },
           arrows: { to: { scaleFactor: 0.5 } } },
  interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: true }
};
const network = new vis.Network(document.getElementById("graph"), { nodes, edges }, options);
window.network = network; window.waishiData = DATA;
network.once("stabilizationIterationsDone", () => {
  network.setOptions({ physics: false });
  if (FOCUS && nodes.get(FOCUS)) {
    network.selectNodes([FOCUS]);
    network.focus(FOCUS, { scale: 1.1, animation: false });
  } else {
    network.fit({ animation: false, maxZoomLevel: 1.4 });
  }
  document.body.dataset.ready = "1";
});
network.on("click", (params) => {
  if (params.nodes.length && window.parent !== window) {
    window.parent.postMessage({ waishi: "node", iri: params.nodes[0] }, "*");
  }
});
</script>
</body></html>
"""


def legend_html(types: Iterable[str] | None = None, *, path: bool = False) -> str:
    wanted = list(types) if types is not None else list(TYPE_STYLES)
    items = []
    for name in wanted:
        style = TYPE_STYLES.get(name, _OTHER)
        items.append(f'<span style="color:{style.colour}">{style.symbol}</span> '
                     f"{html.escape(style.zh)} {html.escape(style.en)}")
    if path:
        items.append('<span style="color:#dc2626">━</span> 路径 path')
    return "<b>图例 Legend</b><br>" + "<br>".join(items)


def graph_html(
    graph: nx.MultiDiGraph,
    nodes: Iterable[str],
    *,
    home: str | None = None,
    selected: str | None = None,
    path: list[str] | None = None,
    links: Mapping[str, Mapping[str, str]] | None = None,
    title: str = "Waishi graph",
) -> str:
    """A whole HTML page drawing the subgraph; vis-network is inlined, nothing is fetched."""
    data = network_data(graph, nodes, home=home, selected=selected, path=path, links=links)
    types = sorted({n["type"] for n in data["nodes"]} & set(TYPE_STYLES))
    empty = "" if data["nodes"] else '<div id="empty">没有可显示的实体 · nothing to show</div>'
    # "</" inside inline JSON would end the script element early
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    replacements = {
        "__TITLE__": html.escape(title), "__VIS__": _vis_script().replace("</script", "<\\/script"),
        "__LEGEND__": legend_html(types, path=bool(path)), "__EMPTY__": empty,
        "__DATA__": payload, "__FOCUS__": json.dumps(selected),
    }
    page = _PAGE
    for key in ("__TITLE__", "__LEGEND__", "__EMPTY__", "__DATA__", "__FOCUS__", "__VIS__"):
        page = page.replace(key, replacements[key], 1)
    return page


def iframe(page: str, height: int = 620, title: str = "graph") -> str:
    """The page in an iframe's srcdoc, so its scripts run inside a host that only sets HTML.
    Braces and dollars are escaped too: some hosts treat the HTML they set as a template."""
    escaped = html.escape(page, quote=True)
    for char, entity in (("{", "&#123;"), ("}", "&#125;"), ("$", "&#36;")):
        escaped = escaped.replace(char, entity)
    return (f'<iframe class="waishi-graph" title="{html.escape(title)}" srcdoc="{escaped}" '
            f'style="width:100%;height:{height}px;border:1px solid #e5e7eb;border-radius:8px">'
            "</iframe>")


def country_name(graph: nx.MultiDiGraph, iso: str) -> str:
    """白俄罗斯 Belarus (BY) for BY, when the graph holds the country; else the code."""
    attrs = graph.nodes.get(str(WSD[f"country/{iso}"])) if iso else None
    if not attrs:
        return iso
    return f"{attrs.get('label', '')} {attrs.get('label_en', '')} ({iso})".replace("  ", " ")


# -- cards and evidence ------------------------------------------------------------------------


def marked_sentence(sentence: str, start: int, end: int) -> str:
    """The sentence with [start, end) (offsets inside the sentence) in <mark>, HTML-escaped."""
    if not 0 <= start < end <= len(sentence):
        return html.escape(sentence)
    return (html.escape(sentence[:start]) + "<mark>" + html.escape(sentence[start:end])
            + "</mark>" + html.escape(sentence[end:]))


def evidence_html(evidence: Iterable[Mapping[str, Any]],
                  starts: Mapping[tuple[str, str], int] | None = None,
                  fallback_terms: Iterable[str] = ()) -> str:
    """Evidence sentences as a list; spans in document offsets are placed through `starts`,
    else the first of `fallback_terms` found in the sentence is marked."""
    terms = [t for t in fallback_terms if t]
    items = []
    for e in evidence:
        sentence, start, end = str(e["sentence"]), int(e["start"]), int(e["end"])
        offset = (starts or {}).get((str(e["doc"]), sentence))
        if offset is not None:
            start, end = start - offset, end - offset
        if not 0 <= start < end <= len(sentence):
            found = next(((sentence.find(t), len(t)) for t in terms if t in sentence), None)
            start, end = (found[0], found[0] + found[1]) if found else (0, 0)
        items.append(f'<li><span class="doc">[{html.escape(str(e["doc"]))}]</span> '
                     f"{marked_sentence(sentence, start, end)}</li>")
    if not items:
        return '<p class="none">没有证据句 · no evidence sentences</p>'
    return '<ol class="waishi-evidence">' + "".join(items) + "</ol>"


def entity_card_html(
    graph: nx.MultiDiGraph,
    iri: str,
    entity: Mapping[str, Any] | None = None,
    evidence: Iterable[Mapping[str, Any]] = (),
    goals: Mapping[str, str] | None = None,
    max_relations: int = 12,
) -> str:
    """Labels, identifiers, goals, relations and evidence of one entity."""
    attrs = dict(graph.nodes[iri]) if iri in graph else {}
    info = {**attrs, **(entity or {})}
    style = TYPE_STYLES.get(str(info.get("type")), _OTHER)
    label = str(info.get("label") or "") or node_label({}, iri)
    english = str(info.get("label_en") or "")
    parts = [f'<div class="waishi-card"><h3><span style="color:{style.colour}">{style.symbol}'
             f"</span> {html.escape(label)} <small>{html.escape(english)}</small></h3>",
             f"<p>{html.escape(style.zh)} {html.escape(style.en)}"]
    if info.get("country"):
        parts.append(f" · 国家 Country: {html.escape(country_name(graph, str(info['country'])))}")
    parts.append("</p><dl>")
    identifiers = [("IRI", iri), ("ISO 3166", info.get("iso3166")),
                   ("GeoNames", info.get("geonames")), ("Wikidata", info.get("wikidata"))]
    if "lat" in info and "lon" in info:
        identifiers.append(("坐标 lat/lon", f"{float(info['lat']):.3f}, {float(info['lon']):.3f}"))
    aliases = [a for a in info.get("aliases") or [] if a != label]
    if aliases:
        identifiers.append(("别名 Aliases", "、".join(aliases)))
    for name, value in identifiers:
        if value:
            parts.append(f"<dt>{html.escape(name)}</dt><dd><code>{html.escape(str(value))}"
                         "</code></dd>")
    parts.append("</dl>")
    if goals:
        chips = [f'<span class="goal" style="background:{GOAL_BY_KEY[k].colour};color:#fff;'
                 f'padding:1px 6px;border-radius:8px">'
                 f"{html.escape(GOAL_BY_KEY[k].title)} · {BASIS_ZH[b]} {b}</span>"
                 for k, b in sorted(goals.items()) if k in GOAL_BY_KEY]
        parts.append("<p>目标 Goals: " + " ".join(chips) + "</p>")
    parts.append("<h4>关系 Relations</h4>" + _relations_html(graph, iri, max_relations))
    parts.append("<h4>证据 Evidence</h4>" + evidence_html(evidence, fallback_terms=[label]))
    parts.append("</div>")
    return "".join(parts)


def _relations_html(graph: nx.MultiDiGraph, iri: str, limit: int) -> str:
    if iri not in graph:
        return '<p class="none">—</p>'
    relations = relation_labels()
    rows = []
    for _, o, attrs in graph.out_edges(iri, data=True):
        rows.append(("→", str(attrs.get("relation")), o))
    for s, _, attrs in graph.in_edges(iri, data=True):
        rows.append(("←", str(attrs.get("relation")), s))
    rows.sort(key=lambda r: (r[1], r[0], graph.nodes[r[2]].get("label", "")))
    items = []
    for arrow, relation, other in rows[:limit]:
        zh, en = relations.get(relation, (relation, relation))
        name = node_label(graph.nodes[other], other).replace("\n", " · ")
        items.append(f"<li>{arrow} {html.escape(zh)} <small>{html.escape(en)}</small> "
                     f"<b>{html.escape(name)}</b></li>")
    more = f"<li>… +{len(rows) - limit}</li>" if len(rows) > limit else ""
    return "<ul>" + "".join(items) + more + "</ul>" if items else '<p class="none">—</p>'


# -- the world map -----------------------------------------------------------------------------

_SCALE = 2.5  # SVG units per degree (equirectangular)
_NORTH, _SOUTH = 84.0, -58.0  # the map leaves out the polar seas


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180.0) * _SCALE, (_NORTH - lat) * _SCALE


@cache
def country_outlines() -> tuple[tuple[str, str], ...]:
    """(ISO alpha-2, SVG path) for every country the countryinfo package outlines (Natural
    Earth 1:110m, public domain); empty when the package is missing."""
    try:
        folder = resources.files("countryinfo").joinpath("data")
    except ModuleNotFoundError:
        return ()
    outlines = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".json"):
            continue
        record = json.loads(item.read_text(encoding="utf-8"))
        features = (record.get("geoJSON") or {}).get("features") or []
        iso = str((record.get("ISO") or {}).get("alpha2") or "")
        rings = []
        for feature in features:
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates") or []
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            for polygon in polygons:
                rings.extend(polygon)
        path = " ".join(_ring_path(ring) for ring in rings if len(ring) > 2)
        if path:
            outlines.append((iso, path))
    return tuple(outlines)


def _ring_path(ring: list[list[float]]) -> str:
    points = [_xy(lon, max(_SOUTH, min(_NORTH, lat))) for lon, lat, *_ in ring]
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


def partner_places(graph: nx.MultiDiGraph, links: Mapping[str, Mapping[str, str]],
                   home: str | None = None) -> list[dict[str, Any]]:
    """Geolocated foreign cities (and the home city) with their goals, strongest basis
    first. Other cities of the home country are no partners and stay off the map."""
    home_country = graph.nodes[home].get("country") if home in graph else None
    keys = [g.key for g in GOALS]
    places = []
    for n, attrs in graph.nodes(data=True):
        if attrs.get("type") != "City" or "lat" not in attrs or "lon" not in attrs:
            continue
        if n != home and home_country and attrs.get("country") == home_country:
            continue
        goals = {k: b for k, b in links.get(n, {}).items() if k in GOAL_BY_KEY}
        order = sorted(goals, key=lambda k: (_BASIS_ORDER.index(goals[k]), keys.index(k)))
        places.append({"iri": n, "label": attrs.get("label", ""),
                       "label_en": attrs.get("label_en", ""), "country": attrs.get("country", ""),
                       "lat": float(attrs["lat"]), "lon": float(attrs["lon"]),
                       "goals": {k: goals[k] for k in order}, "home": n == home})
    return sorted(places, key=lambda p: (p["home"], p["lon"], p["lat"]))


_MAP_FONT = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'


def world_map_svg(graph: nx.MultiDiGraph, links: Mapping[str, Mapping[str, str]],
                  home: str | None = None, *, width: str = "100%") -> str:
    """Partner cities on an equirectangular world map, coloured by their first goal: a
    filled dot when the text ties the city to the goal, a ring when it is only inferred."""
    places = partner_places(graph, links, home)
    partner_countries = {p["country"] for p in places}
    w, h = 360 * _SCALE, (_NORTH - _SOUTH) * _SCALE
    out = [f'<svg class="waishi-map" viewBox="0 0 {w:.0f} {h:.0f}" width="{width}" role="img" '
           f"aria-label=\"partner cities world map\" font-family='{_MAP_FONT}' "
           'style="background:#eef6fb;border:1px solid #d1d5db;border-radius:8px">',
           '<g stroke="#dbe4ea" stroke-width="0.6" fill="none">']
    for lon in range(-180, 181, 30):
        x = _xy(lon, 0)[0]
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{h:.0f}"/>')
    for lat in range(-30, 90, 30):
        y = _xy(0, lat)[1]
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{w:.0f}" y2="{y:.1f}"/>')
    out.append('</g><g stroke="#ffffff" stroke-width="0.4">')
    for iso, path in country_outlines():
        fill = "#e8dcc4" if iso in partner_countries else "#d9dde1"
        out.append(f'<path d="{path}" fill="{fill}"><title>{html.escape(iso)}</title></path>')
    out.append("</g>")
    taken: list[tuple[float, float, float]] = []  # label boxes placed so far: x, y, width
    for place in places:
        x, y = _xy(place["lon"], place["lat"])
        goals = place["goals"]
        first = next(iter(goals), None)
        colour = GOAL_BY_KEY[first].colour if first else NO_GOAL
        fill = "#ffffff" if first and goals[first] == "inferred" else colour
        tip = [f"{place['label']} {place['label_en']} ({place['country']})"]
        tip += [f"{GOAL_BY_KEY[k].title}: {BASIS_ZH[b]} {b}" for k, b in goals.items()]
        label = str(place["label"])
        lx, ly = _label_spot(x, y, 11.0 * len(label), w, taken)
        if place["home"]:
            dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#111827" stroke="#fff" '
                   'stroke-width="2"/>')
        else:
            dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{colour}" '
                   'stroke-width="2.5"/>')
        out.append(f'<g class="{"home" if place["home"] else "city"}" '
                   f'data-iri="{html.escape(place["iri"])}" data-goal="{first or ""}">'
                   f'<title>{html.escape(chr(10).join(tip))}</title>{dot}'
                   f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" fill="#111827" '
                   f'font-weight="{600 if place["home"] else 400}">{html.escape(label)}</text></g>')
    out.append(_map_legend(h))
    out.append("</svg>")
    return "".join(out)


def _label_spot(x: float, y: float, width: float, map_width: float,
                taken: list[tuple[float, float, float]]) -> tuple[float, float]:
    """Beside the dot, moved down a line until it overlaps no label placed before."""
    lx = x + 8 if x + 8 + width < map_width else x - 8 - width
    ly = y - 4
    for _ in range(8):
        if not any(abs(ly - ty) < 12 and lx < tx + tw and tx < lx + width for tx, ty, tw in taken):
            break
        ly += 12
    taken.append((lx, ly, width))
    return lx, ly


def _map_legend(height: float) -> str:
    rows = [(g.colour, g.colour, g.title) for g in GOALS]
    rows += [(NO_GOAL, NO_GOAL, "无目标 no goal"),
             ("#ffffff", "#374151", "空心：推断 ring: inferred (membership)"),
             ("#111827", "#111827", "本市 home city")]
    top = height - 18 * len(rows) - 12
    out = [f'<g class="legend" font-size="11"><rect x="8" y="{top:.0f}" width="236" '
           f'height="{18 * len(rows) + 6}" fill="#ffffff" opacity="0.92" rx="4"/>']
    for k, (fill, stroke, text) in enumerate(rows):
        y = top + 16 + 18 * k
        out.append(f'<circle cx="20" cy="{y - 4:.0f}" r="5" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="2"/><text x="32" y="{y:.0f}">{html.escape(text)}</text>')
    return "".join(out) + "</g>"


def save_page(page: str, path: Path) -> Path:
    """Write a page to a file (the notebook keeps the graph as a standalone page)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
