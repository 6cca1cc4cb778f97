"""What a "how many" question counts: the nouns of the report's stated counts that the
question's asked phrase names (多少个国际友城, 友城总数达到多少个, how many sister cities).
"""

from __future__ import annotations

import re
from typing import Any

from search.qa.lexicon import Lexicon, en_tokens
from search.qa.slots import singular

# the asked phrase after the question word (多少个国际友城), else before it, as reports name a
# count before its number (国际友好城市总数将达到多少个); English: up to its verb
_AFTER = re.compile(r"多少个?((?!个)[\u4e00-\u9fff]{1,6})")
_BEFORE = re.compile(
    r"([\u4e00-\u9fff]{2,8}?)(?:总数|总量|数量)?"
    r"(?:一共|总共|共计|共有|共|将|已|会|增加到|增加至|增至|增长到|达到|达|为|有|是|到|了)*"
    r"(?:多少|几个)"
)
_EN = re.compile(
    r"(?:how many|number of) ([a-z' -]+?)"
    r"(?= (?:do|does|did|is|are|was|were|has|have|had|will|can|would|in|for)\b|$)"
)
# the report's own word for a kind of count, as extraction stores it (国际友好城市 -> 友城)
_CANONICAL = (("友好城市", "友城"),)


def asked_phrase(text: str, used: list[str]) -> str:
    """The Chinese phrase a count question asks about (多少个国际友城 -> 国际友城), as the
    reports word it (友城), or ""."""
    masked = "".join(" " if u else ch for ch, u in zip(text, used, strict=True))
    asked = _AFTER.search(text) or _BEFORE.search(masked)
    if not asked:
        return ""
    phrase = asked.group(1).lstrip("的之")
    for long, short in _CANONICAL:
        phrase = phrase.replace(long, short)
    return phrase


def english_count_words(slots: Any, lex: Lexicon) -> list[str] | None:
    """The corpus's Chinese words for an English question's counted phrase (how many sister
    cities -> 友城, 城市 …); None when the question names no phrase."""
    masked_lower = "".join(" " if u else ch for ch, u in zip(slots.lower, slots.used, strict=True))
    english = _EN.search(masked_lower.strip(" ?"))
    phrase = english.group(1).strip() if english else ""
    if not phrase:
        return None
    named = {t for iri in slots.named for tokens in lex.names_en.get(iri, ()) for t in tokens}
    forms = {
        form
        for t in en_tokens(phrase)
        # countries -> country (CC-CEDICT glosses the singular: 国家), as well as the old cut
        for form in dict.fromkeys([t, t[:-1] if t.endswith("s") else t, singular(t)])
    }
    # how many APEC Business Travel Cards: the named thing (a word of many names, city of
    # Liaocheng City, is no such thing)
    if not forms or forms & named & lex.distinctive_tokens:
        return None
    return [w for form in forms for w in lex.english_to_chinese(form)]


def count_nouns(text: str, lower: str, lex: Lexicon, used: list[str]) -> list[list[str]]:
    """The stated counts' nouns that match the asked phrase, in (at most two) tiers, best
    first; none when the question names no phrase of its own (how many APEC business travel
    cards: the card is the anchor, and its counts carry no noun)."""
    masked_lower = "".join(" " if u else ch for ch, u in zip(lower, used, strict=True))
    phrase = asked_phrase(text, used)
    if phrase:
        words = [phrase]
    else:
        english = _EN.search(masked_lower.strip(" ?"))
        phrase = english.group(1).strip() if english else ""
        if not phrase:
            return []
        tokens = en_tokens(phrase) | set(phrase.split())
        words = [w for t in tokens for w in lex.english_to_chinese(t)]
    scored = []
    for noun in lex.nouns:
        # the head of a Chinese noun phrase is its last character: 国际友城 counts 城市
        overlap = max((len(set(noun) & set(w)) + (w[-1] in noun) for w in words if w), default=0)
        if overlap:
            scored.append((overlap, noun))
    # best first, one tier per score: the anchor may state no count of the best (other
    # reports' 友城 while Qingdao's count is 85个城市), and then the next tier answers
    tiers: dict[int, list[str]] = {}
    for overlap, noun in sorted(scored, reverse=True):
        tiers.setdefault(overlap, []).append(noun)
    return list(tiers.values())[:2]


_ORDINAL = re.compile(r"第\s*$")


def is_ordinal(text: str, start: int) -> bool:
    """Whether the figure at `start` is an ordinal (第7个, 第四位): a rank, not a count."""
    return bool(_ORDINAL.search(text[max(0, start - 2) : start]))


_COUNTED_AFTER = re.compile(r"(?:多少|几)[个家座名位次件场批项对所届]?((?!个)[\u4e00-\u9fff]{1,8})")


def count_glosses(words: list[str] | None, lex: Lexicon) -> list[str]:
    """The glosses of an English counted phrase that are nouns of a count (友城, 城市), not
    single characters or the names of entities (a gloss of "city" is every city's name)."""
    return [w for w in words or [] if len(w) >= 2 and w not in lex.names_zh]


def counted_noun(text: str, used: list[str], lex: Lexicon) -> str:
    """The noun a Chinese count question counts, as reports write it after a figure: the
    words after 多少个 up to a noun the reports count (多少个国家的城市 -> 国家, 多少家企业申办了
    -> 企业, 多少个国际友城 -> 友城), else the asked phrase's head."""
    masked = "".join(" " if u else ch for ch, u in zip(text, used, strict=True))
    after = _COUNTED_AFTER.search(masked)
    if after:
        phrase = after.group(1).split("的")[0]
        for long, short in _CANONICAL:
            phrase = phrase.replace(long, short)
        nouns = set(lex.nouns)
        for k in range(2, len(phrase) + 1):
            if any(phrase[:k].endswith(n) for n in nouns if len(n) >= 2):
                return phrase[:k][-2:]
        return phrase[:2] if len(phrase) >= 2 else ""
    return asked_phrase(text, used)[-2:]


def counted_head(text: str, used: list[str]) -> str:
    """The head of the noun a Chinese count question counts, which the answering sentence
    holds: the last noun of the nouns right after 多少 (多少外国游客 -> 游客, 多少个国家缔结了
    … -> 国家, 多少个国际友城 -> 友城), else the asked phrase's last two characters (团组多少批
    -> 批)."""
    import jieba.posseg  # on first use: only count questions read parts of speech

    masked = "".join(" " if u else ch for ch, u in zip(text, used, strict=True))
    after = re.search(r"(?:多少|几)([\u4e00-\u9fff][^？?。，,]*)", masked)
    if after:
        nouns: list[str] = []
        for pair in jieba.posseg.cut(after.group(1)):
            word, flag = pair.word, pair.flag
            if not nouns and flag in ("q", "m"):
                continue  # the measure word (个, 家)
            if not flag.startswith("n") and flag not in ("j", "vn"):
                break
            nouns.append(word)
        if nouns:
            noun = nouns[-1]
            for long, short in _CANONICAL:
                noun = noun.replace(long, short)
            return noun[-2:]
    return asked_phrase(text, used)[-2:]


_MEASURE = "个家座名位次件场批项对所届"
_LINK_BEFORE = re.compile(
    r"(?:总数|总量|数量|数|共计|总共|一共|共|已|将|增加到|增加至|增至|达到|达|为|有|是|了)*$"
)


def counts_noun(text: str, start: int, end: int, counted: list[str]) -> bool:
    """Whether the figure at [start, end) counts one of the `counted` nouns: the noun follows
    it after a measure word and at most two characters (41个国家, 230对国际友城), or ends just
    before it (市级友城59个, 友城总数达到85个). A noun before 的 qualifies another noun (国家的
    71个城市: 71 counts cities)."""
    after = text[end : end + 12].lstrip("多余")
    if after[:1] and after[0] in _MEASURE:
        after = after[1:]
    before = _LINK_BEFORE.sub("", text[max(0, start - 12) : start])
    return any(
        noun and (noun in after[: len(noun) + 2] or before.endswith(noun)) for noun in counted
    )


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
# a Chinese numeral before a measure word (两次, 四个, 十二座); 一 alone is left out (一个 is
# mostly "a")
CN_COUNT = re.compile(
    r"(?<![第\u4e00-\u9fff][一二两三四五六七八九十])(?<!第)"
    r"([二两三四五六七八九十]十?[一二三四五六七八九]?)(?=[个次位家座对场名项批所件届])"
)


def chinese_number(numeral: str) -> int | None:
    """二 -> 2, 十二 -> 12, 三十 -> 30, 四十五 -> 45; None for what is no such numeral."""
    if not numeral:
        return None
    if "十" not in numeral:
        return _CN_DIGITS.get(numeral) if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    ten = _CN_DIGITS.get(tens, 0) if tens else 1
    one = _CN_DIGITS.get(ones, 0) if ones else 0
    if (tens and not ten) or (ones and not one):
        return None
    return ten * 10 + one
