"""What every recogniser and relation rule sees of one document, and the candidates they emit.

`DocContext` carries the document, its sentences, the gazetteer and the home city/country the
report speaks for ("我市", "在青"); `Candidate` is a mention before linking.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ingest.gazetteer import Gazetteer
from ingest.home import HomePlace
from ingest.model import Document, EntityRef, Mention, Sentence

if TYPE_CHECKING:  # clauses.py builds on this module
    from ingest.clauses import Clause

BOUNDARY = set('，,。；;：:、！？!?\n\t “”"《》「」')
CJK_RANGE = ("\u4e00", "\u9fff")


def is_cjk(ch: str) -> bool:
    return CJK_RANGE[0] <= ch <= CJK_RANGE[1]


@dataclass
class Candidate:
    start: int  # document offsets
    end: int
    type: str
    label: str  # canonical surface (parenthetical country notes removed)
    rule: str
    confidence: float
    refs: list[EntityRef] = field(default_factory=list)  # gazetteer candidates, if any
    country: str = ""  # a country the context attaches to this mention
    sentence: int = -1

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass
class DocContext:
    document: Document
    sentences: list[Sentence]
    gazetteer: Gazetteer
    home: HomePlace
    home_country: str = "CN"
    candidates: list[Candidate] = field(default_factory=list)
    # the clauses of the linked mentions, made once for every relation rule (`clauses_of`)
    clauses: tuple[list[Mention], tuple[Clause, ...]] | None = field(default=None, repr=False)
    # what a recogniser computes once per report from its text alone (`names._enterprise_names`)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def home_city(self) -> EntityRef | None:
        """The place the report speaks for (a city, or a province for a province's report)."""
        return self.home.ref

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [sentence.start for sentence in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        k = bisect_right(self._sentence_starts, offset) - 1
        if k >= 0 and offset < self.sentences[k].end:
            return self.sentences[k]
        return self.sentences[-1]

    def add(self, candidate: Candidate) -> None:
        if candidate.end <= candidate.start or not candidate.label:
            return
        candidate.sentence = self.sentence_at(candidate.start).index
        self.candidates.append(candidate)

