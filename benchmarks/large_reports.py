"""Ingest of one large report, ~500 KB against ~5 MB, paired in one run: time per stage and peak
RSS, and the ratio of the two (linear growth: about 10×; the bar of issue 19: ≤ 12×, and a 5 MB
report under 2 GB).

The reports are built from the seed reports and the unseen reports of tests/data, copied one
after the other until the size is reached, each copy's figures changed (a count n of copy k reads
n + k; years stay) so that no two copies state the same numbers. Each size is ingested by a fresh
process into a fresh store holding the seeds (their ingest and index not timed: what is paid once
per process or store stays out of the ratio) as `waishi ingest` does it (`Workspace.ingest`, then
the search index), with the stages timed: extraction, storing the report's graph, the derived
graph's refresh, the search index (embedding). With --profile, the child's cProfile top functions
are printed too.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/large_reports.py [--sizes 500k,5M] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "data" / "corpus", ROOT / "tests" / "data" / "unseen" / "reports"]
_NUMBER = re.compile(r"\d+")


def parse_size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def build_report(size: int, path: Path) -> int:
    """A report of about `size` bytes (UTF-8) at `path`; returns its size."""
    texts = [p.read_text(encoding="utf-8") for d in SOURCES for p in sorted(d.glob("*.txt"))]

    def changed(text: str, k: int) -> str:
        def number(match: re.Match[str]) -> str:
            value = match.group(0)
            is_year = len(value) == 4 and value[:2] in ("19", "20")
            return value if is_year or k == 0 else str(int(value) + k)

        return _NUMBER.sub(number, text)

    parts: list[str] = []
    total, k = 0, 0
    while total < size:
        text = changed(texts[k % len(texts)], k // len(texts))
        parts.append(text)
        total += len(text.encode("utf-8")) + 1
        k += 1
    path.write_text("\n".join(parts), encoding="utf-8")
    return path.stat().st_size


def child(report: Path, data_dir: Path, profile: bool) -> dict[str, object]:
    """Ingest `report` as `waishi ingest` does, the stages timed (in this process)."""
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    stages: dict[str, float] = {}

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    ws = Workspace(Settings.load(data_dir=data_dir))
    ws.ingest(SOURCES[:1], jobs=1)  # a store in use: the seeds, their index (not timed)
    ws.refresh_index()
    pipeline = ws.pipeline
    object.__setattr__(pipeline, "extract", timed("extract", pipeline.extract))  # frozen
    ws.add_document = timed("store the report's graph", ws.add_document)  # type: ignore[method-assign]
    ws.refresh_derived = timed("refresh the derived graph", ws.refresh_derived)  # type: ignore[method-assign]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    result = ws.ingest([report], jobs=1)
    stages["ingest (all of the above)"] = time.perf_counter() - started
    started = time.perf_counter()
    ws.refresh_index()
    stages["search index (embedding)"] = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    stages["total"] = stages["ingest (all of the above)"] + stages["search index (embedding)"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    facts = len(result.added)
    return {"stages": stages, "peak_mb": peak, "added": facts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500k,5M")
    parser.add_argument("--profile", action="store_true", help="print the child's cProfile")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), args.profile)))
        return
    scratch = Path(tempfile.mkdtemp(prefix="waishi-large-"))
    results: list[tuple[str, int, dict[str, object]]] = []
    try:
        for size in args.sizes.split(","):
            report = scratch / f"large-report-{size.strip()}.txt"
            real = build_report(parse_size(size), report)
            print(f"[{size}] ingesting {real:,} bytes …", file=sys.stderr, flush=True)
            command = [sys.executable, __file__, "--child", str(report), str(scratch / size)]
            if args.profile:
                command.append("--profile")
            env = {**os.environ, "HF_HUB_OFFLINE": "1"}
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env, check=True)
            results.append((size, real, json.loads(done.stdout.strip().splitlines()[-1])))
            print(f"[{size}] {json.dumps(results[-1][2])}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"# large reports — {os.cpu_count()} CPUs")
    names = list(results[0][2]["stages"])  # type: ignore[call-overload]
    print("| stage | " + " | ".join(f"{s} ({b / 1e6:.2f} MB) s" for s, b, _ in results) + " |")
    print("|---|" + "---:|" * len(results))
    for name in names:
        cells = [f"{r['stages'][name]:.1f}" for _, _, r in results]  # type: ignore[index]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| peak RSS MB | " + " | ".join(f"{r['peak_mb']:,.0f}" for _, _, r in results) + " |")
    if len(results) >= 2:
        (_, small_bytes, small), (_, big_bytes, big) = results[0], results[-1]
        scale = big_bytes / small_bytes
        print(f"\nsize ratio {scale:.1f}×; time ratio per stage:")
        for name in names:
            a, b = small["stages"][name], big["stages"][name]  # type: ignore[index]
            print(f"  {name}: {b / a:.1f}×" if a else f"  {name}: –")
        ratio = big["stages"]["total"] / small["stages"]["total"]  # type: ignore[index]
        peak = float(big["peak_mb"])  # type: ignore[arg-type]
        verdict = "met" if ratio <= 12 and peak < 2048 else "missed"
        print(
            f"bar (issue 19): time ≤ 12× and peak RSS < 2 GB: {ratio:.1f}×, {peak:,.0f} MB: "
            f"{verdict}"
        )


if __name__ == "__main__":
    main()
