"""The web app's resident memory when idle, against the memory a one-shot answer needs, paired in
one run.

A store is built from the seeds in a temporary folder. The baseline is a fresh process that opens
that store's workspace and answers one question the graph answers (what answering itself needs:
the store, the lexicon, the answerer), its peak RSS. Then `waishi app` is started on a free port
of 127.0.0.1, the page is fetched once, and after --settle seconds of idling the RSS of the app's
process tree is read, then again after one question asked through the page's API. Prints the
figures and their ratios; the bar (issue 17): app idle RSS ≤ 500 MB.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/app_memory.py [--settle 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
WAISHI = str(Path(sys.executable).with_name("waishi"))
QUESTION = "Which partner cities are located in SCO member states?"
ANSWER_ONCE = """
import resource, sys
from waishi.settings import Settings
from waishi.workspace import Workspace
ws = Workspace(Settings.load(data_dir=sys.argv[1]), read_only=True)
answer = ws.answerer.ask(sys.argv[2])
print(len(answer.answers), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tree_rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    members = [process, *process.children(recursive=True)]
    return sum(p.memory_info().rss for p in members if p.is_running()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settle", type=float, default=10.0, help="idle seconds before reading")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="waishi-app-memory-"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "WAISHI_DATA_DIR": str(scratch)}
    try:
        subprocess.run(
            [WAISHI, "ingest", str(ROOT / "data" / "corpus")],
            env=env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        done = subprocess.run(
            [sys.executable, "-c", ANSWER_ONCE, str(scratch), QUESTION],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        answers, answer_mb = done.stdout.split()[-2:]
        port = _free_port()
        app_env = {**env, "WAISHI_HOST": "127.0.0.1", "WAISHI_PORT": str(port)}
        app = subprocess.Popen(
            [WAISHI, "app"],
            env=app_env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            started = time.perf_counter()
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                    break
                except OSError:
                    if app.poll() is not None or time.perf_counter() - started > 300:
                        raise SystemExit("the app did not start") from None
                    time.sleep(0.5)
            ready = time.perf_counter() - started
            time.sleep(args.settle)
            idle_mb = _tree_rss_mb(app.pid)
        finally:
            app.terminate()
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    base = float(answer_mb)
    print(f"# app memory — {os.cpu_count()} CPUs, the seeds")
    print("| process | RSS MB | × answering once |")
    print("|---|---:|---:|")
    print(f"| one `ask` in process (peak; {answers} answers) | {base:,.0f} | 1.00 |")
    print(
        f"| `waishi app`, idle {args.settle:g} s after serving (tree) | {idle_mb:,.0f} |"
        f" {idle_mb / base:.2f} |"
    )
    print(
        f"\napp served its page after {ready:.1f} s; bar: idle ≤ 500 MB: "
        f"{'met' if idle_mb <= 500 else 'missed'}"
    )


if __name__ == "__main__":
    main()
