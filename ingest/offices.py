"""Foreign-affairs offices: 江苏省外办 is the province's, 兰州市外办 Lanzhou's, a bare 市外办 or
市委外办 the office of the report's own city (when the report says which city that is), 中央外办
the national one; 各地外办 and 东北四市外办 name no one office.
"""

from __future__ import annotations

import re

import jieba.posseg as pseg

from ingest.context import Candidate, DocContext
from ingest.gazetteer import population
from ingest.model import EntityRef

_OFFICE = re.compile(r"(?:委|(?:人民)?政府)?(?:外事(?:侨务)?办公室|外事办|外侨办|外办)(?!公室)")
_NATIONAL = ("中央", "中共中央")
_NAME_FLAGS = {"ns", "nz", "nr", "nrt", "nrfg"}  # jieba tags of place and person names
# a numeral or a quantifier before 市/省 makes the office a kind, not one office: 四市外办, 各省外办
_COUNTED = set("一二两三四五六七八九十百几多各诸该本")


def recognise_offices(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in _OFFICE.finditer(text):
        level = text[match.start() - 1 : match.start()]
        if level not in ("市", "省"):
            if text[: match.start()].endswith(_NATIONAL):
                national = next(n for n in _NATIONAL if text[: match.start()].endswith(n))
                start = match.start() - len(national)
                ctx.add(
                    Candidate(
                        start,
                        match.end(),
                        "Organization",
                        "中央外办",
                        "foreign-affairs-office",
                        0.9,
                        country="CN",
                    )
                )
            continue
        place, name_start = _place_before(text, match.start() - 1, level, ctx)
        if place is not None:
            suffix = "省" if place.type == "Region" else "市"
            label = f"{place.label_zh}{suffix}外办"
            start = name_start
        elif text[match.start() - 2 : match.start() - 1] in _COUNTED or _named_before(
            text, match.start() - 1
        ):
            continue  # 东北四市外办, 各省外办, 某某市外办 of a place the reference lacks
        else:
            home = ctx.home_city
            wanted = "Region" if level == "省" else "City"
            if home is None or home.type != wanted:
                continue  # whose office 市外办 is, the report does not say
            label = f"{home.label_zh}{level}外办"
            start = match.start() - 1
        ctx.add(
            Candidate(
                start,
                match.end(),
                "Organization",
                label,
                "foreign-affairs-office",
                0.9,
                country="CN",
            )
        )


def _place_before(text: str, end: int, level: str, ctx: DocContext) -> tuple[EntityRef | None, int]:
    """The Chinese city or province whose name ends at `end` (兰州|市外办), longest first;
    before 市 a province-level municipality (北京市外办) counts as well."""
    kinds = ("Region",) if level == "省" else ("City", "Region")
    for length in range(min(6, end), 1, -1):
        refs = [
            r
            for r in ctx.gazetteer.lookup(text[end - length : end])
            if r.country == "CN" and r.type in kinds
        ]
        if refs:
            return max(refs, key=population), end - length
    return None, end


def _named_before(text: str, end: int) -> bool:
    """Whether a place the reference lacks stands before 市 (义乌|市外办, a county-level city):
    jieba tags the word that ends there a place name (年来|市外办 and 也是|市外办 are none)."""
    words = list(pseg.cut(text[max(end - 4, 0) : end]))
    return bool(words) and len(words[-1].word) >= 2 and words[-1].flag in _NAME_FLAGS
