"""How near an answer stands to the question's words in a sentence."""

from __future__ import annotations

import re


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
