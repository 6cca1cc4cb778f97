"""Question understanding: from a Chinese or English question to a `QueryPlan`.

Cue words pick the intent, the answer type and the relation; entity names (both languages),
demonyms, regions, goals and years fill the slots. Everything comes from tables over the
ontology's own vocabulary, never from particular questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rdflib import URIRef

from search.qa.cues import (
    COUNTRY_OF,
    DESCRIBE,
    FOREIGN,
    GOAL_WORD,
    NEW,
    PLANNED,
    QUANTITY,
    RELATION_WORDS,
    SUPPORT,
    TYPE_WORDS,
)
from search.qa.keywords import event_keywords, keyword_groups, residual_keywords
from search.qa.lexicon import Lexicon
from search.qa.linking import link_english_names, link_goals, link_names, link_region
from search.qa.plan import QueryPlan
from search.qa.quantity import count_nouns
from search.qa.years import question_year


# answer type words: (pattern, types, label keyword)
@dataclass(frozen=True)
class Understanding:
    plan: QueryPlan
    confidence: float
    linked: tuple[URIRef, ...]
    alternatives: tuple[QueryPlan, ...] = ()  # looser readings, tried in order when empty


def understand(question: str, lex: Lexicon) -> Understanding:
    text = question.strip().replace("（", "(").replace("）", ")").replace("？", "?")
    lower = text.lower()
    notes: list[str] = []
    used = [False] * len(text)

    goals, member_roles = link_goals(text, lower, lex, used)
    anchors, countries = link_names(text, lower, lex, used)
    # cue words count only outside Chinese names (集团 in 欧力士集团 is no type word) and
    # outside a membership phrase (上合组织国家, SCO member states); English names share
    # words with cues (sister-city), so they are linked after the cues are read
    masked = "".join(" " if u else ch for ch, u in zip(lower, used, strict=True))
    en_anchors, en_countries = link_english_names(lower, lex, used)
    anchors += [a for a in en_anchors if a not in anchors]
    countries += [c for c in en_countries if c not in countries]
    # a type word inside an English name is no answer type (the Northeast Asia matchmaking
    # meeting asks for no meeting), unless the question has no other ("Which Korean university
    # … the China University of Petroleum?": both "university" words belong to the name)
    types, label_kw = _answer_type(
        "".join(" " if u else ch for ch, u in zip(lower, used, strict=True)), text
    )
    if not types:
        types, label_kw = _answer_type(masked, text)
    predicates = _predicates(masked)
    year = question_year(text, lex)
    # regions only outside names: "Europe" in China-Europe Railway Express is no constraint
    region = link_region(
        "".join(" " if u else ch for ch, u in zip(lower, used, strict=True)), lex, used
    )
    initiatives = [a for a in anchors if getattr(lex.entities.get(a), "type", "") == "Initiative"]
    # in a store of several cities' reports, a reporting city the question names (苏州企业,
    # Harbin's cards) says whose reports answer; it qualifies the answers as the home city does
    reporting = [a for a in anchors if a in lex.reports_of] if len(lex.reports_of) > 1 else []
    documents = sorted({d for a in reporting for d in lex.reports_of[a]})
    plan = QueryPlan(
        intent="related",
        types=list(types),
        predicates=list(predicates),
        label_keywords=[label_kw] if label_kw else [],
        year=year,
        home_country=lex.home_country,
        home_city=lex.home_city,
        documents=documents,
        notes=notes,
    )
    if PLANNED.search(lower):
        plan.status = "planned"
    plan.new = bool(year and NEW.search(lower))
    if FOREIGN.search(lower) or "sisterCityOf" in predicates:
        plan.foreign = True
    unused = "".join(" " if u else ch for ch, u in zip(lower, used, strict=True))
    demonym_countries = [
        lex.demonyms[w] for w in re.findall(r"[a-z]+", unused) if w in lex.demonyms
    ]
    # a country named beside the answer type constrains it (韩国大学, Korean university, in Brazil)
    if types and "Country" not in types:
        plan.countries = list(dict.fromkeys(countries + demonym_countries))
        anchors = [a for a in anchors if a not in plan.countries]
    else:
        anchors = list(dict.fromkeys(anchors + [c for c in countries if c not in anchors]))
    if region:
        plan.countries = list(dict.fromkeys(plan.countries + region))
    confidence = 0.5
    if QUANTITY.search(lower):
        plan.intent = "quantity"
        plan.anchors = (
            [a for a in anchors if a not in reporting]
            or anchors
            or ([lex.home_city] if lex.home_city else [])
        )
        plan.evidence_keywords = residual_keywords(text, used, lex)[:1]
        # each tier of nouns in turn; a residual word is only a hint (handle -> 会同), so each
        # is also read without it
        readings = [replace(plan, nouns=tier) for tier in count_nouns(text, lower, lex, used)]
        readings = [
            looser
            for reading in readings or [plan]
            for looser in [reading, replace(reading, evidence_keywords=[])][
                : 2 if reading.evidence_keywords else 1
            ]
        ]
        return Understanding(readings[0], 0.8, tuple(anchors), tuple(readings[1:MAX_READINGS]))
    elif COUNTRY_OF.search(lower) and anchors:
        plan.intent = "country_of"
        plan.anchors = anchors[:1]
        confidence = 0.9
    elif (
        (goals or initiatives)
        and SUPPORT.search(lower)
        and (GOAL_WORD.search(lower) or "partner" in lower or "伙伴" in text)
    ):
        plan.intent = "supports_goal"
        plan.goals = goals or initiatives  # an initiative without members has explicit partners
        plan.types = [t for t in plan.types if t != "Initiative"] or [
            "City",
            "Country",
            "Enterprise",
            "Organization",
        ]
        plan.foreign = True
        plan.year = ""
        confidence = 0.9
    elif (
        goals
        and member_roles is not None
        and not (set(predicates) - {"heldIn"})
        and set(anchors) <= set(goals)
    ):  # a named partner (苏州…上合组织国家城市) asks for its relations, not for all members
        plan.intent = "membership"
        plan.goals = goals
        plan.roles = member_roles
        plan.foreign = True
        plan.types = plan.types or ["City", "Country", "Enterprise", "Organization"]
        confidence = 0.85
    elif DESCRIBE.search(lower) and anchors and not types:
        plan.intent = "describe"
        plan.anchors = anchors
        confidence = 0.7
    else:
        plan.anchors = list(anchors)
        if goals and member_roles is not None:
            plan.goals, plan.roles = goals, member_roles
        elif goals:
            plan.anchors = list(dict.fromkeys(plan.anchors + goals))
        if not plan.anchors and "sisterCityOf" in plan.predicates and lex.home_city is not None:
            plan.anchors = [lex.home_city]  # sister cities are the home city's
        confidence = (
            0.5 + 0.2 * bool(plan.predicates) + 0.2 * bool(plan.anchors) + 0.1 * bool(plan.types)
        )
        naming_events = event_keywords(text, used, lex, plan.types)
        groups = [g for g in keyword_groups(text, used, lex, plan.types) if g not in naming_events]
        readings = _with_evidence_groups(
            _readings(plan, lex, naming_events[:2], reporting), groups[:2]
        )
        first, *rest = readings[:MAX_READINGS]
        return Understanding(first, min(confidence, 1.0), tuple(anchors), tuple(rest))
    return Understanding(plan, min(confidence, 1.0), tuple(anchors))


def _readings(
    plan: QueryPlan, lex: Lexicon, event_keywords: list[list[str]], reporting: list[URIRef]
) -> list[QueryPlan]:
    """Readings in the order to try them. The home city (or a reporting city) usually only
    qualifies the answers (青岛企业, Qingdao's partners), so a reading without it comes first
    when something else anchors the question; residual words are only a hint and are dropped
    last."""
    readings: list[QueryPlan] = []
    qualifiers = {lex.home_city, *reporting} & set(plan.anchors)
    if qualifiers and plan.predicates != ["sisterCityOf"]:
        without_home = replace(plan, anchors=[a for a in plan.anchors if a not in qualifiers])
        if without_home.anchors:
            readings.extend([without_home, plan])
        elif event_keywords:
            readings.extend(replace(without_home, anchor_keywords=k) for k in event_keywords)
            readings.append(plan)
        else:
            readings.extend([plan, without_home])
    else:
        if not plan.anchors:
            readings.extend(replace(plan, anchor_keywords=k) for k in event_keywords)
        readings.append(plan)
    for candidate in list(readings):
        if candidate.evidence_keywords:
            readings.append(replace(candidate, evidence_keywords=[]))
    return readings


MAX_READINGS = 8  # each costs a query; past a handful, looser readings only add noise


def _with_evidence_groups(readings: list[QueryPlan], groups: list[list[str]]) -> list[QueryPlan]:
    """Each reading first narrowed by one question word's evidence group at a time (the
    first word first), then unnarrowed."""
    result: list[QueryPlan] = []
    for reading in readings:
        for group in groups:
            result.append(replace(reading, evidence_keywords=group))
        result.append(replace(reading, evidence_keywords=[]))
    return result


# ASCII word edges: `\b` finds none between 持 and RCEP, since CJK characters are word
# characters to `re`
_SPECIFIC_EVENT = re.compile(r"外长会|峰会|博览会|论坛|展会|音乐会|推介会|专列")


def _answer_type(lower: str, text: str) -> tuple[tuple[str, ...], str]:
    """The most specific type word wins (cities over partners), then the first; a specific
    event word (外长会) also filters answer names."""
    found = []
    for pattern, types, keyword in TYPE_WORDS:
        match = re.search(pattern, lower)
        if match:
            specific = _SPECIFIC_EVENT.fullmatch(match.group(0))
            found.append(
                (len(types), match.start(), types, keyword or (match.group(0) if specific else ""))
            )
    if not found:
        return (), ""
    _, _, types, keyword = min(found)
    return types, keyword


def _predicates(lower: str) -> tuple[str, ...]:
    """Relation cues, except those that are only part of a type word (合作 in 合作伙伴 names a
    type, not the cooperation relation); a cue that spans a type word or is one counts (sister
    cities, 友城)."""
    type_spans = [m.span() for pattern, _, _ in TYPE_WORDS for m in re.finditer(pattern, lower)]
    found: list[str] = []
    for pattern, predicates in RELATION_WORDS:
        for match in re.finditer(pattern, lower):
            start, end = match.span()
            if any(a <= start and end <= b and (a, b) != (start, end) for a, b in type_spans):
                continue
            found.extend(p for p in predicates if p not in found)
            break
    if (
        "sisterCityOf" in found
        and "signedAgreementWith" in found
        and "意向书" not in lower
        and "letter of intent" not in lower
    ):
        found.remove("signedAgreementWith")
    return tuple(found)
