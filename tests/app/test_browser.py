"""The Ask tab as an analyst uses it, in a real Chromium on the real app over the seed reports:
answers, each row opening on its own sentences with its spans marked, the reader, and a page
that fetches nothing from outside the machine.

Ask latency is measured from the click to the last expected answer in the table, printed
(run pytest with -s to see it) and never asserted: timing belongs in the closing note.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.app.conftest import SCO_CITIES, SERVER_TIMES, TIMEOUT, ask, graph_frame

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCO_ZH = "哪些合作伙伴城市位于上合组织成员国？"
SCO_EN = "Which partner cities are located in SCO member states?"
RCEP_EN = "Which partners support RCEP goals?"
SCO_OR_RCEP = "Which partners support SCO or RCEP goals?"
Shot = Callable[..., Path]


def test_ask_shows_the_six_sco_partner_cities(page: Page, running_app: Any) -> None:
    first = ask(page, SCO_ZH, SCO_CITIES)  # the server's first request pays its set-up
    timings = {
        "en RCEP": ask(page, RCEP_EN, ["清迈", "澳大利亚"]),
        "en SCO": ask(page, SCO_EN, SCO_CITIES),
        "zh sister cities 2022": ask(page, "2022年青岛新结好了哪些国际友城？",
                                     ["比什凯克", "埃里温", "泰奈纳诺"]),
        "zh SCO": ask(page, SCO_ZH, SCO_CITIES),
    }
    table = page.locator("#answers").inner_text()
    for city in SCO_CITIES:
        assert city in table
    assert "Bishkek" in table and "吉尔吉斯斯坦" in table  # English name and country columns
    sparql = page.locator("#ask-sparql").inner_text()
    assert "SELECT" in sparql and "membership" in sparql
    print(f"\nwarm-up (ingest + first questions): {running_app.warm_s:.1f} s; "
          f"answers computed on the server in {', '.join(SERVER_TIMES)}")
    print(f"Ask latency, click to answers in the table: first request {first * 1000:.0f} ms; "
          + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items())
          + f"; median {statistics.median(timings.values()) * 1000:.0f} ms")

    page.get_by_role("button", name="在 SPARQL 页编辑 · Open in SPARQL tab").click()
    editor = page.locator("#sparql-editor .cm-content")
    expect(editor).to_contain_text("wsh:membership", timeout=TIMEOUT)
    expect(page.get_by_role("tab", name="SPARQL")).to_have_attribute("aria-selected", "true")


def test_every_answer_row_shows_its_own_sentence_with_its_span_marked(
    page: Page, screenshot: Shot, running_app: Any
) -> None:
    ask(page, SCO_OR_RCEP, ["比什凯克", "清迈", "韩国"])
    rows = page.locator("#answers details.answer-row")
    count = rows.count()
    answer = running_app.workspace.ask(SCO_OR_RCEP)
    assert count == len(answer.answers) + len(answer.inferred) >= 15  # both goals' partners
    for k in range(count):
        row = rows.nth(k)
        name = row.locator(".c-label").inner_text()
        row.locator("summary").click()
        sentences = row.locator(".provenance li")
        expect(sentences.first).to_be_visible()
        marks = row.locator(".provenance mark.answer")
        assert marks.count() >= 1, name
        for text in marks.all_inner_texts():  # a lone character always carries its name
            assert len(text) > 1 or row.locator(".provenance mark.answer + .tag").count(), name
        listed = sentences.all_inner_texts()
        assert len(listed) == len(set(listed)), f"{name}: a sentence shown twice"
        if "inferred" in row.locator(".c-basis").inner_text():
            memberships = row.locator(".memberships")
            expect(memberships).to_contain_text("来源 source:")
            assert "SCO" in memberships.inner_text() or "RCEP" in memberships.inner_text()
        row.locator("summary").click()  # closed again

    japan = rows.filter(has=page.locator(".c-label", has_text="日本"))
    japan.locator("summary").click()
    marked = japan.locator(".provenance mark.answer").all_inner_texts()
    assert "日本" in marked and "韩、日、泰三国" in marked  # the list, not 日 of 韩、日、泰
    assert "日" not in marked
    expect(japan.locator(".provenance mark.answer + .tag").first).to_have_text("日本")
    yerevan = rows.filter(has=page.locator(".c-label", has_text="埃里温"))
    yerevan.locator("summary").click()
    expect(yerevan.locator(".memberships")).to_contain_text("dialogue partner")
    expect(yerevan.locator(".memberships")).to_contain_text("亚美尼亚")
    korea = rows.filter(has=page.locator(".c-label", has_text="韩国"))
    korea.locator("summary").click()
    marked = korea.locator(".provenance mark.answer").all_inner_texts()
    assert "中韩" in marked  # the pair of 中韩、中尼外长会 marked whole, with its name

    bishkek = rows.filter(has=page.locator(".c-label", has_text="比什凯克"))
    bishkek.locator("summary").click()
    expect(bishkek.locator(".provenance mark.answer").first).to_have_text("比什凯克")
    expect(bishkek.locator(".provenance mark.support").first).to_be_visible()  # its goal
    screenshot(page, "ask.png")

    # the reader opens the report at that sentence, with its neighbours
    current = bishkek.locator(".provenance li").first.inner_text()
    bishkek.locator("a.read").first.click()
    reader = page.locator("#reader .waishi-reader")
    expect(reader).to_be_visible(timeout=TIMEOUT)
    expect(reader.locator("li.current mark.answer").first).to_have_text("比什凯克")
    assert reader.locator("li").count() >= 4
    assert reader.locator("li.current").inner_text().split("阅读")[0].strip() in current
    expect(reader).to_contain_text("qingdao-fao-")
    screenshot(page, "reader.png", full_page=False)
    where = reader.locator("p.doc").inner_text()  # 第 n / m 句
    reader.get_by_role("link", name="下文 later ▶").click()
    expect(page.locator("#reader .waishi-reader p.doc")).not_to_have_text(where, timeout=TIMEOUT)
    page.keyboard.press("Escape")
    expect(page.locator("#reader .waishi-reader")).to_have_count(0)


def test_the_page_fetches_nothing_from_outside_the_machine(page: Page) -> None:
    requests: list[str] = page.requests  # type: ignore[attr-defined]
    ask(page, SCO_EN, SCO_CITIES[:1])
    page.locator("#answers details.answer-row summary").first.click()
    page.locator("#answers a.read").first.click()
    expect(page.locator("#reader .waishi-reader")).to_be_visible(timeout=TIMEOUT)
    page.keyboard.press("Escape")
    for tab in ("探索 Explore", "SPARQL", "文档 Documents", "问答 Ask"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
        if tab == "SPARQL":
            page.click("#sparql-run")
            expect(page.locator("#sparql-results .pager")).to_be_visible(timeout=TIMEOUT)
    graph_frame(page)
    page.wait_for_timeout(1500)  # gradio keeps a stream open: the network never idles
    hosts = {urlparse(url).hostname for url in requests
             if urlparse(url).scheme in ("http", "https", "ws", "wss")}
    outside = [url for url in requests
               if urlparse(url).scheme not in ("data", "blob", "about")
               and urlparse(url).hostname != "127.0.0.1"]
    assert len(requests) > 5
    assert hosts == {"127.0.0.1"}
    assert outside == []
