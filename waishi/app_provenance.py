"""Per-answer provenance, read from the graph: each answer row's own sentences with every span
that supports it marked (the answer's mentions, the entities its facts in that sentence tie it
to, the other answers), and the memberships an inferred row rests on, with their source.

It starts from an answer row's evidence (document, sentence, span) and asks the graph what
the sentence mentions, so it holds whatever the question answering does inside.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef

from graph.namespaces import SPARQL_PREFIXES, WSD
from graph.views import Mark
from waishi.app_views import Sentence, Views

# A span this long is a clause, not a name: it is underlined, never marked as the answer.
MAX_NAME_SPAN = 40

_MENTIONS = SPARQL_PREFIXES + """
SELECT ?e ?start ?end WHERE {
  ?d dcterms:identifier __DOC__ . ?s wsh:inDocument ?d . ?m wsh:inSentence ?s ;
     wsh:mentionOf ?e ; wsh:start ?start ; wsh:end ?end .
}"""

_FACTS = SPARQL_PREFIXES + """
SELECT ?a ?b ?start WHERE {
  ?d dcterms:identifier __DOC__ . ?s wsh:inDocument ?d . ?f prov:wasDerivedFrom ?s ;
     rdf:subject ?a ; rdf:object ?b ; wsh:start ?start .
}"""

_MEMBERSHIPS = SPARQL_PREFIXES + """
SELECT ?c ?org ?zh ?en ?role ?since ?until ?source WHERE {
  __VALUES__
  ?c wsh:membership ?ms . ?ms wsh:organisation ?org ; wsh:role ?role .
  OPTIONAL { ?ms wsh:since ?since } OPTIONAL { ?ms wsh:until ?until }
  OPTIONAL { ?ms dcterms:source ?source }
  OPTIONAL { ?org rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?org rdfs:label ?en FILTER(LANG(?en) = "en") }
} ORDER BY ?c ?since"""


@dataclass(frozen=True, order=True)
class Mention:
    start: int  # offsets in the report
    end: int
    entity: str


@dataclass(frozen=True)
class Membership:
    """A country's membership of an organisation, as the reference data states it."""

    country: str  # IRI
    organisation: str  # IRI
    organisation_zh: str
    organisation_en: str
    role: str
    since: str
    until: str
    source: str


@dataclass
class RowProvenance:
    """One answer row with what supports it."""

    label: str
    label_en: str
    iri: str
    type: str
    why: str
    basis: str  # explicit, inferred, membership or text
    sentences: list[tuple[Sentence, list[Mark]]] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)


# -- what the graph says about a report ------------------------------------------------------


def mentions(views: Views, doc: str) -> list[Mention]:
    def read() -> list[Mention]:
        rows = views.select(_MENTIONS.replace("__DOC__", Literal(doc).n3()))
        return sorted(Mention(int(r["start"]), int(r["end"]), str(r["e"])) for r in rows)

    return views.cached(("mentions", doc), read)


def fact_ends(views: Views, doc: str) -> list[tuple[int, str, str]]:
    """(offset, subject, object) of every fact of a report between two entities."""
    def read() -> list[tuple[int, str, str]]:
        rows = views.select(_FACTS.replace("__DOC__", Literal(doc).n3()))
        return sorted((int(r["start"]), str(r["a"]), str(r["b"])) for r in rows)

    return views.cached(("facts", doc), read)


def memberships(views: Views, countries: Iterable[str]) -> dict[str, list[Membership]]:
    wanted = sorted(set(countries))
    if not wanted:
        return {}
    values = "VALUES ?c { " + " ".join(URIRef(c).n3() for c in wanted) + " }"
    found: dict[str, list[Membership]] = {}
    for r in views.cached(("memberships", *wanted),
                          lambda: views.select(_MEMBERSHIPS.replace("__VALUES__", values))):
        found.setdefault(str(r["c"]), []).append(Membership(
            str(r["c"]), str(r["org"]), str(r["zh"] or ""), str(r["en"] or ""),
            str(r["role"]).replace("_", " "), str(r["since"] or ""), str(r["until"] or ""),
            str(r["source"] or "")))
    return found


def locate(views: Views, evidence: Any) -> Sentence | None:
    """The stored sentence an evidence item points at (by offset, checked by its text)."""
    doc, text = str(evidence.doc), str(evidence.sentence)
    if doc not in views.documents:
        return None
    found = views.sentence_at(doc, int(evidence.start))
    if found is not None and (found.text == text or text in found.text):
        return found
    return next((s for s in views.sentences(doc) if s.text == text), found)


# -- marks -----------------------------------------------------------------------------------


def country_of(views: Views, iri: str) -> str:
    """The IRI of an entity's country (a country is its own)."""
    attrs = views.graph.nodes[iri] if iri in views.graph else views.entities.get(iri, {})
    if attrs.get("type") == "Country":
        return iri
    iso = str(attrs.get("country") or "")
    return str(WSD[f"country/{iso}"]) if iso else ""


def abbreviation_run(text: str, start: int, letters: Collection[str]) -> tuple[int, int]:
    """The span a one-character country abbreviation stands in, so that no lone character
    stands for a country: the list it is part of (韩、日、泰三国), else the compound (中尼, 日韩);
    the character itself when it is neither."""
    if not letters:
        return start, start + 1
    c = "[" + re.escape("".join(sorted(letters))) + "]"
    listed = re.compile(f"(?<!{c}){c}(?:、{c})+(?!{c})(?:[两二三四五六七八九十]国)?")
    for pattern in (listed, re.compile(f"{c}{{2,}}")):
        for found in pattern.finditer(text):
            if found.start() <= start < found.end():
                return found.start(), found.end()
    return start, start + 1


def sentence_marks(
    views: Views,
    sentence: Sentence,
    answer: str,
    others: Collection[str],
    support: Collection[str] = (),
    span: tuple[int, int] | None = None,
    letters: Collection[str] = (),
) -> list[Mark]:
    """The marks of one sentence for one answer: its mentions, the mentions of what its facts
    in this sentence tie it to and of `support` (its country, the organisation), and the other
    answers. `span` (offsets in the report) is the evidence span, marked when the sentence
    holds no mention of the answer (a number, an entity the graph does not name here)."""
    inside = [m for m in mentions(views, sentence.doc)
              if sentence.start <= m.start and m.end <= sentence.end]
    tied = set(support)
    for offset, subject, obj in fact_ends(views, sentence.doc):
        if sentence.start <= offset < sentence.end and answer in (subject, obj):
            tied.add(obj if subject == answer else subject)
    tied.discard(answer)
    own = [m for m in inside if m.entity == answer]
    if any(m.end - m.start > 1 for m in own):  # 尼泊尔 said in full: no need for 尼 too
        own = [m for m in own if m.end - m.start > 1]
    marks = []
    label = str(views.graph.nodes[answer].get("label", "")) if answer in views.graph else ""
    name = views.entity_name(answer) if answer else ""
    for m in own:
        start, end = m.start - sentence.start, m.end - sentence.start
        if end - start == 1:
            start, end = abbreviation_run(sentence.text, start, letters)
        said = sentence.text[start:end]
        tag = label if label and label not in said else ""
        marks.append(Mark(start, end, "answer", name, tag))
    if not marks and span is not None:
        start, end = span[0] - sentence.start, span[1] - sentence.start
        if 0 <= start < end <= len(sentence.text):
            role = "answer" if end - start <= MAX_NAME_SPAN else "span"
            marks.append(Mark(start, end, role, name))
    for m in inside:
        if m.entity in tied or (m.entity in others and m.entity != answer):
            role = "support" if m.entity in tied else "other"
            start, end = m.start - sentence.start, m.end - sentence.start
            if end - start == 1:
                start, end = abbreviation_run(sentence.text, start, letters)
            if end - start > 1:  # a lone character (青 for Qingdao) would only puzzle
                marks.append(Mark(start, end, role, views.entity_name(m.entity)))
    return marks


# -- rows ----------------------------------------------------------------------------------


def basis_of(row: Any, inferred: bool, intent: str) -> str:
    if inferred or str(row.why).startswith("inferred"):
        return "inferred"
    if intent == "membership":
        return "membership"
    if intent == "fallback":
        return "text"
    return "explicit"


def provenance(views: Views, answer: Any, letters: Collection[str] = ()) -> list[RowProvenance]:
    """Every answer row of an `Answer` (answers, then inferred) with its own sentences, each
    once, marked; and, for a row whose why rests on a membership, that membership."""
    rows = [(r, False) for r in answer.answers] + [(r, True) for r in answer.inferred]
    iris = {str(r.iri) for r, _ in rows if r.iri}
    countries = {r.iri: country_of(views, str(r.iri)) for r, _ in rows if r.iri}
    member_of = memberships(views, (c for c in countries.values() if c))
    out = []
    for row, inferred in rows:
        iri = str(row.iri)
        basis = basis_of(row, inferred, answer.intent)
        found = _cited(member_of.get(countries.get(iri, ""), []), str(row.why), basis)
        support = {countries.get(iri, "")} | {m.organisation for m in found}
        item = RowProvenance(str(row.label), str(row.label_en), iri, str(row.type),
                             str(row.why), basis, memberships=found)
        seen: set[tuple[str, int]] = set()
        for evidence in row.evidence:
            sentence = locate(views, evidence)
            if sentence is None or (sentence.doc, sentence.index) in seen:
                continue
            seen.add((sentence.doc, sentence.index))
            span = (int(evidence.start), int(evidence.end))
            marks = sentence_marks(views, sentence, iri, iris, support - {""}, span, letters)
            item.sentences.append((sentence, marks))
        out.append(item)
    return out


def _cited(found: list[Membership], why: str, basis: str) -> list[Membership]:
    """For a row that rests on membership, the memberships its why names (by the
    organisation's name); all of them for an inferred row whose why names none."""
    if basis not in ("inferred", "membership"):
        return []
    named = [m for m in found if (m.organisation_zh and m.organisation_zh in why)
             or (m.organisation_en and m.organisation_en in why)]
    return named or (found if basis == "inferred" else [])


def evidence_sentences(views: Views,
                       rows: list[RowProvenance]) -> list[tuple[Sentence, list[Mark]]]:
    """Every row's sentences, each once, with every answer in it marked."""
    merged: dict[tuple[str, int], tuple[Sentence, list[Mark]]] = {}
    for row in rows:
        for sentence, marks in row.sentences:
            key = (sentence.doc, sentence.index)
            if key not in merged:
                merged[key] = (sentence, [])
            merged[key][1].extend(m for m in marks if m.role in ("answer", "other"))
    return [merged[k] for k in sorted(merged)]
