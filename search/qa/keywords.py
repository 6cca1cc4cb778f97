"""Keywords a question leaves once its slots are filled: Chinese words as they are, English
words mapped to the corpus's Chinese words through CC-CEDICT glosses (youth -> 青少年).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import jieba

from search.qa.cues import CJK, RELATION_WORDS, TYPE_WORDS
from search.qa.lexicon import EN_STOP, Lexicon


def content_words(text: str, used: list[str]) -> list[str]:
    words = []
    position = 0
    for word in jieba.cut(text):
        span = used[position : position + len(word)]
        position += len(word)
        if CJK.search(word) and len(word) >= 2 and not any(span):
            words.append(word)
    return words


_QUESTION_WORDS = frozenset(
    [
        "哪些",
        "哪个",
        "什么",
        "多少",
        "哪国",
        "是否",
        "开展",
        "了",
        "进行",
        "新",
        "位于",
        "相关",
        "我市",
        "计划",
        # words about the reports themselves, never what they report
        "报告",
        "提到",
        "提及",
        "出现",
        "列出",
    ]
)
_ENGLISH_META = frozenset(["report", "reports", "mentioned", "named", "appear", "appears", "list"])


def residual_keywords(
    text: str, used: list[str], lex: Lexicon, answer_types: Sequence[str] = ()
) -> list[str]:
    """Words the slots did not consume, flattened (see `_keyword_groups`)."""
    return [w for group in keyword_groups(text, used, lex, answer_types) for w in group]


def keyword_groups(
    text: str, used: list[str], lex: Lexicon, answer_types: Sequence[str] = ()
) -> list[list[str]]:
    """Words the slots did not consume, one group per question word; an English word's group
    holds the corpus words its glosses name (youth -> 青少年, 青年). Type words are no
    keywords, but for those of another type than the answer's: in "which countries have
    consulates in …" the consulates are what the evidence must speak of."""
    stripped = text
    for pattern, types, _ in TYPE_WORDS:
        if answer_types and not set(types) & set(answer_types):
            continue
        stripped = re.sub(pattern, lambda m: " " * len(m.group(0)), stripped)
    for pattern, _ in RELATION_WORDS:
        stripped = re.sub(pattern, lambda m: " " * len(m.group(0)), stripped)
    if CJK.search(text):
        return [
            [w]
            for w in content_words(stripped, used)
            if w not in _QUESTION_WORDS and lex.is_specific(w)
        ]
    groups: list[list[str]] = []
    masked = "".join(" " if u else ch for ch, u in zip(stripped.lower(), used, strict=True))
    for token in re.findall(r"[a-z]+", masked):
        if token in EN_STOP or token in _ENGLISH_META or len(token) < 4:
            continue
        translations = lex.english_to_chinese(token)
        if any(lex.is_common(w) for w in translations):
            # "the office" may be the reporting office (外办), which every sentence is about:
            # narrowed to its rarer senses (办公厅), the question would lose its answers
            continue
        chinese = [w for w in translations if lex.is_specific(w)]
        if chinese and len(chinese) <= 6:  # a word glossing dozens says nothing specific
            groups.append(chinese)
    return groups


def event_keywords(
    text: str, used: list[str], lex: Lexicon, answer_types: Sequence[str] = ()
) -> list[list[str]]:
    """Question words that name events (外长会, youth -> 青少年), for when no entity anchors
    the question; the word naming the fewest events first."""
    event_names = [
        n
        for n, iris in lex.names_zh.items()
        if any(lex.entities.get(i) and lex.entities[i].type == "Event" for i in iris)
    ]
    ranked = []
    for group in keyword_groups(text, used, lex, answer_types):
        kept = [w for w in group if any(w in n for n in event_names)]
        if kept:
            ranked.append((sum(any(w in n for w in kept) for n in event_names), kept))
    return [kept for _, kept in sorted(ranked, key=lambda r: r[0])]
