"""Recognisers for named things that end in a telling suffix: events (…外长会, …论坛, …专列),
organisations (…大学, …商会), enterprises (…集团, X港) and initiatives (…示范区, “…桥”).
"""

from __future__ import annotations

import re

from ingest import titles
from ingest.context import Candidate, DocContext
from ingest.enumerations import recognise_enumerations
from ingest.gazetteer import population
from ingest.media import recognise_media
from ingest.model import PLACE_TYPES
from ingest.offices import recognise_offices
from ingest.spans import (
    _ENDS_WITH_HEAD,
    _TRIGGER,
    EVENT_HEAD,
    canonical_label,
    first_word,
    mask_quotes,
    place_before,
    strip_leading,
    walk_back,
)
from ingest.terms import pattern, words

ORG_SUFFIX = pattern("Organization", "heads")
_MIN_CN_CITY = 100_000  # a smaller Chinese town's name is no evidence of a name
ENTERPRISE_SUFFIX = pattern("Enterprise", "heads")
INITIATIVE_SUFFIX = pattern("Initiative", "heads")
_WEAK_INITIATIVE = words("Initiative", "weak_heads")
# institutions whose suffix makes a name even without a known place in it, when listed next to
# one of the same kind (四川大学、电子科技大学): a list of universities is a list of names
_LISTED_ORG = words("Organization", "listed")
# after a head, these words make the span something other than an event
_NOT_EVENT_AFTER = words("Event", "not_after")
# words that open a kind of thing, not a name (各类企业, 外国商协会, 境外世界500强公司)
GENERIC_START = (
    "各类",
    "各种",
    "系列",
    "一系列",
    "相关",
    "有关",
    "多项",
    "此次",
    "该",
    "这些",
    "此类",
    "国家",
    "外国",
    "各国",
    "驻外",
    "我驻",
    "其他",
    "有关",
    "数十",
    "多个",
    "境外",
    "海外",
    "世界500强",
)
_MISSION = re.compile(
    r"(?<=、)([\u4e00-\u9fff]{2,8}?)(驻[\u4e00-\u9fff]{1,4}?(?:总领事馆|领事馆|大使馆|使馆))"
)
_SESSION = re.compile(r"(?:第[一二三四五六七八九十\d]+届)?第[一二三四五六七八九十\d]+次(?:全体)?")
_MISSION_HEAD = re.compile(r"(?:使馆|领事馆|总领馆)$")
_GENERIC_INSTITUTION = re.compile(r"博物馆|美术馆|动物园|大学|高校|学院|媒体|企业")
_SIDE_EVENT = re.compile(
    f"(?:{EVENT_HEAD.pattern})[\u4e00-\u9fff]{{0,4}}?(?:相关|配套|系列|期间)[\u4e00-\u9fff]{{0,2}}$"
)
# 以太仓中德(太仓)产业合作示范区: a country pair with its bracket starts the name
_PAIR_BRACKET = re.compile(r"中[\u4e00-\u9fff][（(]")
# verbs whose object is often a bare head that refers back (出席活动, 以协会主席身份); 启动仪式
# and 推介会 are compounds, not references
_REFERS_BACK = re.compile(
    r"(?:出席|参加|参与|举办|举行|召开|作为|(?<!中)以|在|于|主持|筹办|承办|主办|协办|办好)$"
)
_NAME_POS = {"ns", "nr", "nrt", "nrfg"}
# …系列庆祝活动, 高水平国际会议, 亚太经合组织相关会议 name no event
_GENERIC_ACTIVITY = re.compile(r"系列|此类|各类|各种|重大|重要|相关|有关|高水平|高层次|多场")


def _name_like(label: str, ctx: DocContext, kind: str = "", listed: bool = False) -> bool:
    if label.startswith(GENERIC_START) or "驻外" in label or re.match(r"[\d数多几]+个", label):
        return False
    if label.endswith(("活动", "会议", "会晤")) and (
        not ("“" in label or _contains_name(label, ctx)) or _GENERIC_ACTIVITY.search(label)
    ):
        return False
    if any(ch.isdigit() or (ch.isascii() and ch.isalpha()) for ch in label):
        return True
    if "“" in label or "-" in label or _contains_name(label, ctx):
        return True
    if len(label) >= 7 or (listed and len(label) >= 4):
        return True
    # 马来亚大学: an institution's suffix after a word jieba tags a place or person name (ns,
    # nr); not for events and initiatives, whose suffixes follow ordinary words (嘉宾为客厅:
    # jieba tags 嘉宾 ns too)
    word, flag = first_word(label)
    return kind == "Organization" and len(word) >= 2 and flag in _NAME_POS


_LEVEL = ("市", "州", "省", "道", "县", "郡", "府")


def _starts_with_level(text: str, ctx: DocContext) -> bool:
    """Whether `text` opens with a place written with its level (釜山广域市…, 京畿道…): a name
    of its own after the country said before it; 剑桥大学 is a university named after a place,
    英国剑桥大学 as the report writes it."""
    for length, refs in ctx.gazetteer.prefixes(text):
        if any(r.type in ("City", "Region") for r in refs) and (
            text[:length].endswith(_LEVEL) or text[length : length + 1] in _LEVEL
        ):
            return True
    return False


def _pair_start(text: str, ctx: DocContext) -> bool:
    return text[0] != text[1] and all(ch in ctx.gazetteer.abbreviations for ch in text[:2])


def _sending_country(label: str, ctx: DocContext) -> bool:
    """Whether `label` starts with a country that sends missions (美国总领事馆), not a place of
    the home country the reference also lists as a country (澳门, 香港)."""
    named = ctx.gazetteer.country_prefix(label)
    return bool(named) and not any(
        r.type == "Region" and r.country == ctx.home_country for r in ctx.gazetteer.lookup(named)
    )


def _contains_name(text: str, ctx: DocContext) -> bool:
    """Whether `text` holds a name the reference knows (a small Chinese town's name, such as
    启东's CC-CEDICT alias 启动, is no evidence), or starts with a country pair (中德)."""
    return any(
        r.type != "City" or r.country != ctx.home_country or population(r) >= _MIN_CN_CITY
        for _, _, refs in ctx.gazetteer.scan(text)
        for r in refs
    ) or (any(ch in ctx.gazetteer.abbreviations for ch in text[:2]) and text[:1] == "中")


# a pointing word before a head (该公司, 此次大会, 本会), not the end of a word (日本商会, 资本,
# 因此, 尤其)
_POINTING = r"(?<![日资成基根文样版范书剧课原因如彼尤极与应])[该此其本]"
# meetings of a party committee or group are not events (as party congresses are not); a
# session named without its body names nothing
_PARTY_MEETING = re.compile(r"(?:[市省区县州]委|党委|党组)[\u4e00-\u9fff]*(?:会议|全会)$")
_BARE_SESSION = re.compile(r"第[一二三四五六七八九十\d]+次(?:全体)?会议")
_WHOLE = re.compile(r"^((?:\d{4}年)?)(全[市省区州县])")


def _of_home(label: str, ctx: DocContext) -> str:
    """A meeting of the report's whole place (全市外事工作会议, 2022年全省外办主任会议) is that
    place's: labelled with its name (南通市外事工作会议); 全省 in a city's report is left as
    written (whose province the text may not say)."""
    whole = _WHOLE.match(label)
    home = ctx.home.ref
    if whole is None or home is None or whole.group(2) not in ctx.home.words:
        return label
    return f"{whole.group(1)}{home.label_zh}{whole.group(2)[1]}{label[whole.end() :]}"


def _emit(
    ctx: DocContext,
    start: int,
    end: int,
    kind: str,
    rule: str,
    conf: float,
    keep: int = 3,
    country: str = "",
    listed: bool = False,
) -> None:
    text = ctx.document.text
    if _REFERS_BACK.search(text, start, end - (keep - 2)):
        return  # 出席活动, 以协会…: the head alone after a verb refers back to a name, names none
    offset, rest = strip_leading(text[start:end], ctx, keep)
    start += offset
    if rest.startswith("“") and "”" not in rest:
        rest = rest[1:]
    rest = rest.strip(" ")
    if len(rest) < 3 and kind != "Enterprise":
        return
    label = canonical_label(rest, ctx)
    if kind in ("Organization", "Enterprise"):
        # 韩国釜山广域市…财团, 韩国韩中…研究会: the country said before a name that starts with
        # its own place or a country pair is no part of the name
        named = ctx.gazetteer.country_prefix(label)
        tail = label[len(named) :]
        if named and len(tail) >= 4 and (_starts_with_level(tail, ctx) or _pair_start(tail, ctx)):
            label = tail  # (the span keeps the country, which names no partner of its own)
    if kind == "Event":
        label = _of_home(label, ctx)
        if _PARTY_MEETING.search(label) or _BARE_SESSION.fullmatch(label):
            return  # 市委外事工作领导小组办公会议, 第三次全体会议: a party body's or no one's
    # a name the writer put in quotation marks (“长株潭都市圈”) is marked off as a name (quoted
    # events: recognise_quoted_names)
    quoted = kind != "Event" and text[start - 1 : start] == "“" and text[end : end + 1] == "”"
    if (
        kind in ("Event", "Initiative", "Organization")
        and not quoted
        and not _name_like(label, ctx, kind, listed)
    ):
        return
    if kind == "Organization" and re.search(r"\d年[\u4e00-\u9fff]{2,3}$", label):
        return  # 部署2025年学会工作: the body's work of a year, the body named before
    if kind == "Enterprise" and label.startswith(GENERIC_START):
        return  # 境外世界500强公司, 各类企业: a kind of company, no company
    head = text[end - (keep - 2) : end]
    if len(head) >= 2 and re.search(f"{_POINTING}{re.escape(head)}$", label):
        return  # 设立该公司, 此次大会: a pointing word before the head refers back
    if kind == "Organization" and label.startswith("驻"):
        return  # 驻哈商会, 驻华机构: whose office is not said, so no name
    if (
        kind == "Organization"
        and _MISSION_HEAD.search(label)
        and "驻" not in label
        and not _sending_country(label, ctx)
    ):
        return  # 各国驻香港、澳门总领馆: a mission is named by its country, 驻 and its seat
    if kind == "Organization" and _GENERIC_INSTITUTION.fullmatch(
        label[len(ctx.gazetteer.country_prefix(label)) :]
    ):
        return  # 意大利、希腊博物馆: museums of those countries, not one named museum
    ctx.add(Candidate(start, end, kind, label, rule, conf, country=country))


def recognise_events(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in EVENT_HEAD.finditer(text):
        if text[match.end() : match.end() + 3].startswith(_NOT_EVENT_AFTER):
            continue
        end = match.end()
        if match.group(0) == "行" and not place_before(text, match.start(), ctx):
            continue  # 银行, 进行: no tour of a place
        if _distribute(ctx, match):
            continue
        start = walk_back(text, match.start(), list_items=True)
        if match.group(0) == "活动" and _SIDE_EVENT.search(text[start : match.start()]):
            continue  # …峰会相关配套活动: side events of the event named inside, not a name
        # 以色列经贸合作、农业科技论坛活动周 is one name; A交流会、B论坛 and A节和B大赛 are two;
        # a list inside quotation marks is part of the name (“担当作为、狠抓落实”工作动员大会)
        masked = mask_quotes(text[start : match.start()])
        for cut in range(match.start() - 1, start - 1, -1):
            before = text[start:cut]
            if (
                masked[cut - start] == "、"
                and (
                    _ENDS_WITH_HEAD.search(before)
                    or _TRIGGER.search(before)
                    or titles.SHORT_EVENT_END.search(before)
                )
            ) or (text[cut] in "和及" and _ENDS_WITH_HEAD.search(before)):
                start = cut + 1
                break
        _emit(ctx, start, end, "Event", "event-suffix", 0.8, keep=len(match.group(0)) + 2)


def _distribute(ctx: DocContext, head: re.Match[str]) -> bool:
    """`中韩、中尼外长会` and `青岛-曼海姆(德国)、撒马尔罕(乌兹别克斯坦)专列`: list items
    that are place names share the head (and the prefix of the first item)."""
    text = ctx.document.text
    items: list[tuple[int, int]] = []
    end = head.start()
    while True:
        start = walk_back(text, end, list_items=False)
        items.append((start, end))
        if start == 0 or text[start - 1] != "、":
            break
        end = start - 1
    if len(items) < 2:
        return False
    items.reverse()
    places = [_place_name(text[s:e], ctx) for s, e in items[1:]]
    if not all(places):
        return False
    first_s, first_e = items[0]
    first = text[first_s:first_e]
    if any(sep in first and _place_name(first.rsplit(sep, 1)[1], ctx) for sep in "与同"):
        return False  # 中国与老挝、越南、东帝汶外长会晤: one meeting of China with all three
    trailing = ""
    for k in range(len(first)):
        if _place_name(first[k:], ctx):
            trailing = first[k:]
            break
    if not trailing:
        return False
    offset, _ = strip_leading(first[: len(first) - len(trailing)], ctx, keep=0)
    prefix = canonical_label(first[offset : len(first) - len(trailing)], ctx)
    names = [_place_name(trailing, ctx), *places]
    for (s, e), name in zip(items, names, strict=True):
        label = f"{prefix}{name}{head.group(0)}"
        ctx.add(
            Candidate(
                s + (offset if (s, e) == items[0] else 0),
                e if (s, e) != items[-1] else head.end(),
                "Event",
                label,
                "event-distributed",
                0.75,
            )
        )
    return True


def _place_name(item: str, ctx: DocContext) -> str:
    """The place an enumeration item names (中尼, 撒马尔罕(乌兹别克斯坦)), or ''."""
    bare = canonical_label(item, ctx)
    gaz = ctx.gazetteer
    if len(bare) == 2 and all(ch in gaz.abbreviations for ch in bare):
        return bare
    if any(r.type in ("City", "Country") for r in gaz.lookup(bare)):
        return bare
    return ""


def recognise_organisations(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in ORG_SUFFIX.finditer(text):
        start = _name_start(text, match.start())
        suffix = match.group(0)
        # …学会第三届第一次理事会: a numbered session of a council is a meeting, held by the
        # body named before its term
        session = _SESSION.search(text, start, match.start())
        if session and session.end() == match.start():
            _emit(ctx, start, match.end(), "Event", "session", 0.75, keep=len(suffix) + 2)
            continue
        _emit(
            ctx,
            start,
            match.end(),
            "Organization",
            "org-suffix",
            0.8,
            keep=len(suffix) + 2,
            listed=suffix in _LISTED_ORG and _listed_with(text, start, match.end(), suffix),
        )
    _distribute_missions(ctx)


def _distribute_missions(ctx: DocContext) -> None:
    """`俄罗斯、日本、韩国驻沈阳总领事馆`: countries listed before a mission share it."""
    gaz = ctx.gazetteer
    text = ctx.document.text
    for match in _MISSION.finditer(text):
        if gaz.country_by_name(match.group(1)) is None and not match.group(1).endswith("等国"):
            continue
        countries: list[tuple[int, str]] = []
        end = match.start()
        while end > 0 and text[end - 1] == "、":
            item = walk_back(text, end - 1, list_items=False)
            name = text[item : end - 1]
            offset, rest = strip_leading(name, ctx, keep=2)
            if gaz.country_by_name(rest) is None:
                break
            countries.append((item + offset, rest))
            end = item
        for start, country in countries:
            label = f"{country}{match.group(2)}"
            ctx.add(
                Candidate(
                    start, start + len(country), "Organization", label, "org-distributed", 0.75
                )
            )


def _listed_with(text: str, start: int, end: int, suffix: str) -> bool:
    """Whether the name at start:end is a `、` list item next to another one ending in `suffix`."""
    if text[end : end + 1] == "、":
        nxt = re.match(r"[\u4e00-\u9fff]{2,12}?" + suffix, text[end + 1 : end + 14])
        if nxt:
            return True
    before = text[max(start - 13, 0) : start - 1]
    return start > 0 and text[start - 1] == "、" and before.endswith(suffix)


def recognise_enterprises(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in ENTERPRISE_SUFFIX.finditer(text):
        start = _name_start(text, match.start())
        stem = text[start : match.start()]
        country = ""
        if match.group(0) == "港":
            offset, stem_rest = strip_leading(stem, ctx)
            if not any(stem_rest.endswith(n) for n in _city_names(stem_rest, ctx)):
                continue
            # 韩国釜山港 is the port of Busan (釜山港): the country before a port's city says
            # where it is, and is no part of its name
            named = ctx.gazetteer.country_prefix(stem_rest)
            port = stem_rest[len(named) :]
            if named and len(port) >= 2 and port in _city_names(port, ctx):
                start += offset + len(named)
                country = next(
                    (r.country for r in ctx.gazetteer.lookup(named) if r.type == "Country"), ""
                )
        _emit(
            ctx,
            start,
            match.end(),
            "Enterprise",
            "enterprise-suffix",
            0.8,
            keep=len(match.group(0)) + 2,
            country=country,
        )


def _city_names(text: str, ctx: DocContext) -> list[str]:
    return [
        text[k:]
        for k in range(len(text) - 1)
        if any(r.type == "City" for r in ctx.gazetteer.lookup(text[k:]))
    ]


def recognise_initiatives(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in INITIATIVE_SUFFIX.finditer(text):
        # 中国(四川)自由贸易试验区成都天府新区片区: zone names with a province note run long
        start = _name_start(text, match.start(), limit=30)
        offset, rest = strip_leading(text[start : match.start()], ctx, keep=0)
        pair = _PAIR_BRACKET.search(rest)
        if pair and pair.start() > 0 and ctx.gazetteer.lookup(rest[: pair.start()]):
            start += offset + pair.start()
            rest = rest[pair.start() :]
        if match.group(0) == "项目" and not _named_project(rest, ctx):
            continue
        if match.group(0).startswith(_WEAK_INITIATIVE) and not _names_initiative(rest, ctx):
            continue  # 工作计划, 拉美合作平台: no name; 武汉倡议, “百城计划”, 城市群合作倡议
        if not rest:  # a bare "试验基地" refers back to the last one named (linker resolves)
            ctx.add(
                Candidate(
                    match.start(),
                    match.end(),
                    "Initiative",
                    match.group(0),
                    "initiative-anaphora",
                    0.6,
                )
            )
            continue
        _emit(
            ctx,
            start,
            match.end(),
            "Initiative",
            "initiative-suffix",
            0.8,
            keep=len(match.group(0)) + 2,
        )
    for match in re.finditer(r"“([\u4e00-\u9fff]{1,8}桥)”", text):
        ctx.add(
            Candidate(
                match.start(1), match.end(1), "Initiative", match.group(1), "quoted-bridge", 0.85
            )
        )


def _names_initiative(stem: str, ctx: DocContext) -> bool:
    """Whether what precedes a weak head (倡议, 计划, 平台, 走廊) makes it a name: a quoted
    name, a place's name alone (武汉|倡议), or an initiative of a strong head (长江中游城市群…)."""
    stem = stem.rstrip("”")
    if "“" in stem or any(r.type in PLACE_TYPES for r in ctx.gazetteer.lookup(stem)):
        return True
    strong = INITIATIVE_SUFFIX.search(stem)
    # 国际(家)客厅平台: the platform is the initiative named before it, not a new one
    return (
        strong is not None
        and not strong.group(0).startswith(_WEAK_INITIATIVE)
        and strong.end() < len(stem)
    )


def _named_project(stem: str, ctx: DocContext) -> bool:
    """`巴基斯坦中国中心项目` is a named project; `城市更新项目` and a company's `…集团项目` not."""
    if not stem or ENTERPRISE_SUFFIX.search(stem[-3:]):
        return False
    return bool(ctx.gazetteer.country_prefix(stem)) or _enterprise_stem(stem, ctx)


def _enterprise_stem(stem: str, ctx: DocContext) -> bool:
    """Whether the stem starts with the stem of an enterprise the report names (…集团)."""
    names = _enterprise_names(ctx)
    return any(stem[:k] in names for k in range(2, len(stem) + 1))


def _enterprise_names(ctx: DocContext) -> frozenset[str]:
    """The stems before the report's enterprise suffixes, found once per report (per 项目, a
    long report's extraction was quadratic: two thirds of its time at 600 KB)."""
    if "enterprise_names" not in ctx.memo:
        text, found = ctx.document.text, set()
        for match in ENTERPRISE_SUFFIX.finditer(text):
            _, name = strip_leading(text[_name_start(text, match.start()) : match.start()], ctx)
            found.add(name)
        ctx.memo["enterprise_names"] = frozenset(n for n in found if len(n) >= 2)
    names: frozenset[str] = ctx.memo["enterprise_names"]
    return names


def _name_start(text: str, pos: int, limit: int = 20) -> int:
    """Names of organisations and enterprises do not span 与/和/及/暨 (A与B签署, 论坛暨B协会)."""
    start = walk_back(text, pos, list_items=False, limit=limit)
    for sep in ("与", "和", "及", "同", "暨"):
        cut = text.rfind(sep, start, pos)
        if cut != -1:
            start = cut + 1
    return start


NAME_RECOGNISERS = {
    "events": recognise_events,
    "organisations": recognise_organisations,
    "offices": recognise_offices,
    "media": recognise_media,
    "enterprises": recognise_enterprises,
    "initiatives": recognise_initiatives,
    "enumerations": recognise_enumerations,
    "quoted-names": titles.recognise_quoted_names,
    "publications": titles.recognise_publications,
}
