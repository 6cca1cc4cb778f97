"""The SPARQL workbench in a real Chromium: prefixed names whose entities open their card,
pages of 50 rows, sorting, downloads (CSV with a byte-order mark for Excel), the parser's
message with line and column, and a history kept in the browser."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.app.conftest import TIMEOUT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Shot = Callable[..., Path]

LABELS = """SELECT DISTINCT ?entity ?label WHERE {
  ?m wsh:mentionOf ?entity . ?entity rdfs:label ?label .
} ORDER BY ?label"""
SISTER_CITIES = """SELECT DISTINCT ?city ?label WHERE {
  ?f a wsh:Fact ; rdf:predicate wsh:sisterCityOf ; rdf:object ?city .
  ?city rdfs:label ?label . FILTER(LANG(?label) = "zh")
} ORDER BY ?label"""


def run(page: Page, query: str) -> None:
    page.locator("#sparql-editor .cm-content").fill(query)
    page.click("#sparql-run")


def labels(page: Page) -> list[str]:
    """The second column's literals, without their language tags."""
    cells = page.locator("#sparql-results tbody td:nth-child(2)").all_inner_texts()
    return [re.sub(r"@[a-z-]+$", "", cell) for cell in cells]


def shown_page(page: Page) -> int:
    return int(page.locator("#sparql-results .sparql-table").get_attribute("data-current") or -1)


def test_results_show_prefixed_names_and_page_at_fifty_rows(page: Page,
                                                          screenshot: Shot) -> None:
    page.get_by_role("tab", name="SPARQL").click()
    run(page, LABELS)
    pager = page.locator("#sparql-results .pager .where")
    expect(pager).to_contain_text("第 1 /", timeout=TIMEOUT)
    total = int(re.search(r"/ (\d+)$", pager.inner_text()).group(1))  # type: ignore[union-attr]
    assert total > 100
    rows = page.locator("#sparql-results tbody tr")
    expect(rows).to_have_count(50)
    first_cells = page.locator("#sparql-results tbody td:first-child").all_inner_texts()
    assert all(re.match(r"wsd:\w+/", cell) for cell in first_cells), first_cells[:3]
    assert "https://" not in page.locator("#sparql-results tbody").inner_text()
    assert "%E" not in page.locator("#sparql-results tbody").inner_text()  # IRIs decoded
    assert page.locator("#sparql-results tbody td:nth-child(2) small.lang").first.inner_text() \
        in ("@zh", "@en")
    screenshot(page, "sparql.png")

    page.get_by_role("button", name="下一页 next ›").click()
    expect(pager).to_contain_text("行 rows 51–100", timeout=TIMEOUT)
    assert shown_page(page) == 1
    page.get_by_role("button", name="»").click()
    expect(page.locator("#sparql-results .pager .where")).to_contain_text(
        f"–{total} / {total}", timeout=TIMEOUT)
    assert 1 <= rows.count() <= 50

    page.locator("#sparql-results th", has_text="?label").click()  # sorted, from page 1
    expect(page.locator("#sparql-results th[aria-sort=ascending]")).to_have_count(1,
                                                                                timeout=TIMEOUT)
    ascending = labels(page)
    assert shown_page(page) == 0 and ascending == sorted(ascending)
    page.locator("#sparql-results th", has_text="?label").click()
    expect(page.locator("#sparql-results th[aria-sort=descending]")).to_have_count(
        1, timeout=TIMEOUT)
    descending = labels(page)
    assert descending == sorted(descending, reverse=True) and descending[0] > ascending[0]

    # an entity's name opens its card in Explore
    link = page.locator("#sparql-results a.iri", has_text="wsd:city/1528675")
    run(page, SISTER_CITIES)
    expect(link).to_have_count(1, timeout=TIMEOUT)
    link.click()
    expect(page.get_by_role("tab", name="探索 Explore")).to_have_attribute(
        "aria-selected", "true", timeout=TIMEOUT)
    expect(page.locator("#entity-card")).to_contain_text("Bishkek", timeout=TIMEOUT)


def test_downloads_include_a_csv_that_excel_reads_as_utf8(page: Page) -> None:
    page.get_by_role("tab", name="SPARQL").click()
    run(page, SISTER_CITIES)
    expect(page.locator("#sparql-results")).to_contain_text("比什凯克", timeout=TIMEOUT)

    def download(name: str) -> bytes:
        with page.expect_download(timeout=TIMEOUT) as info:
            page.locator(f'#sparql-downloads a[download="{name}"]').click()
        return Path(info.value.path()).read_bytes()

    excel = download("results-excel.csv")
    plain = download("results.csv")
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    assert excel[3:] == plain
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig"))))
    assert rows[0] == ["city", "label"]
    assert {"比什凯克", "埃里温", "泰奈纳诺"} <= {row[1] for row in rows[1:]}
    assert all(row[0].startswith("https://w3id.org/waishi/id/city/") for row in rows[1:])
    for name in ("results.tsv", "results.srj.json", "results.srx.xml"):
        expect(page.locator(f'#sparql-downloads a[download="{name}"]')).to_have_count(1)


def test_errors_show_the_parsers_line_and_column_and_history_stays(page: Page) -> None:
    page.get_by_role("tab", name="SPARQL").click()
    run(page, SISTER_CITIES)
    expect(page.locator("#sparql-results .pager")).to_be_visible(timeout=TIMEOUT)
    status = page.locator("#sparql-status")
    run(page, "SELECT ?s WHERE {\n  ?s ?p ?o .\n")  # the closing brace is missing
    expect(status.locator(".sparql-error")).to_be_visible(timeout=TIMEOUT)
    expect(status).to_contain_text(re.compile(r"line \d+"))
    expect(status).to_contain_text("column")
    expect(page.locator("#sparql-results table")).to_have_count(0)  # no table of "1 2 3"
    run(page, 'INSERT DATA { <urn:a> <urn:b> "c" }')
    expect(status).to_contain_text("not allowed", timeout=TIMEOUT)
    assert "Traceback" not in page.content()

    page.reload()
    page.wait_for_selector("#question textarea", timeout=TIMEOUT)
    page.get_by_role("tab", name="SPARQL").click()
    page.locator("#sparql-history input").click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible(timeout=TIMEOUT)
    listed = options.all_inner_texts()
    assert listed[0].startswith("INSERT DATA") and any("sisterCityOf" in o for o in listed)
    options.filter(has_text="sisterCityOf").first.click()
    expect(page.locator("#sparql-editor .cm-content")).to_contain_text("wsh:sisterCityOf",
                                                                       timeout=TIMEOUT)
