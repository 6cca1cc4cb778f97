"""What an intent is: example questions, the cue concepts that speak for it, a slot matcher, the
readings (query plans) it makes of a question, its SPARQL and the `why` of each answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from rdflib import URIRef

from search.qa.lexicon import Lexicon
from search.qa.plan import QueryPlan
from search.qa.slots import Slots

Label = Callable[[Any], str]  # the Chinese label of an IRI named in a `why`
PREDICATE_EN = {
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
PLANNED = " (planned)"
MAX_READINGS = 8  # each costs a query; past a handful, looser readings only add noise
PLACES = ["City", "Region", "Country"]
PARTIES = ["City", "Country", "Enterprise", "Organization"]


REGISTRY: dict[str, Intent] = {}


class Intent:
    """One kind of question. Subclasses set the class attributes and override what differs;
    each subclass that names itself is registered (one instance) in `REGISTRY`."""

    name: ClassVar[str]
    why: ClassVar[str]  # what the intent answers, for people reading the registry
    # example questions, Chinese and English, names marked as [name](Kind)
    examples: ClassVar[tuple[str, ...]]
    cues: ClassVar[frozenset[str]] = frozenset()  # concepts (slots.concepts_of) that speak for it
    values: ClassVar[bool] = False  # answers are values (a count, a year), not entities
    # what the answer is when no plan answers and the text is read instead (search.qa.from_text):
    # () for the answer type the question names (城市, company …)
    expects: ClassVar[tuple[str, ...]] = ()
    # a paged intent lists its answers first (the plan's answers query, `answers_only`), then
    # the rows of the first page's answers only (`listed`), matched from these variables of the
    # answers query; () = one query gives every row (`search.qa.answer.graph_rows`)
    pages: ClassVar[tuple[str, ...]] = ()
    # the answers are others than what the question names: a name it gives (the city asked
    # about, a name written inside the event asked about) is no answer
    others_only: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            REGISTRY[cls.name] = cls()

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        """Whether the question gives what the intent needs (the slot matcher)."""
        return True

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        """Plans in the order to try them: the strictest reading first."""
        raise NotImplementedError

    def render(self, plan: QueryPlan) -> str:
        """The SPARQL of a plan, without prefixes."""
        raise NotImplementedError

    def paged(self, plan: QueryPlan) -> bool:
        """Whether the plan's answers come first, then the rows of those listed (`pages`). Not
        when evidence words are asked: the words decide the answers, and readings that differ
        only in them share one query (`search.qa.answer.graph_rows`)."""
        return bool(self.pages) and not plan.evidence_keywords

    def keep(
        self, rows: list[dict[str, Any]], slots: Slots, lex: Lexicon
    ) -> list[dict[str, Any]]:
        """The rows that answer, of those the plan's query returned."""
        return rows

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        """Why an answer row answers."""
        predicate = str(row.get("p", "")).rsplit("#", 1)[-1]
        why = f"{PREDICATE_EN.get(predicate, predicate)} {label(row['x'])}".strip()
        # a relation a report only plans (a target, 推动与…结好) is not one that exists
        return f"{why}{PLANNED}" if row.get("factStatus") == "planned" else why


def base_plan(intent: str, slots: Slots, lex: Lexicon) -> QueryPlan:
    """The plan every intent starts from: the slots as the question gives them. A country
    named beside an answer type other than countries constrains the answers (韩国大学, Korean
    university, in Brazil); otherwise it is an anchor."""
    plan = QueryPlan(
        intent=intent,
        types=list(slots.types),
        predicates=list(slots.predicates),
        label_keywords=[slots.label_keyword] if slots.label_keyword else [],
        year=slots.year,
        home_country=lex.home_country,
        home_city=lex.home_city,
        documents=list(slots.documents),
        status="planned" if slots.planned else "",
        new=slots.new,
        foreign=slots.foreign,
    )
    anchors = list(slots.anchors)
    if slots.types and "Country" not in slots.types:
        plan.countries = list(dict.fromkeys(slots.countries + slots.demonyms))
    else:  # a country named is what the answers relate to; a demonym says what they are
        anchors = list(dict.fromkeys(anchors + slots.countries))
        plan.countries = list(slots.demonyms)
    if slots.region:
        plan.countries = list(dict.fromkeys(plan.countries + slots.region))
    plan.anchors = anchors
    return plan


def home_anchor(slots: Slots, lex: Lexicon) -> list[URIRef]:
    """The city the question is about when it names none: a reporting city it names, else
    the home city."""
    if slots.reporting:
        return slots.reporting[:1]
    return [lex.home_city] if lex.home_city is not None else []


def looser(readings: list[QueryPlan]) -> list[QueryPlan]:
    """Each reading, then the same without its evidence words (only a hint), at most
    `MAX_READINGS`."""
    result: list[QueryPlan] = []
    for reading in readings:
        result.append(reading)
        if reading.evidence_keywords:
            result.append(replace(reading, evidence_keywords=[]))
    return result[:MAX_READINGS]
