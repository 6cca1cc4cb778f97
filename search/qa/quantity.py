"""What a "how many" question counts: the nouns of the report's stated counts that the
question's asked phrase names (多少个国际友城, 友城总数达到多少个, how many sister cities).
"""

from __future__ import annotations

import re
from typing import Any

from search.qa.lexicon import Lexicon, en_tokens

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
        for form in dict.fromkeys([t, t[:-1] if t.endswith("s") else t])
    }
    if not forms or forms & named:  # how many APEC Business Travel Cards: the named thing
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
