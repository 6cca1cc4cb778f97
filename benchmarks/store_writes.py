"""What one report's transactional write into the embedded store costs as the store grows.
Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/store_writes.py [--reports 320] [--chunk 40]

The reports of the extraction benchmark's corpus are built once (extraction, triples) and their
graphs written as TriG, in order, each by one `Store.load` (one transaction, as an ingest writes a
new report) into a fresh on-disk store; then the same payloads into an in-memory store and, on
disk, by the non-transactional `Store.bulk_load`. Per chunk of reports it prints microseconds per
quad (thread CPU time), and the ratio to the first chunk of the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyoxigraph  # noqa: E402
from extraction import MB, generate_corpus  # noqa: E402

from graph.build import document_triples  # noqa: E402
from graph.write import ntriples  # noqa: E402
from ingest.gazetteer import load_gazetteer  # noqa: E402
from ingest.pipeline import Pipeline  # noqa: E402
from ingest.readers import document_from_bytes  # noqa: E402

Payload = tuple[bytes, int]  # TriG of one report's graph, its number of quads


def payloads(count: int) -> list[Payload]:
    pipeline = Pipeline(load_gazetteer(ROOT / "data" / "reference"))
    built = []
    for report in generate_corpus(12 * MB)[:count]:
        document = document_from_bytes(report.raw, Path(report.name))
        graph = document_triples(pipeline.extract(document))
        text = ntriples(graph)
        built.append((f"GRAPH <{graph.identifier}> {{\n{text}}}\n".encode(), len(graph)))
    return built


def per_chunk(
    write: Callable[[bytes], object], loads: Sequence[Payload], chunk: int
) -> list[tuple[float, float]]:
    """(wall, CPU of the whole process) microseconds per quad, for each chunk of reports in turn:
    the bulk loader and RocksDB's compactions work on threads of their own."""
    figures = []
    for start in range(0, len(loads), chunk):
        part = loads[start : start + chunk]
        wall, cpu = time.perf_counter(), time.process_time()
        for trig, _ in part:
            write(trig)
        quads = sum(n for _, n in part)
        figures.append(
            ((time.perf_counter() - wall) / quads * 1e6, (time.process_time() - cpu) / quads * 1e6)
        )
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=320)
    parser.add_argument("--chunk", type=int, default=40)
    args = parser.parse_args(argv)
    built = time.perf_counter()
    loads = payloads(args.reports)
    quads = sum(n for _, n in loads)
    print(
        f"{len(loads)} reports, {quads:,} quads ({quads // len(loads):,} a report), built in "
        f"{time.perf_counter() - built:.0f} s"
    )
    trig = pyoxigraph.RdfFormat.TRIG
    runs: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = pyoxigraph.Store(folder)
        runs["on disk, Store.load (one transaction)"] = per_chunk(
            lambda data: store.load(data, format=trig), loads, args.chunk
        )
    memory = pyoxigraph.Store()
    runs["in memory, Store.load"] = per_chunk(
        lambda data: memory.load(data, format=trig), loads, args.chunk
    )
    with tempfile.TemporaryDirectory() as folder:
        bulk = pyoxigraph.Store(folder)
        runs["on disk, Store.bulk_load (not atomic)"] = per_chunk(
            lambda data: bulk.bulk_load(data, format=trig), loads, args.chunk
        )
    stored = "".join(f"{k * args.chunk:>12d}" for k in range(len(runs["in memory, Store.load"])))
    print(f"\n{'µs per quad, wall / CPU; reports stored before':48s}{stored}")
    for name, figures in runs.items():
        first = figures[0][0]
        print(f"{name:48s}" + "".join(f"{w:6.1f}/{c:5.1f}" for w, c in figures))
        ratios = "".join(f"{w / first:12.2f}" for w, _ in figures)
        print(f"{'  wall x its first chunk':48s}{ratios}")


if __name__ == "__main__":
    main()
