"""Entity cards and evidence for the app: what the views read from the store (goal links,
evidence sentences, a document's entities), evidence with its span marked, entity cards."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef

from graph.namespaces import SPARQL_PREFIXES, WSD
from graph.visual import (
    BASIS_ORDER,
    BASIS_ZH,
    GOAL_BY_KEY,
    OTHER_STYLE,
    TYPE_STYLES,
    goal_keys,
    node_label,
    relation_labels,
)

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
    FILTER(?c != __HOME__)
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


def goal_links(dataset: Dataset | Graph, home_country: str = "") -> dict[str, dict[str, str]]:
    """Entity IRI -> {goal key: strongest basis}: explicit (the text ties it to the goal or it
    is the goal's own initiative), linked (any other relation with such an initiative), or
    inferred (its country is a member, observer or partner of the organisation). The reports'
    own country (`home_country`, ISO alpha-2) infers nothing: China is a member of the SCO, but
    that makes no district, ministry or company of China a partner of it."""
    home = WSD[f"country/{home_country.upper()}"] if home_country else WSD["country/-"]
    query = _GOAL_LINKS.replace("__HOME__", home.n3())  # an rdflib term, escaped
    links: dict[str, dict[str, str]] = {}
    for e, basis, label in dataset.query(query):  # type: ignore[misc]
        for key in goal_keys(str(label)):
            current = links.setdefault(str(e), {})
            old = current.get(key)
            if old is None or BASIS_ORDER.index(str(basis)) < BASIS_ORDER.index(old):
                current[key] = str(basis)
    return links


def entity_evidence(dataset: Dataset | Graph, iri: str, limit: int = 6) -> list[dict[str, Any]]:
    """The sentences that mention an entity, each once, with the span of its first mention
    inside the sentence (`start`, `end`), all its mentions' spans (`spans`), and the
    sentence's offset in its report (`offset`)."""
    query = _with_values(_EVIDENCE, _values("?e", [(URIRef(iri),)]))
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for doc, text, sstart, start, end in dataset.query(query):  # type: ignore[misc]
        offset = int(sstart)
        span = (int(start) - offset, int(end) - offset)
        row = rows.setdefault((str(doc), offset), {
            "doc": str(doc), "sentence": str(text), "start": span[0], "end": span[1],
            "offset": offset, "spans": []})
        if span not in row["spans"]:
            row["spans"].append(span)
    return list(rows.values())[:limit]


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


def country_name(graph: nx.MultiDiGraph, iso: str) -> str:
    """白俄罗斯 Belarus (BY) for BY, when the graph holds the country; else the code."""
    attrs = graph.nodes.get(str(WSD[f"country/{iso}"])) if iso else None
    if not attrs:
        return iso
    return f"{attrs.get('label', '')} {attrs.get('label_en', '')} ({iso})".replace("  ", " ")


# -- cards and evidence ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A span of a text to mark: [start, end) inside the text, the role it plays (a CSS class;
    `MARK_ROLES` orders them), what it names (a tooltip), and a tag shown after it when the
    span does not say the name itself (中尼 stands for Nepal: tag 尼泊尔 Nepal)."""

    start: int
    end: int
    role: str = "answer"
    title: str = ""
    tag: str = ""


MARK_ROLES = ("answer", "support", "other", "span")  # an overlap keeps the earlier role


def marked_text(text: str, marks: Iterable[Mark]) -> str:
    """The text HTML-escaped, its marks in <mark class=role>; of overlapping marks the one of
    the earlier role (then the longer) stays, and marks outside the text are dropped."""
    def rank(mark: Mark) -> tuple[int, int, int]:
        order = MARK_ROLES.index(mark.role) if mark.role in MARK_ROLES else len(MARK_ROLES)
        return order, mark.start - mark.end, mark.start

    kept: list[Mark] = []
    for mark in sorted(marks, key=rank):
        if 0 <= mark.start < mark.end <= len(text) and not any(
            mark.start < k.end and k.start < mark.end for k in kept
        ):
            kept.append(mark)
    out, at = [], 0
    for mark in sorted(kept, key=lambda m: m.start):
        title = f' title="{html.escape(mark.title)}"' if mark.title else ""
        tag = f'<span class="tag">{html.escape(mark.tag)}</span>' if mark.tag else ""
        out += [html.escape(text[at:mark.start]),
                f'<mark class="{html.escape(mark.role)}"{title}>',
                html.escape(text[mark.start:mark.end]), "</mark>", tag]
        at = mark.end
    out.append(html.escape(text[at:]))
    return "".join(out)


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
    else the first of `fallback_terms` found in the sentence is marked. An item with `spans`
    has all of them marked; one with `read` gets a link that opens the report there."""
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
        spans = e.get("spans") or [(start, end)]
        text = marked_text(sentence, [Mark(a, b) for a, b in spans])
        read = (f' <a class="read" data-read="{html.escape(str(e["read"]))}" href="#">'
                "阅读 read ↗</a>") if e.get("read") else ""
        items.append(f'<li><span class="doc">[{html.escape(str(e["doc"]))}]</span> '
                     f"{text}{read}</li>")
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
    style = TYPE_STYLES.get(str(info.get("type")), OTHER_STYLE)
    label = str(info.get("label") or "") or node_label({}, iri)
    english = str(info.get("label_en") or "")
    grow = (f'<button class="grow" data-grow="{html.escape(iri)}">展开邻居 Expand neighbours'
            "</button>") if iri in graph else ""
    parts = [f'<div class="waishi-card"><h3><span style="color:{style.colour}">{style.symbol}'
             f"</span> {html.escape(label)} <small>{html.escape(english)}</small></h3>{grow}",
             f"<p>{html.escape(style.zh)} {html.escape(style.en)}"]
    if info.get("country"):
        parts.append(f" · 国家 Country: {html.escape(country_name(graph, str(info['country'])))}")
    parts.append("</p><dl>")
    identifiers = [("IRI", iri), ("英文名来源 English name from", info.get("label_en_source")),
                   ("ISO 3166", info.get("iso3166")),
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
                     f'<a href="#" data-iri="{html.escape(other)}"><b>{html.escape(name)}</b>'
                     "</a></li>")
    more = f"<li>… +{len(rows) - limit}</li>" if len(rows) > limit else ""
    return "<ul>" + "".join(items) + more + "</ul>" if items else '<p class="none">—</p>'

