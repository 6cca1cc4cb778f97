"""Question understanding: slots read from the question, the intents that fit it (best first),
and the first intent's query plans in the order to try them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef

from search.qa.choose import Choice, IntentChooser
from search.qa.lexicon import Lexicon
from search.qa.plan import QueryPlan
from search.qa.slots import Slots, read_slots


@dataclass(frozen=True)
class Understanding:
    slots: Slots
    choices: tuple[Choice, ...]  # intents whose slot matcher accepts the question, best first
    plan: QueryPlan  # the first reading of the best intent
    alternatives: tuple[QueryPlan, ...]  # its looser readings, tried in order when empty

    @property
    def linked(self) -> tuple[URIRef, ...]:
        return tuple(self.slots.named)

    @property
    def confidence(self) -> float:
        return self.choices[0].score if self.choices else 0.0


@lru_cache(maxsize=1)
def chooser() -> IntentChooser:
    return IntentChooser()


def understand(question: str, lex: Lexicon) -> Understanding:
    slots = read_slots(question, lex)
    choices = tuple(chooser().rank(slots, lex))
    readings = choices[0].intent.readings(slots, lex) if choices else []
    plan = readings[0] if readings else QueryPlan(choices[0].intent.name if choices else "none")
    return Understanding(slots, choices, plan, tuple(readings[1:]))
