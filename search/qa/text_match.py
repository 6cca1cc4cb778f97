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
