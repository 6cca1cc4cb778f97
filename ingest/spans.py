"""Span utilities for names in running text: where a name starts (after the verb that
introduces it), how brackets and quotes are crossed, and the canonical form of a name.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jieba
import jieba.posseg as pseg

from ingest.context import BOUNDARY, DocContext
from ingest.gazetteer import Gazetteer
from ingest.model import PLACE_TYPES
from ingest.terms import alternation

jieba.setLogLevel(60)

# characters before 率 that make it a noun's end (效率, 汇率), not the verb "lead"
_NOT_LEADING = "效频汇比利税概速功坦直表统草轻督"
# verbs and prepositions that introduce an object; a name starts after the last of them
_TRIGGER = re.compile(
    r"参加|参与|出席|举办|举行|组织|邀请|开展|启动|促成|推动|推进|助推|助力|建设|打造|搭建"
    r"|配合|保障|对接|会同|开行|制定|完成|做好|实现|提升|加强|深化|拓展|扩大|争取|支持|创建"
    r"|服务(?!平台|中心|站)"
    r"|策划|抢抓|利用|用好|用活|发挥|借助|通过|走进|引进|落户|设立|召开|了|从|向|把|将|对(?!接|话|外)"
    # hosting and visiting verbs (承办…分论坛, 高水平办好…大会, 参观…片区); 联合 as a verb only
    # where a phrase starts (not 联合国, …联合会, 工业园区联合协调理事会)
    r"|(?:承办|主办|协办)(?:方|单位)?|办好|参观|考察|(?<![\u4e00-\u9fff])联合(?![国会])"
    # prepositions and verbs of visits that end a clause's subject: 广州作为协会主席城市,
    # 以…身份 (not 以色列, 中以), 在 (not 在线)…, 由…主办, 副区长王某带队赴…公司,
    # 部长一行访问…大学, 成功筹办
    r"|作为|(?<!中)以(?![色及来后前上下内外(（])|在(?!线)|于|(?<!自)由|跟随|随|赴|前往|带队|率团|率队"
    r"|访问|会见|会晤|拜会|出访|筹办|主持|致辞|(?<![一二三四五六七八九十但就还也总])是"
    r"|落实|转载自|来自|签署|签订|(?:更名|改名|改)为|感谢|共建|吸引"
    # a visit's subject ends at 一行 (部长一行到…大学), its destination follows 到 or 来
    r"|一行|(?<![得收做办想达])到(?!访)|到访|(?<![未本原带归往以从到])来(?![自访宾华])"
    # a leader leading a body (副主任王明率省友协代表团): 率 as a verb, not 效率, 率先
    rf"|(?<![{_NOT_LEADING}])率(?:领)?(?!先)"
    # a short form announced in brackets: 联合会(以下简称联合会), (下称“厦洽会”)
    r"|(?:以下)?简称|下称"
)
# what can stand before a name in running text and is no part of it: list numbers (1. 2、
# (3) ④ 一是), a bracketed byline, a date, a leading comma or list mark
_OPENER = re.compile(
    r"^(?:[、，,\s]+|\d{1,2}[.．、](?=\D|\d{4}年)|[（(]\d{1,2}[)）]|[①-⑳]"
    r"|[一二三四五六七八九十]+是|[（(][^)）]{1,40}[)）]|\d{1,2}月\d{1,2}日|\d{1,2}日|首次"
    # a newspaper's dateline (本报讯, 东南网讯) and a count (9家, 多个)
    r"|[\u4e00-\u9fff]{0,6}?讯|(?:\d+|[一二三四五六七八九十两几数多]+)[家个所名位批项场次](?=\S)"
    # a wire dateline: 中新网长沙3月12日电
    r"|[\u4e00-\u9fff]{2,12}?\d{1,2}月\d{1,2}日电)+"
)
_STRIP_POS = {
    *("v", "vd", "p", "d", "ad", "c", "u", "uj", "ul", "uz", "ug", "ud", "uv", "r", "y", "e", "t")
}
_KEEP_WORDS = {"纪念", "庆祝", "中国", "国际"}
_COUNTRY_NOTE = re.compile(r"[（(]([\u4e00-\u9fff]{2,12})[)）]")


# the end of an event name: shared by the suffix recogniser and canonical labels
EVENT_HEAD = re.compile(f"(?:{alternation('Event', 'heads')})")
_ENDS_WITH_HEAD = re.compile(f"(?:{EVENT_HEAD.pattern})$")


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
        if ch in "(（":
            return i  # an opening bracket left open: the name is inside it ((厦门日报)
        if ch == "、":
            if not list_items:
                return i
            i -= 1
            continue
        if ch in BOUNDARY or ch in "的等" or text[i - 2 : i] == "——":
            return i  # (a double dash introduces what follows; 中国—东盟 keeps its single one)
        if text[i - 2 : i] in ("简称", "下称") or (
            ch == "率" and text[i - 2 : i - 1] not in _NOT_LEADING and text[i : i + 1] != "先"
        ):
            return i  # (以下简称联合会), 副会长王明率省友协: no name runs back over these
        i -= 1
    return i


def after_trigger(span: str, keep: int = 2, gazetteer: Gazetteer | None = None) -> int:
    """Offset just past the last object-introducing verb that leaves at least `keep` chars;
    verbs inside quotes, brackets or the gazetteer's names (上海合作组织) do not count."""
    for match in reversed(list(_TRIGGER.finditer(mask_quotes(span)))):
        if len(span) - match.end() < keep:
            continue
        if gazetteer is not None and _in_name(span, match.start(), match.end(), gazetteer):
            continue
        if span[match.end() : match.end() + 1] == "暨":
            continue  # …会晤暨…会晤: the head of a name joined to the next, not a verb
        return match.end()
    return 0


def _in_name(text: str, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """Whether a known name of 3 to 12 characters covers any of text[start:end] (only the
    names around a verb are looked up, not every name of the span)."""
    for i in range(max(start - 11, 0), end):
        for length, _ in gazetteer.prefixes(text, i):
            if 3 <= length <= 12 and i + length > start:
                return True
    return False


def mask_quotes(text: str) -> str:
    """Blank out quoted and bracketed text so verbs inside names are not cut at."""
    return re.sub(r"“[^”]*”|[（(][^)）]*[)）]", lambda m: "□" * len(m.group(0)), text)


def strip_leading(span: str, ctx: DocContext, keep: int = 2) -> tuple[int, str]:
    """Drop leading verbs, prepositions and adverbs (组织参与…, 促成…与) before a name;
    `keep` is how many characters must stay (the suffix and something before it)."""
    opener = _OPENER.match(span)
    offset = opener.end() if opener and len(span) - opener.end() >= keep else 0
    offset += after_trigger(span[offset:], keep, ctx.gazetteer)
    counted = _OPENER.match(span[offset:])  # 走访了|9家…: what the verb's object opens with
    if counted and len(span) - offset - counted.end() >= keep:
        offset += counted.end()
    rest = span[offset:]
    while rest:
        if _starts_with_name(rest, ctx):
            break
        if all(ch in ctx.gazetteer.abbreviations for ch in rest[:2]):
            break  # 中日(青岛)…: a country pair, not a verb
        word, flag = first_word(rest)
        if flag not in _STRIP_POS or word in _KEEP_WORDS:
            break
        if len(rest) - len(word) < keep:
            break
        offset += len(word)
        rest = rest[len(word) :]
    return offset, rest


@lru_cache(maxsize=16384)
def first_word(text: str) -> tuple[str, str]:
    """jieba's first word of `text` and its POS tag; cached because the same spans come back
    (every candidate sharing a start, the same names in later reports) and tagging is slow."""
    first = next(iter(pseg.cut(text)))
    return first.word, first.flag


def _starts_with_name(text: str, ctx: DocContext) -> bool:
    return next(ctx.gazetteer.prefixes(text), None) is not None


def canonical_label(surface: str, ctx: DocContext) -> str:
    """Drop country notes in brackets (青岛-奥尔沙(白俄罗斯)经贸推介会), unify brackets, and
    drop a generic tail: “国际友人青岛行”系列活动 is 国际友人青岛行, …专场活动 is …专场."""
    countries = ctx.gazetteer.country_name_set
    label = _COUNTRY_NOTE.sub(lambda m: "" if m.group(1) in countries else m.group(0), surface)
    label = label.replace("（", "(").replace("）", ")").strip()
    # straight quotes, common in reports typed on Western keyboards, as the usual “…”
    label = re.sub(r'"([^"]*)"', r"“\1”", label)
    quoted = re.fullmatch(r"“([^”]+)”(?:等)?(?:系列)?活动", label)
    if quoted:
        return quoted.group(1)
    if label.endswith("活动") and _ENDS_WITH_HEAD.search(label[:-2]):
        label = label[:-2]
    return label


def place_before(text: str, end: int, ctx: DocContext) -> bool:
    """Whether a place's name of two or three characters ends at `end` (山东|行)."""
    return any(
        r.type in PLACE_TYPES for k in (2, 3) for r in ctx.gazetteer.lookup(text[end - k : end])
    )
