"""Intents whose answers are values: how many (a count a report states), and which year."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rdflib import Literal

from search.qa.intents.base import MAX_READINGS, Intent, Label, base_plan, home_anchor
from search.qa.keywords import residual_keywords
from search.qa.lexicon import Lexicon
from search.qa.plan import QueryPlan, values
from search.qa.quantity import (
    asked_phrase,
    count_glosses,
    count_nouns,
    counted_noun,
    counts_noun,
    english_count_words,
    is_ordinal,
)
from search.qa.retrieve import query_terms
from search.qa.slots import Slots
from search.qa.text_match import nearness, simplified

KEEP_COUNT = 0.95  # a count question wants one figure: the best, and any as good


class Quantity(Intent):
    name = "quantity"
    why = "a count a report states (85 sister cities, 178 APEC cards)"
    cues = frozenset({"Q:count"})
    values = True
    expects = ("Number",)
    examples = (
        "[青岛](City)有多少个国际友城？",
        "今年办理了多少件领事认证？",
        "友城总数达到多少个？",
        "一共组织了几场活动？",
        "[上合组织国家](Goal)友城增加到多少个？",
        "How many sister cities does [Qingdao](City) have?",
        "How many [APEC Business Travel Cards](Initiative) were issued?",
        "What is the number of consular cases handled?",
        "How many events did the office hold in 2022?",
        "What is the total number of foreign journalists invited?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return "Q:count" in slots.concepts

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        plan = base_plan(self.name, slots, lex)
        anchors = plan.anchors + [c for c in plan.countries if c not in plan.anchors]
        plan.anchors = (
            [a for a in anchors if a not in slots.reporting] or anchors or home_anchor(slots, lex)
        )
        plan.evidence_keywords = residual_keywords(slots.text, slots.used, lex)[:1]
        goal_words = _goal_words(slots)
        if goal_words:  # 上合组织国家友城: the count of those, in a sentence naming the goal
            plan.evidence_keywords = goal_words
        # each tier of nouns in turn; a residual word is only a hint (handle -> 会同), so each
        # is also read without it; last, the anchor's counts whatever their noun
        tiers = count_nouns(slots.text, slots.lower, lex, slots.used)
        readings = [replace(plan, nouns=tier) for tier in tiers] or [plan]
        if goal_words:  # the goal's counts of any noun before any count without the goal
            if tiers:
                readings.append(plan)
            return [*readings, *(replace(r, evidence_keywords=[]) for r in readings)][
                :MAX_READINGS
            ]
        result: list[QueryPlan] = []
        for reading in readings:
            result.append(reading)
            if reading.evidence_keywords:
                result.append(replace(reading, evidence_keywords=[]))
        return result[:MAX_READINGS]

    def render(self, plan: QueryPlan) -> str:
        text = "SELECT DISTINCT ?value ?noun ?x ?doc ?sentence ?start ?end ?sentenceStart WHERE {\n"
        if plan.anchors:
            text += values("x", plan.anchors)
        if plan.nouns:
            text += values("noun", [Literal(n) for n in plan.nouns])
        text += (
            "  ?x wsh:quantity ?q . ?q rdf:value ?value ; wsh:noun ?noun ;"
            " prov:wasDerivedFrom ?s ; wsh:start ?start ; wsh:end ?end .\n"
        )
        text += plan.sentence_constraints("q")
        return text + "}\nORDER BY DESC(?value)\n"

    def keep(
        self, rows: list[dict[str, Any]], slots: Slots, lex: Lexicon
    ) -> list[dict[str, Any]]:
        """The figures whose sentence speaks of what is asked: the asked phrase's head is in it
        (no 游客 in a sentence counting 记者), and the figure stands nearest the question's
        words in the sentence that shares most of them."""
        head = asked_phrase(slots.text, slots.used)[-2:]
        if head:
            rows = [r for r in rows if head in simplified(str(r["sentence"])) + str(r.get("noun"))]
        elif not slots.chinese:  # how many tourists: a word the reports never use asks nothing
            asked = english_count_words(slots, lex)
            if asked is not None:
                rows = [r for r in rows if any(w in simplified(str(r["sentence"])) for w in asked)]
        terms = [t for t in query_terms(slots, lex) if len(t) >= 2]
        rows = [r for r in rows if not _ordinal(r)]  # 第7个: a rank, not a count
        if not rows or not terms:
            return rows
        counted = (
            [counted_noun(slots.text, slots.used, lex)]
            if slots.chinese
            else count_glosses(english_count_words(slots, lex), lex)
        )
        scored = []
        for row in rows:
            sentence, value = simplified(str(row["sentence"])), str(row["value"])
            shared = sum(1 for t in terms if t in sentence)
            at = _at(row, sentence, value)
            near = nearness(sentence, at, at + len(value), terms) if at >= 0 else 0.2
            # what the figure itself counts comes first: 41个国家 answers "多少个国家", not
            # 71个城市 beside it
            own = (
                float(counts_noun(sentence, at, at + len(value), counted))
                if at >= 0
                else 0.0
            )
            scored.append((own, shared * near, row))
        top = max(own for own, _, _ in scored)
        kept = [(score, row) for own, score, row in scored if own >= top]
        best = max(score for score, _ in kept)
        return [row for score, row in kept if score >= KEEP_COUNT * best]

    def explain(self, plan: QueryPlan, row: dict[str, Any], label: Label) -> str:
        stated = " ".join(filter(None, (str(row["value"]), str(row.get("noun") or ""))))
        return f"{stated} (a count stated in the report)"


def _at(row: dict[str, Any], sentence: str, value: str) -> int:
    """Where a count's figure stands in its sentence: its stored span, else its first place."""
    base = row.get("sentenceStart")
    if base is not None and row.get("start") is not None:
        at = int(row["start"]) - int(base)
        if sentence[at : at + len(value)] == value:
            return at
    return sentence.find(value)


def _ordinal(row: dict[str, Any]) -> bool:
    sentence, value = simplified(str(row["sentence"])), str(row["value"])
    at = _at(row, sentence, value)
    return at >= 0 and is_ordinal(sentence, at)


def _goal_words(slots: Slots) -> list[str]:
    """The goal names a Chinese question writes (上合组织 of 上合组织国家友城)."""
    runs = re.findall(r"G+", "".join("G" if k == "Goal" else " " for k in slots.used))
    words = []
    position = 0
    kinds = "".join("G" if k == "Goal" else " " for k in slots.used)
    for run in runs:
        start = kinds.index(run, position)
        position = start + len(run)
        word = re.sub(r"(?:成员国|国家|成员)$", "", slots.text[start:position])
        if word and not word.isascii():
            words.append(word)
    return words


class Year(Intent):
    name = "year"
    why = "the year a report states for something (read from the text)"
    cues = frozenset({"Q:year"})
    values = True
    expects = ("Year",)
    examples = (
        "[中国](Country)和[韩国](Country)哪一年建交？",
        "青岛与[比什凯克](City)哪一年结为友城？",
        "[RCEP](Goal)是哪年生效的？",
        "发展规划从哪一年开始实施？",
        "[上合组织青岛峰会](Event)是什么时候举办的？",
        "In which year did [Qingdao](City) and [Bishkek](City) become sister cities?",
        "When did [China](Country) and [South Korea](Country) establish diplomatic relations?",
        "What year did the [SCO Qingdao Summit](Event) take place?",
        "Which year was the agreement with [Orsha](City) signed?",
    )

    def applies(self, slots: Slots, lex: Lexicon) -> bool:
        return "Q:year" in slots.concepts

    def readings(self, slots: Slots, lex: Lexicon) -> list[QueryPlan]:
        return []  # the year is read from the sentences that answer (search.qa.from_text)

    def render(self, plan: QueryPlan) -> str:
        raise NotImplementedError("years are read from the text")
