"""Answering: run the plan's SPARQL, group rows into answers with a `why` and evidence, and
fall back to hybrid retrieval, saying so, when the graph has no structured answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from rdflib import Dataset, URIRef
from rdflib.namespace import RDFS

from graph.queries import select_values
from search.hybrid import HybridSearch
from search.qa.lexicon import Lexicon
from search.qa.plan import QueryPlan
from search.qa.understand import understand

MIN_CONFIDENCE = 0.55
EVIDENCE_FOR = 50  # partners (explicit, and as many inferred) whose evidence is looked up
PARTNERS_SHOWN = 100  # a goal's partners listed, of each basis (the query's LIMIT)
_PLANNED = " (planned)"
_PREDICATE_EN = {
    "sisterCityOf": "sister city of",
    "cooperatesWith": "cooperates with",
    "signedAgreementWith": "signed an agreement with",
    "participatedIn": "participated in",
    "heldIn": "held in",
    "involves": "involves",
    "reportedBy": "reported by",
    "supportsGoal": "supports",
    "diplomaticRelationsWith": "diplomatic relations with",
    "locatedIn": "located in",
    "organisedBy": "organised by",
    "projectSettledIn": "project settled in",
    "capitalOf": "capital of",
}


@dataclass(frozen=True)
class Evidence:
    doc: str
    sentence: str
    start: int
    end: int


@dataclass
class AnswerRow:
    label: str
    label_en: str
    iri: str
    type: str
    why: str
    evidence: list[Evidence] = field(default_factory=list)


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
        }


class QuestionAnswerer:
    def __init__(self, dataset: Dataset, lexicon: Lexicon, search: HybridSearch | None = None):
        self.dataset = dataset
        self.lexicon = lexicon
        self.search = search
        self._labels: dict[Any, str] = {}

    def ask(self, question: str) -> Answer:
        reading = understand(question, self.lexicon)
        plan = _paged(reading.plan)
        unfiltered: dict[str, list[dict[str, Any]]] = {}
        rows, sparql = self._run(plan, unfiltered)
        for looser in reading.alternatives:
            if rows:
                break
            plan = _paged(looser)
            rows, sparql = self._run(plan, unfiltered)
        answers, inferred = self._group(plan, rows)
        more = ""
        if plan.intent == "supports_goal" and (answers or inferred):
            self._add_evidence(plan, answers[:EVIDENCE_FOR], inferred[:EVIDENCE_FOR])
            more = _more(plan, rows)
        evidence = _one_per_sentence(e for a in answers + inferred for e in a.evidence)
        answer = Answer(
            question,
            answers,
            sparql,
            evidence[:10],
            plan.intent,
            reading.confidence,
            inferred=inferred,
            message=more,
        )
        if answers or inferred:
            return answer
        constrained = plan.countries or plan.goals or plan.year or plan.status
        answer.message = "nothing in the reports answers this"
        # a goal no partner is tied to may still be named near its partners: show those sentences
        if reading.confidence < MIN_CONFIDENCE or not constrained or plan.intent == "supports_goal":
            self._retrieve(answer, reading.linked)
        return answer

    def _run(
        self, plan: QueryPlan, unfiltered: dict[str, list[dict[str, Any]]]
    ) -> tuple[list[dict[str, Any]], str]:
        """The rows of the plan's query. Readings that differ only in the words their evidence
        must contain share one query without them (kept in `unfiltered`), filtered here as the
        query's `FILTER(CONTAINS(STR(?sentence), ?evKw))` would: the rows are the same, and a
        question tried in several readings costs one query instead of several."""
        sparql = plan.sparql()
        if not plan.evidence_keywords or plan.intent == "supports_goal":
            return self._select(sparql), sparql
        loose = replace(plan, evidence_keywords=[]).sparql()
        if loose not in unfiltered:
            unfiltered[loose] = self._select(loose)
        keywords = plan.evidence_keywords
        rows = [r for r in unfiltered[loose] if any(k in str(r["sentence"]) for k in keywords)]
        return rows, sparql

    def _select(self, sparql: str) -> list[dict[str, Any]]:
        return select_values(self.dataset, sparql)

    def _add_evidence(
        self, plan: QueryPlan, explicit: list[AnswerRow], inferred: list[AnswerRow]
    ) -> None:
        """Evidence looked up for the partners shown only: at a million triples the goal's
        inferred partners are thousands, each named in many sentences."""
        by_iri = {row.iri: row for row in explicit + inferred}
        sparql = plan.evidence_sparql(
            [URIRef(r.iri) for r in explicit], [URIRef(r.iri) for r in inferred]
        )
        for row in self._select(sparql):
            evidence = _row_evidence(row)
            target = by_iri[str(row["e"])]
            if evidence not in target.evidence:
                target.evidence.append(evidence)

    def _group(
        self, plan: QueryPlan, rows: list[dict[str, Any]]
    ) -> tuple[list[AnswerRow], list[AnswerRow]]:
        answers: dict[str, AnswerRow] = {}
        inferred: dict[str, AnswerRow] = {}
        for row in rows:
            if plan.intent == "quantity":
                key = str(row["value"])
                target = answers.setdefault(
                    key,
                    AnswerRow(
                        key,
                        key,
                        "",
                        "Quantity",
                        " ".join(filter(None, (str(row["value"]), str(row["noun"] or ""))))
                        + " (a count stated in the report)",
                    ),
                )
            else:
                basis = str(row.get("basis") or "")
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
                        self._why(plan, row),
                    ),
                )
                if target.why.endswith(_PLANNED) and row.get("factStatus") != "planned":
                    target.why = self._why(plan, row)  # what exists says more than a plan
            if row.get("sentence") is not None:
                evidence = _row_evidence(row)
                if evidence not in target.evidence:
                    target.evidence.append(evidence)
        return list(answers.values()), list(inferred.values())

    def _why(self, plan: QueryPlan, row: dict[str, Any]) -> str:
        if (
            plan.intent in ("membership", "supports_goal")
            and row.get("memberCountry") is not None
            and str(row.get("basis") or "inferred") == "inferred"
        ):
            since = f" since {row['since']}" if row.get("since") else ""
            prefix = "inferred: " if plan.intent == "supports_goal" else ""
            role = str(row["role"]).replace("_", " ")
            article = "an" if role[:1] in "aeiou" else "a"
            return (
                f"{prefix}{self._label(row['memberCountry'])} is {article} {role} of "
                f"{self._label(row['goal'])}{since}"
            )
        if plan.intent == "supports_goal":
            return f"explicit: the report ties it to {self._label(row['i'])}"
        if plan.intent == "country_of":
            return f"{self._label(row['x'])} is located in {row.get('label') or row['e']}"
        if plan.intent == "describe":
            return "mentioned in the reports"
        predicate = str(row.get("p", "")).rsplit("#", 1)[-1]
        why = f"{_PREDICATE_EN.get(predicate, predicate)} {self._label(row['x'])}".strip()
        # a relation a report only plans (a target, 推动与…结好) is not one that exists
        return f"{why}{_PLANNED}" if row.get("factStatus") == "planned" else why

    def _label(self, iri: Any) -> str:
        """The Chinese label of a goal, initiative or member country named in a `why`: the same
        few for hundreds of answers, so each is looked up once."""
        if iri not in self._labels:
            labels = self.dataset.objects(iri, RDFS.label)
            zh = [str(x) for x in labels if getattr(x, "language", None) == "zh"]
            self._labels[iri] = zh[0] if zh else str(iri).rsplit("/", 1)[-1]
        return self._labels[iri]

    def _retrieve(self, answer: Answer, linked: tuple[Any, ...]) -> None:
        if self.search is None:
            return
        hits = self.search.search(
            answer.question, 5, entities=[str(i) for i in linked], kind="sentence"
        )
        answer.fallback = True
        answer.message = (
            "nothing in the graph answers this directly (no fact of this shape); "
            "the closest sentences from hybrid retrieval are shown as evidence"
        )
        answer.evidence = [
            Evidence(h.item.doc, h.item.text, h.item.start, h.item.end) for h in hits
        ]


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


def _row_evidence(row: dict[str, Any]) -> Evidence:
    return Evidence(str(row["doc"]), str(row["sentence"]), int(row["start"]), int(row["end"]))


def _one_per_sentence(items: Any) -> list[Evidence]:
    """Evidence sentences in order, each once (with the first matched span in it)."""
    seen: dict[tuple[str, str], Evidence] = {}
    for item in items:
        seen.setdefault((item.doc, item.sentence), item)
    return list(seen.values())
