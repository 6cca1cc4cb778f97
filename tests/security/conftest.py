"""Shared pieces of the security suite: a local listener that counts every connection it
accepts, and a small real store (ontology and reference data, no reports) to aim at."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

WAISHI = str(Path(sys.executable).with_name("waishi"))
_RESULTS = json.dumps(
    {
        "head": {"vars": ["x", "y", "z"]},
        "results": {
            "bindings": [
                {
                    "x": {"type": "uri", "value": "urn:x"},
                    "y": {"type": "uri", "value": "urn:y"},
                    "z": {"type": "literal", "value": "fetched from the listener"},
                }
            ]
        },
    }
).encode()


class Listener(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that would answer any SPARQL query with one row (and any
    other GET with that JSON), counting every connection it accepts."""

    daemon_threads = True

    def __init__(self) -> None:
        self.connections = 0
        super().__init__(("127.0.0.1", 0), _ListenerHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


class _ListenerHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(_RESULTS)))
        self.end_headers()
        self.wfile.write(_RESULTS)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def reference_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose store holds the ontology and the reference data (thousands of
    triples, so a SERVICE joined with a local pattern has rows to join), built once."""
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    data_dir = tmp_path_factory.mktemp("reference-data")
    Workspace(Settings.load(data_dir=data_dir)).close()
    return data_dir


@pytest.fixture
def data_dir(reference_store: Path, tmp_path: Path) -> Path:
    """A private copy of the reference store."""
    target = tmp_path / "data"
    shutil.copytree(reference_store, target)
    return target


def cli_env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "WAISHI_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
