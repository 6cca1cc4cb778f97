"""Twinnings (sister cities and provinces): who twins with whom in a clause, in Chinese and in
English, and whether the clause states it as done or as planned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ingest.clauses import (
    Clause,
    between,
    clauses_of,
    home_mention,
    is_foreign,
    make_fact,
    report_year,
    top_level,
)
from ingest.context import DocContext
from ingest.model import Fact, Mention
from ingest.terms import pattern

PLANNED = pattern("status", "planned")

_SISTER = pattern("sisterCityOf", "triggers")


# weaker cues that name sister cities only within their own comma segment: `A(国)、B(国)等友城
# 代表`, `与A、B等城市签署友好合作备忘录` (other cities of the sentence are not partners)
_SISTER_SEGMENT = pattern("sisterCityOf", "segment")


def sister_cities(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """Twinnings stated in a clause: `我市与A、B结好` (the home city and each), `山西省与蒙古国
    中戈壁省、湖北省武汉市与泰国曼谷市` (each pair its own), `大分市是武汉最早结好的国际友城`."""
    for clause in clauses_of(ctx, mentions):
        # a cue inside an event's name (…友城结好30周年纪念活动) twins nobody
        cues = _outside_events(clause.text, clause.start, clause.mentions)
        if cue := _SISTER.search(cues):
            lo, hi, scope = clause.start, clause.end, clause.text
        elif cue := _SISTER_SEGMENT.search(cues):
            lo = clause.start + max(clause.text.rfind(p, 0, cue.start()) for p in "，,") + 1
            hi = clause.start + cue.end()
            scope = ctx.document.text[lo:hi]
        else:
            continue
        # `等友城` lists partners the city already has, whatever the report plans
        listed = scope.endswith("友城")
        for subject, partner in _twinned(ctx, clause, lo, hi):
            stated = statement(
                ctx, clause, min(subject.start, partner.start), clause.start + cue.end()
            )
            planned = not listed and (bool(PLANNED.search(stated)) or "目标" in ctx.document.title)
            yield make_fact(
                ctx,
                clause,
                subject,
                "sisterCityOf",
                partner,
                "sister-city-trigger",
                0.85,
                # partners listed as the city's (等友城) were twinned in some earlier year
                year="" if listed else report_year(ctx),
                status="planned" if planned else "established",
                instrument="letter of intent" if "意向书" in scope else "",
            )


def _twinned(
    ctx: DocContext, clause: Clause, lo: int, hi: int
) -> Iterator[tuple[Mention, Mention]]:
    """(Chinese place, foreign place) pairs of a clause's `、`-separated items: an item with
    与/和/同 names a new pair, its Chinese place before the word (the home city when none is
    named), its partners after; an item without one adds a partner to the last pair."""
    text = ctx.document.text
    places = [m for m in between(clause, ctx, lo, hi) if m.entity.type in ("City", "Region")]
    subject: Mention | None = None
    item_start = lo
    for item_end in [*(k for k in range(lo, hi) if text[k] == "、"), hi]:
        joint = re.search(r"[与和同]", text[item_start:item_end])
        inside = [m for m in places if item_start <= m.start < item_end]
        if joint:
            at = item_start + joint.start()
            own = [m for m in inside if m.end <= at and not is_foreign(m, ctx)]
            subject = own[-1] if own else home_mention(ctx, clause)
            inside = [m for m in inside if m.start > at]
        elif subject is None:
            own = [m for m in places if m.start < item_start and not is_foreign(m, ctx)]
            subject = own[-1] if own else home_mention(ctx, clause)
        for m in inside:
            if subject is None or not is_foreign(m, ctx) or m.entity.key == subject.entity.key:
                continue
            if m.entity.type == "Region" and any(
                c.start == m.end and c.entity.type == "City" for c in inside
            ):
                continue  # 魁北克省沙威尼根市: the city is the partner, its province locates it
            yield subject, m
        item_start = item_end + 1


def statement(ctx: DocContext, clause: Clause, lo: int, hi: int) -> str:
    """The comma segments of a clause from the one holding `lo` to the one holding `hi`: what
    states a relation, so a 将 in a later segment (…签署协议，双方将…) plans nothing of it."""
    text = clause.text
    start = max(text.rfind(p, 0, lo - clause.start) for p in "，,") + 1
    ends = [k for k in (text.find(p, hi - clause.start) for p in "，,") if k >= 0]
    return text[start : min(ends, default=len(text))]


# an English statement of a twinning: Chengdu paired up with three new international friendship
# cities: Tunis…; Zhengzhou became a sister city to Richmond…
_SISTER_EN = re.compile(
    r"sister[- ]cit(?:y|ies)|friendship cit(?:y|ies)|twin(?:ned|ning)? (?:cit|with)|paired up with",
    re.IGNORECASE,
)


def sister_cities_english(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """In an English sentence with a twinning cue, the Chinese city named before the cue and
    the foreign cities named after it."""
    for clause in clauses_of(ctx, mentions):
        cue = _SISTER_EN.search(clause.text)
        if cue is None:
            continue
        at = clause.start + cue.start()
        places = [
            m for m in top_level(clause.mentions, ctx.document.text) if m.entity.type == "City"
        ]
        own = [m for m in places if m.start < at and not is_foreign(m, ctx)]
        if not own:
            continue
        planned = bool(re.search(r"\bwill\b|\bplan", clause.text[cue.start() - 40 : cue.end()]))
        for partner in places:
            if partner.start > own[-1].start and is_foreign(partner, ctx):
                yield make_fact(
                    ctx,
                    clause,
                    own[-1],
                    "sisterCityOf",
                    partner,
                    "sister-city-english",
                    0.7,
                    status="planned" if planned else "established",
                )


def _outside_events(text: str, offset: int, mentions: Iterable[Mention]) -> str:
    """`text` (starting at document offset `offset`) with the names of events blanked out."""
    chars = list(text)
    for m in mentions:
        if m.entity.type == "Event":
            for k in range(max(m.start - offset, 0), min(m.end - offset, len(chars))):
                chars[k] = " "
    return "".join(chars)
