"""Readers beside a writer, with real processes: while one process holds the store for
writing, the CLI and `waishi serve` read it; the writer's new report reaches a running server
without a restart; a second writer is refused with one line; once the writer is gone, the
next one writes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.security.conftest import WAISHI, cli_env

pytestmark = pytest.mark.slow

DOCUMENTS = (
    "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/waishi/ontology#Document> }"
)
# A report written for this test: one partner city, one agreement.
REPORT = (
    "烟台市外事办公室2024年工作总结\n\n"
    "一、友城交往\n\n"
    "2024年5月，烟台市与韩国群山市签署友好交流合作备忘录，双方同意在港口物流和文化旅游领域加强合作。\n"
)
# The app's situation: a process that holds a writing Workspace and adds a report when told.
WRITER = """
import sys
from pathlib import Path
from waishi.settings import Settings
from waishi.workspace import Workspace

ws = Workspace(Settings.load(data_dir=Path(sys.argv[1])))
print("open", flush=True)
for line in sys.stdin:
    if line.strip() == "close":
        break
    report = ws.ingest([Path(line.strip())])
    print(json.dumps(report.added), flush=True)
ws.close()
print("closed", flush=True)
""".replace("import sys\n", "import json\nimport sys\n", 1)


def _documents(url: str) -> int:
    data = urllib.parse.urlencode({"query": DOCUMENTS}).encode()
    request = urllib.request.Request(url, data=data, headers={
        "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        document = json.loads(response.read())
    return int(document["results"]["bindings"][0]["n"]["value"])


def _cli_documents(env: dict[str, str]) -> int:
    done = subprocess.run([WAISHI, "sparql", DOCUMENTS, "--format", "csv"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.splitlines()[1])


def test_readers_beside_a_writer(data_dir: Path, tmp_path: Path) -> None:
    env = cli_env(data_dir)
    report = tmp_path / "yantai-2024.txt"
    report.write_text(REPORT, encoding="utf-8")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir)], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    server = None
    try:
        assert writer.stdin is not None and writer.stdout is not None
        assert writer.stdout.readline().strip() == "open"

        # a reader answers while the writer holds the store
        assert _cli_documents(env) == 0

        # a second writer is refused, in one line that names the first
        refused = subprocess.run([WAISHI, "ingest", str(report)], env=env, capture_output=True,
                                 text=True, timeout=300)
        assert refused.returncode == 1
        assert refused.stderr.count("\n") == 1, refused.stderr
        assert refused.stderr.startswith("error: the store at ")
        assert f"open for writing by pid {writer.pid}" in refused.stderr
        assert "Traceback" not in refused.stderr

        # a running server sees the writer's new report without a restart
        server = subprocess.Popen([WAISHI, "serve", "--port", "0", "--json"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert server.stdout is not None
        url = json.loads(server.stdout.readline())["endpoint"]
        assert _documents(url) == 0
        writer.stdin.write(f"{report}\n")
        writer.stdin.flush()
        assert json.loads(writer.stdout.readline()) == ["yantai-2024"]
        deadline = time.monotonic() + 60
        while _documents(url) != 1:  # published within a second of the commit
            assert time.monotonic() < deadline, "the server never saw the new report"
            time.sleep(0.2)
        assert _cli_documents(env) == 1

        writer.stdin.write("close\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "closed"
        assert writer.wait(timeout=60) == 0

        # the writer is gone: the next one may write (it opens, and publishes as it closes)
        second = subprocess.run([sys.executable, "-c", WRITER, str(data_dir)], env=env,
                                input="close\n", capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stderr
        assert second.stdout.split() == ["open", "closed"]
        assert _documents(url) == 1
        assert _cli_documents(env) == 1
        assert server.poll() is None
    finally:
        for process in (writer, server):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
