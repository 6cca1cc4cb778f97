"""The app on a phone-sized screen (420 px wide) in a real Chromium: every tab in reach, the
answers fitting the width, SPARQL results scrolling inside their own box."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.app.conftest import SCO_CITIES, TIMEOUT, ask

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Shot = Callable[..., Path]
WIDTH = 420


def overflow(page: Page, selector: str) -> int:
    """How far an element is wider than its box (0 when it fits)."""
    return int(page.evaluate(
        "(s) => { const e = document.querySelector(s); return e.scrollWidth - e.clientWidth; }",
        selector))


def test_a_narrow_screen_reaches_every_tab_and_fits_the_answers(
    pages: Callable[..., Page], screenshot: Shot
) -> None:
    page = pages(WIDTH, 900)
    for name in ("问答 Ask", "探索 Explore", "SPARQL", "文档 Documents"):
        tab = page.get_by_role("tab", name=name)
        expect(tab).to_be_visible()
        box = tab.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, name
    ask(page, "Which partner cities are located in SCO member states?", SCO_CITIES)
    page.locator("#answers details.answer-row summary").first.click()
    assert overflow(page, "#answers") <= 0
    assert overflow(page, "html") <= 0  # the page itself never scrolls sideways
    page.locator("#ask-status").scroll_into_view_if_needed()
    screenshot(page, "narrow.png", full_page=False)

    page.get_by_role("tab", name="SPARQL").click()
    page.click("#sparql-run")
    expect(page.locator("#sparql-results .pager")).to_be_visible(timeout=TIMEOUT)
    assert overflow(page, "html") <= 0
    page.get_by_role("tab", name="文档 Documents").click()
    expect(page.locator("#documents")).to_contain_text("qingdao-fao-2022-work-report")
    expect(page.locator("#ingest")).to_be_visible()
