"""Intents over goals (SCO, RCEP, the Belt and Road, demonstration zones): who supports a goal,
explicitly or by their country's membership, and who is located in a goal's member states.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rdflib import URIRef

from search.qa.intents.base import PARTIES, Intent, Label, base_plan, home_anchor
from search.qa.lexicon import Lexicon
from search.qa.plan import GOAL_FACT, LABELS, MEMBERSHIP, MENTION, SINCE, QueryPlan, values
from search.qa.slots import Slots


def _initiatives(slots: Slots, lex: Lexicon) -> list[URIRef]:
    return [a for a in slots.anchors if getattr(lex.entities.get(a), "type", "") == "Initiative"]


def membership_why(row: dict[str, Any], label: Label, prefix: str = "") -> str:
    since = f" since {row['since']}" if row.get("since") else ""
    role = str(row["role"]).replace("_", " ")
    article = "an" if role[:1] in "aeiou" else "a"
    return (
        f"{prefix}{label(row['memberCountry'])} is {article} {role} of "
        f"{label(row['goal'])}{since}"
    )


class SupportsGoal(Intent):
    name = "supports_goal"
    why = (
        "partners tied to a goal by the text (explicit), and partners whose country is a "
        "member, observer or dialogue partner of it (inferred)"
    )
    cues = frozenset({"Q:support"})
    expects = tuple(PARTIES)
    examples = (
        "哪些合作伙伴支持[上合组织](Goal)目标？",
        "哪些伙伴服务[RCEP](Goal)建设？",
        "助力[一带一路](Initiative)的合作方有哪些？",
        "哪些城市和机构为[上合示范区](Initiative)提供了支持？",
        "谁在支持[中德合作示范城](Initiative)？",
        "Which partners support [RCEP](Goal) goals?",
        "Who contributes to the [Belt and Road](Initiative)?",
        "Which organisations serve the aims of the [SCO](Goal)?",
        "Which foreign partners back the [free trade zone](Initiative)?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        # a goal, or an initiative the question asks support for (an initiative is also just a
        # thing named: the trains of the China-Europe Railway Express)
        asked = "Q:support" in slots.concepts
        return bool(slots.goals) or (asked and bool(_initiatives(slots, lex)))

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        # an initiative without members has explicit partners only
        plan.goals = list(slots.goals or _initiatives(slots, lex))
        plan.types = [t for t in plan.types if t != "Initiative"] or list(PARTIES)
        plan.foreign = True
        plan.year = ""
        plan.status = ""
        plan.anchors = []
        plan.partners = home_anchor(slots, lex) if not slots.reporting else slots.reporting
        return [plan]

    def render(self, plan: QueryPlan) -> str:
        """Partners only; their evidence comes from `evidence_query` for the answers shown.
        Each branch carries its goal and the answer's constraints: the selective patterns come
        first in each, and Oxigraph then plans each branch from them (at a million triples this
        form takes ~0.1 s, while the answer constraints placed outside the union took seconds).
        The answerer lists a partner found on both bases as explicit only. The inferred branch
        keeps partners of the reporting city only (`QueryPlan.partner_filter`): an entity merely
        located in a member country (a news agency, a university) supports nothing.

        With `page`, each branch is a sub-query that stops after `page` rows, and labels are
        looked up for those only: a goal's partners are thousands at a million triples, and
        listing them all costs ~8x a page (the same query without the LIMITs lists them all).
        A partner both explicit and inferred, beyond the explicit page, then shows among the
        inferred, with its membership as the why."""
        explicit_plan = replace(plan, partners=[])  # the text's tie is its own evidence
        explicit = (
            values("goal", plan.goals)
            + "  ?i wsh:servesGoal* ?goal . ?e wsh:supportsGoal ?i .\n"
            + explicit_plan.answer_filter()
            + plan.evidence_exists(GOAL_FACT, "f")
            + '  BIND("explicit" AS ?basis)\n'
        )
        inferred = (
            values("goal", plan.goals)
            + plan.member_country()
            + "  FILTER EXISTS { ?e wsh:mentionedIn ?anyDoc }\n"
            + plan.answer_filter()
            + plan.evidence_exists(MENTION)
            + SINCE
            + '  BIND("inferred" AS ?basis)\n'
        )
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?basis ?i ?memberCountry ?goal ?role"
            " ?since WHERE {\n"
        )
        if plan.page:
            text += (
                f"  {{ SELECT DISTINCT ?e ?type ?basis ?i ?goal WHERE {{\n{explicit}"
                f"  }} LIMIT {plan.page} }}\n  UNION\n"
                "  { SELECT DISTINCT ?e ?type ?basis ?memberCountry ?goal ?role ?since WHERE {\n"
                f"{inferred}  }} LIMIT {plan.page} }}\n"
            )
        else:
            text += f"  {{\n{explicit}  }} UNION {{\n{inferred}  }}\n"
        text += LABELS
        return text + "}\nORDER BY ?basis ?label\n"

    def evidence_query(
        self, plan: QueryPlan, explicit: list[URIRef], inferred: list[URIRef]
    ) -> str:
        """Evidence of the partners shown: the sentence tying an explicit partner to the goal,
        and the sentences naming an inferred one."""
        branches = []
        if explicit:
            branches.append(
                values("e", explicit)
                + values("goal", plan.goals)
                + GOAL_FACT
                + "  ?f wsh:start ?start ; wsh:end ?end .\n"
                + plan.sentence_constraints("f")
            )
        if inferred:
            branches.append(
                values("e", inferred)
                + MENTION
                + "  ?m wsh:start ?start ; wsh:end ?end .\n"
                + plan.sentence_constraints()
            )
        return (
            "SELECT DISTINCT ?e ?doc ?sentence ?start ?end ?sentenceStart WHERE {\n  {\n"
            + "  } UNION {\n".join(branches)
            + "  }\n}\nORDER BY ?e ?doc ?start\n"
        )

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        if str(row.get("basis") or "") == "inferred":
            return membership_why(row, label, "inferred: ")
        return f"explicit: the report ties it to {label(row['i'])}"


class Membership(Intent):
    name = "membership"
    why = "entities located in the member states (or observers, dialogue partners) of a goal"
    cues = frozenset({"Q:member"})
    pages = ("e", "type", "memberCountry", "goal", "role")
    examples = (
        "哪些合作伙伴城市位于[上合组织成员国](Goal)？",
        "[RCEP成员国](Goal)中有哪些伙伴城市？",
        "哪些友城所在国家是[上合组织](Goal)成员？",
        "与我市合作的城市中哪些属于[上海合作组织国家](Goal)？",
        "哪些企业来自[RCEP成员国](Goal)？",
        "Which partner cities are located in [SCO member states](Goal)?",
        "Which cities we work with are in countries belonging to [RCEP](Goal)?",
        "Which partners are in [APEC member economies](Goal)?",
        "Name the cities in countries that joined the [SCO](Goal).",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        # a named partner (苏州…上合组织国家城市) asks for its relations, not for all members
        return (
            bool(slots.goals)
            and slots.member_roles is not None
            and not (set(slots.predicates) - {"heldIn", "cooperatesWith"})
            and set(slots.anchors) <= set(slots.goals) | set(slots.reporting) | {lex.home_city}
        )

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        plan.goals = list(slots.goals)
        plan.roles = list(slots.member_roles or [])
        plan.foreign = True
        plan.anchors = []
        plan.types = plan.types or list(PARTIES)
        return [plan]

    def render(self, plan: QueryPlan) -> str:
        if plan.answers_only:
            text = "SELECT DISTINCT ?e ?type ?label ?memberCountry ?goal ?role WHERE {\n"
        else:
            text = (
                "SELECT DISTINCT ?e ?type ?label ?label_en ?memberCountry ?goal ?role ?since"
                " ?doc ?sentence ?start ?end ?sentenceStart WHERE {\n"
            )
        if plan.listed:  # the answers' memberships as the answers query found them
            text += plan.listed_values(self.pages) + f"  {MEMBERSHIP}\n"
        else:  # the answers first, then their mentions: from every mention, the store's size
            text += plan.answer_filter(inline=True) + plan.member_of()
        text += plan.mention_evidence() + plan.evidence_and_labels()
        text += "" if plan.listed else plan.type_bind()
        if plan.answers_only:
            return text + "}\nORDER BY ?label\n"
        # past the label, the report and the span: a mention of a country member of two goals
        # asked gives its why the same way each run
        return text + "}\nORDER BY ?label ?doc ?start ?goal ?role ?since ?type ?label_en\n"

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        return membership_why(row, label)
