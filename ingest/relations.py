"""Relation rules: trigger words within a clause, and the goal a section lead-in sets.

Each rule reads the linked mentions of one document and yields `Fact`s with provenance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ingest.clauses import (
    between,
    clauses_of,
    home_mention,
    is_foreign,
    make_fact,
    report_year,
    subjects_before,
    top_level,
)
from ingest.context import DocContext
from ingest.model import Fact, Mention, Provenance
from ingest.spans import mask_quotes
from ingest.terms import alternation, pattern
from ingest.twinning import PLANNED, sister_cities, sister_cities_english, statement

_COOPERATE = re.compile(
    f"{alternation('diplomaticRelationsWith', 'triggers')}"
    f"|{alternation('cooperatesWith', 'triggers')}"
)
_AGREEMENT = re.compile(
    f"(?:{alternation('signedAgreementWith', 'triggers')})"
    f"([\u4e00-\u9fff]{{0,10}}?(?:{alternation('signedAgreementWith', 'instruments')}))"
)
_PARTICIPATE = pattern("participatedIn", "triggers")
_ORGANISE = pattern("organisedBy", "triggers")
_SETTLE = pattern("projectSettledIn", "triggers")
_REPORT = pattern("reportedBy", "triggers")
_MODIFIER = re.compile(r"国家|成员国|沿线")
_HOLD = re.compile(r"举办|开展|举行")
_HELD_IN = re.compile(f"在(\\S{{1,6}}?)(?:{alternation('heldIn', 'triggers')})")
_QUANTITY = re.compile(r"(\d[\d,.]*)(个|家|场|人次|件|名|起|座)([\u4e00-\u9fff]{0,2})")
# what a count measures when it is named before the number: 国际友城总数达到24个
# (国际友好城市总数达到31个 counts 友城, as 国际友城总数 does: one noun for one kind of count)
_COUNT_LEAD = re.compile(
    r"(友好城市|[\u4e00-\u9fff]{2})(?:总数|总量|数量)?已?(?:达到|达|为|共计|共有)$"
)


def cooperation(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """`S与A、B…合作/交流/建交` within one comma segment: S cooperates with A and B."""
    for clause in clauses_of(ctx, mentions):
        if _AGREEMENT.search(clause.text):
            continue
        for joint in re.finditer(r"[与同]", clause.text):
            segment_end = min(
                (
                    clause.text.find(p, joint.end())
                    for p in "，,"
                    if clause.text.find(p, joint.end()) != -1
                ),
                default=len(clause.text),
            )
            trigger = _COOPERATE.search(clause.text, joint.end(), segment_end)
            if trigger is None:
                continue
            lo = clause.start + joint.start()
            for subject in subjects_before(clause, ctx, lo):
                predicate = (
                    "diplomaticRelationsWith" if trigger.group(0) == "建交" else "cooperatesWith"
                )
                for o in between(clause, ctx, lo, clause.start + trigger.start()):
                    if o.entity.key != subject.entity.key and o.entity.type not in (
                        "Event",
                        "Initiative",
                    ):
                        yield make_fact(
                            ctx,
                            clause,
                            subject,
                            predicate,
                            o,
                            "cooperation-trigger",
                            0.75,
                            year=report_year(ctx) if predicate == "diplomaticRelationsWith" else "",
                        )


def agreements(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    for clause in clauses_of(ctx, mentions):
        signed = _AGREEMENT.search(clause.text)
        if not signed:
            continue
        # the partners are those after the 与 of the signing's own comma segment (与A等城市保持
        # 交流,新与B签署…: B signs, A does not), else after the clause's first 与
        segment = max(clause.text.rfind(p, 0, signed.start()) for p in "，,") + 1
        with_at = clause.text.rfind("与", segment, signed.start())
        if with_at < 0:
            with_at = clause.text.find("与")
        if with_at < 0 or with_at > signed.start():
            continue
        lo = clause.start + with_at
        stated = statement(ctx, clause, lo, clause.start + signed.end())
        planned = bool(PLANNED.search(stated)) or "目标" in ctx.document.title
        for subject in subjects_before(clause, ctx, lo):
            for o in between(clause, ctx, lo, clause.start + signed.start()):
                if o.entity.key != subject.entity.key:
                    yield make_fact(
                        ctx,
                        clause,
                        subject,
                        "signedAgreementWith",
                        o,
                        "agreement-trigger",
                        0.8,
                        agreement=signed.group(1),
                        year=report_year(ctx),
                        status="planned" if planned else "signed",
                    )


def participation(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """`组织/邀请 A、B参加 E1、E2` and `与 A、B…举办 E1、E2`: A and B took part in E1 and E2."""
    home = ctx.home_city.key if ctx.home_city else ""
    for clause in clauses_of(ctx, mentions):
        for verb, opener in ((_PARTICIPATE, r"组织|邀请"), (_HOLD, r"与|同")):
            trigger = verb.search(clause.text)
            if not trigger:
                continue
            openers = [m.end() for m in re.finditer(opener, clause.text[: trigger.start()])]
            if not openers:
                continue
            if verb is _HOLD and re.search(r"[，,]", clause.text[openers[0] : trigger.start()]):
                continue  # 我国同A、B建交…，我市举办…: the partners of 同 do not hold the events
            lo, hi = clause.start + openers[0], clause.start + trigger.start()
            text = ctx.document.text
            who = [
                m
                for m in between(clause, ctx, lo, hi)
                if m.entity.type != "Event"
                and m.entity.key != home
                and not _MODIFIER.match(text, m.end)  # 上合组织国家: which countries, not who
            ]
            # the trigger's objects end at the next comma outside quotes (…开展地方合作，举办…)
            rest = mask_quotes(clause.text[trigger.end() :])
            stop = min((k for k in (rest.find("，"), rest.find(",")) if k >= 0), default=len(rest))
            end = clause.start + trigger.end() + stop
            events = [m for m in between(clause, ctx, hi, end) if m.entity.type == "Event"]
            for s in who:
                for e in events:
                    yield make_fact(
                        ctx, clause, s, "participatedIn", e, "participation-trigger", 0.75
                    )


def held_in(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    for clause in clauses_of(ctx, mentions):
        match = _HELD_IN.search(clause.text)
        if not match:
            continue
        place_lo = clause.start + match.start(1)
        places = [
            m
            for m in clause.mentions
            if place_lo <= m.start < clause.start + match.end(1)
            and m.entity.type in ("City", "Region", "Country")
        ]
        events = [
            m
            for m in top_level(clause.mentions, ctx.document.text)
            if m.entity.type == "Event" and m.end <= clause.start + match.start()
        ]
        for e in events:
            for p in places[:1]:
                yield make_fact(ctx, clause, e, "heldIn", p, "held-in-trigger", 0.8)


def event_parties(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """Places, organisations and initiatives named in an event's name are involved in it;
    the name, not the span, decides: 青岛-曼海姆、撒马尔罕专列 share 中欧班列(齐鲁号)."""
    for clause in clauses_of(ctx, mentions):
        for e in clause.mentions:
            if e.entity.type != "Event":
                continue
            seen: set[str] = set()
            for m in clause.mentions:
                if m.entity.type == "Event" or m.entity.key in seen or len(m.surface) < 2:
                    continue
                inside = e.start <= m.start and m.end <= e.end
                if (inside and m.surface in e.entity.label_zh) or (
                    not inside and m.surface in e.entity.label_zh and e.rule.endswith("distributed")
                ):
                    seen.add(m.entity.key)
                    yield make_fact(ctx, clause, e, "involves", m, "event-name", 0.7)


def reported_by(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    for clause in clauses_of(ctx, mentions):
        if not _REPORT.search(clause.text):
            continue
        media = [
            m
            for m in top_level(clause.mentions, ctx.document.text)
            if m.entity.type == "Organization" and is_foreign(m, ctx)
        ]
        anaphor = re.search(
            r"此次([\u4e00-\u9fff]{1,6}?(?:会|论坛|活动))",
            ctx.document.text[ctx.sentences[max(clause.sentence - 1, 0)].start : clause.end],
        )
        window = [
            m
            for m in mentions
            if m.entity.type == "Event" and clause.sentence - 3 <= m.sentence <= clause.sentence
        ]
        if anaphor:
            window = [m for m in window if m.entity.label_zh.endswith(anaphor.group(1)[-3:])]
        for e in {m.entity.key: m for m in window}.values():
            for o in media:
                yield make_fact(ctx, clause, e, "reportedBy", o, "report-trigger", 0.7)


def organised_by(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """`举办/主办 E1、E2` with no other organiser named: the reporting office organised them
    (a report speaks for its author: 我市, 市外办)."""
    author = next((m for m in mentions if m.rule == "foreign-affairs-office"), None)
    for clause in clauses_of(ctx, mentions):
        trigger = _ORGANISE.search(clause.text)
        if trigger is None or _PARTICIPATE.search(clause.text[: trigger.start()]):
            continue
        organiser = author or home_mention(ctx, clause)
        if organiser is None:
            continue
        # an organiser named in the same comma segment (…商会举办); not 在外交部的指导下，举办
        segment = max(clause.text.rfind(p, 0, trigger.start()) for p in "，,") + 1
        before = [
            m
            for m in between(clause, ctx, clause.start + segment, clause.start + trigger.start())
            if m.entity.type in ("Organization", "Enterprise")
        ]
        if before:
            organiser = before[-1]
        joins = _PARTICIPATE.search(clause.text[trigger.end() :])
        stop = clause.start + trigger.end() + joins.start() if joins else clause.end
        for e in between(clause, ctx, clause.start + trigger.end(), stop):
            if e.entity.type == "Event":
                yield make_fact(ctx, clause, e, "organisedBy", organiser, "organiser-trigger", 0.6)


def project_settled(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """`X项目…落户(于)Y`: X's project settled in Y, or in the place or zone the section
    serves (服务自贸区方面, …项目正式落户)."""
    initiatives: dict[int, list[Mention]] | None = None  # per sentence, made when first needed
    for clause in clauses_of(ctx, mentions):
        trigger = _SETTLE.search(clause.text)
        if trigger is None or "项目" not in clause.text[: trigger.start()]:
            continue
        at = clause.start + trigger.start()
        movers = [
            m
            for m in top_level(clause.mentions, ctx.document.text)
            if m.end <= at and m.entity.type in ("Enterprise", "Initiative")
        ]
        after = [
            m
            for m in between(clause, ctx, clause.start + trigger.end(), clause.end)
            if m.entity.type in ("City", "Region", "Initiative")
        ]
        sentence = ctx.sentences[clause.sentence]
        if not after and initiatives is None:  # a scan of every mention per clause was
            initiatives = {}  # quadratic in a long report
            for m in mentions:
                if m.entity.type == "Initiative":
                    initiatives.setdefault(m.sentence, []).append(m)
        where = (
            after[:1]
            or [
                m
                for m in (initiatives or {}).get(clause.sentence, [])
                if sentence.context and m.surface in sentence.context
            ][:1]
        )
        for mover in movers:
            for place in where:
                if mover.entity.key != place.entity.key:
                    yield make_fact(
                        ctx,
                        clause,
                        mover,
                        "projectSettledIn",
                        place,
                        "settled-trigger",
                        0.7,
                        year=report_year(ctx),
                    )


def supports_goal(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """Partners in a clause that names a goal, or under a "服务X方面" lead-in, support it."""
    goals_of_context: dict[str, list[Mention]] = {}
    for sentence in ctx.sentences:
        if sentence.context and sentence.context not in goals_of_context:
            lo = sentence.start + sentence.text.find(sentence.context)
            hi = lo + len(sentence.context)
            goals_of_context[sentence.context] = [
                m for m in mentions if lo <= m.start < hi and m.entity.type == "Initiative"
            ]
    for clause in clauses_of(ctx, mentions):
        sentence = ctx.sentences[clause.sentence]
        goals = [m for m in clause.mentions if m.entity.type == "Initiative"]
        rule = "same-clause"
        if sentence.context:
            goals = goals_of_context.get(sentence.context, []) or goals
            rule = "section-context"
        if not goals:
            continue
        for m in top_level(clause.mentions, ctx.document.text):
            if m.entity.type in ("City", "Country", "Enterprise", "Organization") and is_foreign(
                m, ctx
            ):
                for g in goals:
                    yield make_fact(ctx, clause, m, "supportsGoal", g, rule, 0.7, basis="explicit")


def quantities(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """Counts such as 47个国家85个城市 or 办理178人次, attached to what the clause is about."""
    for clause in clauses_of(ctx, mentions):
        counts = list(_QUANTITY.finditer(clause.text))
        for k, match in enumerate(counts):
            at = clause.start + match.start()
            before = [m for m in clause.mentions if m.end <= at and m.entity.type != "Country"]
            # 办理APEC商务旅行卡320人次,领事认证2800件: a name already counted by a nearer
            # count is not what a later one measures
            counted = before and any(clause.start + c.start() >= before[-1].end for c in counts[:k])
            subject = before[-1] if before and not counted else home_mention(ctx, clause)
            if subject is None:
                continue
            value = match.group(1).replace(",", "")
            noun = match.group(3)
            if not noun and (lead := _COUNT_LEAD.search(clause.text, 0, match.start())):
                noun = "友城" if lead.group(1) == "友好城市" else lead.group(1)
            yield Fact(
                subject=subject.entity.key,
                predicate="quantity",
                object=value,
                literal=True,
                provenance=Provenance(
                    ctx.document.doc_id,
                    clause.sentence,
                    at,
                    clause.start + match.end(),
                    "quantity-pattern",
                    0.7,
                ),
                qualifiers=(("noun", noun), ("unit", match.group(2))),
            )


def located_in(ctx: DocContext, mentions: list[Mention]) -> Iterator[Fact]:
    """Cities typed by their context (`X(国家)`, `国家首都X`) are located in that country."""
    by_country = {m.entity.country: m for m in mentions if m.entity.type == "Country"}
    for clause in clauses_of(ctx, mentions):
        for m in clause.mentions:
            if m.entity.type == "City" and m.rule in ("paren", "country-city", "capital"):
                country = by_country.get(m.entity.country)
                if country is not None:
                    pred = "capitalOf" if m.rule == "capital" else "locatedIn"
                    yield make_fact(ctx, clause, m, pred, country, m.rule, 0.9)


RELATION_RULES: dict[str, Callable[[DocContext, list[Mention]], Iterator[Fact]]] = {
    "located-in": located_in,
    "sister-cities": sister_cities,
    "sister-cities-english": sister_cities_english,
    "cooperation": cooperation,
    "agreements": agreements,
    "participation": participation,
    "held-in": held_in,
    "event-parties": event_parties,
    "reported-by": reported_by,
    "supports-goal": supports_goal,
    "organised-by": organised_by,
    "project-settled": project_settled,
    "quantities": quantities,
}
