"""Answering: a question ends in one of three ways, in this order. A registered intent's query
plan answers from the graph; else the answer is read from the best-matching sentences (*from
text*); else Waishi abstains and says what it did not find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any

from rdflib import Dataset, URIRef
from rdflib.namespace import RDFS

from graph.namespaces import SPARQL_PREFIXES
from graph.queries import select_values
from search.hybrid import HybridSearch
from search.qa.abstain import refusal
from search.qa.calibration import calibrated, raw_score
from search.qa.from_text import (
    ANY,
    TextAnswer,
    documents_naming,
    expected_type,
    named_in_question,
    naming_documents,
    of_home_country,
    read_answers,
    text_sparql,
)
from search.qa.intents import Intent
from search.qa.intents.base import PLANNED
from search.qa.lexicon import Lexicon
from search.qa.plan import QueryPlan, planned_only_query
from search.qa.retrieve import SentenceHit, SentenceIndex
from search.qa.slots import asks_foreign
from search.qa.text_match import simplified
from search.qa.understand import understand

ALL_DOCUMENTS = SPARQL_PREFIXES + "SELECT ?d WHERE { ?d a wsh:Document }"
EVIDENCE_FOR = 50  # partners (explicit, and as many inferred) whose evidence is looked up
PARTNERS_SHOWN = 100  # a goal's partners listed, of each basis (the query's LIMIT)
ANSWERS_SHOWN = 100  # answers listed of a paged intent (`Intent.pages`), the first by name
INTENTS_TRIED = 2  # the best intents whose plans are tried, in turn


@dataclass(frozen=True)
class Evidence:
    doc: str
    sentence: str
    start: int  # the span, in the report, of the mention or fact that supports the answer
    end: int


@dataclass
class AnswerRow:
    label: str
    label_en: str
    iri: str
    type: str
    why: str
    evidence: list[Evidence] = field(default_factory=list)
    basis: str = "graph"  # graph | explicit | inferred | text


@dataclass
class Answer:
    question: str
    answers: list[AnswerRow]
    sparql: str
    evidence: list[Evidence]
    intent: str
    confidence: float
    fallback: bool = False
    message: str = ""
    inferred: list[AnswerRow] = field(default_factory=list)
    raw_confidence: float = 0.0  # before calibration (search.qa.calibration)

    def to_json(self) -> dict[str, Any]:
        def row(r: AnswerRow) -> dict[str, Any]:
            data = asdict(r)
            data["evidence"] = [asdict(e) for e in r.evidence[:3]]
            return data

        return {
            "question": self.question,
            "answers": [row(r) for r in self.answers],
            "inferred": [row(r) for r in self.inferred],
            "sparql": self.sparql,
            "evidence": [asdict(e) for e in self.evidence],
            "intent": self.intent,
            "confidence": round(self.confidence, 2),
            "fallback": self.fallback,
            "message": self.message,
            "raw_confidence": self.raw_confidence,
        }


class QuestionAnswerer:
    def __init__(self, dataset: Dataset, lexicon: Lexicon, search: HybridSearch | None = None):
        self.dataset = dataset
        self.lexicon = lexicon
        self.search = search  # kept for callers; answers read from text use `sentences`
        self._labels: dict[Any, str] = {}

    @cached_property
    def sentences(self) -> SentenceIndex:
        return SentenceIndex(self.dataset)

    @cached_property
    def _unattributed(self) -> set[URIRef]:
        """The reports found to speak for no city (a province's press release, a yearbook
        entry that never says 我市)."""
        attributed = set().union(*self.lexicon.reports_of.values())
        return {URIRef(str(row["d"])) for row in self._select(ALL_DOCUMENTS)} - attributed

    def ask(self, question: str) -> Answer:
        reading = understand(question, self.lexicon)
        slots = reading.slots
        refused = refusal(slots, self.lexicon)
        if refused:
            return Answer(question, [], "", [], "none", 0.0, message=refused)
        if not slots.documents:  # a question about Kaifeng's office: Kaifeng's reports answer
            slots.documents = naming_documents(slots, self.lexicon, self.dataset)
        elif self._unattributed:  # and the reports that name Kaifeng but speak for no city
            slots.documents = sorted(
                set(slots.documents)
                | (documents_naming(slots.reporting, self.dataset) & self._unattributed)
                | self.sentences.documents_writing(
                    [n for c in slots.reporting for n in self.lexicon.zh_names(c) if len(n) >= 2],
                    self._unattributed,
                )
            )
        slots.documents = of_year(slots.documents, slots.year, self.lexicon)
        unfiltered: dict[str, list[dict[str, Any]]] = {}
        first: Answer | None = None
        for rank, choice in enumerate(reading.choices[:INTENTS_TRIED]):
            if rank and not choice.fits:
                break  # an intent that gives another kind of answer than the one asked
            answer, used = self._from_graph(question, choice.intent, reading, unfiltered)
            answer.raw_confidence = raw_score("graph", choice.score, rank, used)
            answer.confidence = calibrated(answer.raw_confidence)
            if answer.answers or answer.inferred:
                return answer
            first = first or answer
        intent = reading.choices[0].intent if reading.choices else None
        wanted = expected_type(slots, intent.expects if intent else ())
        found, hits = read_answers(slots, self.lexicon, self.sentences, self.dataset, wanted)
        if found:
            score = reading.choices[0].score if reading.choices else 0.0
            answer = self._text_answer(question, intent, found)
            answer.raw_confidence = raw_score("text", score, 0, 0) * found[0].score
            if wanted == ANY:  # no type asked: whatever the sentence names there
                answer.raw_confidence *= 0.7
            answer.confidence = calibrated(answer.raw_confidence)
            return answer
        answer = first or Answer(question, [], "", [], intent.name if intent else "none", 0.0)
        answer.confidence = 0.0
        answer.fallback = bool(hits)
        answer.evidence = [Evidence(h.doc, h.text, h.start, h.start + len(h.text)) for h in hits]
        answer.message = _nothing(wanted, bool(hits))
        return answer

    # -- the graph ----------------------------------------------------------------------------

    def _from_graph(
        self,
        question: str,
        intent: Intent,
        reading: Any,
        unfiltered: dict[str, list[dict[str, Any]]],
    ) -> tuple[Answer, int]:
        """The answer of the intent's first reading that has one, and that reading's index."""
        plans = intent.readings(reading.slots, self.lexicon)
        if not plans:
            return Answer(question, [], "", [], intent.name, 0.0), 0
        rows: list[dict[str, Any]] = []
        plan = plans[0]
        used = matching = 0
        for used, candidate in enumerate(plans):  # noqa: B007 - the index is returned
            plan = _paged(candidate)
            rows, matching = graph_rows(self._select, intent, plan, unfiltered)
            rows = intent.keep(rows, reading.slots, self.lexicon)
            rows = _of_asked_type(rows, intent, candidate)
            if intent.others_only:
                rows = [r for r in rows if not named_in_question(r, reading.slots)]
            if asks_foreign(reading.slots) and not intent.values:  # which foreign cities
                rows = [r for r in rows if not of_home_country(URIRef(str(r["e"])), self.lexicon)]
            if rows:
                break
        answers, inferred = self._group(intent, plan, rows)
        more = ""
        if hasattr(intent, "evidence_query") and (answers or inferred):
            self._add_evidence(intent, plan, answers[:EVIDENCE_FOR], inferred[:EVIDENCE_FOR])
            more = _more(plan, rows)
        if matching > ANSWERS_SHOWN:
            answers = answers[:ANSWERS_SHOWN]
            more = (
                f"{matching} answers match; the first {ANSWERS_SHOWN} by name are listed, "
                "and the SPARQL shown lists them all"
            )
        self._mark_planned(answers + inferred)
        evidence = _one_per_sentence(e for a in answers + inferred for e in a.evidence)
        answer = Answer(
            question,
            answers,
            plan.sparql(),
            evidence[:10],
            intent.name,
            0.0,
            inferred=inferred,
            message=more,
        )
        return answer, used

    def _select(self, sparql: str) -> list[dict[str, Any]]:
        return select_values(self.dataset, sparql)

    def _add_evidence(
        self, intent: Any, plan: QueryPlan, explicit: list[AnswerRow], inferred: list[AnswerRow]
    ) -> None:
        """Evidence looked up for the partners shown only: at a million triples the goal's
        inferred partners are thousands, each named in many sentences."""
        by_iri = {row.iri: row for row in explicit + inferred}
        sparql = intent.evidence_query(
            plan, [URIRef(r.iri) for r in explicit], [URIRef(r.iri) for r in inferred]
        )
        for row in self._select(SPARQL_PREFIXES + sparql):
            evidence = _row_evidence(row)
            target = by_iri[str(row["e"])]
            if evidence not in target.evidence:
                target.evidence.append(evidence)

    def _group(
        self, intent: Intent, plan: QueryPlan, rows: list[dict[str, Any]]
    ) -> tuple[list[AnswerRow], list[AnswerRow]]:
        answers: dict[str, AnswerRow] = {}
        inferred: dict[str, AnswerRow] = {}
        for row in rows:
            if intent.values:
                key = str(row["value"])
                target = answers.setdefault(
                    key,
                    AnswerRow(key, key, "", "Quantity", intent.explain(plan, row, self._label)),
                )
            else:
                basis = str(row.get("basis") or "graph")
                bucket = inferred if basis == "inferred" else answers
                iri = str(row["e"])
                if basis == "inferred" and iri in answers:
                    continue
                target = bucket.get(iri) or bucket.setdefault(
                    iri,
                    AnswerRow(
                        str(row.get("label") or iri.rsplit("/", 1)[-1]),
                        str(row.get("label_en") or ""),
                        iri,
                        str(row["type"]).rsplit("#", 1)[-1],
                        intent.explain(plan, row, self._label),
                        basis=basis,
                    ),
                )
                if target.why.endswith(PLANNED) and row.get("factStatus") != "planned":
                    target.why = intent.explain(plan, row, self._label)  # what exists says more
            if row.get("sentence") is not None:
                evidence = _row_evidence(row)
                if evidence not in target.evidence:
                    target.evidence.append(evidence)
        return list(answers.values()), list(inferred.values())

    def _mark_planned(self, rows: list[AnswerRow]) -> None:
        """A partner whose every tie a report states is only planned says so in every answer
        list (a membership, an inferred support, a country), not only where the planned fact
        itself is the evidence."""
        iris = [URIRef(r.iri) for r in rows if r.iri and not r.why.endswith(PLANNED)]
        if not iris:
            return
        planned = {
            str(row["e"])
            for row in self._select(SPARQL_PREFIXES + planned_only_query(iris))
        }
        for row in rows:
            if row.iri in planned and not row.why.endswith(PLANNED):
                row.why += PLANNED

    def _label(self, iri: Any) -> str:
        """The Chinese label of a goal, initiative or member country named in a `why`: the same
        few for hundreds of answers, so each is looked up once."""
        if iri not in self._labels:
            labels = self.dataset.objects(iri, RDFS.label)
            zh = [str(x) for x in labels if getattr(x, "language", None) == "zh"]
            self._labels[iri] = zh[0] if zh else str(iri).rsplit("/", 1)[-1]
        return self._labels[iri]

    # -- the text -----------------------------------------------------------------------------

    def _text_answer(self, question: str, intent: Intent | None, found: list[TextAnswer]) -> Answer:
        rows = []
        for item in found:
            evidence = Evidence(item.hit.doc, item.hit.text, item.start, item.end)
            rows.append(
                AnswerRow(
                    item.label,
                    item.label_en,
                    item.iri,
                    item.type,
                    f"from text: {_snippet(item.hit.text, item.start - item.hit.start)}",
                    [evidence],
                    basis="text",
                )
            )
        return Answer(
            question,
            rows,
            text_sparql(found),
            _one_per_sentence(e for r in rows for e in r.evidence),
            intent.name if intent else "none",
            0.0,
            fallback=True,
            message=(
                "no stored relation answers this; the answers are read from the sentences "
                "that best match the question"
            ),
        )


Select = Callable[[str], list[dict[str, Any]]]


def graph_rows(
    select: Select, intent: Intent, plan: QueryPlan, unfiltered: dict[str, list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], int]:
    """The rows of a plan, and how many answers match when a paged intent (`Intent.pages`) has
    more than `ANSWERS_SHOWN` (else 0). A paged intent's answers come first, each once with
    only whether it has evidence (`QueryPlan.answers_only`), ordered by name; then every row
    of the first `ANSWERS_SHOWN` of them (`QueryPlan.listed`). At a million triples a goal's
    members are thousands, each in a few sentences: the rows of them all took 1.7 s, the two
    queries ~0.5 s. The rows of the answers listed are those of the whole query (the SPARQL
    shown); the answers of a name tied with the last listed are all fetched, so the answers
    listed are the first of the whole query's, in its order.

    Readings that differ only in the words their evidence must contain share one query without
    them (kept in `unfiltered`), filtered here as the query's `FILTER(CONTAINS(STR(?sentence),
    ?evKw))` would: the rows are the same, and a question tried in several readings costs one
    query instead of several. Those are not paged: the words decide the answers."""
    if intent.paged(plan):
        listed = _of_asked_type(
            select(replace(plan, answers_only=True).sparql()), intent, plan
        )
        shown = _first_answers(listed, intent.pages, ANSWERS_SHOWN)
        if not shown:
            return [], 0
        matching = len({str(r["e"]) for r in listed})
        rows = select(replace(plan, listed=shown).sparql())
        return rows, matching if matching > ANSWERS_SHOWN else 0
    if not plan.evidence_keywords or plan.intent == "supports_goal":
        return select(plan.sparql()), 0
    loose = replace(plan, evidence_keywords=[]).sparql()
    if loose not in unfiltered:
        unfiltered[loose] = select(loose)
    keywords = plan.evidence_keywords
    rows = unfiltered[loose]
    simple: dict[str, str] = {}  # each sentence converted once: rows share their sentences
    for row in rows:
        text = str(row["sentence"])
        if text not in simple:
            simple[text] = simplified(text)
    kept = [r for r in rows if any(k in simple[str(r["sentence"])] for k in keywords)]
    return kept, 0


def _first_answers(
    listed: list[dict[str, Any]], names: tuple[str, ...], count: int
) -> list[dict[str, Any]]:
    """Of the answers query's rows (ordered by label), those of the first `count` answers and of
    any answer whose label ties with the last of them, each once over `names`."""
    kept: set[str] = set()
    boundary: Any = None  # the label of the last answer counted
    for row in listed:
        iri = str(row["e"])
        if iri in kept:
            continue
        if len(kept) >= count and row.get("label") != boundary:
            break
        kept.add(iri)
        if len(kept) == count:
            boundary = row.get("label")
    rows = {tuple(r.get(n) for n in names): r for r in listed if str(r["e"]) in kept}
    return list(rows.values())


def of_year(documents: list[URIRef], year: str, lex: Lexicon) -> list[URIRef]:
    """Of a city's reports (or those naming what the question names), the ones of the year the
    question asks about (重庆2019年…: the 2019 review, not the 2022 one), and those whose year
    is not known; all when no report is of that year."""
    if not year or len(documents) < 2:
        return documents
    if not any(lex.year_of.get(d) == year[:4] for d in documents):
        return documents
    return [d for d in documents if lex.year_of.get(d, year[:4]) == year[:4]]


def _of_asked_type(
    rows: list[dict[str, Any]], intent: Intent, plan: QueryPlan
) -> list[dict[str, Any]]:
    """The rows of the type the plan asks for (哪座城市, which country): an event or an office
    is no answer to "in which city", whatever relation ties it. Values (a count, a year) are
    not typed so."""
    if not plan.types or intent.values or not rows or "type" not in rows[0]:
        return rows
    asked = set(plan.types)
    return [r for r in rows if str(r["type"]).rsplit("#", 1)[-1] in asked]


def _snippet(text: str, at: int, width: int = 24) -> str:
    start = max(0, at - width)
    end = at + width
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _nothing(wanted: tuple[str, ...], hits: bool) -> str:
    if wanted == ("Person",):
        return "the stored reports hold no people: nothing answers a question about a person"
    if hits:
        return (
            "nothing in the reports answers this; the closest sentences are shown as evidence"
        )
    return "nothing in the reports answers this"


def _paged(plan: QueryPlan) -> QueryPlan:
    return replace(plan, page=PARTNERS_SHOWN) if plan.intent == "supports_goal" else plan


def _more(plan: QueryPlan, rows: list[dict[str, Any]]) -> str:
    """Says so when a basis filled its page: more partners match than are listed."""
    full = [
        basis
        for basis in ("explicit", "inferred")
        if sum(1 for r in rows if r.get("basis") == basis) >= plan.page > 0
    ]
    if not full:
        return ""
    return (
        f"more {' and '.join(full)} partners match than the {plan.page} listed of each; "
        "the SPARQL without its two LIMITs lists them all"
    )


_CLAUSE_EDGE = "，,。；;：:！？!?()（）"


def _row_evidence(row: dict[str, Any]) -> Evidence:
    """The evidence of a row; a one-character mention (韩 of 韩、日、泰三国) stands for its
    clause, not for itself."""
    sentence, start, end = str(row["sentence"]), int(row["start"]), int(row["end"])
    base = row.get("sentenceStart")
    if end - start == 1 and base is not None:
        left = right = start - int(base)
        while left > 0 and sentence[left - 1] not in _CLAUSE_EDGE:
            left -= 1
        while right < len(sentence) and sentence[right] not in _CLAUSE_EDGE:
            right += 1
        start, end = int(base) + left, int(base) + right
    return Evidence(str(row["doc"]), sentence, start, end)


def _one_per_sentence(items: Any) -> list[Evidence]:
    """Evidence sentences in order, each once (with the first matched span in it)."""
    seen: dict[tuple[str, str], Evidence] = {}
    for item in items:
        seen.setdefault((item.doc, item.sentence), item)
    return list(seen.values())


__all__ = ["Answer", "AnswerRow", "Evidence", "QuestionAnswerer", "SentenceHit"]
