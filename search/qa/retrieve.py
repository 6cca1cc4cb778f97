"""Sentences for answers read from the text: BM25 over the stored sentences (jieba tokens), with
English questions carried into the corpus's Chinese words through their glosses. No model runs.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from rdflib import Dataset, URIRef

from graph.queries import select
from search.corpus import SearchItem
from search.lexical import LexicalIndex, tokenize
from search.qa.lexicon import EN_STOP, SENTENCES, Lexicon
from search.qa.slots import Slots, singular
from search.qa.text_match import simplified

logging.getLogger("bm25s").setLevel(logging.WARNING)  # its index build logs at DEBUG
_DATE = re.compile(r"(?<=\d)\s*年|\d{1,2}\s*[月日号]|(?<![\d-])[年月](?=[底初中末份])")
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_EN_DAY = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
# a question for the site a report was published on or comes from
_SOURCE = re.compile(r"网站|来源|出处|\bwebsites?\b|\bsources?\b")
_ENGLISH_WORD = re.compile(r"[a-z][a-z-]+")
# question words that say how to answer, not what about
_ASKING_TEXT = """
哪些 哪个 哪几 哪家 哪所 哪座 哪里 哪国 哪一年 哪年 什么 多少 几个 是否 有哪些 是 谁 如何 怎么样
"""
_ASKING = frozenset(_ASKING_TEXT.split())
OPENING = 8  # sentences that open a report, among which its title stands (after a page's
HEADING = 60  # path and fields: 发布日期, 索引号), as one of its short ones
_ENDS = ("。", "！", "？", "!", "?", "；", ";")


@dataclass(frozen=True)
class SentenceHit:
    iri: str
    doc: str
    doc_iri: URIRef
    start: int  # the sentence's offset in its report
    text: str
    score: float


class SentenceIndex:
    """Every stored sentence, searchable by words."""

    def __init__(self, dataset: Dataset) -> None:
        self.hits: list[SentenceHit] = []
        for s, text, doc, doc_iri, start in select(dataset, SENTENCES):
            self.hits.append(
                SentenceHit(str(s), str(doc), URIRef(str(doc_iri)), int(start), str(text), 0.0)
            )
        self.hits.sort(key=lambda h: (h.doc, h.start))
        self._at = {h.iri: k for k, h in enumerate(self.hits)}
        self.lexical = LexicalIndex(
            [SearchItem(h.iri, "sentence", simplified(h.text), h.doc, h.start) for h in self.hits]
        )

    def following(self, hit: SentenceHit) -> SentenceHit | None:
        """The sentence after `hit` in its report (它, 大会 often continue what it named)."""
        k = self._at.get(hit.iri, -1) + 1
        if 0 < k < len(self.hits) and self.hits[k].doc == hit.doc:
            return replace(self.hits[k], score=hit.score)
        return None

    def documents_writing(self, names: list[str], documents: set[URIRef]) -> set[URIRef]:
        """Of `documents`, those with a sentence where one of `names` is written (a name
        extraction did not link there: 为景德镇的经济建设)."""
        return {
            h.doc_iri
            for h in self.hits
            if h.doc_iri in documents and any(n in simplified(h.text) for n in names)
        }

    def opening(self, hit: SentenceHit, n: int = OPENING) -> list[SentenceHit]:
        """The first sentence of `hit`'s report and the headings among its first `n` (short,
        with no sentence end: a body's sentence ends with 。): its title, where it has one,
        stands among them (after a web page's path, 首页 > 要闻动态 > 正文, or its fields)."""
        k = self._at.get(hit.iri, -1)
        if k < 0:
            return []
        while k > 0 and self.hits[k - 1].doc == hit.doc:
            k -= 1
        return [
            h
            for j, h in enumerate(self.hits[k : k + n])
            if h.doc == hit.doc
            and (j == 0 or (len(h.text) <= HEADING and not h.text.rstrip().endswith(_ENDS)))
        ]

    def scores(self, hits: list[SentenceHit], terms: list[str]) -> list[float]:
        """The BM25 score of each of `hits` for `terms` alone (0 where none matches)."""
        if not terms:
            return [0.0] * len(hits)
        found = dict(self.lexical.search(" ".join(terms), len(self.hits)))
        return [found.get(self._at.get(h.iri, -1), 0.0) for h in hits]

    def search(
        self, terms: list[str], k: int = 5, documents: list[URIRef] | None = None
    ) -> list[SentenceHit]:
        """The best `k` sentences for the terms, from `documents` only when given."""
        if not terms or not self.hits:
            return []
        depth = len(self.hits) if documents else k
        found = []
        for index, score in self.lexical.search(" ".join(terms), depth):
            if score <= 0:
                continue
            hit = self.hits[index]
            if documents and hit.doc_iri not in documents:
                continue
            found.append(SentenceHit(hit.iri, hit.doc, hit.doc_iri, hit.start, hit.text, score))
            if len(found) == k:
                break
        return found


def query_terms(slots: Slots, lex: Lexicon) -> list[str]:
    """The question's words in the corpus's language: Chinese words as they are (and the names
    it gives), English words through their glosses, the Chinese names of what it names."""
    terms: list[str] = []
    if slots.chinese:
        # a date (2024年12月) says when, not what: its figures and units would rank every
        # dated line of a page (发布日期:2024年12月31日) first; the year keeps to its reports
        text = _DATE.sub(" ", slots.text)
        terms = [t for t in tokenize(text) if t not in _ASKING and not t.isascii()]
        terms += [t for t in tokenize(text) if t.isascii() and len(t) > 1]
    else:
        blanked = slots.blanked
        for word in _ENGLISH_WORD.findall(blanked):
            if word in EN_STOP or len(word) < 3:
                continue
            for form in dict.fromkeys([word, singular(word)]):
                glossed = [
                    w
                    for w in lex.english_to_chinese(form)
                    if lex.is_specific(w) or lex.is_common(w)
                ]
                if glossed and len(glossed) <= 6:
                    terms.extend(glossed)
                    break
    if not slots.chinese:  # years and figures the question gives (2020), and abbreviations
        undated = _EN_DAY.sub(" ", slots.text)  # 30 December ranks dated lines, as 12月30日
        terms.extend(re.findall(r"\d{2,}", undated))  # reports write as they are (RCEP)
        terms.extend(re.findall(r"\b[A-Z]{2,6}\b", slots.text))
    if _SOURCE.search(slots.lower):
        terms.append("来源")  # the field where a web page credits its source (来源:…网)
    for iri in slots.named + [d for d in slots.demonyms if d not in slots.named]:
        terms.extend(sorted(lex.zh_names(iri), key=len, reverse=True)[:2])
    return list(dict.fromkeys(terms))
