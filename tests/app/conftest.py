"""Shared fixtures for the app tests: the real app over a real store built from the seed
reports, served on a free local port in this process (once for the whole session: every
browser test module uses it, and a test that adds a report removes it), and Debian's Chromium
driven by Playwright.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page, expect, sync_playwright

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


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def open_page(browser: Browser, url: str, width: int = 1400, height: int = 1000) -> Page:
    """A page on the app in a browser context of its own (cookies, storage), recording every
    request it makes in `page.requests`."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_load_state("load")
    # the page has read the store once it shows what it holds
    page.wait_for_function(
        "() => (document.querySelector('#store-counts') || {}).innerText?.includes('reports')",
        timeout=60_000)
    return page


@pytest.fixture
def page(browser: Browser, running_app: RunningApp) -> Iterator[Page]:
    """A fresh page on the app, in its own browser context."""
    opened = open_page(browser, running_app.url)
    try:
        yield opened
    finally:
        opened.context.close()


@pytest.fixture
def pages(browser: Browser, running_app: RunningApp) -> Iterator[Callable[..., Page]]:
    """Opens more pages, each in a browser context of its own (two analysts), closed after."""
    opened: list[Page] = []

    def make(width: int = 1400, height: int = 1000) -> Page:
        opened.append(open_page(browser, running_app.url, width, height))
        return opened[-1]

    try:
        yield make
    finally:
        for item in opened:
            item.context.close()


def _screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """Saves a full-page screenshot under test-output/screenshots/ (the README shows them)."""
    return _screenshot


# -- what the browser tests do on the page -------------------------------------------------------

TIMEOUT = 60_000
SCO_CITIES = ["比什凯克", "阿克套", "费萨拉巴德", "撒马尔罕", "彼尔姆", "奥尔沙"]
SERVER_TIMES: list[str] = []  # what the server reported for each answer, for the print


def ask(page: Page, question: str, expected: list[str]) -> float:
    """Seconds from clicking Ask until every expected answer is in the table."""
    page.fill("#question textarea", question)
    started = time.perf_counter()
    page.click("#ask-button")
    page.wait_for_function(
        """([expected, question]) => {
             const table = document.querySelector('#answers');
             const status = document.querySelector('#ask-status');
             return table && status && status.innerText.includes(question)
               && expected.every(e => table.innerText.includes(e));
           }""",
        arg=[expected, question], timeout=TIMEOUT, polling=20,
    )
    elapsed = time.perf_counter() - started
    SERVER_TIMES.append(page.locator("#ask-status").inner_text().rsplit("·", 1)[-1].strip())
    return elapsed


def graph_frame(page: Page) -> Frame:
    """The rendered graph's iframe, once vis-network has laid the graph out."""
    handle = page.locator("#graph-view iframe").element_handle(timeout=TIMEOUT)
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_function("document.body.dataset.ready === '1'", timeout=TIMEOUT)
    return frame


def graph_seq(frame: Frame) -> int:
    return int(frame.evaluate("window.waishiData.seq"))


def wait_for_update(page: Page, after: int, condition: str = "true") -> Frame:
    """The graph once it shows an update newer than `after` and `condition` (JS over `data`,
    the view shown) holds."""
    page.wait_for_function(
        """([after, condition]) => {
             const f = document.querySelector('#graph-view iframe');
             const w = f && f.contentWindow;
             if (!(w && w.waishiData && w.document.body.dataset.ready === '1')) return false;
             const data = w.waishiData;
             return data.seq > after && Function('data', 'return ' + condition)(data);
           }""",
        arg=[after, condition], timeout=TIMEOUT,
    )
    return graph_frame(page)


def graph_nodes(frame: Frame) -> list[dict[str, Any]]:
    return frame.evaluate("window.waishiData.nodes")  # type: ignore[no-any-return]


def node_spot(page: Page, frame: Frame, node_id: str) -> tuple[float, float]:
    """Where vis-network drew a node, in the page's coordinates."""
    spot = frame.evaluate(
        """(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);
                     const r = document.getElementById('graph').getBoundingClientRect();
                     return {x: p.x + r.left, y: p.y + r.top}; }""", node_id)
    iframe = page.locator("#graph-view iframe")
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    assert box is not None
    return box["x"] + spot["x"], box["y"] + spot["y"]


def click_node(page: Page, frame: Frame, node_id: str, *, double: bool = False) -> None:
    """A real mouse click (or double-click) on the node where vis-network drew it."""
    x, y = node_spot(page, frame, node_id)
    if double:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def choose(page: Page, dropdown: str, name: str) -> None:
    """Type into a filterable dropdown and pick the entity whose label starts with `name`."""
    box = page.locator(f"{dropdown} input")
    box.click()
    box.fill(name)
    # Gradio filters on a key event; fill() types Chinese without one (an IME commit has one).
    box.press("End")
    expect(page.get_by_role("option")).not_to_have_count(0, timeout=TIMEOUT)
    page.get_by_role("option", name=re.compile("^" + re.escape(name))).first.click()
    expect(box).to_have_value(re.compile("^" + re.escape(name)), timeout=TIMEOUT)
    box.blur()
