"""Clauses of a document with the mentions inside them, and the helpers every relation rule
uses: which mentions are top-level, who the home city is, building a `Fact` with provenance.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ingest.context import DocContext
from ingest.model import Fact, Mention, Provenance
from ingest.segment import clauses


@dataclass(frozen=True)
class Clause:
    sentence: int
    start: int
    end: int
    text: str
    mentions: tuple[Mention, ...]


def clauses_of(ctx: DocContext, mentions: list[Mention]) -> tuple[Clause, ...]:
    """Each clause with the mentions inside it, in the order given; mentions are found by
    bisecting their starts. Every rule walks every clause, so they are made once per list of
    mentions and kept on `ctx`."""
    if ctx.clauses is not None and ctx.clauses[0] is mentions:
        return ctx.clauses[1]
    order = sorted(range(len(mentions)), key=lambda k: mentions[k].start)
    starts = [mentions[k].start for k in order]
    found = []
    for sentence in ctx.sentences:
        for start, end in clauses(sentence):
            near = order[bisect_left(starts, start) : bisect_right(starts, end)]
            inside = tuple(mentions[k] for k in sorted(k for k in near if mentions[k].end <= end))
            found.append(Clause(sentence.index, start, end, ctx.document.text[start:end], inside))
    ctx.clauses = (mentions, tuple(found))
    return ctx.clauses[1]


def top_level(mentions: tuple[Mention, ...], text: str) -> list[Mention]:
    """Mentions not nested in a longer one, minus locators: 柬埔寨 in 柬埔寨西哈努克 or a
    country note in brackets (长滩港(美国))."""
    result = []
    for m in mentions:
        if any(
            o is not m
            and o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            for o in mentions
        ):
            continue
        if m.entity.type == "Country" and _is_locator(m, mentions, text):
            continue
        result.append(m)
    return result


def _is_locator(m: Mention, mentions: tuple[Mention, ...], text: str) -> bool:
    if m.start > 0 and text[m.start - 1] in "(（":
        return True
    return any(
        o.start in (m.end, m.end + 2)
        and o.entity.type == "City"
        and text[m.end : o.start] in ("", "首都")
        for o in mentions
    )


def make_fact(
    ctx: DocContext,
    clause: Clause,
    s: Mention,
    p: str,
    o: Mention,
    rule: str,
    conf: float,
    **qualifiers: str,
) -> Fact:
    start = min(s.start, o.start, clause.start) if s.sentence == o.sentence else clause.start
    end = max(s.end, o.end) if s.sentence == o.sentence else clause.end
    return Fact(
        subject=s.entity.key,
        predicate=p,
        object=o.entity.key,
        provenance=Provenance(
            ctx.document.doc_id,
            clause.sentence,
            max(start, clause.start),
            min(max(end, start + 1), clause.end),
            rule,
            conf,
        ),
        qualifiers=tuple(sorted((k, v) for k, v in qualifiers.items() if v)),
    )


def home_mention(ctx: DocContext, clause: Clause) -> Mention | None:
    home = ctx.home_city
    if home is None:
        return None
    own = [m for m in clause.mentions if m.entity.key == home.key]
    if own:
        return own[0]
    return Mention(home.label_zh, clause.start, clause.start, clause.sentence, home, "home", 0.6)


def is_foreign(m: Mention, ctx: DocContext) -> bool:
    """A partner abroad: its country is known and not ours, or it is an international body
    from the reference data (联合国)."""
    home = ctx.home_city.key if ctx.home_city else ""
    if m.entity.key == home or m.entity.country == ctx.home_country:
        return False
    return bool(m.entity.country) or m.entity.source.startswith("reference")


def report_year(ctx: DocContext) -> str:
    return str(ctx.document.year or "")


def subject_before(clause: Clause, ctx: DocContext, lo: int) -> Mention | None:
    """Who acts: the last organisation, enterprise or place before 与 in the same comma
    segment (`青岛港与…`), else the home city (`推动与…`)."""
    segment = max(clause.text.rfind(p, 0, lo - clause.start) for p in "，,") + 1
    before = [
        m
        for m in between(clause, ctx, clause.start + segment, lo)
        if m.entity.type not in ("Event", "Initiative")
    ]
    return before[-1] if before else home_mention(ctx, clause)


def subjects_before(clause: Clause, ctx: DocContext, lo: int) -> list[Mention]:
    """`subject_before`, with the items listed before it: in `推动A大学、B大学与C…合作` A and
    B both act."""
    last = subject_before(clause, ctx, lo)
    if last is None or last.rule == "home":
        return [last] if last else []
    text = ctx.document.text
    found = [last]
    for m in reversed(between(clause, ctx, clause.start, last.start)):
        if m.entity.type == last.entity.type and text[m.end : found[-1].start] == "、":
            found.append(m)
        elif m.end > found[-1].start - 1:
            continue  # nested or overlapping mentions of the item itself
        else:
            break
    return found[::-1]


def between(clause: Clause, ctx: DocContext, lo: int, hi: int) -> list[Mention]:
    return [m for m in top_level(clause.mentions, ctx.document.text) if lo <= m.start < hi]
