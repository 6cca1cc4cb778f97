"""Confidence that means something: a raw score of how an answer was found, mapped to the share
of such answers that were right on questions the rules were not written from.

The map (`calibration.json`) is fitted by `scripts/calibrate_qa.py` on the calibration split of
`tests/data/qa_paraphrase.jsonl`: an isotonic (monotone) fit of the share of right answers on the
raw score, weighted by the number of answers.
"""

from __future__ import annotations

import bisect
import json
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("calibration.json")


def raw_score(source: str, intent_score: float, intent_rank: int, reading: int) -> float:
    """How an answer was found, as one number in [0, 1]: from the graph by the intent that fits
    best (its similarity to its examples), by its strictest reading; lower for a second intent, a
    looser reading, or an answer read from the text."""
    fit = max(0.0, min(intent_score, 1.2)) / 1.2
    raw = 0.5 + 0.5 * fit
    if intent_rank:
        raw *= 0.8
    raw *= 0.9**reading
    if source == "text":
        raw *= 0.6
    return round(raw, 4)


@cache
def _table() -> tuple[tuple[float, ...], tuple[float, ...]]:
    if not TABLE.is_file():
        return (), ()
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    return tuple(data["raw"]), tuple(data["right"])


def calibrated(raw: float) -> float:
    """The share of answers found with this raw score that were right, from the fitted table
    (a step between its points); the raw score itself when no table is fitted."""
    xs, ys = _table()
    if not xs:
        return round(raw, 2)
    k = bisect.bisect_right(xs, raw) - 1
    if k < 0:
        return round(ys[0], 2)
    return round(ys[k], 2)
