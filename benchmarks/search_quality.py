"""What an analyst gets from the default `waishi search`: hit@5 and MRR over sentence results.

Runs the real console script, `waishi search --json -`, on the dev questions of one language
(tests/data/qa_dev.jsonl, English by default) against a store built from the seeds. A result
counts when it is a sentence holding one of the question's answers or their aliases
(tests/data/gold_entities.tsv); entity cards never count, and they take places in the ranking
as they do on the screen. Prints per question the rank of the first such sentence, and hit@5
and MRR@k for the default mixed results and for `--kind sentence`, with the ratio between them.
Also counts results that repeat a sentence already shown and results without a `why`.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/search_quality.py [--lang en] [--data-dir D]

With `--unseen`, the held-out check: the store holds the seeds and the four reports of other
cities in tests/data/unseen/reports, and the questions are tests/data/unseen/qa_unseen.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "qa_dev.jsonl"
GOLD = [ROOT / "tests" / "data" / "gold_entities.tsv"]
UNSEEN = ROOT / "tests" / "data" / "unseen"
WAISHI = str(Path(sys.executable).with_name("waishi"))


def surfaces(answers: list[str], gold: list[Path]) -> set[str]:
    aliases: dict[str, list[str]] = {}
    for path in gold:
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if row and not row[0].startswith("#") and len(row) >= 4:
                    aliases.setdefault(row[1], []).extend(a for a in row[3].split("|") if a)
    found = set(answers)
    for answer in answers:
        found.update(aliases.get(answer, []))
    return found


def first_rank(results: list[dict[str, object]], wanted: set[str]) -> int | None:
    for rank, result in enumerate(results, 1):
        if result["kind"] == "sentence" and any(w in str(result["text"]) for w in wanted):
            return rank
    return None


def run_search(base: list[str], questions: list[str], *extra: str) -> list[list[dict]]:
    out = subprocess.run(
        [*base, "search", "--json", "-", *extra],
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line)["results"] for line in out.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--data-dir", type=Path, help="an existing store (default: a fresh one)")
    parser.add_argument("-k", type=int, default=10, help="results asked for (the CLI default)")
    parser.add_argument("--unseen", action="store_true", help="the held-out reports and questions")
    args = parser.parse_args()
    questions_file, gold, reports = QUESTIONS, GOLD, [ROOT / "data" / "corpus"]
    if args.unseen:
        questions_file = UNSEEN / "qa_unseen.jsonl"
        gold = GOLD + sorted(UNSEEN.glob("*.gold.tsv"))
        reports.append(UNSEEN / "reports")
    lines = questions_file.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    rows = [r for r in rows if r.get("lang") == args.lang]
    tmp = None
    data_dir = args.data_dir
    if data_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="waishi-search-"))
        data_dir = tmp / "data"
    base = [WAISHI, "--data-dir", str(data_dir)]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        subprocess.run([*base, "ingest", *map(str, reports)], capture_output=True, check=True)
        questions = [r["question"] for r in rows]
        runs = {
            "default (mixed kinds)": run_search(base, questions, "-k", str(args.k)),
            "--kind sentence": run_search(base, questions, "-k", str(args.k), "--kind", "sentence"),
        }
        print(f"{len(rows)} questions of {questions_file.name}, lang {args.lang}, k={args.k}\n")
        print(f"{'id':<6}" + "".join(f"{name:>24}" for name in runs) + "  question")
        scores: dict[str, tuple[float, float]] = {}
        ranks: dict[str, list[int | None]] = {name: [] for name in runs}
        for k, row in enumerate(rows):
            wanted = surfaces(row["answers"], gold)
            for name, results in runs.items():
                ranks[name].append(first_rank(results[k], wanted))
            cells = "".join(f"{ranks[name][-1] or '-':>24}" for name in runs)
            print(f"{row['id']:<6}{cells}  {row['question'][:70]}")
        for name, found in ranks.items():
            hit = sum(1 for r in found if r is not None and r <= 5) / len(found)
            mrr = sum(1 / r for r in found if r is not None) / len(found)
            scores[name] = (hit, mrr)
        print(f"\n{'results':<24}{'hit@5':>8}{'MRR@' + str(args.k):>8}{'repeats':>9}{'no why':>8}")
        for name, (hit, mrr) in scores.items():
            repeats = 0
            unexplained = 0
            for results in runs[name]:
                seen: set[tuple[str, str]] = set()
                for r in results:
                    key = (str(r["kind"]), str(r["text"]))
                    repeats += key in seen
                    seen.add(key)
                    unexplained += not r.get("why")
            print(f"{name:<24}{hit:>8.2f}{mrr:>8.2f}{repeats:>9}{unexplained:>8}")
        hit, mrr = scores["default (mixed kinds)"]
        sentence_hit, sentence_mrr = scores["--kind sentence"]
        print(
            f"\ndefault / --kind sentence: hit@5 {hit / max(sentence_hit, 1e-9):.2f} x, "
            f"MRR {mrr / max(sentence_mrr, 1e-9):.2f} x"
        )
        verdict = "met" if hit >= 0.85 and mrr >= 0.6 else "missed"
        print(f"bar (default: hit@5 >= 0.85 and MRR >= 0.6): {hit:.2f} / {mrr:.2f}, {verdict}")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
