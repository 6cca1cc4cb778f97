"""The Explore tab's goal filter in headless Chromium on the real app: today the page draws the
filter at once from what it holds and applies the server's view in place; before issue 18 the
server built a whole new vis-network page, which the browser loaded and laid out again. Both
ways run alternately in one process, so that they see the same machine load.

Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/app_redraw.py [--data-dir D] [--rounds 5]
(without --data-dir the seed reports are ingested into a temporary store first, about 1 min).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from playwright.sync_api import Frame, Page, sync_playwright  # noqa: E402

import app_gradio  # noqa: E402
from graph import visual  # noqa: E402
from waishi import app_explore  # noqa: E402
from waishi.app_views import Views  # noqa: E402
from waishi.settings import Settings  # noqa: E402
from waishi.workspace import Workspace  # noqa: E402

GOALS = [("上合组织 SCO", "SCO"), ("RCEP RCEP", "RCEP"), ("一带一路 Belt and Road", "BRI")]
READY = "document.body.dataset.ready === '1'"
# Wall-clock times (ms) the graph page notes for itself: when a filter or a view arrives.
LISTEN = """() => { window.heard = {};
  window.addEventListener('message', (e) => {
    if (e.data && e.data.waishi) window.heard[e.data.waishi] = Date.now(); }, true); }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def graph(page: Page, selector: str = "#graph-view iframe") -> Frame:
    frame = page.locator(selector).element_handle(timeout=120_000).content_frame()
    assert frame is not None
    frame.wait_for_function(READY, timeout=120_000)
    return frame


def in_place(page: Page, label: str) -> dict[str, float]:
    """Ticks or unticks a goal in the real page: milliseconds from the click to the page
    drawing the filter itself, from the filter arriving to drawn, and from the server's view
    arriving to drawn."""
    frame = graph(page)
    seq = frame.evaluate("window.waishiData.seq")
    frame.evaluate("() => { window.heard = {}; document.body.dataset.ready = '0'; }")
    clicked = time.time() * 1000
    page.get_by_label(label).click()
    frame.wait_for_function(f"window.heard.filter && {READY}", timeout=120_000)
    drawn = time.time() * 1000
    frame.wait_for_function(f"window.waishiData.seq > {seq} && {READY}", timeout=120_000)
    applied = time.time() * 1000
    heard = frame.evaluate("window.heard")
    return {"click to drawn": drawn - clicked, "filter to drawn": drawn - heard["filter"],
            "view to drawn": applied - heard["update"], "click to view": heard["update"] - clicked}


def as_new_page(page: Page, views: Views, key: str) -> dict[str, float]:
    """The same goal view drawn as a whole new page: milliseconds the server takes to build it,
    and the browser to load and lay it out."""
    kinds = list(visual.TYPE_STYLES)
    started = time.perf_counter()
    goal_state, _ = app_explore.goals(views, app_explore.first_state(views), [key])
    drawn = app_explore.page(views, goal_state, kinds)
    built = time.perf_counter()
    page.evaluate("""(html) => { const box = document.createElement('div');
        box.id = 'old-way'; box.innerHTML = html;
        const old = document.getElementById('old-way');
        if (old) old.replaceWith(box); else document.body.appendChild(box); }""", drawn)
    graph(page, "#old-way iframe")
    return {"server builds": (built - started) * 1000,
            "page to drawn": (time.perf_counter() - built) * 1000}


def server_view(views: Views, key: str) -> float:
    """Milliseconds the server takes to compute the goal view it sends today."""
    started = time.perf_counter()
    goal_state, _ = app_explore.goals(views, app_explore.first_state(views), [key])
    app_explore.update(views, goal_state, list(visual.TYPE_STYLES))
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="waishi-redraw-"))
    settings = Settings.load(data_dir=data_dir, port=free_port())
    ws = Workspace(settings)
    ws.ensure_corpus()
    app = app_gradio.build_app(ws)
    app.queue(default_concurrency_limit=4)
    app.launch(**app_gradio.launch_options(settings), prevent_thread_lock=True, quiet=True)
    views = Views(ws)
    samples: dict[str, list[float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{settings.port}/")
            page.wait_for_function("() => document.querySelector('#store-counts')"
                                   "?.innerText.includes('reports')", timeout=120_000)
            page.get_by_role("tab", name="探索 Explore").click()
            graph(page).evaluate(LISTEN)
            for _ in range(args.rounds):
                for label, key in GOALS:
                    for found in (in_place(page, label), in_place(page, label),  # on, off
                                  as_new_page(page, views, key),
                                  {"server view": server_view(views, key)}):
                        for name, value in found.items():
                            samples.setdefault(name, []).append(value)
            browser.close()
    finally:
        app.close()
        ws.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"goal filter, {args.rounds} rounds of {len(GOALS)} goals ticked and unticked; "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    print(f"{'':<44}{'median ms':>10}{'p90 ms':>9}")
    rows = [("today: click to the page's own drawing", "click to drawn"),
            ("today: filter message to drawn", "filter to drawn"),
            ("today: click to the server's view", "click to view"),
            ("today: server's view to drawn", "view to drawn"),
            ("today: server computes the view", "server view"),
            ("before: server builds the page", "server builds"),
            ("before: page to drawn", "page to drawn")]
    for title, name in rows:
        ordered = sorted(samples[name])
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        print(f"{title:<44}{statistics.median(ordered):>10.0f}{p90:>9.0f}")
    def median(name: str) -> float:
        return statistics.median(samples[name])

    today = median("click to drawn")
    # before, a click waited for the server's answer (the same round trip as today's view,
    # plus 0.6 MB more to carry), then for the new page to be built, loaded and laid out
    before = median("click to view") + median("server builds") + median("page to drawn")
    print(f"before, click to drawn (round trip + build + page to drawn): {before:.0f} ms; "
          f"today: {today:.0f} ms; ratio today / before {today / before:.2f}")


if __name__ == "__main__":
    main()
