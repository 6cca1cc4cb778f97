"""Fit search/qa/calibration.json: the share of right answers for each raw confidence score, on
the calibration split of tests/data/qa_paraphrase.jsonl (questions no rule was written from).

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/calibrate_qa.py [--data-dir D]

Without --data-dir it builds a store of the seed reports in a temporary folder. It asks every
question of the split, fits an isotonic (monotone) regression of each answered question's share
of right answers on its raw score (weighted by its number of answers; a wrong answer to an
unanswerable question counts as wrong), writes the table, and prints the calibration table before
and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sklearn.isotonic import IsotonicRegression  # noqa: E402

from search.qa import calibration  # noqa: E402
from waishi.evaluate import (  # noqa: E402
    calibration_table,
    load_gold_entities,
    load_questions,
    score_answers,
)
from waishi.settings import Settings  # noqa: E402
from waishi.workspace import Workspace  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "qa_paraphrase.jsonl"
GOLD = ROOT / "tests" / "data" / "gold_entities.tsv"


def fit(rows: list[dict[str, Any]]) -> dict[str, list[float]]:
    answered = [r for r in rows if r["correct"]]
    xs = [float(r["raw_confidence"]) for r in answered]
    ys = [sum(r["correct"]) / len(r["correct"]) for r in answered]
    weights = [len(r["correct"]) for r in answered]
    model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    model.fit(xs, ys, sample_weight=weights)
    return {
        "raw": [round(float(x), 4) for x in model.X_thresholds_],
        "right": [round(float(y), 4) for y in model.y_thresholds_],
    }


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}\n{'confidence':<12}{'answers':>8}{'right':>8}")
    for row in calibration_table(rows):
        right = "" if row["right"] is None else f"{row['right']:.2f}"
        print(f"{row['confidence']:<12}{row['answers']:>8}{right:>8}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="a store holding the seed reports")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--split", default="calibration")
    parser.add_argument("--out", type=Path, default=calibration.TABLE)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        ws = Workspace(Settings.load(data_dir=data_dir, corpus_dir=ROOT / "data" / "corpus"))
        try:
            ws.ensure_corpus()
            questions = load_questions(args.questions)
            result = score_answers(ws, questions, load_gold_entities(GOLD), args.split)
        finally:
            ws.close()
    rows = result["questions"]
    print(f"{len(rows)} questions of split {args.split!r}, mean F1 {result['f1']:.3f}")
    print_table("before (confidence as shipped)", rows)
    table = fit(rows)
    tmp_out = args.out.with_suffix(".tmp")
    tmp_out.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    tmp_out.replace(args.out)
    calibration._table.cache_clear()
    for row in rows:
        row["confidence"] = calibration.calibrated(float(row["raw_confidence"]))
    print_table("after (the fitted table)", rows)
    print(f"\nwrote {args.out} ({len(table['raw'])} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
