"""Matching a question's words in a report's sentences: in Simplified characters (a report in
Traditional script is read as extraction reads it, one character for one), and how near an
answer stands to the question's words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.normalise import normalise


@lru_cache(maxsize=8192)
def simplified(text: str) -> str:
    """`text` in Simplified characters, of the same length (spans stay valid)."""
    return normalise(text)


def nearness(text: str, start: int, end: int, words: list[str]) -> float:
    """1 when a question word touches the span [start, end), falling with the distance to the
    nearest one; a sentence without any of the words gives little."""
    distances = []
    for word in words:
        for match in re.finditer(re.escape(word), text):
            if match.start() >= end:
                distances.append(match.start() - end)
            elif match.end() <= start:
                distances.append(start - match.end())
            else:
                distances.append(0)
    if not distances:
        return 0.2
    return 1.0 / (1.0 + min(distances) / 8.0)


SURROUND_WEIGHTS = (0.5, 0.3, 0.2)  # the nearest question word, the second, the third


def surrounding(text: str, start: int, end: int, words: list[str]) -> float:
    """How closely the question's words surround the span [start, end): the nearest three
    (each place of the sentence counted once: 绵阳 and 绵阳市 at one place are one), weighted
    0.5, 0.3, 0.2, each falling with its distance. Words inside the span are its own name, not
    its surroundings (绵阳市外办 is not near 绵阳 for holding it). 0.1 when none stands outside."""
    places: dict[tuple[int, int], float] = {}
    for word in words:
        for match in re.finditer(re.escape(word), text):
            a, b = match.span()
            if a >= start and b <= end:
                continue  # inside the answer's own name
            if a >= end:
                distance = a - end
            elif b <= start:
                distance = start - b
            else:
                distance = 0
            value = 1.0 / (1.0 + distance / 8.0)
            key = next((k for k in places if k[0] < b and a < k[1]), (a, b))
            places[key] = max(places.get(key, 0.0), value)
    if not places:
        return 0.1
    best = sorted(places.values(), reverse=True)[: len(SURROUND_WEIGHTS)]
    return sum(w * v for w, v in zip(SURROUND_WEIGHTS, best, strict=False))
