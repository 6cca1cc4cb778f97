"""Lexical retrieval: BM25 (bm25s) over jieba tokens of Chinese text and lower-cased English
words, so 比什凯克 and RCEP both match exactly."""

from __future__ import annotations

import re

import bm25s
import jieba

from search.corpus import SearchItem

jieba.setLogLevel(60)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9-]+|\d+|[\u4e00-\u9fff]+")
_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "在",
        "是",
        "等",
        "及",
        "对",
        "为",
        "将",
        "并",
        "也",
        "以",
        "中",
        "哪些",
        "什么",
        "多少",
        "哪个",
        "the",
        "a",
        "an",
        "of",
        "in",
        "to",
        "and",
        "for",
        "with",
        "which",
        "what",
        "how",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
    ]
)


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for run in _TOKEN.findall(text):
        if run[0].isascii():
            tokens.append(run.lower())
        else:
            tokens.extend(w for w in jieba.cut_for_search(run) if w.strip())
    return [t for t in tokens if t not in _STOP]


class LexicalIndex:
    def __init__(self, items: list[SearchItem]) -> None:
        self.items = items
        self._bm25 = bm25s.BM25()
        corpus = [tokenize(item.text) or ["∅"] for item in items]
        if corpus:
            self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        tokens = tokenize(query)
        if not tokens or not self.items:
            return []
        ids, scores = self._bm25.retrieve([tokens], k=min(k, len(self.items)), show_progress=False)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]
