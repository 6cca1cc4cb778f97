"""Scoring against the gold files: entities per type (precision, recall, F1) and question
answering per question. Matching is by label or alias, within the same type.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GoldEntity:
    type: str
    label: str
    label_en: str
    names: frozenset[str]  # label and aliases
    country: str


@dataclass(frozen=True)
class TypeScore:
    type: str
    gold: int
    predicted: int
    true_positives: int
    recall_hits: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.recall_hits / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_gold_entities(path: Path) -> list[GoldEntity]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in csv.reader((ln for ln in handle if not ln.startswith("#")), delimiter="\t"):
            if len(line) < 3:
                continue
            aliases = {a for a in (line[3] if len(line) > 3 else "").split("|") if a}
            rows.append(GoldEntity(line[0], line[1], line[2], frozenset({line[1], *aliases}),
                                   line[4] if len(line) > 4 else ""))
    return rows


def score_entities(
    predicted: Iterable[dict[str, object]], gold: list[GoldEntity]
) -> list[TypeScore]:
    """`predicted` rows are `waishi entities --json` objects. Types absent from the gold
    list (e.g. Region) are reported with gold = 0 and left out of the totals."""
    preds = list(predicted)
    types = sorted({g.type for g in gold} | {str(p["type"]) for p in preds})
    scores = []
    for kind in types:
        golds = [g for g in gold if g.type == kind]
        mine = [p for p in preds if p["type"] == kind]
        names = [_names(p) for p in mine]
        tp = sum(1 for n in names if any(n & g.names for g in golds))
        hits = sum(1 for g in golds if any(n & g.names for n in names))
        scores.append(TypeScore(kind, len(golds), len(mine), tp, hits))
    return scores


def total(scores: list[TypeScore]) -> TypeScore:
    scored = [s for s in scores if s.gold]
    return TypeScore(
        "all (gold types)",
        sum(s.gold for s in scored),
        sum(s.predicted for s in scored),
        sum(s.true_positives for s in scored),
        sum(s.recall_hits for s in scored),
    )


def _names(row: dict[str, object]) -> set[str]:
    aliases = row.get("aliases") or []
    return {str(row.get("label") or ""), *(str(a) for a in aliases)} - {""}  # type: ignore[union-attr]


def load_questions(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
