"""`waishi serve` against `oxigraph serve-read-only` on the same data, in the same run.

For each server: start it fresh, then 20 concurrent clients x 50 requests of three SELECTs
(throughput, p50/p99 latency, errors, peak RSS of the server's process tree), then the
cross-join ORDER BY that fills memory (status, seconds to the answer, peak RSS) and a quick
query after it (does the server still answer?). Prints the two side by side, with ratios.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/serve_load.py                 # seeds a store
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/serve_load.py --data-dir var  # copies one
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PREFIXES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX wsh: <https://w3id.org/waishi/ontology#>\n"
)
QUERIES = (
    PREFIXES + "SELECT ?city ?label WHERE { ?city a wsh:City ; rdfs:label ?label } "
    "ORDER BY ?city ?label LIMIT 100",
    PREFIXES + "SELECT ?a ?b ?la ?lb WHERE { ?a wsh:sisterCityOf ?b . "
    '?a rdfs:label ?la . ?b rdfs:label ?lb FILTER(lang(?la) = "zh" && lang(?lb) = "zh") }',
    "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type ORDER BY DESC(?n)",
)
CROSS_JOIN = (
    "SELECT * WHERE { ?s1 ?p1 ?o1 . ?s2 ?p2 ?o2 . ?s3 ?p3 ?o3 } ORDER BY ?o1 ?o2 ?o3"
)


@dataclass
class Figures:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    startup_s: float = 0.0
    cross_status: str = ""
    cross_s: float = 0.0
    cross_peak_rss_mb: float = 0.0
    after_status: str = ""

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class RssSampler:
    """Peak RSS of a process and its children, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [self.process, *self.process.children(recursive=True)]:
                    with suppress(psutil.NoSuchProcess):
                        total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(0.02)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(url: str, query: str, timeout: float = 120.0,
         connection: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    conn = connection or http.client.HTTPConnection(host, parts.port, timeout=timeout)
    try:
        conn.request("POST", parts.path, body=query.encode("utf-8"), headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        })
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if connection is None:
            conn.close()


def wait_until_up(url: str, deadline_s: float = 120.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        try:
            status, _ = post(url, "ASK { ?s ?p ?o }", timeout=5)
            if status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} did not come up within {deadline_s} s")


def load(url: str, clients: int, per_client: int, figures: Figures) -> None:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, parts.port, timeout=60)
        barrier.wait()
        for i in range(per_client):
            query = QUERIES[(k + i) % len(QUERIES)]
            started = time.perf_counter()
            try:
                status, body = post(url, query, connection=conn)
                ok = status == 200 and body.startswith(b"{")
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, parts.port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                figures.requests += 1
                figures.errors += 0 if ok else 1
                figures.latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    figures.seconds = time.perf_counter() - started


def cross_join(url: str, pid: int, figures: Figures, timeout_s: float) -> None:
    with RssSampler(pid) as sampler:
        started = time.monotonic()
        try:
            status, body = post(url, CROSS_JOIN, timeout=timeout_s + 60)
            # Oxigraph streams: a stopped query ends a 200 answer with a message, not results
            complete = body.rstrip().endswith(b"}")
            figures.cross_status = f"{status}{'' if complete or status != 200 else ' (cut)'}"
        except (OSError, http.client.HTTPException) as exc:
            figures.cross_status = type(exc).__name__
        figures.cross_s = time.monotonic() - started
        time.sleep(0.2)
    figures.cross_peak_rss_mb = sampler.peak / 2**20
    try:
        status, _ = post(url, QUERIES[2], timeout=30)
        figures.after_status = str(status)
    except (OSError, http.client.HTTPException) as exc:
        figures.after_status = type(exc).__name__


@contextmanager
def started(command: list[str], env: dict[str, str], url_from: Callable[[subprocess.Popen[str]],
            str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        yield process, url_from(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(name: str, command: list[str], env: dict[str, str],
            url_from: Callable[[subprocess.Popen[str]], str], args: argparse.Namespace,
            cross: bool = True) -> Figures:
    figures = Figures(name)
    launched = time.monotonic()
    with started(command, env, url_from) as (process, url):
        wait_until_up(url)
        figures.startup_s = time.monotonic() - launched
        with RssSampler(process.pid) as sampler:
            load(url, args.clients, args.requests, figures)
        figures.peak_rss_mb = sampler.peak / 2**20
        if cross:
            cross_join(url, process.pid, figures, args.timeout)
        else:
            figures.cross_status = figures.after_status = "skipped"
    return figures


def seeded_data_dir(work: Path) -> Path:
    data_dir = work / "data"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run([str(BIN / "waishi"), "--data-dir", str(data_dir), "ingest"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="an existing Waishi data dir (copied)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="per client")
    parser.add_argument("--timeout", type=float, default=30.0, help="query time limit, s")
    parser.add_argument("--only", choices=["waishi", "oxigraph"], help="measure one server")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure both this many times, alternating which goes first")
    parser.add_argument(
        "--oxigraph-cross-join", action="store_true",
        help="also send the cross-join to oxigraph serve, which does not bound its memory "
        "(it reached 12-13 GB in 70-90 s here): only on a machine with room to spare",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        work = Path(tmp)
        if args.data_dir:
            data_dir = work / "data"
            shutil.copytree(args.data_dir, data_dir)
        else:
            print("building a store from the seed reports …", file=sys.stderr)
            data_dir = seeded_data_dir(work)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "WAISHI_DATA_DIR": str(data_dir),
               "WAISHI_QUERY_TIMEOUT_S": str(args.timeout)}
        # Oxigraph reads a copy of the same store (read-only: it may not share Waishi's)
        import pyoxigraph

        oxigraph_dir = work / "oxigraph"
        pyoxigraph.Store(str(data_dir / "store")).backup(str(oxigraph_dir))

        port = free_port()
        servers = {
            "waishi": lambda cross: measure(
                "waishi serve", [str(BIN / "waishi"), "serve", "--port", "0", "--json"], env,
                lambda p: json.loads(p.stdout.readline())["endpoint"],  # type: ignore[union-attr]
                args, cross=cross,
            ),
            "oxigraph": lambda cross: measure(
                "oxigraph serve", [str(BIN / "oxigraph"), "serve-read-only", "--location",
                                   str(oxigraph_dir), "--bind", f"127.0.0.1:{port}",
                                   "--union-default-graph", "--timeout-s", str(int(args.timeout))],
                env, lambda p: f"http://127.0.0.1:{port}/query", args,
                cross=cross and args.oxigraph_cross_join,
            ),
        }
        names = [n for n in servers if args.only in (None, n)]
        rounds: list[dict[str, Figures]] = []
        for k in range(args.rounds):  # alternating, so a change of load hits both
            order = names if k % 2 == 0 else names[::-1]
            rounds.append({name: servers[name](k == 0) for name in order})
    results = [rounds[0][name] for name in names]
    report(results, args)
    if len(rounds) > 1 and len(names) == 2:
        ratios = [r["waishi"].throughput / r["oxigraph"].throughput for r in rounds]
        print("\nround  waishi req/s  oxigraph req/s  ratio  waishi p99 ms  errors")
        for k, (r, ratio) in enumerate(zip(rounds, ratios, strict=True), 1):
            w, o = r["waishi"], r["oxigraph"]
            print(f"{k:>5}  {w.throughput:>12.1f}  {o.throughput:>14.1f}  {ratio:>5.2f}  "
                  f"{w.percentile(0.99) * 1000:>13.0f}  {w.errors:>6}")
        print(f"median ratio {statistics.median(ratios):.2f} over {len(ratios)} rounds")


def report(results: list[Figures], args: argparse.Namespace) -> None:
    print(f"\n{args.clients} clients x {args.requests} requests, three SELECTs "
          f"(machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})\n")
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        ("start to first answer, s", lambda f: f"{f.startup_s:.2f}"),
        ("requests / errors", lambda f: f"{f.requests} / {f.errors}"),
        ("throughput, req/s", lambda f: f"{f.throughput:.1f}"),
        ("p50 latency, ms", lambda f: f"{f.percentile(0.5) * 1000:.1f}"),
        ("p99 latency, ms", lambda f: f"{f.percentile(0.99) * 1000:.1f}"),
        ("mean latency, ms", lambda f: f"{statistics.fmean(f.latencies) * 1000:.1f}"),
        ("peak RSS under load, MB", lambda f: f"{f.peak_rss_mb:.0f}"),
        ("cross-join: status", lambda f: f.cross_status),
        ("cross-join: seconds", lambda f: f"{f.cross_s:.1f}"),
        ("cross-join: peak RSS, MB", lambda f: f"{f.cross_peak_rss_mb:.0f}"),
        ("answers after it", lambda f: f.after_status),
    ]
    width = max(len(label) for label, _ in rows) + 2
    print(f"{'':<{width}}" + "".join(f"{f.name:>18}" for f in results))
    for label, cell in rows:
        print(f"{label:<{width}}" + "".join(f"{cell(f):>18}" for f in results))
    if len(results) == 2:
        waishi, oxigraph = results
        ratio = waishi.throughput / oxigraph.throughput if oxigraph.throughput else float("nan")
        print(f"\nthroughput ratio waishi / oxigraph: {ratio:.2f} (bar >= 0.5)")
        print(f"waishi p99 {waishi.percentile(0.99) * 1000:.0f} ms (bar < 1000), errors "
              f"{waishi.errors} (bar 0), cross-join peak {waishi.cross_peak_rss_mb:.0f} MB "
              f"(bar < 2048), answers after: {waishi.after_status}")


if __name__ == "__main__":
    main()
