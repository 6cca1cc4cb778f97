"""How jieba reads a stretch of text, for the rules that must know where words start or
whether a word is a transliterated name (彼尔姆) rather than an ordinary one (合作对话会).
"""

from __future__ import annotations

from functools import lru_cache

import jieba
import jieba.posseg as pseg


@lru_cache(maxsize=256)
def word_starts(text: str) -> frozenset[int]:
    """Where jieba's words start in `text`: segmented only when a rule must know (a sentence
    with a two-character foreign city in it, a name and 市 after a country)."""
    starts, at = set(), 0
    for word in jieba.lcut(text):
        starts.add(at)
        at += len(word)
    return frozenset(starts)


_NAME_FLAGS = {"ns", "nr", "nrt", "nrfg", "x", "eng"}


@lru_cache(maxsize=4096)
def looks_like_name(word: str) -> bool:
    """A transliterated name: jieba knows no ordinary word in it (彼尔姆 falls apart into
    single characters), unlike 合作对话会, 石油大学 or 故事也是. Cached: the same names recur."""
    return all(len(t.word) == 1 or t.flag in _NAME_FLAGS for t in pseg.cut(word, HMM=False))
