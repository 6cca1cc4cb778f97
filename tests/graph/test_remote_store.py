"""The remote store, end to end: a real `oxigraph serve` on 127.0.0.1 behind store = "sparql",
ingesting, re-ingesting, asking, listing, exporting and removing exactly as the embedded store does.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from graph.namespaces import document_graph
from search.sparql import run_query
from tests.conftest import copy_seeds
from waishi.settings import Settings
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

SCO_CITIES = {"比什凯克", "阿克套", "费萨拉巴德", "撒马尔罕", "彼尔姆", "奥尔沙"}
EXTRA_REPORT = "烟台市外办2023年工作报告\n今年,我市与坦桑尼亚首都多多马结好。\n"
FACTS = "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a wsh:Fact }"
SISTERS = "CONSTRUCT { ?a wsh:sisterCityOf ?b } WHERE { ?a wsh:sisterCityOf ?b }"


@dataclass(frozen=True)
class OxigraphServer:
    query: str
    update: str
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install -e '.[dev]')")
    base = f"http://127.0.0.1:{_free_port()}"
    process = subprocess.Popen(
        [
            binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
            "--bind", base.removeprefix("http://"), "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{base}/query"):
            if process.poll() is not None:
                message = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"oxigraph serve exited with {process.returncode}: {message}")
            if time.monotonic() > deadline:
                pytest.fail("oxigraph serve did not answer within 30 s")
            time.sleep(0.1)
        yield OxigraphServer(f"{base}/query", f"{base}/update", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_seeds(tmp_path_factory.mktemp("remote-corpus"))


@pytest.fixture(scope="module")
def remote(
    server: OxigraphServer, corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    settings = Settings.load(
        data_dir=tmp_path_factory.mktemp("remote-data"),
        corpus_dir=corpus,
        store="sparql",
        store_query_endpoint=server.query,
        store_update_endpoint=server.update,
    )
    ws = Workspace(settings)
    report = ws.ingest([corpus])
    assert len(report.added) == 2 and not report.failed
    yield ws
    ws.close()


def test_reingest_changes_nothing(remote: Workspace, corpus: Path) -> None:
    size = len(remote.dataset)
    again = remote.ingest([corpus])
    assert again.added == () and again.replaced == () and len(again.unchanged) == 2
    assert len(remote.dataset) == size


def test_entities_equal_the_embedded_store(remote: Workspace, workspace: Workspace) -> None:
    served = {e["iri"]: e for e in remote.entities()}
    embedded = {e["iri"]: e for e in workspace.entities()}
    assert len(served) > 100
    assert set(served) == set(embedded)
    assert served == embedded


def test_forked_queries_and_export(remote: Workspace, workspace: Workspace, tmp_path: Path) -> None:
    def count(ws: Workspace) -> int:
        result = run_query(ws.dataset, FACTS, timeout_s=30, max_rows=10)
        return int(result.rows[0][0])  # type: ignore[arg-type]

    def sisters(ws: Workspace) -> set[object]:
        result = run_query(ws.dataset, SISTERS, timeout_s=30, max_rows=1000)
        return set(result.graph or ())

    assert count(remote) == count(workspace) > 50
    assert sisters(remote) == sisters(workspace) != set()
    served = remote.export(tmp_path / "remote.ttl", "turtle")
    assert served == workspace.export(tmp_path / "embedded.ttl", "turtle")
    assert len(Graph().parse(tmp_path / "remote.ttl")) == served


def test_removing_a_report_removes_its_facts(remote: Workspace, tmp_path: Path) -> None:
    size = len(remote.dataset)
    extra = tmp_path / "extra.txt"
    extra.write_text(EXTRA_REPORT, encoding="utf-8")
    assert remote.ingest([extra]).added == ("extra",)
    assert int(remote.documents()["extra"]["facts"]) > 0
    assert "多多马" in {e["label"] for e in remote.entities()}

    assert remote.remove("extra")
    assert "extra" not in remote.documents()
    assert "多多马" not in {e["label"] for e in remote.entities()}
    graph = URIRef(document_graph("extra"))
    assert not remote.dataset.query(f"ASK {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}").askAnswer
    assert len(remote.dataset) == size


def test_ask_answers_from_the_server(remote: Workspace) -> None:
    answer = remote.ask("Which partner cities are located in SCO member states?")
    assert {a.label for a in answer.answers} == SCO_CITIES
    for row in answer.answers:
        assert "member" in row.why and "上海合作组织" in row.why
        assert row.evidence and all(e.sentence and e.doc for e in row.evidence)
    assert answer.evidence
