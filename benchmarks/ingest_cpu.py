"""CPU of one ingest call by stage, and what it stores, alternated between two checkouts.
Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/ingest_cpu.py [--base DIR] [--rounds 2]

The bundled corpus and the first `--reports` reports of the extraction benchmark's generated
corpus go into a fresh store in one `Workspace.ingest` call (one report first, untimed, so that
the models are loaded). Printed: wall time, the process's CPU, the main thread's CPU and each
stage's share of it (thread CPU time, which the machine's load moves far less than wall time),
and a digest of every stored quad (blank nodes named by their triples): two checkouts that store
the same quads print the same digest. With `--base DIR` (a checkout of another commit, e.g.
`git archive main | tar -x -C DIR`) the two are run in turn, `--rounds` times each, in fresh
processes, with this checkout's virtual environment.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
_BLANK = re.compile(r"_:[0-9a-zA-Z]+")


def _timed(owner: Any, name: str, label: str, spent: dict[str, float]) -> None:
    """Wrap `owner.name` so that its thread CPU time adds to `spent[label]`."""
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - started

    setattr(owner, name, wrapper)


def canonical_quads(lines: Sequence[str]) -> list[str]:
    """N-Quads lines, sorted, with each blank node named by a digest of its own triples (the
    store names them at random; here every blank node is a subject with literal/IRI objects)."""
    described: dict[str, list[str]] = collections.defaultdict(list)
    for line in lines:
        found = _BLANK.match(line)
        if found:
            described[found.group(0)].append(line[found.end() :])
    names = {
        blank: "_:b" + hashlib.sha256("\n".join(sorted(rest)).encode()).hexdigest()[:24]
        for blank, rest in described.items()
    }
    return sorted(_BLANK.sub(lambda m: names.get(m.group(0), m.group(0)), line) for line in lines)


def measure(root: Path, reports: int, dump: Path | None) -> dict[str, Any]:
    """One ingest with the code of the checkout `root` (run in a process of its own)."""
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(root / "benchmarks"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import extraction as bench

    import graph.write as graph_write
    import waishi.workspace as workspace
    from ingest.pipeline import Pipeline
    from waishi.settings import Settings

    spent: dict[str, float] = collections.defaultdict(float)
    _timed(Pipeline, "extract", "extraction", spent)
    for name in ("document_triples", "validate", "describe_entities", "document_entities"):
        _timed(workspace, name, name, spent)
    _timed(graph_write, "ntriples", "ntriples", spent)
    _timed(workspace.Workspace, "_prepare_english_labels", "English labels", spent)
    _timed(workspace.Workspace, "refresh_derived", "refresh_derived", spent)
    generated = bench.generate_corpus(2 * bench.MB)[:reports]
    # the reports at the same place for every run: a report's path is among its triples
    folder = Path(tempfile.gettempdir()) / "waishi-ingest-cpu-reports"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    paths = []
    for seed in sorted((root / "data" / "corpus").glob("*.txt")):
        paths.append(folder / seed.name)
        shutil.copyfile(seed, paths[-1])
    for report in generated:
        (folder / report.name).write_bytes(report.raw)
        paths.append(folder / report.name)
    with tempfile.TemporaryDirectory(prefix="waishi-ingest-cpu-") as tmp:
        ws = workspace.Workspace(Settings.load(data_dir=Path(tmp) / "store"))
        ws.ingest(paths[:1])
        spent.clear()
        wall, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
        done = ws.ingest(paths[1:])
        wall, cpu, main = (
            time.perf_counter() - wall,
            time.process_time() - cpu,
            time.thread_time() - main,
        )
        if done.failed or len(done.added) != len(paths) - 1:
            raise SystemExit(f"ingest did not add every report: {done}")
        store = graph_write._native_store(ws.dataset)
        assert store is not None, "the embedded store"
        lines = canonical_quads([str(q) for q in store.quads_for_pattern(None, None, None)])
        ws.close()
    text = "".join(line + "\n" for line in lines)
    if dump is not None:
        dump.write_text(text, encoding="utf-8")
    return {
        "checkout": str(root),
        "reports": len(paths),
        "wall": wall,
        "process_cpu": cpu,
        "main_cpu": main,
        "stages": dict(spent),
        "quads": len(lines),
        "digest": hashlib.sha256(text.encode()).hexdigest()[:16],
        "load": os.getloadavg()[0],
    }


def run_in(checkout: Path, reports: int, dump: Path | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", str(checkout), "--reports", str(reports)]
    command += ["--dump", str(dump)] if dump else []
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_run(name: str, r: dict[str, Any]) -> None:
    print(
        f"{name:<6} wall {r['wall']:6.1f} s  process CPU {r['process_cpu']:6.2f} s  main thread "
        f"{r['main_cpu']:6.2f} s  load {r['load']:4.1f}  {r['quads']} quads, digest {r['digest']}"
    )
    stages = sorted(r["stages"].items(), key=lambda kv: -kv[1])
    print("       " + ", ".join(f"{k} {v:.2f}" for k, v in stages))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100, help="generated reports to add")
    parser.add_argument("--base", type=Path, help="another checkout to alternate with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dump", type=Path, help="write the stored quads (sorted) here")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a checkout to measure
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one.resolve(), args.reports, args.dump)))
        return
    runs: dict[str, list[dict[str, Any]]] = {"base": [], "this": []}
    checkouts = {"this": HERE}
    if args.base:
        checkouts = {"base": args.base.resolve(), "this": HERE}
    for k in range(args.rounds):
        for name, checkout in checkouts.items():
            dump = args.dump.with_suffix(f".{name}.nq") if args.dump and k == 0 else None
            runs[name].append(run_in(checkout, args.reports, dump))
            print_run(name, runs[name][-1])
    if args.base:
        digests = {r["digest"] for rs in runs.values() for r in rs}
        same = "the same quads" if len(digests) == 1 else f"DIFFERENT quads: {sorted(digests)}"
        base = sum(r["process_cpu"] for r in runs["base"]) / args.rounds
        this = sum(r["process_cpu"] for r in runs["this"]) / args.rounds
        main_base = sum(r["main_cpu"] for r in runs["base"]) / args.rounds
        main_this = sum(r["main_cpu"] for r in runs["this"]) / args.rounds
        print(
            f"\nmean process CPU: base {base:.2f} s, this {this:.2f} s ({this / base - 1:+.0%}); "
            f"main thread: base {main_base:.2f} s, this {main_this:.2f} s "
            f"({main_this / main_base - 1:+.0%}); {same}"
        )


if __name__ == "__main__":
    main()
