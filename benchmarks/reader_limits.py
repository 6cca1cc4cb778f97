"""Peak memory and time of reading hostile files (issue 19, items 8 and 10), beside an ordinary
.docx of the same packed size read in the same run.

Each file is read by `ingest.readers.read_document` in a child process of its own; the table shows
the child's peak RSS (`VmHWM`), its time, and the ratio to the ordinary file.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/reader_limits.py            # ~1 min
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/reader_limits.py --gb 2.0   # a larger liar
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ingest.test_readers import docx_bomb, mutants, pdf_bytes  # noqa: E402

_CHILD = """
import json, sys, time
from pathlib import Path
from ingest.readers import read_document
from waishi.errors import UnreadableDocument
started = time.perf_counter()
try:
    outcome = f"read, {len(read_document(Path(sys.argv[1])).text)} characters"
except UnreadableDocument as exc:
    outcome = "refused: " + str(exc).split(": ", 1)[1][:60]
except Exception as exc:
    outcome = f"ESCAPED {type(exc).__name__}"
# this process's own peak (ru_maxrss would count the parent's memory at fork time)
status = Path("/proc/self/status").read_text()
peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
seconds = time.perf_counter() - started
print(json.dumps({"s": seconds, "outcome": outcome, "rss_mb": peak_kb / 1024}))
"""


def measure(path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=1800)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=1.5, help="what the lying .docx unpacks to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        liar = work / "liar.docx"
        liar.write_bytes(docx_bomb(int(args.gb * (1 << 30)), declared=2048))
        honest = work / "honest-bomb.docx"
        honest.write_bytes(docx_bomb(400 << 20))
        ordinary = work / "ordinary.docx"  # a long report: its body unpacks to 5 MB
        ordinary.write_bytes(docx_bomb(5 << 20))
        files = [ordinary, liar, honest]
        good = pdf_bytes(["Qingdao twinned with Bishkek in 2022"])
        for k, raw in enumerate(mutants(good, 40, seed=19)):
            (work / f"mutant-{k:02}.pdf").write_bytes(raw)
        rows = [(path.name, path.stat().st_size, measure(path)) for path in files]
        pdfs = [measure(path) for path in sorted(work.glob("mutant-*.pdf"))]

    base = rows[0][2]
    print(f"{'file':<18}{'packed':>12}{'peak RSS MB':>13}{'x ordinary':>12}{'s':>8}  outcome")
    for name, size, row in rows:
        ratio = float(row["rss_mb"]) / float(base["rss_mb"])  # type: ignore[arg-type]
        print(f"{name:<18}{size:>12,}{row['rss_mb']:>13.0f}{ratio:>12.2f}{row['s']:>8.2f}  "
              f"{row['outcome']}")
    escaped = [row["outcome"] for row in pdfs if str(row["outcome"]).startswith("ESCAPED")]
    peak = max(float(row["rss_mb"]) for row in pdfs)  # type: ignore[arg-type]
    print(f"{len(pdfs)} mutated PDFs: {len(escaped)} escaped as another error than "
          f"UnreadableDocument; peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
