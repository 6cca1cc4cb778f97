"""Shared fixtures for the app tests: the real app over a real store built from the seed
reports, served on a free local port in this process, and Debian's Chromium driven by
Playwright.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningApp:
    url: str
    workspace: object  # waishi.workspace.Workspace, opened once by this process
    warm_s: float


@pytest.fixture(scope="module")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    import app_gradio
    from waishi.app_views import WARM_QUESTIONS
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    port = free_port()
    settings = Settings.load(data_dir=tmp_path_factory.mktemp("app-store"), port=port)
    ws = Workspace(settings)
    started = time.monotonic()
    ws.ensure_corpus()
    for question in WARM_QUESTIONS:
        ws.ask(question)
    warm_s = time.monotonic() - started
    app = app_gradio.build_app(ws)
    app.queue(default_concurrency_limit=4)
    app.launch(**app_gradio.launch_options(settings), prevent_thread_lock=True, quiet=True)
    try:
        yield RunningApp(f"http://127.0.0.1:{port}/", ws, warm_s)
    finally:
        app.close()
        ws.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, running_app: RunningApp) -> Iterator[Page]:
    """A fresh page on the app, recording every request it makes in `page.requests`."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests  # type: ignore[attr-defined]
    page.goto(running_app.url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_load_state("load")
    try:
        yield page
    finally:
        context.close()


def _screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Saves a full-page screenshot under test-output/screenshots/ (the README shows them)."""
    return _screenshot
