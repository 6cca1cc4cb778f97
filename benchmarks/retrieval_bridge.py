"""Dense retrieval of corpus sentences for the dev questions: raw MiniLM vs the CC-CEDICT bridge.

Prints hit@5 and MRR@5 per question language for each pooling variant, plus encode and cache times.
Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/retrieval_bridge.py [--k 5] [--all-variants]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.bridge import BridgeEncoder, BridgeOptions  # noqa: E402
from search.encoders import Encoder, load_plain_encoder  # noqa: E402
from search.glosses import GlossaryEntry, GlossDictionary, load_gloss_dictionary  # noqa: E402

CORPUS = ROOT / "data" / "corpus"
QUESTIONS = ROOT / "tests" / "data" / "qa_dev.jsonl"
GOLD = ROOT / "tests" / "data" / "gold_entities.tsv"


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    text: str
    surfaces: tuple[str, ...]  # answers and their aliases: a sentence holding one is relevant


@dataclass(frozen=True)
class Score:
    hit: float
    mrr: float
    n: int


def split_sentences(text: str) -> list[str]:
    """Sentences end at 。！？；or a line break; list punctuation stays inside."""
    parts = re.split(r"[。！？；!?;\n]", text)
    return [part.strip() for part in parts if len(part.strip()) >= 4]


def load_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        sentences.extend(split_sentences(path.read_text(encoding="utf-8")))
    return sentences


def load_aliases() -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = {}
    with GOLD.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or row[0].startswith("#") or len(row) < 4:
                continue
            aliases[row[1]] = [alias for alias in row[3].split("|") if alias]
    return aliases


def load_questions() -> list[Question]:
    aliases = load_aliases()
    questions = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        surfaces = {answer for answer in item["answers"]}
        for answer in item["answers"]:
            surfaces.update(aliases.get(answer, []))
        questions.append(Question(item["id"], item["lang"], item["question"], tuple(surfaces)))
    return questions


def score(
    questions: list[Question],
    question_vectors: NDArray[np.float32],
    sentences: list[str],
    sentence_vectors: NDArray[np.float32],
    k: int,
) -> dict[str, Score]:
    by_lang: dict[str, list[float]] = {}
    hits: dict[str, list[float]] = {}
    similarities = question_vectors @ sentence_vectors.T
    for question, row in zip(questions, similarities, strict=True):
        top = np.argsort(-row)[:k]
        rank = next(
            (i + 1 for i, s in enumerate(top) if any(x in sentences[s] for x in question.surfaces)),
            None,
        )
        by_lang.setdefault(question.lang, []).append(1.0 / rank if rank else 0.0)
        hits.setdefault(question.lang, []).append(1.0 if rank else 0.0)
    return {
        lang: Score(float(np.mean(hits[lang])), float(np.mean(rr)), len(rr))
        for lang, rr in by_lang.items()
    }


def timed_encode(encoder: Encoder, texts: list[str]) -> tuple[NDArray[np.float32], float]:
    started = time.perf_counter()
    vectors = encoder.encode(texts)
    return vectors, time.perf_counter() - started


def gazetteer_names() -> tuple[list[str], list[GlossaryEntry]]:
    """The gazetteer's names as jieba user words, and as glosses where its English label is
    unambiguous ("奥尔沙" -> "Orsha, city in Belarus"), when the reference data is present."""
    try:
        from ingest.gazetteer import load_gazetteer

        gazetteer = load_gazetteer(ROOT / "data" / "reference")
    except Exception as exc:  # the benchmark still runs before the gazetteer exists
        print(f"(no gazetteer names: {exc})")
        return [], []
    entries = []
    for name, refs in gazetteer.names.items():
        labels = {(ref.label_en, ref.type, ref.country) for ref in refs if ref.label_en}
        if len(labels) != 1:
            continue  # 下关, 列治文: the linker decides by context, not the bridge
        label, kind, iso2 = labels.pop()
        country = gazetteer.countries.get(iso2)
        where = f" in {country.ref.label_en}" if country and kind != "Country" else ""
        entries.append(GlossaryEntry(name, f"{label}, {kind.lower()}{where}", "gazetteer"))
    return list(gazetteer.names), entries


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--all-variants", action="store_true", help="also run the ablations")
    args = parser.parse_args()

    sentences = load_sentences()
    questions = load_questions()
    started = time.perf_counter()
    plain = load_plain_encoder()
    model_seconds = time.perf_counter() - started
    names, name_glosses = gazetteer_names()
    print(f"{len(sentences)} sentences, {len(questions)} questions, {len(names)} gazetteer names")

    rows: list[tuple[str, dict[str, Score], float]] = []
    plain.encode(["warm up"])
    raw_vectors, raw_seconds = timed_encode(plain, sentences)
    raw_questions = plain.encode([q.text for q in questions])
    rows.append(
        ("raw MiniLM", score(questions, raw_questions, sentences, raw_vectors, args.k), raw_seconds)
    )

    default = BridgeOptions()
    started = time.perf_counter()
    glosses = load_gloss_dictionary()
    cedict_seconds = time.perf_counter() - started
    # Only names CC-CEDICT lacks: its own glosses of known names measured better.
    with_names = glosses.extended(e for e in name_glosses if glosses.english_gloss(e.zh) is None)
    variants: list[tuple[str, BridgeOptions, GlossDictionary]] = [
        (f"bridge {p}", replace(default, pooling=p), glosses)
        for p in ("mean", "clause-mean", "clause-max")
    ]
    if name_glosses:
        variants.append((f"bridge {default.pooling} + gazetteer glosses", default, with_names))
    if args.all_variants:
        variants += [
            ("  repeated words counted", replace(default, unique_words=False), glosses),
            (
                "  clause-mean, not at 、",
                replace(default, pooling="clause-mean", clause_marks="，；：,;:"),
                glosses,
            ),
            ("  no CC-CEDICT headwords", replace(default, add_headwords=False), glosses),
            ("  single characters kept", replace(default, min_word_len=1), glosses),
            ("  no backoff", replace(default, backoff=False), glosses),
        ]

    with tempfile.TemporaryDirectory() as scratch:
        cache_dir = Path(scratch) / "word_vectors"
        started = time.perf_counter()
        first = BridgeEncoder(plain, cache_dir, names, glosses=glosses, options=default)
        setup_seconds = time.perf_counter() - started
        _, cold_seconds = timed_encode(first, sentences)
        cache_words = len(first.cache)
        embed_seconds = first.cache.stats.embed_seconds
        for label, options, dictionary in variants:
            # A different dictionary has its own fingerprint, hence its own cache folder.
            folder = cache_dir if dictionary is glosses else Path(scratch) / "with_names"
            encoder = BridgeEncoder(plain, folder, names, glosses=dictionary, options=options)
            encoder.encode(sentences)  # fills the cache for words only this variant makes
            vectors, seconds = timed_encode(encoder, sentences)
            question_vectors = encoder.encode([q.text for q in questions])
            rows.append(
                (label, score(questions, question_vectors, sentences, vectors, args.k), seconds)
            )

    chosen_seconds = next(
        seconds for label, _, seconds in rows if label == f"bridge {default.pooling}"
    )
    langs = sorted({q.lang for q in questions})
    header = (
        f"{'system':<34}"
        + "".join(
            f"{lang + ' hit@' + str(args.k):>10}{lang + ' MRR@' + str(args.k):>10}"
            for lang in langs
        )
        + f"{'ms/sentence':>13}"
    )
    print(header)
    print("-" * len(header))
    for label, scores, seconds in rows:
        cells = "".join(f"{scores[lang].hit:>10.2f}{scores[lang].mrr:>10.2f}" for lang in langs)
        print(f"{label:<34}{cells}{1000 * seconds / len(sentences):>13.2f}")
    counts = ", ".join(f"{lang}: {sum(q.lang == lang for q in questions)}" for lang in langs)
    print(f"\nquestions per language: {counts}")
    raw = rows[0][1]
    for label, scores, _ in rows[1:]:
        ratios = ", ".join(
            f"{lang} hit {_ratio(scores[lang].hit, raw[lang].hit)}"
            f" MRR {_ratio(scores[lang].mrr, raw[lang].mrr)}"
            for lang in langs
        )
        print(f"{label.strip():<34} vs raw: {ratios}")
    print(
        f"\nmodel load {model_seconds:.1f} s; CC-CEDICT load {cedict_seconds:.1f} s;"
        f" bridge setup (jieba + headwords + gazetteer names)"
        f" {setup_seconds:.1f} s;"
        f" cold cache build {cold_seconds:.1f} s for {len(sentences)} sentences"
        f" ({cache_words} words embedded in {embed_seconds:.1f} s);"
        f" warm encode ({default.pooling}) {1000 * chosen_seconds / len(sentences):.2f} ms/sentence"
        f" vs raw {1000 * raw_seconds / len(sentences):.2f} ms/sentence"
    )


if __name__ == "__main__":
    main()
