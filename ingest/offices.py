"""Government bodies named by their place: foreign-affairs offices (江苏省外办, 兰州市外办, a bare
市外办 or 市委外办 of the report's own city, 中央外办), governments (武汉市人民政府) and their
departments (德州市政府新闻办, 聊城市委外委会, 香港政治事务局). 各地外办 and 沿海三市外办 name
no one office; a bare 市外办 in a report that does not say its city names none either.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jieba.posseg as pseg

from ingest.context import Candidate, DocContext
from ingest.gazetteer import population
from ingest.model import EntityRef

_FAO = re.compile(
    r"(委|(?:人民)?政府)?(?:外事(?:侨务)?办公室|外事侨务办|外事办|外侨办|外办)(?!公室)"
)
# a government, or an organ of one, after its place and level: 武汉市人民政府, 德州市政府新闻办,
# 聊城市委外委会, 广西壮族自治区人民政府新闻办公室
_ORGAN = re.compile(
    r"(?:人民政府|政府|委)(新闻办公室|新闻办|办公厅|办公室|外委会|宣传部|统战部|发改委)?"
)
_DEPARTMENT_HEAD = re.compile(r"[局厅署]")
# a ministry's department: 外交部|领事司, 商务部|外资司 (not 公司 or 上司)
_MINISTRY_UNIT = re.compile(r"(?<=部)[\u4e00-\u9fff]{1,3}(?<![公上长])司(?![长局])")
# a congress's standing committee and the party committee's foreign-affairs bodies, by their
# level (杭州市人大常委会, 省人大常委会外事委, 省委外事工作委员会办公室); the committee alone
# (市委, 市政府) is no entity
_BODY = re.compile(
    r"(?<=[省市州区])(人大常委会(?:外事(?:工作)?委员会|外事委)?"
    r"|委外事工作(?:委员会|领导小组)(?:办公室)?|委外事委(?!员)(?:办公室)?|对外友好协会|对外友协)"
)
_NOT_IN_NAME = set("，,。；;：:、（）()“”《》 \n的和与及在是")
_LEVELS = (
    "壮族自治区",
    "维吾尔自治区",
    "回族自治区",
    "自治区",
    "特别行政区",
    "省",
    "市",
    "区",
    "县",
)
_NATIONAL = ("中共中央", "中央")
_NAME_FLAGS = {"ns", "nz", "nr", "nrt", "nrfg"}  # jieba tags of place and person names
# a numeral or a quantifier before 市/省 makes the office a kind, not one office: 四市外办, 各省外办
_COUNTED = set("一二两三四五六七八九十百几多各诸该本")


def recognise_offices(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in _FAO.finditer(text):
        _foreign_affairs_office(ctx, text, match)
    for match in _ORGAN.finditer(text):
        if text.startswith(("外办", "外事"), match.end()) or not (
            match.group(0).startswith(("人民政府", "政府")) or match.group(1)
        ):
            continue  # offices are above; a bare 委 (市委) is the committee, not an organ
        _add_body(ctx, _placed(text, match.start(), ctx), match.end(), 0.85)
    for match in _BODY.finditer(text):
        _level_body(ctx, text, match)
    for match in _MINISTRY_UNIT.finditer(text):
        _ministry_unit(ctx, text, match)
    for match in _DEPARTMENT_HEAD.finditer(text):
        _add_body(ctx, _department(text, match.end(), ctx), match.end(), 0.8)


def _add_body(ctx: DocContext, placed: tuple[int, EntityRef] | None, end: int, conf: float) -> None:
    """A government body as the report writes it, from its place to `end`."""
    if placed is not None:
        start, place = placed
        label = ctx.document.text[start:end]
        ctx.add(
            Candidate(start, end, "Organization", label, "government", conf, country=place.country)
        )


def _placed(text: str, at: int, ctx: DocContext) -> tuple[int, EntityRef] | None:
    """Where the place of a government or an organ ending before `at` starts (武汉|市|人民政府,
    广西|壮族自治区|人民政府), and the place."""
    level = next((lv for lv in _LEVELS if text[:at].endswith(lv)), "")
    if not level:
        return None
    place, start = _place_before(text, at - len(level), level, ctx)
    return (start, place) if place is not None else None


def _department(text: str, end: int, ctx: DocContext) -> tuple[int, EntityRef] | None:
    """A department named after its place (香港|政治事务局, 北京市|公安局): where the place
    starts, and the place. The department's last word must be one of three or more characters
    (事务局, 公安局, 商务厅), not 格局, 大局 or 布局."""
    for length in range(3, 9):
        at = end - length
        if at < 2 or text[at] in _NOT_IN_NAME:
            return None
        place, start = _place_before(text, at, "", ctx)
        if place is not None:
            words = list(pseg.cut(text[at:end]))
            return (start, place) if len(words[-1].word) >= 3 else None
    return None


def _ministry_unit(ctx: DocContext, text: str, match: re.Match[str]) -> None:
    """A department of a ministry the reference knows (外交部领事司, 商务部外资司) names the
    ministry: the whole span is one mention of it, so no part of it is read as another body."""
    for length in range(6, 1, -1):
        start = match.start() - length
        if start < 0:
            continue
        ministry = text[start : match.start()]
        refs = [
            r
            for r in ctx.gazetteer.lookup(ministry)
            if r.type == "Organization" and r.country == "CN"
        ]
        if refs:
            ctx.add(
                Candidate(
                    start, match.end(), "Organization", ministry, "government", 0.85, refs=refs
                )
            )
            return


def _level_body(ctx: DocContext, text: str, match: re.Match[str]) -> None:
    """杭州市人大常委会 after its place; a bare 市人大常委会 or 省委外事工作委员会 of the report's
    own city or province (see `_own_place`)."""
    at = match.start()
    level = "自治区" if text.endswith("自治区", 0, at) else text[at - 1]
    if level == "区":
        return  # 新区委: a district's committee, which names no place here
    bare = at - len(level)
    place, start = _place_before(text, bare, level, ctx)
    if place is not None:
        label = f"{place.label_zh}{_level_word(place, level)}{match.group(1)}"
    elif text[bare - 1 : bare] in _COUNTED or _named_before(text, bare):
        return  # 各市人大常委会, a place the reference lacks
    else:
        owner = _own_place(ctx, level)
        if not owner:
            return
        level = "" if owner.endswith(level) else level  # 内蒙古自治区 as the report names it
        label, start = f"{owner}{level}{match.group(1)}", bare
    ctx.add(Candidate(start, match.end(), "Organization", label, "government", 0.85, country="CN"))


def _foreign_affairs_office(ctx: DocContext, text: str, match: re.Match[str]) -> None:
    party = "委" if match.group(1) == "委" else ""  # 市委外办: the party committee's office
    at = match.start()
    level = next((lv for lv in _LEVELS if text[:at].endswith(lv)), "")
    if not level:
        national = next((n for n in _NATIONAL if text[:at].endswith(n)), "")
        if national:
            ctx.add(
                Candidate(
                    at - len(national),
                    match.end(),
                    "Organization",
                    "中央外办",
                    "foreign-affairs-office",
                    0.9,
                    country="CN",
                )
            )
        return
    place, name_start = _place_before(text, at - len(level), level, ctx)
    if place is not None:
        label = f"{place.label_zh}{_level_word(place, level)}{party}外办"
        start = name_start
    elif text[at - len(level) - 1 : at - len(level)] in _COUNTED or _named_before(
        text, at - len(level)
    ):
        return  # 沿海三市外办, 各省外办, 某某市外办 of a place the reference lacks
    else:
        owner = _own_place(ctx, level)
        if not owner:
            return  # whose office 市外办 is, the report does not say
        label = f"{owner}{level}{party}外办"
        start = at - len(level)
    ctx.add(
        Candidate(
            start, match.end(), "Organization", label, "foreign-affairs-office", 0.9, country="CN"
        )
    )


def _own_place(ctx: DocContext, level: str) -> str:
    """Whose office a bare 市外办 or 省委外办 is: the report's own city, or its own province
    (a city's report: the province the city lies in; not a municipality's, which has none)."""
    home = ctx.home_city
    if home is None:
        return ""
    if level in ("区", "县"):  # 区外办: a district's office, the report's own only if it is one
        return home.label_zh if home.source == "reference:cpca" else ""
    provincial = level in ("省", "自治区")
    if (home.type == "Region") == provincial:
        return home.label_zh
    province = dict(home.ids).get("province", "")
    return province if level == "省" and province and province != home.label_zh else ""


def _level_word(place: EntityRef, level: str) -> str:
    """How a place's office names its level: 江苏省, 兰州市, 北京市; 广西 for 广西壮族自治区."""
    if place.type == "Region":
        return level if level in ("省", "自治区") else ("市" if level == "市" else "")
    return "市" if level in ("市", "") else level


def _place_before(text: str, end: int, level: str, ctx: DocContext) -> tuple[EntityRef | None, int]:
    """The place whose name ends at `end` (兰州|市外办), longest first: a Chinese province
    before 省 or 自治区, a Chinese city (or a municipality) before 市, any region or city
    before a department (香港|政治事务局)."""
    kinds = ("Region",) if level in ("省",) or "自治区" in level else ("City", "Region")
    for length in range(min(8, end), 1, -1):
        name = text[end - length : end]
        # a district or county the reference knows by its full name only (新都|区外办)
        full = f"{name}{level}" if level in ("区", "县") else name
        refs = [
            r
            for r in ctx.gazetteer.lookup(full) or ctx.gazetteer.lookup(name)
            if r.type in kinds and (r.country == ctx.home_country or level == "")
        ]
        if refs:
            return max(refs, key=population), end - length
    return None, end


def _named_before(text: str, end: int) -> bool:
    """Whether a place the reference lacks stands before 市 (义乌|市外办, a county-level city):
    jieba tags the word that ends there a place name (年来|市外办 and 也是|市外办 are none)."""
    return _ends_with_name(text[max(end - 4, 0) : end])


@lru_cache(maxsize=4096)
def _ends_with_name(stem: str) -> bool:
    words = list(pseg.cut(stem))
    return bool(words) and len(words[-1].word) >= 2 and words[-1].flag in _NAME_FLAGS
