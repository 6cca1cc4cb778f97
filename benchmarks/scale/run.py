"""Waishi at scale: load a synthetic graph into rdflib's in-memory store, the embedded Oxigraph
store and an Oxigraph server, time every question plan and the entities listing, and print figures
with ratios.

Each store runs in its own worker process (peak memory is then its own); the server is started by
the worker on 127.0.0.1 and loaded through its HTTP store endpoint, as one would feed a running
server. The queries are the application's own, run as the application runs them
(`graph.queries.select_values`): every reading of every registered intent's example questions
(`plans.py`: the intents of `search.qa.intents`, each example read as the answerer reads it over
the synthetic graph's lexicon, each distinct reading with the follow-up queries `ask` runs on its
rows), and the `waishi entities` listing (`graph.queries.entity_pages`), its first page and the
whole. An intent that gives no plan is named in the output with why. Each query first runs
once in a forked child stopped after --timeout seconds (a warm-up that also catches queries too
slow to measure), then up to --runs times in process while the --budget lasts; p95 over fewer
than 20 runs is the slowest run. Generated graphs are cached per size, seed and graph layout
(`graph.build.GRAPH_LAYOUT`). The bars (issue 17): at a million triples, embedded, every plan p95
< 200 ms and the entities listing's first page < 1 s.

Run: .venv/bin/python benchmarks/scale/run.py --sizes 100k,1M --runs 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import parse_size, write  # noqa: E402
from plans import runner, timed_plans  # noqa: E402
from rdflib import Dataset  # noqa: E402

from graph.build import GRAPH_LAYOUT  # noqa: E402
from graph.queries import entity_pages  # noqa: E402
from graph.store import open_dataset  # noqa: E402

LISTING_PAGE = 100  # the first page of `waishi entities`, as a screen shows it
LISTING = ["entities listing, first page", "entities listing, whole"]


def listing_first_page(dataset: Dataset) -> int:
    return len(next(entity_pages(dataset, LISTING_PAGE), []))


def listing_whole(dataset: Dataset) -> int:
    return sum(len(page) for page in entity_pages(dataset))


def queries(dataset: Dataset) -> tuple[dict[str, Callable[[Dataset], int]], dict[str, str]]:
    """Every reading of every registered intent's examples (`plans.timed_plans`), then the
    entities listing; and the intents that give no plan, with why."""
    found, none = timed_plans(dataset)
    named: dict[str, Callable[[Dataset], int]] = {f"plan: {t.name}": runner(t) for t in found}
    named[LISTING[0]] = listing_first_page
    named[LISTING[1]] = listing_whole
    return named, none


BACKENDS = {
    "rdflib": "rdflib in-memory",
    "oxigraph": "Oxigraph embedded",
    "server": "Oxigraph server (HTTP)",
}


@dataclass
class Timing:
    rows: int = 0
    runs: list[float] = field(default_factory=list)  # seconds
    stopped_after: float = 0.0  # the warm-up ran past the timeout
    error: str = ""

    def p(self, q: float) -> float:
        """The nearest-rank percentile: with fewer than 20 runs, p95 is the slowest."""
        ordered = sorted(self.runs)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Report:
    backend: str
    quads: int = 0
    load_s: float = 0.0
    loaded_rss_mb: float = 0.0  # peak resident memory of the process holding the data, loaded
    rss_mb: float = 0.0  # the same at the end (the server's includes the queries it stopped)
    client_rss_mb: float = 0.0  # for the server: the Python client's own
    queries: dict[str, Timing] = field(default_factory=dict)
    without_plan: dict[str, str] = field(default_factory=dict)  # intent -> why it has none


# -- timing ----------------------------------------------------------------------------------


def _probe(run: Callable[[], int], timeout: float) -> tuple[float, int] | str | None:
    """Run once in a forked child: (seconds, rows), an error message, or None past the timeout.
    A native Oxigraph evaluation cannot be interrupted in process; a child can be killed."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            started = time.perf_counter()
            rows = run()
            message = json.dumps([time.perf_counter() - started, rows])
        except BaseException as exc:
            message = json.dumps(f"{type(exc).__name__}: {exc}"[:300])
        os.write(write_fd, message.encode())
        os._exit(0)
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], timeout)
        data = os.read(read_fd, 1 << 16) if ready else b""
    finally:
        os.close(read_fd)
        if not data:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not data:
        return None
    value = json.loads(data)
    return value if isinstance(value, str) else (float(value[0]), int(value[1]))


def time_query(run: Callable[[], int], runs: int, budget: float, timeout: float) -> Timing:
    timing = Timing()
    probe = _probe(run, timeout + 2)
    if probe is None:
        timing.stopped_after = timeout
        return timing
    if isinstance(probe, str):
        if probe.startswith("QueryTimeout"):  # the server's own --timeout-s stopped it
            timing.stopped_after = timeout
        else:
            timing.error = probe
        return timing
    spent = 0.0
    while len(timing.runs) < runs and (not timing.runs or spent + timing.runs[-1] < budget):
        started = time.perf_counter()
        try:
            timing.rows = run()
        except Exception as exc:  # the server's own timeout, say
            timing.error = f"{type(exc).__name__}: {exc}"[:300]
            break
        timing.runs.append(time.perf_counter() - started)
        spent += timing.runs[-1]
    return timing


# -- backends (each in a worker process) ------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _server_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _measure(report: Report, dataset: Dataset, args: argparse.Namespace) -> None:
    found, report.without_plan = queries(dataset)
    for name, query in found.items():
        print(f"  {report.backend}: {name} …", file=sys.stderr, flush=True)
        report.queries[name] = time_query(
            lambda q=query: q(dataset), args.runs, args.budget, args.timeout
        )


def worker(args: argparse.Namespace) -> Report:
    report = Report(args.worker)
    data = Path(args.data)
    report.quads = sum(1 for _ in data.open(encoding="utf-8"))
    scratch = Path(tempfile.mkdtemp(prefix=f"waishi-{args.worker}-"))
    try:
        if args.worker == "rdflib":
            started = time.perf_counter()
            dataset = Dataset(default_union=True)
            dataset.parse(str(data), format="nquads")
            report.load_s = time.perf_counter() - started
            report.loaded_rss_mb = _rss_mb()
            _measure(report, dataset, args)
        elif args.worker == "oxigraph":
            dataset = open_dataset("oxigraph", scratch / "store")
            started = time.perf_counter()
            dataset.parse(str(data), format="ox-nquads", transactional=False)  # the bulk loader
            report.load_s = time.perf_counter() - started
            report.loaded_rss_mb = _rss_mb()
            _measure(report, dataset, args)
            dataset.close()
        else:
            _serve_and_measure(report, data, scratch, args)
        report.rss_mb = report.rss_mb or _rss_mb()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report


def _serve_and_measure(report: Report, data: Path, scratch: Path, args: argparse.Namespace) -> None:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    port = _free_port()
    server = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(scratch / "server"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
            "--timeout-s",
            str(math.ceil(args.timeout)),  # stops the query before the client
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
        with data.open("rb") as body:
            connection.request(
                "POST",
                "/store",
                body=body,
                headers={
                    "Content-Type": "application/n-quads",
                    "Content-Length": str(data.stat().st_size),
                },
            )
            response = connection.getresponse()
            response.read()
        if response.status >= 300:
            raise RuntimeError(f"loading into the server failed: HTTP {response.status}")
        report.load_s = time.perf_counter() - started
        report.loaded_rss_mb = _server_peak_mb(server.pid)
        dataset = open_dataset("sparql", scratch, f"{base}/query", f"{base}/update")
        _measure(report, dataset, args)
        report.rss_mb = _server_peak_mb(server.pid)
        report.client_rss_mb = _rss_mb()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- orchestration and the table ---------------------------------------------------------------


def run_worker(backend: str, data: Path, args: argparse.Namespace) -> Report:
    command = [
        sys.executable,
        __file__,
        "--worker",
        backend,
        "--data",
        str(data),
        "--runs",
        str(args.runs),
        "--budget",
        str(args.budget),
        "--timeout",
        str(args.timeout),
    ]
    print(f"[{backend}] loading {data.name} …", file=sys.stderr, flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        print(f"[{backend}] failed (exit {done.returncode})", file=sys.stderr)
        return Report(backend)
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    queries = {name: Timing(**t) for name, t in raw.pop("queries").items()}
    return Report(**raw, queries=queries)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def _ratio(base: float, value: float) -> str:
    return f"{base / value:.1f}×" if value else "–"


def print_tables(size: str, reports: list[Report]) -> None:
    base = next((r for r in reports if r.backend == "rdflib"), reports[0])
    quads = reports[0].quads
    print(f"\n## {size} ({quads:,} quads)\n")
    print("| store | load s | load vs rdflib | quads/s | peak RSS MB loaded | at the end |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in reports:
        client = f" (+ client {r.client_rss_mb:,.0f})" if r.client_rss_mb else ""
        rss = f"{r.loaded_rss_mb:,.0f} | {r.rss_mb:,.0f}{client}"
        rate = f"{r.quads / r.load_s:,.0f}" if r.load_s else "–"
        speed = _ratio(base.load_s, r.load_s)
        print(f"| {BACKENDS[r.backend]} | {r.load_s:.1f} | {speed} | {rate} | {rss} |")
    print("\n| query | store | rows | runs | p50 ms | p95 ms | p95 speed-up vs rdflib |")
    print("|---|---|---:|---:|---:|---:|---:|")
    names = list(dict.fromkeys(n for r in reports for n in r.queries))
    for name in names:
        reference = base.queries.get(name, Timing())
        for r in reports:
            t = r.queries.get(name, Timing())
            if t.runs:
                if reference.runs:
                    speed = _ratio(reference.p(0.95), t.p(0.95))
                elif reference.stopped_after:
                    speed = f">{reference.stopped_after / t.p(0.95):.0f}×"
                else:
                    speed = "–"
                cells = [str(t.rows), str(len(t.runs)), _ms(t.p(0.5)), _ms(t.p(0.95)), speed]
            elif t.stopped_after:
                stop = f"stopped at {t.stopped_after:.0f} s"
                speed = _ratio(reference.p(0.95), t.stopped_after) if reference.runs else "–"
                cells = ["–", "0", stop, stop, f"<{speed}" if reference.runs else speed]
            else:
                cells = ["–", "0", "error", "error", t.error[:60]]
            print(f"| {name} | {BACKENDS[r.backend]} | " + " | ".join(cells) + " |")
    embedded = next((r for r in reports if r.backend == "oxigraph"), None)
    if embedded is not None:
        plan_times = [t for n, t in embedded.queries.items() if n.startswith("plan: ")]
        worst = max((t.p(0.95) if t.runs else math.inf for t in plan_times), default=math.inf)
        page = embedded.queries.get("entities listing, first page", Timing())
        first = page.p(0.95) if page.runs else math.inf
        verdict = "met" if worst < 0.2 and first < 1.0 else "missed"
        print(
            f"\nembedded: slowest plan p95 {_ms(worst)} ms (bar < 200 at 1M), entities listing's"
            f" first page p95 {_ms(first)} ms (bar < 1,000 at 1M): {verdict} at this size"
        )
        over = [
            n
            for n, t in embedded.queries.items()
            if n.startswith("plan: ") and (not t.runs or t.p(0.95) >= 0.2)
        ]
        print(f"embedded: {len(plan_times)} plans, {len(over)} with p95 ≥ 200 ms")
        for intent, why in embedded.without_plan.items():
            print(f"intent {intent}: no plan timed ({why})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1M", help="comma-separated, e.g. 100k,1M")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per query")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds of runs per query")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds before a run stops")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "waishi-scale",
        help="where generated graphs are kept between runs",
    )
    parser.add_argument(
        "--stores",
        default="rdflib,oxigraph,server",
        help=f"comma-separated, of {', '.join(BACKENDS)}",
    )
    parser.add_argument("--worker", choices=sorted(BACKENDS), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asdict(worker(args)), ensure_ascii=False))
        return
    started = time.perf_counter()
    backends = args.stores.split(",")
    print(
        f"# Waishi scale benchmark — {os.cpu_count()} CPUs, runs ≤ {args.runs}, "
        f"budget {args.budget:g} s and timeout {args.timeout:g} s per query"
    )
    for size in args.sizes.split(","):
        target = parse_size(size)
        data = args.cache / f"waishi-{size.strip()}-seed{args.seed}-layout{GRAPH_LAYOUT}.nq"
        if not data.is_file():
            print(f"generating {data} …", file=sys.stderr, flush=True)
            stats = write(data, target, args.seed)
            print(f"generated {stats.triples:,} quads, {stats.reports} reports", file=sys.stderr)
        print_tables(size.strip(), [run_worker(b, data, args) for b in backends])
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
