"""Cold one-shot commands against `import torch, sentence_transformers`, paired in one run.

Each round runs, as fresh processes in turn: the torch import (the baseline), `waishi ask` on a
question the graph answers, `waishi ask` on one it does not (retrieval), `waishi search`, and,
once, the same ask with every cache removed (CC-CEDICT's compact cache, the exported model, the
name cache). Prints wall time and peak RSS per command, medians over the rounds, and each
median as a ratio to the baseline's. The store is built from the seeds in a temporary folder.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/cold_start.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAISHI = str(Path(sys.executable).with_name("waishi"))
GRAPH_QUESTION = "Which partner cities are located in SCO member states?"
RETRIEVAL_QUESTION = "Which partners support the Belt and Road?"  # none do: retrieval
SEARCH_QUERY = "sister cities in Germany"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (the child's, from wait4) and stderr of one command."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr}")
    return wall, usage.ru_maxrss / 1024, stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="waishi-cold-"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "WAISHI_CACHE_DIR": str(tmp / "cache")}
    data = tmp / "data"
    base = [WAISHI, "--data-dir", str(data)]
    try:
        print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
        started = time.perf_counter()
        run([*base, "ingest"], env)
        seconds = time.perf_counter() - started
        print(f"ingest of the seeds (first ever, caches empty): {seconds:.1f} s")
        commands = {
            "import torch, sentence_transformers (baseline)": [
                sys.executable,
                "-c",
                "import torch, sentence_transformers",
            ],
            "waishi ask (the graph answers)": [*base, "ask", GRAPH_QUESTION],
            "waishi ask (retrieval fallback)": [*base, "ask", RETRIEVAL_QUESTION],
            "waishi search": [*base, "search", SEARCH_QUERY],
        }
        # the first ask after every cache is gone: CC-CEDICT parsed, names computed
        shutil.rmtree(tmp / "cache", ignore_errors=True)
        (data / "name_cache.json").unlink(missing_ok=True)
        first_ask = run([*base, "ask", GRAPH_QUESTION], env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, list[float]] = {name: [] for name in commands}
        noise: list[str] = []
        for _ in range(args.rounds):
            for name, cmd in commands.items():
                wall, rss, stderr = run(cmd, env)
                times[name].append(wall)
                peaks[name].append(rss)
                if stderr.strip() and "waishi" in name:
                    noise.append(f"{name}: {stderr.strip().splitlines()[-1][:100]}")
        baseline = statistics.median(times["import torch, sentence_transformers (baseline)"])
        print(f"\n{'command':<50}{'median s':>10}{'min s':>8}{'x baseline':>12}{'peak RSS MB':>13}")
        for name in commands:
            median = statistics.median(times[name])
            print(
                f"{name:<50}{median:>10.2f}{min(times[name]):>8.2f}{median / baseline:>12.2f}"
                f"{max(peaks[name]):>13.0f}"
            )
        print(
            f"{'waishi ask (the graph answers), caches empty':<50}{first_ask[0]:>10.2f}"
            f"{'':>8}{first_ask[0] / baseline:>12.2f}{first_ask[1]:>13.0f}"
        )
        ratio = statistics.median(times["waishi ask (the graph answers)"]) / baseline
        verdict = "met" if ratio <= 0.5 else "missed"
        print(f"\nbar (cold graph ask <= 0.5 x the torch import): {ratio:.2f} x, {verdict}")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
        if noise:
            print("\nstderr of waishi commands (should be empty):")
            print("\n".join(sorted(set(noise))))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
