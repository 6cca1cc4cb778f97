"""Confidence that means something: a raw score of how an answer was found, mapped to the share
of such answers that were right on questions the rules were not written from.
"""

from __future__ import annotations


def calibrated(source: str, score: float, rank: int, answers: int) -> float:
    """Placeholder until the table is fitted: the raw score, lowered for the text path and for
    a second intent."""
    raw = min(score, 1.0) * (0.6 if source == "text" else 1.0) * (0.8 if rank else 1.0)
    return round(raw, 2)
