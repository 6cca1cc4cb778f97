"""Intents about where things are: the country of a city or organisation, and capitals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rdflib import URIRef

from search.qa.cues import COUNTRY_OF_ACT
from search.qa.intents.base import Intent, Label, base_plan
from search.qa.lexicon import Lexicon
from search.qa.plan import QueryPlan, values
from search.qa.slots import Slots


class CountryOf(Intent):
    name = "country_of"
    why = "the country a named city, organisation or enterprise is in"
    cues = frozenset({"Q:country"})
    examples = (
        "[奥尔沙](City)位于哪个国家？",
        "[彼尔姆](City)是哪国的城市？",
        "[长滩港](Enterprise)在哪个国家？",
        "[韩联社](Organization)是哪国的机构？",
        "[达尔文](City)所在国是哪里？",
        "Which country is [Orsha](City) in?",
        "In which country is [Perm](City) located?",
        "What country does [Yonhap](Organization) belong to?",
        "[Darwin](City) is a city of which nation?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        # 与哪个国家合作, in which country did X hold: a country of an act, read from the text.
        # The reports are the home country's: a name of it (a city, its museum) asked about
        # with "which country" asks for the other country of an act (the prime minister of
        # which country visited X, in which country X's exhibition was shown), not for its own
        return (
            "Q:country" in slots.concepts
            and bool(slots.anchors)
            and not COUNTRY_OF_ACT.search(slots.blanked)
            and not all(
                getattr(lex.entities.get(a), "country", None) == lex.home_country
                for a in self._asked(slots, lex)
            )
        )

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        return [replace(base_plan(self.name, slots, lex), anchors=self._asked(slots, lex))]

    @staticmethod
    def _asked(slots: Slots, lex: Lexicon) -> list[URIRef]:
        # 杭州的国际友城滨松位于哪个国家: the reporting city only qualifies; the last other name
        # is the one asked about
        home = {lex.home_city, *slots.reporting, *lex.reports_of}
        asked = [a for a in slots.anchors if a not in home] or slots.anchors
        return asked[-1:]

    def render(self, plan: QueryPlan) -> str:
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?x ?doc ?sentence ?start ?end ?sentenceStart"
            " WHERE {\n"
        )
        text += values("x", plan.anchors)
        text += "  ?x wsh:locatedIn|wsh:country ?e . ?e a ?type . FILTER(?type = wsh:Country)\n"
        text += "  ?m wsh:mentionOf ?x ; wsh:inSentence ?s ; wsh:start ?start ; wsh:end ?end .\n"
        text += plan.evidence_and_labels()
        return text + "}\nORDER BY ?label\n"

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        return f"{label(row['x'])} is located in {row.get('label') or row['e']}"


class CapitalOf(Intent):
    name = "capital_of"
    why = "the country whose capital a named city is, or a named country's capital"
    cues = frozenset({"Q:capital"})
    examples = (
        "[比什凯克](City)是哪个国家的首都？",
        "[亚美尼亚](Country)的首都是哪座城市？",
        "[埃里温](City)是哪国首都？",
        "[吉尔吉斯斯坦](Country)首都是哪里？",
        "Which country is [Yerevan](City) the capital of?",
        "What is the capital of [Armenia](Country)?",
        "[Bishkek](City) is the capital of which country?",
        "Name the capital city of [Kyrgyzstan](Country).",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return "Q:capital" in slots.concepts and bool(slots.anchors or slots.countries)

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        cities = [a for a in slots.anchors if getattr(lex.entities.get(a), "type", "") == "City"]
        if cities:  # which country is X the capital of
            plan.anchors, plan.types, plan.predicates = cities[:1], ["Country"], ["capitalOf"]
        else:  # the capital of country Y
            plan.anchors, plan.types, plan.predicates = slots.countries[:1], ["City"], []
        plan.allow_home = True
        return [plan]

    def render(self, plan: QueryPlan) -> str:
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?x ?doc ?sentence ?start ?end ?sentenceStart"
            " WHERE {\n"
        )
        text += values("x", plan.anchors)
        if plan.predicates:  # the city is ?x
            text += "  ?f rdf:subject ?x ; rdf:predicate wsh:capitalOf ; rdf:object ?e .\n"
        else:
            text += "  ?f rdf:subject ?e ; rdf:predicate wsh:capitalOf ; rdf:object ?x .\n"
        text += "  ?f prov:wasDerivedFrom ?s ; wsh:start ?start ; wsh:end ?end .\n"
        text += "  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))\n"
        text += plan.evidence_and_labels()
        return text + "}\nORDER BY ?label\n"

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        if plan.predicates:
            return f"{label(row['x'])} is the capital of {row.get('label') or row['e']}"
        return f"the capital of {label(row['x'])}"
