"""Documents in a real Chromium, as two analysts in two browser contexts: a report ingested in
one appears in the other's table and dropdowns without a reload and can be removed there; bad
uploads are answered in both languages, with no server path and advice the page can follow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.app.conftest import TIMEOUT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Shot = Callable[..., Path]


def documents_tab(page: Page) -> None:
    page.get_by_role("tab", name="文档 Documents").click()
    expect(page.locator("#documents")).to_contain_text("qingdao-fao-2022-work-report",
                                                       timeout=TIMEOUT)


def dropdown_options(page: Page, dropdown: str, typed: str) -> list[str]:
    box = page.locator(f"{dropdown} input")
    box.click()
    box.fill(typed)
    box.press("End")
    page.wait_for_timeout(300)
    found = page.get_by_role("option").all_inner_texts()
    box.fill("")
    box.press("Escape")
    box.blur()
    return found


def test_a_report_added_in_one_browser_shows_in_another_and_is_removed_there(
    pages: Callable[..., Page], tmp_path: Path, screenshot: Shot
) -> None:
    first, second = pages(), pages()  # both open before the report exists
    for page in (first, second):
        documents_tab(page)
    report = tmp_path / "lusaka-visit.txt"
    report.write_text("我市与卢萨卡(赞比亚)开展友好交流,双方签署友好合作备忘录。\n",
                      encoding="utf-8")
    first.locator("#upload input[type=file]").set_input_files(str(report))
    first.click("#ingest")
    expect(first.locator("#ingest-report")).to_contain_text("新增 added: lusaka-visit",
                                                            timeout=TIMEOUT)
    expect(first.locator("#doc-entities")).to_contain_text("卢萨卡")
    expect(first.locator("#doc-entities")).to_contain_text("Zambia")

    # the second page learns of it by itself: table, counts and dropdowns
    expect(second.locator("#documents")).to_contain_text("lusaka-visit", timeout=TIMEOUT)
    expect(second.locator("#store-counts")).to_contain_text("3 篇报告 reports")
    second.get_by_role("tab", name="探索 Explore").click()
    assert any(o.startswith("卢萨卡") for o in dropdown_options(second, "#entity-search", "卢萨卡"))
    assert any(o.startswith("卢萨卡") for o in dropdown_options(second, "#path-to", "卢萨卡"))
    second.get_by_text("全部实体 All entities").click()
    expect(second.locator("#entity-list")).to_contain_text("卢萨卡")
    documents_tab(second)
    screenshot(second, "documents.png")

    second.locator("#doc-pick input").click()
    second.get_by_role("option", name="lusaka-visit").click()
    expect(second.locator("#doc-entities")).to_contain_text("卢萨卡", timeout=TIMEOUT)
    second.get_by_role("button", name="删除 Remove").click()
    expect(second.locator("#ingest-report")).to_contain_text("已删除 removed lusaka-visit",
                                                             timeout=TIMEOUT)
    expect(second.locator("#documents")).not_to_contain_text("lusaka-visit")
    # and the first page learns of the removal
    expect(first.locator("#documents")).not_to_contain_text("lusaka-visit", timeout=TIMEOUT)
    expect(first.locator("#store-counts")).to_contain_text("2 篇报告 reports")
    expect(first.locator("#doc-pick")).not_to_contain_text("lusaka-visit")


def test_bad_uploads_get_bilingual_advice_without_server_paths(page: Page,
                                                               tmp_path: Path) -> None:
    documents_tab(page)
    empty = tmp_path / "empty-report.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 64)  # a binary file named .txt
    program = tmp_path / "tool.exe"
    program.write_bytes(b"MZ\x90\x00" * 64)
    page.locator("#upload input[type=file]").set_input_files([str(empty), str(binary),
                                                              str(program)])
    page.click("#ingest")
    said = page.locator("#ingest-report")
    expect(said).to_contain_text("tool.exe", timeout=TIMEOUT)
    text = said.inner_text()
    assert "/tmp" not in text and "gradio" not in text and "--encoding" not in text
    assert "empty-report.txt: 文件是空的 · the file is empty" in text
    assert "scan.txt: 看起来是二进制文件" in text and "upload the original .docx or .pdf" in text
    assert "tool.exe: 不支持的格式 .exe · unsupported format .exe" in text
    expect(page.locator("#documents")).not_to_contain_text("scan")  # nothing half-stored
