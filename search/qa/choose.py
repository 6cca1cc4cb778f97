"""Choosing a question's intent: the cue concepts it shares with each intent, and its nearest
example questions.

A question and each example are compared as sparse TF-IDF vectors of their cue concepts (what
they ask, answer types, relations, the kinds of names they give) and their wording once names
are replaced by their kind (character pairs of Chinese, words and word pairs of English). No
model runs at question time: the examples' vectors are built once, from the registry.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from search.qa.cues import CJK
from search.qa.intents import INTENTS, Intent
from search.qa.lexicon import Lexicon
from search.qa.slots import Slots, example_slots

CONCEPT_WEIGHT = 2.0  # a shared cue concept counts as much as two shared words
# what kind of answer the question asks for (a count, a year, a country …) outweighs the rest
ASKING = frozenset(
    {"Q:count", "Q:year", "Q:capital", "Q:country", "Q:where", "Q:support", "Q:member",
     "Q:describe", "Q:mentioned"}
)
ASKING_WEIGHT = 4.0
CUE_BONUS = 0.25  # an intent whose own cues the question has
# the question asks for a kind of answer (a count …) that another intent gives, not this one
ASK_PENALTY = 0.25
_ARTICLES = frozenset({"the", "a", "an", "of", "in", "to", "and", "for", "its", "that"})
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _stem(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def features(shape: str, concepts: frozenset[str]) -> Counter[str]:
    found: Counter[str] = Counter(
        {c: ASKING_WEIGHT if c in ASKING else CONCEPT_WEIGHT for c in concepts}
    )
    text = re.sub(r"⟨\w+⟩", " ", shape)
    if CJK.search(text):
        for run in _HAN_RUN.findall(text):
            found.update(f"c:{run[k : k + 2]}" for k in range(len(run) - 1))
    words = [_stem(w) for w in re.findall(r"[a-z]+", text) if w not in _ARTICLES]
    found.update(f"w:{w}" for w in words)
    found.update(f"w:{a}_{b}" for a, b in itertools.pairwise(words))
    return found


@dataclass(frozen=True)
class Choice:
    intent: Intent
    score: float  # similarity to its nearest examples, plus the cue bonus
    nearest: str  # the example it is nearest to
    fits: bool = True  # it gives the kind of answer asked for (a count …), or none was asked


Featurize = Callable[[str, frozenset[str]], Counter[str]]


class IntentChooser:
    """`featurize` and `cues` are there for benchmarks/intent_choice.py, which measures the
    choice without the concepts or without the examples' wording."""

    def __init__(
        self,
        intents: dict[str, Intent] | None = None,
        featurize: Featurize = features,
        cues: bool = True,
    ) -> None:
        self.intents = intents or INTENTS
        self.featurize = featurize
        self.cues = cues
        examples: list[tuple[str, str, Counter[str]]] = []
        for intent in self.intents.values():
            for example in intent.examples:
                shape, concepts = example_slots(example)
                examples.append((intent.name, example, featurize(shape, concepts)))
        df: Counter[str] = Counter()
        for _, _, feats in examples:
            df.update(feats.keys())
        n = len(examples)
        self.idf = {f: math.log((n + 1) / (d + 1)) + 1.0 for f, d in df.items()}
        self.default_idf = math.log(n + 1) + 1.0
        self.examples = [(name, text, self._vector(feats)) for name, text, feats in examples]
        self._asking_cues = frozenset().union(*(i.cues for i in self.intents.values())) & ASKING

    def _vector(self, feats: Counter[str]) -> dict[str, float]:
        vector = {f: w * self.idf.get(f, self.default_idf) for f, w in feats.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def rank(self, slots: Slots, lex: Lexicon) -> list[Choice]:
        """The intents whose slot matcher accepts the question, best first."""
        question = self._vector(self.featurize(slots.shape, slots.concepts))
        best: dict[str, tuple[float, str]] = {}
        for name, text, vector in self.examples:
            similarity = sum(w * vector.get(f, 0.0) for f, w in question.items())
            if similarity > best.get(name, (-1.0, ""))[0]:
                best[name] = (similarity, text)
        asked = slots.concepts & ASKING & self._asking_cues if self.cues else frozenset()
        choices = []
        for name, (similarity, text) in best.items():
            intent = self.intents[name]
            if not intent.applies(slots, lex):
                continue
            bonus = CUE_BONUS if self.cues and intent.cues & slots.concepts else 0.0
            penalty = ASK_PENALTY if asked - intent.cues else 0.0
            fits = not asked or bool(asked & intent.cues)
            choices.append(Choice(intent, similarity + bonus - penalty, text, fits))
        # the kind of answer asked for (how many, which year …) decides among the intents that
        # give it; the wording decides the rest
        return sorted(choices, key=lambda c: (not c.fits, -c.score))
