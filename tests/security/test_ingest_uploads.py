"""The app's ingest reads only files uploaded through the page: a real app on 127.0.0.1 over a
real store, called as an attacker would (Gradio's HTTP API with a path it never uploaded) and
as the page does (an upload, then the ingest)."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio import utils as gradio_utils
from gradio_client import Client, handle_file

from tests.app.conftest import free_port

pytestmark = pytest.mark.slow



def write_secret(path: Path) -> str:
    """A report no one uploaded, with a mark of its own to look for in the store."""
    mark = f"机密{secrets.token_hex(4)}"
    text = f"本文件不应被读取。{mark}:青岛与曼海姆(德国)签署合作备忘录。\n"
    path.write_text(text, encoding="utf-8")
    return mark


@dataclass
class App:
    url: str
    workspace: Any  # waishi.workspace.Workspace
    blocks: Any  # gradio.Blocks


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    import app_gradio
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    port = free_port()
    settings = Settings.load(data_dir=tmp_path_factory.mktemp("security-app"), port=port)
    ws = Workspace(settings)  # an empty store: what matters is what gets in
    blocks = app_gradio.build_app(ws)
    blocks.queue(default_concurrency_limit=2)
    blocks.launch(**app_gradio.launch_options(settings), prevent_thread_lock=True, quiet=True)
    try:
        yield App(f"http://127.0.0.1:{port}", ws, blocks)
    finally:
        blocks.close()
        ws.close()


@pytest.fixture
def planted() -> Iterator[Path]:
    """A folder inside Gradio's upload folder that no upload made (another process's files)."""
    folder = Path(gradio_utils.get_upload_folder()) / secrets.token_hex(20)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def _file(path: Path | str, name: str) -> dict[str, Any]:
    return {"path": str(path), "orig_name": name, "meta": {"_type": "gradio.FileData"}}


def call_ingest(app: App, files: list[dict[str, Any]]) -> tuple[str, Any]:
    """The ingest endpoint called over HTTP with the file paths as given: what a client that
    names a path instead of uploading a file sends. Returns the event and its data."""
    base = f"{app.url}/gradio_api/call/on_ingest"
    # the files, then the page's state, the kinds shown and the drawn flag: the server takes
    # the two states from the session, so a client sends None for them
    started = httpx.post(base, json={"data": [files, None, [], None]}, timeout=30)
    started.raise_for_status()
    event = data = None
    with httpx.stream("GET", f"{base}/{started.json()['event_id']}", timeout=300) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line.split(":", 1)[1])
                break
    assert event in ("complete", "error"), event
    return event, data


def _stored_texts(app: App) -> str:
    query = "PREFIX wsh: <https://w3id.org/waishi/ontology#> SELECT ?t WHERE { ?s wsh:text ?t }"
    return " ".join(str(row[0]) for row in app.workspace.dataset.query(query))


def _assert_refused(app: App, event: str, data: Any, name: str, mark: str) -> None:
    if event == "complete":  # reached the app: it must say it refused the file
        assert f"{name}: 拒绝 refused" in data[0] and "uploaded on this page" in data[0]
    assert mark not in _stored_texts(app)
    assert not [d for d in app.workspace.documents() if d.startswith(Path(name).stem)]


def test_a_server_path_that_was_never_uploaded_is_refused(app: App, tmp_path: Path) -> None:
    secret = tmp_path / "server-notes.txt"
    mark = write_secret(secret)
    event, data = call_ingest(app, [_file(secret, "server-notes.txt")])
    _assert_refused(app, event, data, "server-notes.txt", mark)
    dotted = f"{gradio_utils.get_upload_folder()}/{'0' * 40}/../../{secret.relative_to('/')}"
    event, data = call_ingest(app, [_file(dotted, "server-notes.txt")])
    _assert_refused(app, event, data, "server-notes.txt", mark)


def test_a_file_in_the_upload_folder_that_no_upload_made_is_refused_and_logged(
    app: App, planted: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stray = planted / "stray-report.txt"
    mark = write_secret(stray)
    with caplog.at_level(logging.WARNING, logger="waishi.app"):
        event, data = call_ingest(app, [_file(stray, "stray-report.txt")])
    assert event == "complete"  # inside the upload folder, Gradio passes it on: the app refuses
    _assert_refused(app, event, data, "stray-report.txt", mark)
    assert any(str(stray) in r.getMessage() and "not a file uploaded" in r.getMessage()
               for r in caplog.records)


def test_a_link_in_the_upload_folder_to_a_server_file_is_refused(
    app: App, planted: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "linked.txt"
    mark = write_secret(secret)
    (planted / "linked.txt").symlink_to(secret)
    event, data = call_ingest(app, [_file(planted / "linked.txt", "linked.txt")])
    _assert_refused(app, event, data, "linked.txt", mark)


def test_an_uploaded_report_is_ingested_and_a_named_path_beside_it_is_not(
    app: App, tmp_path: Path, planted: Path
) -> None:
    report = tmp_path / "harbour-visit.txt"
    report.write_text("我市与达累斯萨拉姆(坦桑尼亚)开展友好交流。\n", encoding="utf-8")
    client = Client(app.url, verbose=False)
    message = client.predict([handle_file(str(report))], api_name="/on_ingest")[0]
    assert "added: harbour-visit" in message and "refused" not in message
    assert "harbour-visit" in app.workspace.documents()

    # the uploaded copy's path, and a planted file beside it, named in one request
    # the path the upload route gave it (the folder also holds Gradio's cached copy by content)
    uploaded = next(Path(p) for p in app.blocks.upload_file_set
                    if Path(p).name == "harbour-visit.txt")
    stray = planted / "stray-notes.txt"
    mark = write_secret(stray)
    event, data = call_ingest(app, [_file(uploaded, "harbour-visit.txt"),
                                    _file(stray, "stray-notes.txt")])
    assert event == "complete"
    assert "unchanged: harbour-visit" in data[0]
    _assert_refused(app, event, data, "stray-notes.txt", mark)


def test_an_upload_with_a_taken_stem_is_refused_and_the_same_name_again_replaces(
    app: App, tmp_path: Path
) -> None:
    client = Client(app.url, verbose=False)
    first, other = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    other.mkdir()
    (first / "trade-week.txt").write_text("青岛与大阪(日本)举办经贸周。\n", encoding="utf-8")
    (other / "trade-week.md").write_text("# 另一份报告\n青岛与釜山(韩国)合作。\n", encoding="utf-8")
    message = client.predict([handle_file(str(first / "trade-week.txt"))], api_name="/on_ingest")[0]
    assert "added: trade-week" in message

    message = client.predict([handle_file(str(other / "trade-week.md"))], api_name="/on_ingest")[0]
    assert ("trade-week.md: 名称已被占用 · the id 'trade-week' is already taken by "
            "upload:trade-week.txt: rename the file" in message)
    assert app.workspace.documents()["trade-week"]["title"] == "青岛与大阪(日本)举办经贸周。"

    (first / "trade-week.txt").write_text("青岛与大阪(日本)举办第二届经贸周。\n", encoding="utf-8")
    message = client.predict([handle_file(str(first / "trade-week.txt"))], api_name="/on_ingest")[0]
    assert "replaced: trade-week" in message
    assert app.workspace.documents()["trade-week"]["title"] == "青岛与大阪(日本)举办第二届经贸周。"
