"""Intent choice on questions with a gold intent (tests/data/qa_paraphrase.jsonl): how often the
chosen intent is the gold one, and what each way of choosing costs per question.

Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/intent_choice.py [--data-dir D]

Ways compared, each restricted to the intents whose slot matcher accepts the question:
  shipped        cue concepts + nearest examples (TF-IDF over concepts and name-masked wording)
  wording only   nearest examples by wording alone (no concepts, no cue bonus)
  concepts only  nearest examples by cue concepts alone
  bridge         nearest examples by the bridge encoder (torch, MiniLM over CC-CEDICT glosses):
                 the model the search index uses, loaded here only for the comparison
The import of torch and sentence-transformers is timed in the same run, for scale.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search.qa.choose import IntentChooser, features  # noqa: E402
from search.qa.intents import INTENTS  # noqa: E402
from search.qa.slots import EXAMPLE_NAME, read_slots  # noqa: E402
from waishi.evaluate import load_questions  # noqa: E402
from waishi.settings import Settings  # noqa: E402
from waishi.workspace import Workspace  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "qa_paraphrase.jsonl"


def wording_only(shape: str, concepts: frozenset[str]) -> Counter[str]:
    return features(shape, frozenset())


def concepts_only(shape: str, concepts: frozenset[str]) -> Counter[str]:
    return Counter({c: 1.0 for c in concepts})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="a store holding the seed reports")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        ws = Workspace(Settings.load(data_dir=data_dir, corpus_dir=ROOT / "data" / "corpus"))
        try:
            ws.ensure_corpus()
            run(ws)
        finally:
            ws.close()
    return 0


def run(ws: Workspace) -> None:
    lex = ws.lexicon
    questions = [q for q in load_questions(QUESTIONS) if q.get("intent") in INTENTS]
    slots = [read_slots(str(q["question"]), lex) for q in questions]
    gold = [str(q["intent"]) for q in questions]
    splits = [str(q.get("split", "")) for q in questions]
    print(f"{len(questions)} questions with a registered gold intent ({len(INTENTS)} intents)")
    print(f"{'way':<16}{'tune':>8}{'calib.':>8}{'all':>8}{'ms/q':>8}")

    def report(name: str, chosen: list[str], seconds: float) -> None:
        right = [c == g for c, g in zip(chosen, gold, strict=True)]
        by = {s: [r for r, sp in zip(right, splits, strict=True) if sp == s] for s in set(splits)}
        tune, cal = by.get("tune", []), by.get("calibration", [])
        print(
            f"{name:<16}{sum(tune) / max(len(tune), 1):>8.2f}{sum(cal) / max(len(cal), 1):>8.2f}"
            f"{sum(right) / len(right):>8.2f}{1000 * seconds / len(right):>8.2f}"
        )

    for name, chooser in [
        ("shipped", IntentChooser()),
        ("wording only", IntentChooser(featurize=wording_only, cues=False)),
        ("concepts only", IntentChooser(featurize=concepts_only)),
    ]:
        start = time.perf_counter()
        chosen = []
        for s in slots:
            ranked = chooser.rank(s, lex)
            chosen.append(ranked[0].intent.name if ranked else "none")
        report(name, chosen, time.perf_counter() - start)

    start = time.perf_counter()
    import sentence_transformers  # noqa: F401
    import torch  # noqa: F401

    import_s = time.perf_counter() - start
    encoder = ws.encoder
    examples = [
        (intent.name, EXAMPLE_NAME.sub(lambda m: m.group(1), example))
        for intent in INTENTS.values()
        for example in intent.examples
    ]
    example_vectors = encoder.encode([text for _, text in examples])
    start = time.perf_counter()
    chosen = []
    for q, s in zip(questions, slots, strict=True):
        vector = encoder.encode([str(q["question"])])[0]
        scores = example_vectors @ vector
        best: dict[str, float] = {}
        for (name, _), score in zip(examples, scores, strict=True):
            best[name] = max(best.get(name, -1.0), float(score))
        allowed = [n for n in best if INTENTS[n].applies(s, lex)]
        chosen.append(max(allowed, key=lambda n: best[n]) if allowed else "none")
    report("bridge", chosen, time.perf_counter() - start)
    print(f"\nimport torch + sentence_transformers in this run: {import_s:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
