"""Intents over relations between entities: who is related to what (the general one), sister
cities, who took part in an event, and which events.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rdflib import Literal, URIRef

from graph.namespaces import WSH
from search.qa.intents.base import (
    MAX_READINGS,
    PLACES,
    Intent,
    Label,
    base_plan,
    home_anchor,
)
from search.qa.keywords import event_keywords, keyword_groups
from search.qa.lexicon import Lexicon
from search.qa.plan import LABELS, SENTENCE, SINCE, QueryPlan, values
from search.qa.slots import Slots


class Related(Intent):
    name = "related"
    others_only = True
    why = "entities of the asked type tied to the named entity by the asked relation"
    examples = (
        "[青岛港](Enterprise)与哪些港口开展了合作？",
        "[欧力士集团](Enterprise)计划与哪些单位签署协议？",
        "哪些外国媒体报道了[中韩外长会](Event)？",
        "哪些国家在[青岛](City)设有领馆？",
        "哪些国家与[我国](Country)建交满整十年？",
        "哪家企业的项目落户[自贸区](Initiative)？",
        "[中国石油大学](Organization)和哪所大学签了协议？",
        "Which Korean university signed an agreement with the "
        "[China University of Petroleum](Organization)?",
        "Which countries have consulates in [Qingdao](City) that the office works with?",
        "Which news agencies reported on the [foreign ministers' meeting](Event)?",
        "Which companies cooperate with the [Port of Qingdao](Enterprise)?",
        "Which foreign cities did the [China-Europe Railway Express](Initiative) trains go to?",
        "Which Nigerian company's project settled in the [free trade zone](Initiative)?",
        "Which countries have diplomatic relations with [China](Country) marking an anniversary?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return bool(slots.predicates or slots.types)

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        return related_readings(base_plan(self.name, slots, lex), slots, lex)

    def render(self, plan: QueryPlan) -> str:
        return render_related(plan)


def related_readings(
    plan: QueryPlan, slots: Slots, lex: Lexicon, goals_as_anchors: bool = False
) -> list[QueryPlan]:
    """Readings of a relation question, strictest first. The home city, a reporting city or
    anything named in sentence after sentence (the reporting office) usually only qualifies the
    answers (青岛企业, Qingdao's partners), so a reading without it comes first when something
    else anchors the question; words the slots left are only a hint (each narrows the evidence in
    turn, then none); a status asked (planned) is a hint too, dropped last. A reading must keep
    some constraint beyond the answer type."""
    if slots.goals and slots.member_roles is not None and not goals_as_anchors:
        plan.goals, plan.roles = list(slots.goals), list(slots.member_roles)
    elif slots.goals:
        plan.anchors = list(dict.fromkeys(plan.anchors + slots.goals))
    naming_events = event_keywords(slots.text, slots.used, lex, plan.types)
    groups = [
        g for g in keyword_groups(slots.text, slots.used, lex, plan.types) if g not in naming_events
    ]
    readings: list[QueryPlan] = []
    qualifiers = {lex.home_city, *slots.reporting, *_ubiquitous(plan.anchors, lex)} & set(
        plan.anchors
    )
    if qualifiers and plan.predicates != ["sisterCityOf"]:
        without_home = replace(plan, anchors=[a for a in plan.anchors if a not in qualifiers])
        if without_home.anchors:
            readings.extend([without_home, plan])
        elif naming_events:
            readings.extend(
                replace(without_home, anchor_keywords=k) for k in naming_events[:2]
            )
            readings.append(plan)
        else:
            readings.extend([plan, without_home])
    else:
        if not plan.anchors:
            readings.extend(replace(plan, anchor_keywords=k) for k in naming_events[:2])
        readings.append(plan)
    result: list[QueryPlan] = []
    for reading in readings:
        for group in groups[:2]:
            result.append(replace(reading, evidence_keywords=group))
        result.append(replace(reading, evidence_keywords=[]))
    result = [r for r in result if _constrained(r)][:MAX_READINGS]
    # a named entity other than the home city, tied by any relation: the question's relation
    # word may not be the one the report uses (合作框架 for a signed agreement)
    named = [a for a in plan.anchors if a not in qualifiers]
    if named and plan.predicates and "sisterCityOf" not in plan.predicates:
        result.append(replace(plan, anchors=named, predicates=[], evidence_keywords=[]))
    if plan.status:  # a report's targets may not mark what they plan
        result.extend(replace(r, status="") for r in list(result))
    return result


def _ubiquitous(anchors: list[URIRef], lex: Lexicon) -> list[URIRef]:
    """Anchors named so in sentence after sentence (市外办, the reporting office)."""
    found = []
    for anchor in anchors:
        names = lex.zh_names(anchor)
        if any(lex.is_common(n) for n in names):
            found.append(anchor)
    return found


def _constrained(plan: QueryPlan) -> bool:
    """Whether a reading asks more than "anything of this type related to anything"."""
    return bool(
        plan.anchors
        or plan.anchor_keywords
        or plan.predicates
        or plan.countries
        or plan.goals
        or plan.year
        or plan.evidence_keywords
        or plan.label_keywords
    )


def render_related(plan: QueryPlan) -> str:
    """The facts of the anchor itself, or of an event that involves it (中欧班列 -> its train
    launches), in either direction, each as one branch of a union that carries the whole
    pattern: Oxigraph evaluates a group apart from what binds it outside, so a fact or type
    pattern outside the union matched every fact and entity before the join (over half a second
    for a question about the home city on the seeds, against a few milliseconds)."""
    text = (
        "SELECT DISTINCT ?e ?type ?label ?label_en ?p ?x ?doc ?sentence ?start ?end ?sentenceStart"
        " ?factStatus WHERE {\n"
    )
    if plan.anchors:
        anchors = " ".join(a.n3() for a in plan.anchors)
        sources = [
            f"VALUES ?x {{ {anchors} }}\n",
            f"VALUES ?a {{ {anchors} }} ?x a wsh:Event ; wsh:involves ?a .\n",
        ]
    elif plan.anchor_keywords:
        keywords = " ".join(Literal(k).n3() for k in plan.anchor_keywords)
        sources = [
            f"VALUES ?kw {{ {keywords} }} ?x a wsh:Event ; rdfs:label ?xName ."
            " FILTER(CONTAINS(STR(?xName), ?kw))\n"
        ]
    else:
        sources = [""]
    # a single relation or type is a constant of the pattern, bound to ?p and ?type at the end
    # of each branch (`QueryPlan.type_filter`): a VALUES is joined after every other pattern
    single = len(plan.predicates) == 1
    if single:
        body = f"  ?f rdf:predicate {WSH[plan.predicates[0]].n3()} ;"
    else:
        body = values("p", [WSH[p] for p in plan.predicates]) if plan.predicates else ""
        body += "  ?f rdf:predicate ?p ;"
    body += (
        " a wsh:Fact ; prov:wasDerivedFrom ?s ; wsh:start ?start ; wsh:end ?end .\n"
        "  FILTER(?e != ?x)\n"
    )
    body += plan.answer_filter(inline=True)
    if plan.anchors:
        body += "  FILTER(?e NOT IN (" + ", ".join(a.n3() for a in plan.anchors) + "))\n"
    if plan.status:
        body += f"  ?f wsh:status {Literal(plan.status).n3()} .\n"
    elif plan.new:  # made in the year asked: not only planned then
        body += '  FILTER NOT EXISTS { ?f wsh:status "planned" }\n'
    if plan.goals:
        body += plan.member_of()
    body += SENTENCE + plan.evidence_filter() + plan.year_filter("f")
    if single:
        body += f"  BIND({WSH[plan.predicates[0]].n3()} AS ?p)\n"
    body += plan.type_bind()
    branches = [
        f"{{ {source}  ?f {side} ?x ; {other} ?e .\n{body}  }}"
        for source in sources
        for side, other in (("rdf:object", "rdf:subject"), ("rdf:subject", "rdf:object"))
    ]
    text += "  " + "\n  UNION ".join(branches) + "\n"
    text += (SINCE if plan.goals else "") + LABELS + "  OPTIONAL { ?f wsh:status ?factStatus }\n"
    # ?p and ?x last: a fact stated with two relations, or tied to two events (外长会 names two
    # meetings), at one span gives its why the same way each run
    return text + "}\nORDER BY ?label ?doc ?start ?p ?x\n"


class SisterCities(Intent):
    name = "sister_cities"
    others_only = True
    why = "a city's sister cities (twinned, or planned), in a year or a region when asked"
    cues = frozenset({"P:sisterCityOf"})
    examples = (
        "2022年[青岛](City)新结好了哪些国际友城？",
        "[成都](City)有哪些友好城市？",
        "我市与哪些城市结为友好城市？",
        "今年新缔结了哪些姊妹城市？",
        "计划与哪些[上合组织国家](Goal)城市签署结好意向书？",
        "[拉美](Region)有哪些城市是友城？",
        "Which cities did [Qingdao](City) become sister cities with in 2022?",
        "What are the twin towns of [Chengdu](City)?",
        "Which sister cities are in [Latin America](Region)?",
        "Which cities does the city plan to twin with?",
        "Name the friendship cities established this year.",
        "Which [SCO](Goal) cities did the city intend to twin with?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return "sisterCityOf" in slots.predicates and not set(slots.types) - {"City", "Country"}

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        plan.predicates = [p for p in plan.predicates if p == "signedAgreementWith"] + [
            "sisterCityOf"
        ]
        plan.types = ["City"]
        plan.foreign = True
        if not plan.anchors:
            plan.anchors = home_anchor(slots, lex)  # sister cities are the home city's
        return related_readings(plan, slots, lex)

    def render(self, plan: QueryPlan) -> str:
        return render_related(plan)


class Participants(Intent):
    name = "participants"
    others_only = True
    why = "who took part in a named event, or in events of a kind"
    cues = frozenset({"P:participatedIn"})
    examples = (
        "哪些企业参加了[中国国际进口博览会](Event)？",
        "哪些国家的大使出席了[RCEP经贸合作高层论坛](Event)？",
        "[中赞经贸投资论坛](Event)有哪些企业参与？",
        "出席[启动仪式](Event)的外宾来自哪些国家？",
        "哪些青岛企业参加了外事为企活动？",
        "哪些城市参与了青少年交流活动？",
        "Which companies took part in the [China-ASEAN Expo](Event)?",
        "Who attended the [RCEP launch ceremony](Event)?",
        "Which countries sent envoys to the [high-level forum](Event)?",
        "Which firms joined the matchmaking events?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return "participatedIn" in slots.predicates or (
            bool(_events(slots, lex)) and "Event" not in slots.types
        )

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        plan.predicates = ["participatedIn"]
        if "Event" in plan.types:  # 哪些活动 names what was attended, not the answers
            plan.types = [t for t in plan.types if t != "Event"]
        events = _events(slots, lex)
        if events:
            plan.anchors = events + [a for a in plan.anchors if a not in events]
        # a goal named beside taking part names the events (the RCEP launch ceremony): those
        # involving it first, then the goal's members taking part in anything
        readings = related_readings(plan, slots, lex, goals_as_anchors=True)
        if slots.goals and slots.member_roles is not None:
            readings += related_readings(plan, slots, lex)
        return readings

    def render(self, plan: QueryPlan) -> str:
        return render_related(plan)


def _events(slots: Slots, lex: Lexicon) -> list[URIRef]:
    return [a for a in slots.anchors if getattr(lex.entities.get(a), "type", "") == "Event"]


class Events(Intent):
    name = "events"
    others_only = True
    why = "which events (held somewhere, in a year, about a country), or where an event was held"
    cues = frozenset({"T:Event", "Q:where"})
    examples = (
        "2022年在[青岛](City)举行了哪些外长会？",
        "今年举办了哪些论坛？",
        "与[以色列](Country)有关的活动有哪些？",
        "[中韩外长会](Event)在哪里举行？",
        "哪些会议在[西安](City)召开？",
        "[博览会](Event)在什么地方举办？",
        "Which events were held in [Qingdao](City) in 2022?",
        "What meetings took place this year?",
        "Where was the [China-Nepal Foreign Ministers' Meeting](Event) held?",
        "Which forums concerned [Israel](Country)?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return "Event" in slots.types or ("Q:where" in slots.concepts and bool(_events(slots, lex)))

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        events = _events(slots, lex)
        if events and ("Q:where" in slots.concepts or "Event" not in slots.types):
            # where was it held: the place may be the home city itself
            where = replace(
                plan,
                anchors=events,
                predicates=["heldIn"],
                types=PLACES,
                allow_home=True,
                foreign=False,
                countries=[],
                label_keywords=[],
            )
            return [where]
        plan.types = ["Event"]
        # an event is tied to a place or a party by being held there or involving it: the
        # relation asked first (held in Qingdao), then involving it too
        asked = [p for p in plan.predicates if p != "participatedIn"]
        plan.predicates = asked or ["heldIn", "involves"]
        readings = related_readings(plan, slots, lex)
        if asked and "involves" not in asked:
            readings += related_readings(replace(plan, predicates=[*asked, "involves"]), slots, lex)
        # an event about a country often names it (中韩外长会, 中以…对接会) and states nothing else
        about = [a for a in plan.anchors + plan.countries if a != lex.home_city]
        if about:
            readings.append(
                replace(plan, anchors=about, countries=[], predicates=[], named_after=True)
            )
        return readings

    def render(self, plan: QueryPlan) -> str:
        if not plan.named_after:
            return render_related(plan)
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?x ?doc ?sentence ?start ?end ?sentenceStart"
            " WHERE {\n"
        )
        text += values("x", plan.anchors)
        text += (
            "  ?mx wsh:mentionOf ?x ; wsh:inSentence ?s ; wsh:start ?xs ; wsh:end ?xe .\n"
            "  ?m wsh:mentionOf ?e ; wsh:inSentence ?s ; wsh:start ?start ; wsh:end ?end .\n"
            "  FILTER(?e != ?x && ?start <= ?xs && ?xe <= ?end)\n"
        )
        text += plan.answer_filter() + plan.evidence_and_labels()
        return text + "}\nORDER BY ?label ?doc ?start\n"

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        if plan.named_after:
            return f"named after {label(row['x'])}"
        if plan.allow_home:
            return f"held in {row.get('label') or row['e']}"
        return super().explain(plan, row, label)


class TypedList(Intent):
    name = "typed_list"
    others_only = True
    why = "entities of a type named in the reports, from a country or of a kind"
    cues = frozenset({"Q:mentioned"})
    pages = ("e", "type")
    examples = (
        "报告中提到了哪些[日本](Country)企业？",
        "有哪些[韩国](Country)媒体？",
        "报告提到了哪些示范区？",
        "哪些机构来自[德国](Country)？",
        "列出所有的外事平台。",
        "Which [Japanese](Country) companies are mentioned?",
        "What universities appear in the reports?",
        "List the organisations from [Korea](Country).",
        "Which platforms are named in the reports?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return bool(slots.types) and not slots.predicates and not slots.anchors

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        plan.anchors = []
        groups = keyword_groups(slots.text, slots.used, lex, plan.types)
        readings = [replace(plan, evidence_keywords=g) for g in groups[:2]]
        return [*readings, plan] if plan.countries or plan.label_keywords else readings

    def render(self, plan: QueryPlan) -> str:
        if plan.answers_only:
            text = "SELECT DISTINCT ?e ?type ?label WHERE {\n"
        else:
            text = (
                "SELECT DISTINCT ?e ?type ?label ?label_en ?doc ?sentence ?start ?end"
                " ?sentenceStart WHERE {\n"
            )
        if plan.listed:
            text += plan.listed_values(self.pages)
        else:  # the answers first, then their mentions: from every mention, the store's size
            text += plan.answer_filter(inline=True)
        text += plan.mention_evidence() + plan.evidence_and_labels()
        text += "" if plan.listed else plan.type_bind()
        if plan.answers_only:
            return text + "}\nORDER BY ?label\n"
        return text + "}\nORDER BY ?label ?doc ?start ?type ?label_en\n"

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        return "named in the reports"


class Describe(Intent):
    name = "describe"
    why = "what the reports say about a named entity"
    cues = frozenset({"Q:describe"})
    examples = (
        "介绍一下[中德合作示范城](Initiative)",
        "关于[拉美桥](Initiative)报告说了什么？",
        "[上合示范区](Initiative)的情况",
        "Tell me about [Orsha](City).",
        "What do the reports say about the [SCO](Goal)?",
        "Describe the [Africa Bridge](Initiative).",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return "Q:describe" in slots.concepts and bool(slots.named) and not slots.types

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        plan.anchors = slots.named
        return [plan]

    def render(self, plan: QueryPlan) -> str:
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?doc ?sentence ?start ?end ?sentenceStart"
            " WHERE {\n"
        )
        text += values("e", plan.anchors)
        text += "  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))\n"
        text += plan.mention_evidence() + plan.evidence_and_labels()
        return text + "}\nORDER BY ?doc ?start\n"

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        return "mentioned in the reports"
