"""Recognisers for named things that end in a telling suffix: events (…外长会, …论坛, …专列),
organisations (…大学, …商会), enterprises (…集团, X港) and initiatives (…示范区, “…桥”),
and for items of enumerations typed by their head noun (A、B等城市 / 企业 / 媒体 / 活动).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import jieba
import jieba.posseg as pseg

from ingest.context import BOUNDARY, Candidate, DocContext, is_cjk

jieba.setLogLevel(60)

EVENT_HEAD = re.compile(
    r"(?:外长会|峰会|博览会|交易会|展览会|推介会|交流会|对接会|对话会|座谈会|研讨会|研讨班|洽谈会"
    r"|音乐会|发布会|招待会|大会|年会|论坛|(?<=[画置易影术品卉览])展|活动周|(?<=[节化])周(?!年)"
    r"|仪式|专列|专场|线上对话|活动)"
)
_ENDS_WITH_HEAD = re.compile(f"(?:{EVENT_HEAD.pattern})$")
ORG_SUFFIX = re.compile(
    r"大学|学院|商会|协会|学会|联谊会|联合会|委员会|大使馆|使馆|总领事馆|领事馆|秘书处|日报"
    r"|通讯社|新闻社|电视台|研究院|研究所|基金会"
)
ENTERPRISE_SUFFIX = re.compile(
    r"集团|有限公司|公司|控股|股份|大中华区总部|中国总部|(?<=\S)港(?![口湾区澳])"
)
INITIATIVE_SUFFIX = re.compile(
    r"示范区|示范城市|示范城|试验基地|试验区|自贸片区|自贸区|片区|客厅|项目"
)
# after a head, these words make the span something other than an event
_NOT_EVENT_AFTER = ("平台", "秘书处", "组委会", "筹备", "机制", "成员", "站台")
_GENERIC_START = (
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
)
# verbs and prepositions that introduce an object; a name starts after the last of them
_TRIGGER = re.compile(
    r"参加|参与|出席|举办|举行|组织|邀请|开展|启动|促成|推动|推进|助推|助力|建设|打造|搭建"
    r"|配合|保障|对接|会同|开行|制定|完成|做好|实现|提升|加强|深化|拓展|扩大|争取|支持|创建"
    r"|服务(?!平台|中心|站)"
    r"|策划|抢抓|利用|用好|用活|发挥|借助|通过|走进|引进|落户|设立|召开|了|从|向|把|将|对(?!接|话)"
)
_GENERIC_ACTIVITY = re.compile(r"系列|此类|各类|各种|重大|重要")  # …系列庆祝活动 names no event
_STRIP_POS = {"v", "vd", "p", "d", "ad", "c", "u", "uj", "ul", "r", "y", "e", "t"}
_KEEP_WORDS = {"纪念", "庆祝", "中国", "国际"}
_ENUM = re.compile(
    r"等(?:[\d一二三四五六七八九十数多几]+[个家所座名])?[\u4e00-\u9fff]{0,8}?"
    r"(城市|国家|企业|媒体|区市|港口|高校|机构|活动|平台)"
)
_ENUM_TYPE = {
    "城市": "City",
    "国家": "Country",
    "企业": "Enterprise",
    "媒体": "Organization",
    "区市": "Region",
    "港口": "Enterprise",
    "高校": "Organization",
    "机构": "Organization",
    "活动": "Event",
    "平台": "Initiative",
}
_COUNTRY_NOTE = re.compile(r"[（(]([\u4e00-\u9fff]{2,12})[)）]")


def walk_back(text: str, pos: int, *, list_items: bool, limit: int = 45) -> int:
    """Start of the name ending at `pos`: back to a delimiter, over quotes and brackets."""
    i = pos
    while i > 0 and pos - i < limit:
        ch = text[i - 1]
        if ch in '”"' or ch in ")）":
            opener = "“" if ch == "”" else ('"' if ch == '"' else "(（")
            j = i - 2
            while j >= 0 and text[j] not in opener and i - j < 25:
                j -= 1
            if j < 0 or text[j] not in opener:
                return i
            i = j
            continue
        if ch == "、":
            if not list_items:
                return i
            i -= 1
            continue
        if ch in BOUNDARY or ch in "的等":
            return i
        i -= 1
    return i


def after_trigger(span: str, keep: int = 2, known: Callable[[str], bool] | None = None) -> int:
    """Offset just past the last object-introducing verb that leaves at least `keep` chars;
    verbs inside quotes, brackets or known names (上海合作组织) do not count."""
    best = 0
    masked = _mask_quotes(span)
    if known is not None:
        masked = _mask_names(masked, known)
    for match in _TRIGGER.finditer(masked):
        if len(span) - match.end() >= keep:
            best = match.end()
    return best


def _mask_names(text: str, known: Callable[[str], bool]) -> str:
    out = list(text)
    i = 0
    while i < len(text):
        for length in range(min(12, len(text) - i), 2, -1):
            if known(text[i : i + length]):
                out[i : i + length] = "□" * length
                i += length - 1
                break
        i += 1
    return "".join(out)


def _mask_quotes(text: str) -> str:
    """Blank out quoted and bracketed text so verbs inside names are not cut at."""
    return re.sub(r"“[^”]*”|[（(][^)）]*[)）]", lambda m: "□" * len(m.group(0)), text)


def strip_leading(span: str, ctx: DocContext, keep: int = 2) -> tuple[int, str]:
    """Drop leading verbs, prepositions and adverbs (组织参与…, 促成…与) before a name;
    `keep` is how many characters must stay (the suffix and something before it)."""
    offset = after_trigger(span, keep, lambda n: bool(ctx.gazetteer.lookup(n)))
    rest = span[offset:]
    while rest:
        if _starts_with_name(rest, ctx):
            break
        first = next(iter(pseg.cut(rest)), None)
        if first is None or first.flag not in _STRIP_POS or first.word in _KEEP_WORDS:
            break
        if all(ch in ctx.gazetteer.abbreviations for ch in rest[:2]):
            break  # 中日(青岛)…: a country pair, not a verb
        if len(rest) - len(first.word) < keep:
            break
        offset += len(first.word)
        rest = rest[len(first.word) :]
    return offset, rest


def _starts_with_name(text: str, ctx: DocContext) -> bool:
    gaz = ctx.gazetteer
    return any(gaz.lookup(text[:k]) for k in range(min(len(text), gaz.max_len), 1, -1))


def canonical_label(surface: str) -> str:
    """Drop country notes in brackets (青岛-奥尔沙(白俄罗斯)经贸推介会), unify brackets, and
    drop a generic tail: “国际友人青岛行”系列活动 is 国际友人青岛行, …专场活动 is …专场."""
    label = _COUNTRY_NOTE.sub(lambda m: "" if _is_country_note(m) else m.group(0), surface)
    label = label.replace("（", "(").replace("）", ")").strip()
    quoted = re.fullmatch(r"“([^”]+)”(?:等)?(?:系列)?活动", label)
    if quoted:
        return quoted.group(1)
    if label.endswith("活动") and _ENDS_WITH_HEAD.search(label[:-2]):
        label = label[:-2]
    return label


def _is_country_note(match: re.Match[str]) -> bool:
    return bool(_COUNTRY_NAMES) and match.group(1) in _COUNTRY_NAMES


_COUNTRY_NAMES: set[str] = set()


def _name_like(label: str, ctx: DocContext) -> bool:
    if label.startswith(_GENERIC_START) or "驻外" in label or re.match(r"[\d数多几]+个", label):
        return False
    if label.endswith("活动") and (
        not ("“" in label or _contains_name(label, ctx)) or _GENERIC_ACTIVITY.search(label)
    ):
        return False
    if any(ch.isdigit() or (ch.isascii() and ch.isalpha()) for ch in label):
        return True
    if "“" in label or "-" in label or _contains_name(label, ctx):
        return True
    return len(label) >= 7


def _contains_name(text: str, ctx: DocContext) -> bool:
    return any(True for _ in ctx.gazetteer.scan(text)) or (
        any(ch in ctx.gazetteer.abbreviations for ch in text[:2]) and text[:1] == "中"
    )


def _emit(
    ctx: DocContext,
    start: int,
    end: int,
    kind: str,
    rule: str,
    conf: float,
    keep: int = 3,
    country: str = "",
) -> None:
    text = ctx.document.text
    offset, rest = strip_leading(text[start:end], ctx, keep)
    start += offset
    if rest.startswith("“") and "”" not in rest:
        rest = rest[1:]
    rest = rest.strip(" ")
    if len(rest) < 3 and kind != "Enterprise":
        return
    label = canonical_label(rest)
    if kind in ("Event", "Initiative", "Organization") and not _name_like(label, ctx):
        return
    ctx.add(Candidate(start, end, kind, label, rule, conf, country=country))


def recognise_events(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in EVENT_HEAD.finditer(text):
        if text[match.end() : match.end() + 3].startswith(_NOT_EVENT_AFTER):
            continue
        end = match.end()
        if _distribute(ctx, match):
            continue
        start = walk_back(text, match.start(), list_items=True)
        # 以色列经贸合作、农业科技论坛活动周 is one name; A交流会、B论坛 are two
        for cut in range(match.start() - 1, start - 1, -1):
            if text[cut] == "、" and (
                _ENDS_WITH_HEAD.search(text[start:cut]) or _TRIGGER.search(text[start:cut])
            ):
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
    trailing = ""
    for k in range(len(first)):
        if _place_name(first[k:], ctx):
            trailing = first[k:]
            break
    if not trailing:
        return False
    offset, _ = strip_leading(first[: len(first) - len(trailing)], ctx, keep=0)
    prefix = canonical_label(first[offset : len(first) - len(trailing)])
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
    bare = canonical_label(item)
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
        _emit(
            ctx, start, match.end(), "Organization", "org-suffix", 0.8, keep=len(match.group(0)) + 2
        )
    for match in re.finditer(r"(?:([\u4e00-\u9fff]{2})市)?外办", text):
        home = ctx.home_city.label_zh if ctx.home_city else (match.group(1) or "")
        ctx.add(
            Candidate(
                match.start(),
                match.end(),
                "Organization",
                f"{home}市外办",
                "foreign-affairs-office",
                0.9,
            )
        )


def recognise_enterprises(ctx: DocContext) -> None:
    text = ctx.document.text
    for match in ENTERPRISE_SUFFIX.finditer(text):
        start = _name_start(text, match.start())
        stem = text[start : match.start()]
        if match.group(0) == "港":
            _, stem_rest = strip_leading(stem, ctx)
            if not any(stem_rest.endswith(n) for n in _city_names(stem_rest, ctx)):
                continue
        _emit(
            ctx,
            start,
            match.end(),
            "Enterprise",
            "enterprise-suffix",
            0.8,
            keep=len(match.group(0)) + 2,
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
        start = _name_start(text, match.start())
        _, rest = strip_leading(text[start : match.start()], ctx, keep=0)
        if match.group(0) == "项目" and not _named_project(rest, ctx):
            continue
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


def _named_project(stem: str, ctx: DocContext) -> bool:
    """`巴基斯坦中国中心项目` is a named project; `城市更新项目` and a company's `…集团项目` not."""
    if not stem or ENTERPRISE_SUFFIX.search(stem[-3:]):
        return False
    if ctx.gazetteer.country_by_name(stem[:2]) or any(
        stem.startswith(n) for n in ctx.gazetteer.country_names[:0]
    ):
        return True
    return any(stem.startswith(c) for c in ctx.gazetteer.country_names) or _enterprise_stem(
        stem, ctx
    )


def _enterprise_stem(stem: str, ctx: DocContext) -> bool:
    for match in ENTERPRISE_SUFFIX.finditer(ctx.document.text):
        name_start = _name_start(ctx.document.text, match.start())
        _, name = strip_leading(ctx.document.text[name_start : match.start()], ctx)
        if len(name) >= 2 and stem.startswith(name):
            return True
    return False


def _name_start(text: str, pos: int) -> int:
    """Names of organisations and enterprises do not span 与/和/及 (A与B签署)."""
    start = walk_back(text, pos, list_items=False, limit=20)
    for sep in ("与", "和", "及", "同"):
        cut = text.rfind(sep, start, pos)
        if cut != -1:
            start = cut + 1
    return start


def recognise_enumerations(ctx: DocContext) -> None:
    """`A、B、C等…企业`: the head noun types every item of the list."""
    text = ctx.document.text
    for match in _ENUM.finditer(text):
        kind = _ENUM_TYPE[match.group(1)]
        if re.search(r"领域|行业|方面|的", match.group(0)):
            continue  # 基建、矿产等领域的企业: the items are fields, not enterprises
        start = match.start()
        chunk_start = start
        masked = _mask_quotes(text[max(start - 120, 0) : start])
        for k in range(len(masked) - 1, -1, -1):
            if masked[k] in "，,。；;：:\n等":
                break
            chunk_start -= 1
        chunk_start += after_trigger(
            text[chunk_start:start], 2, lambda n: bool(ctx.gazetteer.lookup(n))
        )
        if kind in ("City", "Country", "Enterprise", "Organization"):
            joined = max(text.rfind("与", chunk_start, start), text.rfind("同", chunk_start, start))
            chunk_start = max(chunk_start, joined + 1)
        chunk = text[chunk_start:start]
        if kind == "Event" and "“" in chunk and "、" not in chunk:
            if re.search(r"各类|各种", chunk):
                continue
            for quoted in re.finditer(r"“([^”]{2,20})”", chunk):
                ctx.add(
                    Candidate(
                        chunk_start + quoted.start(1),
                        chunk_start + quoted.end(1),
                        "Event",
                        quoted.group(1),
                        "enumeration",
                        0.6,
                    )
                )
            continue
        position = chunk_start
        for item in chunk.split("、"):
            item_start = position
            position += len(item) + 1
            offset, rest = strip_leading(item, ctx)
            rest_start = item_start + offset
            country_prefix = next(
                (c for c in ctx.gazetteer.country_names if rest.startswith(c)), ""
            )
            if kind == "City" and country_prefix:
                continue  # recognise_country_city handles 俄罗斯彼尔姆
            quoted_item = re.fullmatch(r"“([^”]{2,20})”", rest)
            if quoted_item:
                rest, rest_start = quoted_item.group(1), rest_start + 1
            if 2 <= len(rest) <= 20 and all(is_cjk(ch) or ch in "-()（）" for ch in rest):
                refs = [r for r in ctx.gazetteer.lookup(rest) if r.type == kind]
                home = (
                    ctx.home_country if kind == "Region" or match.group(0).find("我市") >= 0 else ""
                )
                ctx.add(
                    Candidate(
                        rest_start,
                        rest_start + len(rest),
                        kind,
                        canonical_label(rest),
                        "enumeration",
                        0.95 if kind in ("Region", "City") else 0.6,
                        refs=refs,
                        country=home,
                    )
                )
    for match in re.finditer(r"(?<![各类种])“([^”]{2,20})”(?:系列)?活动", text):
        ctx.add(
            Candidate(match.start(1), match.end(1), "Event", match.group(1), "quoted-event", 0.6)
        )


def set_country_names(names: set[str]) -> None:
    _COUNTRY_NAMES.clear()
    _COUNTRY_NAMES.update(names)


NAME_RECOGNISERS = {
    "events": recognise_events,
    "organisations": recognise_organisations,
    "enterprises": recognise_enterprises,
    "initiatives": recognise_initiatives,
    "enumerations": recognise_enumerations,
}
