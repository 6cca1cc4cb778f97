"""Every SERVICE / FROM / LOAD / update evasion in the corpus is refused by the guard, by the
CLI (`waishi sparql`), by the endpoint (`waishi serve`, a real server on 127.0.0.1) and by the
app's SPARQL path; a local listener the evasions aim at receives no connection at all.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef

from graph.store import open_dataset
from search.sparql import run_query
from search.sparql_guard import canonical_text, check_query
from tests.security.conftest import WAISHI, Listener, cli_env
from tests.security.evasions import EVASIONS, Evasion, aimed
from waishi.errors import MalformedQuery, UnsafeQuery

IDS = [e.name for e in EVASIONS]
REFUSALS = {"unsafe": UnsafeQuery, "malformed": MalformedQuery}


def test_the_corpus_holds_real_evasions(listener: Listener) -> None:
    # Without the guard, pyoxigraph (the engine that executes) calls the listener for every
    # evasion marked live: the corpus tests what it claims, and the listener does count.
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"),
                      ox.NamedNode("urn:g")))
    live = [e for e in EVASIONS if e.live]
    assert len(live) >= 20
    for evasion in live:
        before = listener.connections
        result = store.query(aimed(evasion, listener.url), use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
        assert listener.connections > before, evasion.name


@pytest.mark.parametrize("evasion", EVASIONS, ids=IDS)
def test_the_guard_refuses(evasion: Evasion, listener: Listener) -> None:
    with pytest.raises(REFUSALS[evasion.refusal]):
        check_query(aimed(evasion, listener.url))


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def small_dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                  ) -> Dataset:
    ds = open_dataset(request.param, tmp_path_factory.mktemp(request.param) / "store")
    ds.add((URIRef("urn:s"), URIRef("urn:p"), Literal("o"), URIRef("urn:g")))  # type: ignore[arg-type]
    return ds


def test_run_query_refuses_on_every_store(small_dataset: Dataset, listener: Listener) -> None:
    # rdflib's own evaluator (the memory store) also calls SERVICE and fetches FROM.
    for evasion in EVASIONS:
        with pytest.raises(REFUSALS[evasion.refusal]):
            run_query(small_dataset, aimed(evasion, listener.url), timeout_s=10, max_rows=10)
    assert listener.connections == 0


def test_the_engine_receives_the_text_the_guard_judged() -> None:
    # The guard's reading and the engine's are the same text: escapes expanded once.
    assert canonical_text('SELECT ?x { ?x ?p "\\u9752\\u5C9B" }') == 'SELECT ?x { ?x ?p "青岛" }'
    with pytest.raises(UnsafeQuery, match="not a complete"):
        canonical_text('SELECT ?x { ?x ?p "\\u005Cu0041" }')
    with pytest.raises(MalformedQuery, match="not a character"):
        canonical_text('SELECT ?x { ?x ?p "\\uD800" }')


def test_escaped_chinese_literals_still_match(small_dataset: Dataset) -> None:
    found = run_query(small_dataset, 'SELECT ?s WHERE { ?s ?p "\\u006F" }', timeout_s=10,
                      max_rows=10)
    assert [str(row[0]) for row in found.rows] == ["urn:s"]


@pytest.mark.slow
def test_the_cli_refuses_every_evasion(data_dir: Path, listener: Listener) -> None:
    env = cli_env(data_dir)

    def run(evasion: Evasion) -> tuple[Evasion, subprocess.CompletedProcess[str]]:
        done = subprocess.run(
            [WAISHI, "sparql", "-"], input=aimed(evasion, listener.url), env=env,
            capture_output=True, text=True, timeout=300,
        )
        return evasion, done

    with ThreadPoolExecutor(4) as pool:
        for evasion, done in pool.map(run, EVASIONS):
            assert done.returncode == 1, (evasion.name, done.stdout, done.stderr)
            assert done.stderr.startswith("error: "), (evasion.name, done.stderr)
            assert "Traceback" not in done.stderr
            if evasion.refusal == "unsafe":
                assert len(done.stderr.strip().splitlines()) == 1, done.stderr
            assert done.stdout == ""
    assert listener.connections == 0


@pytest.mark.slow
def test_the_endpoint_refuses_every_evasion(data_dir: Path, listener: Listener) -> None:
    server = subprocess.Popen(
        [WAISHI, "serve", "--port", "0", "--json"], env=cli_env(data_dir),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line, server.stderr.read() if server.stderr else ""
        endpoint = json.loads(line)["endpoint"]
        assert endpoint.startswith("http://127.0.0.1:")
        for evasion in EVASIONS:
            text = aimed(evasion, listener.url)
            expected = 403 if evasion.refusal == "unsafe" else 400
            get = f"{endpoint}?{urllib.parse.urlencode({'query': text})}"
            assert _status(urllib.request.Request(get)) == expected, evasion.name
            post = urllib.request.Request(
                endpoint, data=text.encode(), method="POST",
                headers={"Content-Type": "application/sparql-query"},
            )
            assert _status(post) == expected, evasion.name
            form = urllib.request.Request(
                endpoint, data=urllib.parse.urlencode({"query": text}).encode(), method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert _status(form) == expected, evasion.name
        assert _status(urllib.request.Request(f"{endpoint}?query=ASK%7B%7D")) == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert listener.connections == 0


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_the_app_refuses_every_evasion(data_dir: Path, listener: Listener) -> None:
    from waishi.app_sparql import Workbench
    from waishi.app_views import Views
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    ws = Workspace(Settings.load(data_dir=data_dir))
    try:
        bench = Workbench(Views(ws))
        for evasion in EVASIONS:
            status, page, files, key = bench.run(aimed(evasion, listener.url))
            assert "Cannot run" in status or "Syntax error" in status, (evasion.name, status)
            assert page == "" and files is None and key == ""
        status, page, files, key = bench.run("ASK { ?s ?p ?o }")
        assert status.startswith("ASK") and files and key, status
    finally:
        ws.close()
    assert listener.connections == 0
