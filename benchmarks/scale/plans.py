"""The question plans the scale benchmark times: every registered intent (`search.qa.intents`),
each of its example questions read as the answerer reads a question (`read_slots`, then the
intent's own `readings`), over the synthetic graph's own lexicon.

An example names things as `[name](Kind)`. A name the graph holds is kept; another (a made-up
graph has no 青岛港) is replaced by the most mentioned entity of its kind that is not the home
city's or country's: the plan then has the busiest anchor the data offers, its worst case. Each
reading is timed as the answerer runs it (`search.qa.answer.graph_rows`): the query (for
readings that differ only in evidence words, the shared query without them; for a paged intent,
its answers query then the rows of the first 100 answers), then for a goal's partners the
evidence of the partners shown, then which answers listed are only planned. Readings whose query
text is the same are timed once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from generate import REFERENCE_DIR
from rdflib import Dataset, URIRef

from graph.build import entity_iri
from graph.namespaces import SPARQL_PREFIXES
from graph.queries import select_values
from ingest.gazetteer import load_gazetteer
from search.qa.answer import ANSWERS_SHOWN, EVIDENCE_FOR, PARTNERS_SHOWN, graph_rows
from search.qa.intents import INTENTS, Intent
from search.qa.lexicon import Lexicon, build_lexicon, en_tokens
from search.qa.plan import QueryPlan, planned_only_query
from search.qa.slots import EXAMPLE_NAME, read_slots

HOME_COUNTRY, HOME_CITY = entity_iri("country/CN"), entity_iri("city/1797929")
KEPT_KINDS = ("Goal", "Region")  # reference names the lexicon reads apart (members, regions)
# the most mentioned entity of each type, foreign ones only: the anchors replacing names the
# graph does not hold
BUSIEST = (
    SPARQL_PREFIXES
    + """SELECT ?type ?e ?label ?label_en (COUNT(?m) AS ?n) WHERE {
  ?m wsh:mentionOf ?e . ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  FILTER NOT EXISTS { ?e wsh:country %s } FILTER(?e NOT IN (%s, %s))
  OPTIONAL { ?e rdfs:label ?label FILTER(LANG(?label) = "zh") }
  OPTIONAL { ?e rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }
} GROUP BY ?type ?e ?label ?label_en ORDER BY ?type DESC(?n) ?e"""
)


@dataclass(frozen=True)
class TimedPlan:
    intent: str
    question: str  # the example as asked here (names replaced where the graph lacks them)
    reading: int  # its place among the intent's readings of the question (1 = tried first)
    readings: int
    plan: QueryPlan

    @property
    def name(self) -> str:
        return f"{self.intent} · {self.question} · reading {self.reading}/{self.readings}"


def lexicon_of(dataset: Dataset) -> Lexicon:
    """The lexicon the answerer would build over this graph (reference demonyms and regions)."""
    gaz = load_gazetteer(REFERENCE_DIR)
    return build_lexicon(
        dataset,
        home_city=str(HOME_CITY),
        home_country="CN",
        demonyms=[(d, iso) for iso, c in gaz.countries.items() for d in c.demonyms],
        regions=[
            (
                [
                    r.get("label_zh", ""),
                    *r.get("aliases_zh", "").split("|"),
                    r.get("label_en", ""),
                    *r.get("aliases_en", "").split("|"),
                ],
                r.get("countries", "").split("|"),
            )
            for r in gaz.regions
        ],
        gazetteer=gaz,
    )


def busiest(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """Kind -> (Chinese label, English label or the Chinese) of its most mentioned entity."""
    found: dict[str, tuple[str, str]] = {}
    query = BUSIEST % (HOME_COUNTRY.n3(), HOME_COUNTRY.n3(), HOME_CITY.n3())
    for row in select_values(dataset, query):
        kind = str(row["type"]).rsplit("#", 1)[-1]
        if kind not in found and row.get("label"):
            found[kind] = (str(row["label"]), str(row.get("label_en") or row["label"]))
    return found


def _held(name: str, lex: Lexicon, english: set[frozenset[str]]) -> bool:
    if not name.isascii():
        return name in lex.names_zh or any(name in names for names in lex.goals.values())
    tokens = en_tokens(name)
    return tokens in english or name.lower() in lex.regions or name.lower() in lex.demonyms


def asked(
    example: str, lex: Lexicon, anchors: dict[str, tuple[str, str]], english: set[frozenset[str]]
) -> str:
    """The example with its marks removed, each name the graph lacks replaced (see above)."""

    def name(match: Any) -> str:
        text, kind = match.group(1), match.group(2)
        if kind in KEPT_KINDS or _held(text, lex, english) or kind not in anchors:
            return text
        zh, en = anchors[kind]
        return en if text.isascii() else zh

    return EXAMPLE_NAME.sub(name, example)


def timed_plans(dataset: Dataset) -> tuple[list[TimedPlan], dict[str, str]]:
    """Every distinct reading of every registered intent's examples, and for each intent that
    gives none, why."""
    lex = lexicon_of(dataset)
    anchors = busiest(dataset)
    english = {tokens for names in lex.names_en.values() for tokens in names}
    found: list[TimedPlan] = []
    seen: set[str] = set()
    none: dict[str, str] = {}
    for name, intent in INTENTS.items():
        kept = 0
        for example in intent.examples:
            question = asked(example, lex, anchors, english)
            slots = read_slots(question, lex)
            if not intent.applies(slots, lex):
                continue
            readings = intent.readings(slots, lex)
            for k, reading in enumerate(readings, 1):
                plan = _as_run(reading)
                text = _query(plan)
                if text in seen:
                    continue
                seen.add(text)
                kept += 1
                found.append(TimedPlan(name, question, k, len(readings), plan))
        if not kept:
            none[name] = (
                "its answers are read from the text (no query plan)"
                if all(
                    not intent.readings(read_slots(asked(e, lex, anchors, english), lex), lex)
                    for e in intent.examples
                )
                else "no example's slots fit it over this graph"
            )
    return found, none


def _as_run(plan: QueryPlan) -> QueryPlan:
    """The plan as the answerer runs it: a goal's partners a page at a time."""
    return replace(plan, page=PARTNERS_SHOWN) if plan.intent == "supports_goal" else plan


def _query(plan: QueryPlan) -> str:
    """The query the answerer sends for a plan: readings that differ only in their evidence
    words share the query without them (`QuestionAnswerer._run`)."""
    if not plan.evidence_keywords or plan.intent == "supports_goal":
        return plan.sparql()
    return replace(plan, evidence_keywords=[]).sparql()


def runner(timed: TimedPlan) -> Callable[[Dataset], int]:
    """The reading as the answerer runs it, rows returned: its rows (`graph_rows`: one query,
    or a paged intent's answers then the rows of those listed), the evidence of the partners
    shown (a goal's partners), and which of the answers listed a report only plans."""
    intent: Intent = INTENTS[timed.intent]
    plan = timed.plan

    def run(dataset: Dataset) -> int:
        rows, _ = graph_rows(lambda q: select_values(dataset, q), intent, plan, {})
        if rows and hasattr(intent, "evidence_query"):
            shown = {
                basis: list(dict.fromkeys(URIRef(str(r["e"])) for r in rows if r["basis"] == basis))
                for basis in ("explicit", "inferred")
            }
            select_values(
                dataset,
                SPARQL_PREFIXES
                + intent.evidence_query(
                    plan, shown["explicit"][:EVIDENCE_FOR], shown["inferred"][:EVIDENCE_FOR]
                ),
            )
        iris = [] if intent.values else list(dict.fromkeys(URIRef(str(r["e"])) for r in rows))
        if iris:
            shown_iris = iris[:ANSWERS_SHOWN] if intent.paged(plan) else iris
            select_values(dataset, SPARQL_PREFIXES + planned_only_query(shown_iris))
        return len(rows)

    return run
