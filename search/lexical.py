"""Lexical retrieval: BM25 (bm25s) over jieba tokens of Chinese text and lower-cased English
words, so 比什凯克 and RCEP both match exactly."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

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


MANIFEST = "manifest.json"


class LexicalIndex:
    """BM25 over the items. With a `folder`, the index is kept there and reused by the next
    process while the items are the same: segmenting every sentence with jieba costs seconds
    per megabyte of reports, and a one-shot search would pay it each time."""

    def __init__(self, items: list[SearchItem], folder: Path | None = None) -> None:
        import bm25s  # on first use: a question the graph answers never needs it

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG
        self.items = items
        key = hashlib.sha1("\n".join(item.digest for item in items).encode()).hexdigest()
        if folder is not None and _stored_key(folder) == key:
            self._bm25 = bm25s.BM25.load(str(folder), show_progress=False)
            return
        self._bm25 = bm25s.BM25()
        corpus = [tokenize(item.text) or ["∅"] for item in items]
        if corpus:
            self._bm25.index(corpus, show_progress=False)
            if folder is not None:
                self._save(folder, key)

    def _save(self, folder: Path, key: str) -> None:
        """Into a sibling temp folder, then swapped in: a crash leaves the old index."""
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
            self._bm25.save(str(tmp), show_progress=False)
            (tmp / MANIFEST).write_text(json.dumps({"key": key}), encoding="utf-8")
            old = folder.with_name(folder.name + ".old")
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:  # the index only saves time: a read-only folder must not stop us
            logging.getLogger(__name__).warning("cannot save the BM25 index (%s)", exc)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The best `k` items by BM25. An item that shares only numbers with the query is no
        match: a year says when, not what ("… in 2022?" would rank every dated page header)."""
        tokens = tokenize(query)
        if not tokens or not self.items:
            return []
        found = self._retrieve(tokens, k)
        words = [t for t in tokens if not t.isdigit()]
        if words and len(words) < len(tokens):
            matched = {i for i, _ in self._retrieve(words, len(self.items))}
            found = [(i, s) for i, s in found if i in matched]
        return found

    def _retrieve(self, tokens: list[str], k: int) -> list[tuple[int, float]]:
        ids, scores = self._bm25.retrieve([tokens], k=min(k, len(self.items)), show_progress=False)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]

def _stored_key(folder: Path) -> str:
    try:
        return str(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""
