"""Scoring against the gold files: entities per type (precision, recall, F1) and question
answering per question. Matching is by label or alias, within the same type.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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
            rows.append(
                GoldEntity(
                    line[0],
                    line[1],
                    line[2],
                    frozenset({line[1], *aliases}),
                    line[4] if len(line) > 4 else "",
                )
            )
    return rows


def score_entities(predicted: Iterable[dict[str, Any]], gold: list[GoldEntity]) -> list[TypeScore]:
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


@dataclass(frozen=True)
class RuleScore:
    """How many predicted entities (of the gold's types) a recogniser named, and how many of
    them are true: an entity named by several recognisers counts for each."""

    rule: str
    true_positives: int
    false_positives: int

    @property
    def precision(self) -> float:
        n = self.true_positives + self.false_positives
        return self.true_positives / n if n else 0.0


def score_rules(
    predicted: Iterable[dict[str, Any]], rules: dict[str, list[str]], gold: list[GoldEntity]
) -> list[RuleScore]:
    """Per recogniser (the `rule` of the mentions naming each entity, `rules` by IRI): its
    true and false positives over the gold's types, most productive first."""
    types = {g.type for g in gold}
    true: dict[str, int] = {}
    false: dict[str, int] = {}
    for p in predicted:
        if p["type"] not in types:
            continue
        right = any(_names(p) & g.names for g in gold if g.type == p["type"])
        for rule in rules.get(str(p["iri"]), []):
            counts = true if right else false
            counts[rule] = counts.get(rule, 0) + 1
    found = set(true) | set(false)
    return sorted(
        (RuleScore(r, true.get(r, 0), false.get(r, 0)) for r in found),
        key=lambda s: (-(s.true_positives + s.false_positives), s.rule),
    )


def _names(row: dict[str, Any]) -> set[str]:
    aliases = row.get("aliases") or []
    return {str(row.get("label") or ""), *(str(a) for a in aliases)} - {""}


def load_questions(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


CONFIDENCE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def score_answers(
    workspace: Any,
    questions: list[dict[str, Any]],
    gold: list[GoldEntity],
    split: str | None = None,
) -> dict[str, Any]:
    """Ask each question; an answer is right when its label or an alias names a gold answer.
    A question whose gold list is empty is unanswerable: answering nothing scores 1, anything
    else 0. `split` keeps only the questions marked with it (`"split": "calibration"`).
    `workspace` is a `waishi.workspace.Workspace` (typed loosely: this module is below it)."""
    names_of = {g.label: g.names for g in gold}
    aliases = {str(e["iri"]): {*e["aliases"], str(e["label"])} for e in workspace.entities()}
    rows: list[dict[str, Any]] = []
    for q in questions:
        if split and q.get("split", "") != split:
            continue
        answer = workspace.ask(str(q["question"]))
        wanted = [str(a) for a in q["answers"]]
        predicted = [r.label for r in answer.answers]
        found = [aliases.get(r.iri, set()) | {r.label} for r in answer.answers]
        correct = [any(names_of.get(w, {w}) & f for w in wanted) for f in found]
        hit_gold = sum(1 for w in wanted if any(names_of.get(w, {w}) & f for f in found))
        if not wanted:  # unanswerable: right only when nothing is answered
            p = r = f1 = 0.0 if found else 1.0
        else:
            p = sum(correct) / len(found) if found else 0.0
            r = hit_gold / len(wanted)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
        rows.append(
            {
                "id": q.get("id", ""),
                "question": q["question"],
                "predicted": predicted,
                "gold": wanted,
                "precision": p,
                "recall": r,
                "f1": f1,
                "intent": answer.intent,
                "gold_intent": q.get("intent", ""),
                "split": q.get("split", ""),
                "confidence": answer.confidence,
                "raw_confidence": answer.raw_confidence,
                "correct": correct,
                "message": answer.message,
            }
        )
    n = max(len(rows), 1)
    return {
        "questions": rows,
        "precision": sum(x["precision"] for x in rows) / n,
        "recall": sum(x["recall"] for x in rows) / n,
        "f1": sum(x["f1"] for x in rows) / n,
        "intents": per_intent(rows),
        "calibration": calibration_table(rows),
        "abstained": sum(1 for x in rows if not x["gold"] and not x["predicted"]),
        "unanswerable": sum(1 for x in rows if not x["gold"]),
    }


def per_intent(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean F1 per intent: the gold intent when the file gives one, else the intent Waishi chose;
    with how often Waishi chose the gold intent."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["gold_intent"] or row["intent"], []).append(row)
    table = []
    for intent, members in sorted(groups.items()):
        labelled = [m for m in members if m["gold_intent"]]
        table.append(
            {
                "intent": intent,
                "questions": len(members),
                "f1": sum(m["f1"] for m in members) / len(members),
                "chosen": (
                    sum(m["intent"] == m["gold_intent"] for m in labelled) / len(labelled)
                    if labelled
                    else None
                ),
            }
        )
    return table


def calibration_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers by the confidence their question got: how many, and the share that is right."""
    table = []
    for low, high in itertools.pairwise(CONFIDENCE_BINS):
        marks = [
            ok for row in rows if low <= row["confidence"] < high for ok in row["correct"]
        ]
        table.append(
            {
                "confidence": f"{low:.1f}-{min(high, 1.0):.1f}",
                "answers": len(marks),
                "right": sum(marks) / len(marks) if marks else None,
            }
        )
    return table
