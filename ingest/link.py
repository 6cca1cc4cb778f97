"""Linking: resolve overlapping candidates and give each mention one canonical entity.

Ambiguous names are decided by the country their context names (列治文 in 加拿大); unknown
names get a key derived from their normalised label, so 海尔 and 海尔集团 meet.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from itertools import accumulate

from ingest.context import Candidate, DocContext
from ingest.gazetteer import population, slug
from ingest.model import PLACE_TYPES, EntityRef, Mention

_LAYER = {
    "Country": 0,
    "City": 0,
    "Region": 0,
    "Enterprise": 1,
    "Organization": 1,
    "Initiative": 1,
    "Event": 2,
}
_CORPORATE = re.compile(
    r"(?:股份)?(?:有限)?(?:公司|集团|控股|股份)$|(?:大中华区|中国|亚太区)?总部$"
)


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Within a layer (places; organisations; events) the longer, surer candidate wins;
    across layers nesting is kept (青岛港 contains 青岛). A name the reference knows keeps
    the reference's class: a head noun does not add another (中非合作论坛 is no event). A place
    typed by its list's head (城阳 in `…、城阳等区市`) keeps that type."""
    known = {(c.start, c.end, c.label): c.type for c in candidates if c.refs}
    candidates = [
        c
        for c in candidates
        if c.refs or c.type in PLACE_TYPES or known.get((c.start, c.end, c.label), c.type) == c.type
    ]
    ranked = sorted(candidates, key=lambda c: (-(c.end - c.start), -c.confidence, c.start))
    kept: list[Candidate] = []
    # layer -> offsets its kept candidates cover (candidates are never empty: DocContext.add)
    covered: dict[int, set[int]] = {}
    for cand in ranked:
        taken = covered.setdefault(_LAYER[cand.type], set())
        span = range(cand.start, cand.end)
        if taken.isdisjoint(span):
            kept.append(cand)
            taken.update(span)
    return sorted(kept, key=lambda c: (c.start, c.end))


def entity_key(kind: str, label: str, home_city: str = "") -> str:
    """A stable key from a label: corporate suffixes and bracket styles do not matter."""
    text = label.replace("（", "(").replace("）", ")").replace("“", "").replace("”", "")
    if kind == "Enterprise":
        stem = _CORPORATE.sub("", text)
        text = stem if len(stem) >= 2 else text
    if kind == "Initiative":
        if "自贸" in text:  # 山东自贸区青岛片区 = 青岛自贸片区 = 自贸区 of the home city
            city = next((c for c in (home_city,) if c and c in text), home_city)
            text = f"自贸区-{city}"
        text = re.sub(r"示范城市$", "示范城", text)
        text = re.sub(r"集团|公司", "", text)  # 欧力士集团…项目 = 欧力士…项目
    return f"{kind.lower()}/{slug(text)}"


# a city inside a university's name names the university, not a partner (英国剑桥大学 is no
# mention of Cambridge); ports and consulates do locate their city (长滩港, 驻上海总领事馆)
_ACADEMIC = re.compile(r"(?:大学|学院|分校)$")


def _drop_named_in_institution(accepted: list[Candidate]) -> list[Candidate]:
    academic = sorted(
        (c.start, c.end) for c in accepted if c.type == "Organization" and _ACADEMIC.search(c.label)
    )
    if not academic:
        return accepted
    # a city is inside one when an institution starting at or before it ends after it: the
    # latest end among those starting by then says so (a scan of them all per city made a
    # long report's linking quadratic)
    starts = [start for start, _ in academic]
    latest_end = list(accumulate((end for _, end in academic), max))

    def inside(c: Candidate) -> bool:
        k = bisect_right(starts, c.start)
        return k > 0 and c.end < latest_end[k - 1]

    return [c for c in accepted if c.type != "City" or not inside(c)]


def link(ctx: DocContext, candidates: list[Candidate]) -> list[Mention]:
    accepted = _drop_named_in_institution(resolve_overlaps(candidates))
    countries_in_sentence: dict[int, set[str]] = {}
    for cand in accepted:
        if cand.type == "Country" and cand.refs:
            countries_in_sentence.setdefault(cand.sentence, set()).add(cand.refs[0].country)
    home = ctx.home_city.label_zh if ctx.home_city else ""
    mentions: list[Mention] = []
    last_by_suffix: dict[str, EntityRef] = {}
    for cand in accepted:
        if cand.rule == "initiative-anaphora":
            ref = last_by_suffix.get(cand.label) or _forward_antecedent(cand, accepted, ctx)
            if ref is None and "自贸" in cand.label:  # a bare 自贸区 is the home city's zone
                ref = EntityRef(
                    key=entity_key("Initiative", cand.label, home),
                    type="Initiative",
                    label_zh=cand.label,
                    source=cand.rule,
                )
            if ref is None:
                continue
        elif cand.refs:
            ref = _choose(cand, countries_in_sentence.get(cand.sentence, set()))
            if ref.type in ("City", "Region") and cand.label != ref.label_zh:
                # the text's own form names the city (埃里温, not the reference's 叶里温)
                level = "[市府区县]" if ref.type == "City" else "[市府省]"  # 临淄区: 临淄
                label = re.sub(f"(?<=..)(?:特别市|广域市|{level})$", "", cand.label)
                ref = replace(ref, label_zh=label, aliases=(*ref.aliases, ref.label_zh))
        else:
            ref = EntityRef(
                key=entity_key(cand.type, cand.label, home),
                type=cand.type,
                label_zh=cand.label,
                country=cand.country or _country_of(cand.label, ctx),
                source=cand.rule,
            )
        if ref.type == "Initiative":
            for suffix in ("试验基地", "客厅", "示范区", "示范城", "片区", "自贸区"):
                if ref.label_zh.endswith(suffix):
                    last_by_suffix[suffix] = ref
        mentions.append(
            Mention(
                surface=ctx.document.text[cand.start : cand.end],
                start=cand.start,
                end=cand.end,
                sentence=cand.sentence,
                entity=ref,
                rule=cand.rule,
                confidence=cand.confidence,
            )
        )
    return mentions


def _forward_antecedent(
    cand: Candidate, accepted: list[Candidate], ctx: DocContext
) -> EntityRef | None:
    for other in accepted:
        if (
            other.type == "Initiative"
            and other.label.endswith(cand.label)
            and other is not cand
            and other.rule != "initiative-anaphora"
        ):
            return EntityRef(
                key=entity_key(
                    "Initiative", other.label, ctx.home_city.label_zh if ctx.home_city else ""
                ),
                type="Initiative",
                label_zh=other.label,
                source=other.rule,
            )
    return None


def _choose(cand: Candidate, context_countries: set[str]) -> EntityRef:
    refs = cand.refs
    if cand.country:
        in_country = [r for r in refs if r.country == cand.country]
        if in_country:
            refs = in_country
    elif len(refs) > 1:
        in_context = [r for r in refs if r.country in context_countries]
        if in_context:
            refs = in_context
    return max(refs, key=population)


def _country_of(label: str, ctx: DocContext) -> str:
    """The country a new name belongs to: a leading country or Chinese place, else none."""
    gaz = ctx.gazetteer
    country = gaz.country_by_name(gaz.country_prefix(label))
    if country is not None:
        return country.ref.country
    for _, refs in gaz.prefixes(label):
        for ref in refs:
            if ref.type in PLACE_TYPES and ref.country:
                return ref.country
    home = ctx.home_city
    # 市文旅局, 我市企业, 青岛港; not 西门子 in a Xi'an report: a first character is no name
    if home and label.startswith((home.label_zh, "市", "我市", "全市")):
        return home.country
    return ""
