"""Enumerations typed by their head noun: in `A、B、C等…企业` every item is an enterprise,
in `…等城市` a city, in `“X”“Y”等系列活动` an event.
"""

from __future__ import annotations

import re

import jieba.posseg as pseg

from ingest.context import Candidate, DocContext, is_cjk
from ingest.model import PLACE_TYPES
from ingest.spans import after_trigger, canonical_label, mask_quotes, strip_leading
from ingest.terms import table, words

_ENUM_TYPE = table("enumeration")  # head noun -> the class of every item
_ENUM = re.compile(
    r"等(?:[\d一二三四五六七八九十数多几]+[个家所座名])?[\u4e00-\u9fff]{0,8}?"
    f"({'|'.join(_ENUM_TYPE)})"
)
_ORDINARY = {"n", "vn", "v", "a", "an", "ad", "d"}
# an item that ends in a head of its own is of that head's class, whatever the list's head
# (北外滩论坛 in `…、北外滩论坛等平台` is a forum, 江西大学 in `…等机构` a university)
_OWN_HEAD = tuple(
    (kind, re.compile(f"(?:{'|'.join(heads)})$"))
    for kind in ("Event", "Organization", "Enterprise", "Initiative")
    if (heads := [h for h in words(kind, "heads") if h not in words(kind, "weak_heads")])
)
_TYPED_LISTS = {"Event", "Organization", "Enterprise", "Initiative"}


def _own_kind(item: str, kind: str) -> str:
    """The class of a list item: its own head noun's, else the list's."""
    if kind not in _TYPED_LISTS:
        return kind
    for own, head in _OWN_HEAD:
        if head.search(item):
            return own
    return kind


_COUNTRY_NOTE = re.compile(r"[（(]([\u4e00-\u9fff]{2,12})[)）]$")


# the last item of a list is joined by 和/及/以及 (A、B和C等城市); 共和国 is no joint
_JOINER = re.compile(r"(?<!共)(?:以及|及|和)(?!国)")


def _items(chunk: str, start: int) -> list[tuple[int, str]]:
    """The items of `A、B和C` with their offsets; a part of one character is no item, so
    such a joint stays inside its name."""
    items: list[tuple[int, str]] = []
    position = start
    for item in chunk.split("、"):
        parts: list[tuple[int, str]] = []
        at = 0
        for joint in _JOINER.finditer(item):
            parts.append((at, item[at : joint.start()]))
            at = joint.end()
        parts.append((at, item[at:]))
        if len(parts) > 1 and all(len(part) >= 2 for _, part in parts):
            items.extend((position + at, part) for at, part in parts)
        else:
            items.append((position, item))
        position += len(item) + 1
    return items


def _ordinary_word(text: str) -> bool:
    """One word of jieba's dictionary that is no name (教育, 城市规划, 社会发展)."""
    words = list(pseg.cut(text, HMM=False))
    return len(words) <= 2 and all(len(w.word) >= 2 and w.flag in _ORDINARY for w in words)


def _place_pair(item: str, ctx: DocContext) -> bool:
    """Whether a list item is a region (with or without 省) followed by a city, both names the
    reference knows (山东青岛, 四川省绵阳): the gazetteer reads both, the item names neither."""
    for k in range(2, len(item) - 1):
        head, tail = item[:k], item[k:]
        if any(r.type == "Region" for r in ctx.gazetteer.lookup(head.removesuffix("省"))) and any(
            r.type == "City" for r in ctx.gazetteer.lookup(tail)
        ):
            return True
    return False


def recognise_enumerations(ctx: DocContext) -> None:
    """`A、B、C等…企业`: the head noun types every item of the list."""
    text = ctx.document.text
    for match in _ENUM.finditer(text):
        kind = _ENUM_TYPE[match.group(1)]
        # 等上合组织国家城市: the last of two head nouns is the head (cities of SCO countries)
        following = text[match.end() : match.end() + 2]
        if following in _ENUM_TYPE:
            kind = _ENUM_TYPE[following]
        if re.search(r"领域|行业|方面|的", match.group(0)):
            continue  # 基建、矿产等领域的企业: the items are fields, not enterprises
        start = match.start()
        chunk_start = start
        masked = mask_quotes(text[max(start - 120, 0) : start])
        for k in range(len(masked) - 1, -1, -1):
            if masked[k] in "，,。；;：:\n等":
                break
            chunk_start -= 1
        chunk_start += after_trigger(text[chunk_start:start], 2, ctx.gazetteer)
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
        for item_start, item in _items(chunk, chunk_start):
            offset, rest = strip_leading(item, ctx)
            rest_start = item_start + offset
            if kind == "City" and any(
                ctx.gazetteer.country_prefix(rest[k:]) for k in range(len(rest) - 2)
            ):
                continue  # recognise_country_city handles 俄罗斯彼尔姆, 杭州国际友城瑞士卢加诺
            prefix = ctx.gazetteer.country_prefix(rest)
            if (
                kind == "Country"
                and prefix
                and prefix != rest
                and rest not in ctx.gazetteer.country_name_set
            ):
                continue  # 与英国斯旺西市、日本丰桥市等16个国家的城市: a city with its country
            if kind in ("City", "Region") and _place_pair(rest, ctx):
                continue  # 山东青岛、江苏常州等城市: a province and its city, both known names
            note = _COUNTRY_NOTE.search(rest)
            if kind == "City" and note and note.group(1) in ctx.gazetteer.country_name_set:
                continue  # recognise_paren_country handles 南特(法国), with its country
            quoted_item = re.fullmatch(r"“([^”]{2,20})”", rest)
            if quoted_item:
                rest, rest_start = quoted_item.group(1), rest_start + 1
            if 2 <= len(rest) <= 20 and all(is_cjk(ch) or ch in "-()（）" for ch in rest):
                item_kind = _own_kind(rest, kind)
                known = ctx.gazetteer.lookup(rest)
                if kind == "City" and any(r.type == "Country" for r in known):
                    item_kind = "Country"  # 与美国、德国等6个国外城市: cities of those countries
                refs = [r for r in known if r.type == item_kind]
                if not known and _ordinary_word(rest):
                    continue  # 经贸、教育等城市信息, 外事活动、国际会议等平台: kinds, not names
                if item_kind == "Country" and not refs:
                    continue  # the list of countries is closed: 习近平主席等党和国家领导人
                if known and not refs and not any(r.type in PLACE_TYPES for r in known):
                    continue  # “一带一路”、RCEP成员国等国家: a known name of another kind
                home = (
                    ctx.home_country if kind == "Region" or match.group(0).find("我市") >= 0 else ""
                )
                ctx.add(
                    Candidate(
                        rest_start,
                        rest_start + len(rest),
                        item_kind,
                        canonical_label(rest, ctx),
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
