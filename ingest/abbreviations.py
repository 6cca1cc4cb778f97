"""Country abbreviations in compounds: pairs (中韩外长会, 日韩驻鲁机构), threes (中蒙俄), a
country's side (法方), 对X合作, lists (韩、日、泰三国), and 港澳(台) for Hong Kong and Macao.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.context import Candidate, DocContext, is_cjk
from ingest.gazetteer import Gazetteer
from ingest.words import word_starts

PAREN = re.compile(r"[（(]([\u4e00-\u9fff]{2,12})[)）]")


# compounds where two country abbreviations stand for both countries: 中韩外长会, 日韩驻鲁机构
_PAIR_CUE = re.compile(
    r"外长|建交|邦交|合作|关系|友好|两国|经贸|地方|青少年|人文|产业|企业|贸易|投资|智慧|双边|交流"
    r"|论坛|峰会|驻|友城|博览|经济|命运|铁路|边境|边界|口岸|联合|民间|商贸|商会|文化|友谊|教育"
    r"|科技|媒体|[(（、]"
)


_SINGLE_ABBR = re.compile(r"对([\u4e00-\u9fff])(?=合作|交往|交流|工作|贸易|投资|开放)")


# 和法方均…, 中方表示: a country's side, after a separator, before what the side does
_SIDE = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff]|[和与同及、]))([\u4e00-\u9fff])方"
    r"(?=[均表愿将与和同对在也已积高代的，,。])"
)


# 港澳(台) stands for the regions; 粤港澳大湾区 is a bay area, named as a whole
_SAR = re.compile(r"(?<!粤)港澳台?(?!大湾)")


_SAR_NAMES = {"港": "香港", "澳": "澳门", "台": "台湾"}


_ABBR_LIST = re.compile(r"((?:[\u4e00-\u9fff]、)+[\u4e00-\u9fff])(?:两|三|四|五|六|七|八)国")


def _starts_word(text: str, at: int) -> bool:
    """Whether jieba reads the pair at `at` as two words of one character (深耕|日|韩), or as a
    word led by 中 (深化|中哈); not 帕拉|基安, a name's syllables."""
    lo = max(at - 4, 0)
    starts = word_starts(text[lo : at + 4])
    return at - lo in starts and (at + 1 - lo in starts or text[at] == "中")


def add_pair(ctx: DocContext, start: int, pair: str, resolved_second: str = "") -> None:
    gaz = ctx.gazetteer
    for offset, ch in enumerate(pair):
        options = gaz.abbreviations.get(ch, [])
        if offset == 1 and resolved_second:
            options = [resolved_second] if resolved_second in options else []
        if len(options) != 1:
            continue
        ref = gaz.countries[options[0]].ref
        ctx.add(
            Candidate(
                start + offset,
                start + offset + 1,
                "Country",
                ref.label_zh,
                "abbreviation",
                0.85,
                refs=[ref],
            )
        )


def pair_starts(text: str, gaz: Gazetteer) -> Iterator[int]:
    """Offsets where two abbreviation letters meet (中日韩 has 中日 and 日韩), found in one
    regex pass rather than by a test at every character."""
    letters = "".join(re.escape(ch) for ch in gaz.abbreviations)
    if letters:
        for found in re.finditer(f"(?=[{letters}]{{2}})", text):
            yield found.start()


def recognise_abbreviations(ctx: DocContext) -> None:
    """Country abbreviations: pairs (中韩, 日韩), 对X合作, and lists such as 韩、日、泰三国."""
    gaz = ctx.gazetteer
    text = ctx.document.text
    for i in pair_starts(text, gaz):
        pair = text[i : i + 2]
        if i >= len(text) - 2 or pair[0] == pair[1]:
            continue
        note = PAREN.match(text, i + 2)
        if note and gaz.country_by_name(note.group(1)) is not None:
            continue  # recognise_paren_country resolves these with the named country
        if note and any(r.type in ("City", "Region") for r in gaz.lookup(note.group(1))):
            # 以太仓中德(太仓)产业合作示范区: a pair before a home place in brackets starts a
            # zone's name, whatever precedes it, and stands for both countries
            add_pair(ctx, i, pair)
            continue
        triple = text[i : i + 3]
        if (
            triple[0] == "中"
            and len(set(triple)) == 3
            and all(ch in gaz.abbreviations for ch in triple)
        ):
            add_pair(ctx, i, triple[:2])  # 中日韩, 中蒙俄: three countries in a row, whatever
            add_pair(ctx, i + 1, triple[1:])  # stands before them
            continue
        if (
            text[i + 2 : i + 3] in ("、", "，")
            and (i == 0 or text[i - 1] not in "、")
            and _starts_word(text, i)
        ):
            add_pair(ctx, i, pair)  # 深耕日韩、做强东盟: a pair listed with other partners
            continue
        if (
            i > 0
            and is_cjk(text[i - 1])
            and text[i - 1] not in "与和同的、对在"
            and not _starts_word(text, i)
        ):
            continue  # 作为中美两国 (为|中|美) passes, 参加东盟 does not
        following = text[i + 2 : i + 5]
        if note:
            continue
        if _PAIR_CUE.match(following):
            add_pair(ctx, i, pair)
    for match in _SINGLE_ABBR.finditer(text):
        add_pair(ctx, match.start(1), match.group(1))
    for match in _SAR.finditer(text):  # 港澳, 港澳台: Hong Kong, Macao (and Taiwan)
        for k, ch in enumerate(match.group(0)):
            refs = [r for r in gaz.lookup(_SAR_NAMES[ch]) if r.type == "Region"]
            if refs:
                start = match.start() + k
                ctx.add(
                    Candidate(
                        start,
                        start + 1,
                        "Region",
                        refs[0].label_zh,
                        "abbreviation",
                        0.85,
                        refs=refs[:1],
                    )
                )
    for match in _SIDE.finditer(text):  # 中方, 法方: the Chinese side, the French side
        if match.group(1) in gaz.abbreviations:
            add_pair(ctx, match.start(1), match.group(1))
    for match in _ABBR_LIST.finditer(text):
        chars = match.group(1).split("、")
        if all(ch in gaz.abbreviations for ch in chars):
            for k, ch in enumerate(chars):
                add_pair(ctx, match.start(1) + 2 * k, ch)
