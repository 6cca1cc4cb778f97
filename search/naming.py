"""English for Chinese names and Chinese for English words, through reference labels and
CC-CEDICT glosses, so English questions meet entities and sentences that are Chinese only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

import jieba

from ingest.gazetteer import Gazetteer
from search.glosses import GlossDictionary
from search.lexical import tokenize


class EnglishBridge:
    def __init__(
        self, gazetteer: Gazetteer, glosses: GlossDictionary | None, corpus_texts: Iterable[str]
    ) -> None:
        self.gazetteer = gazetteer
        self.glosses = glosses
        self._texts = corpus_texts

    def english_name(self, label: str) -> str | None:
        """The reference's English label, CC-CEDICT's for the whole name, else one composed
        word by word (中国石油大学 -> "China oil; petroleum university; college")."""
        for ref in self.gazetteer.lookup(label):
            if ref.label_en:
                return ref.label_en
        glosses = self.glosses
        if glosses is None:
            return None
        whole = glosses.english_name(label)
        if whole:
            return whole
        parts = [self._word(word, glosses) for word in jieba.cut(label)]
        return " ".join(p for p in parts if p) or None

    def _word(self, word: str, glosses: GlossDictionary) -> str:
        """One word in English; an unglossed word that starts with a known name is that name
        plus the rest (青岛港 -> Qingdao + harbor; port)."""
        known = next((r.label_en for r in self.gazetteer.lookup(word) if r.label_en), None)
        found = known or glosses.english_gloss(word) or glosses.english_name(word)
        if found or len(word) < 3:
            return found or ""
        for cut in range(len(word) - 1, 1, -1):
            head = next((r.label_en for r in self.gazetteer.lookup(word[:cut]) if r.label_en), None)
            if head:
                return f"{head} {self._word(word[cut:], glosses)}".strip()
        return ""

    def to_chinese(self, word: str) -> list[str]:
        """Chinese words of the corpus whose glosses contain an English word (youth -> 青少年)."""
        return self._reverse_glosses.get(word.lower().rstrip("s"), [])

    @cached_property
    def _reverse_glosses(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        if self.glosses is None:
            return index
        vocabulary = {t for text in self._texts for t in tokenize(text) if not t.isascii()}
        for word in sorted(vocabulary):
            gloss = self.glosses.english_gloss(word)
            for token in re.findall(r"[a-z]+", (gloss or "").lower()):
                if len(token) >= 3:
                    index.setdefault(token.rstrip("s"), []).append(word)
        return index
