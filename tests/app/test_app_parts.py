"""The app's pure parts, without a store or a browser: marks, abbreviation spans, the page's
messages about uploads, SPARQL pages and names, query history, map labels."""

from __future__ import annotations

import itertools
import math
import random
import re

import pytest

from graph.views import Mark, marked_text
from graph.worldmap import label_size, place_labels
from waishi.app_documents import ingest_message, page_message, without_paths
from waishi.app_provenance import abbreviation_run
from waishi.app_sparql import (
    PAGE_ROWS,
    Cell,
    Table,
    _literal_key,
    history,
    history_choices,
    prefixed_name,
    render_page,
)

LETTERS = set("中韩日泰尼德荷以")


# -- marks -----------------------------------------------------------------------------------


def test_marks_are_escaped_and_overlaps_keep_the_answer() -> None:
    text = "中韩(韩国)、<中尼>外长会"
    marks = [Mark(0, 2, "other", "韩国 · South Korea"), Mark(3, 5, "answer", "韩国"),
             Mark(8, 10, "answer", "尼泊尔 · Nepal", "尼泊尔"), Mark(8, 9, "support"),
             Mark(40, 45, "answer")]  # outside the text: dropped
    out = marked_text(text, marks)
    assert out.count("<mark") == 3
    tagged = ('<mark class="answer" title="尼泊尔 · Nepal">中尼</mark>'
              '<span class="tag">尼泊尔</span>')
    assert tagged in out
    assert "&lt;" in out and "&gt;" in out and "<中" not in out
    assert re.sub(r"<[^>]+>", "", out.replace('<span class="tag">尼泊尔</span>', "")) == (
        "中韩(韩国)、&lt;中尼&gt;外长会")


@pytest.mark.parametrize(("text", "start", "expected"), [
    ("圆满完成中韩、中尼外长会服务保障任务", 8, "中尼"),  # 尼 of 中尼: the compound
    ("圆满完成中韩、中尼外长会服务保障任务", 5, "中韩"),  # not the whole list of compounds
    ("深化我市与韩、日、泰三国的交流合作", 7, "韩、日、泰三国"),  # a list, with its count
    ("对韩合作桥头堡", 1, "韩"),  # alone: the character itself (the page adds its name)
    ("推动欧力士集团中日产业运营总部项目", 8, "中日"),
])
def test_a_one_character_abbreviation_is_marked_with_what_it_stands_in(
        text: str, start: int, expected: str) -> None:
    a, b = abbreviation_run(text, start, LETTERS)
    assert text[a:b] == expected and a <= start < b


# -- messages ------------------------------------------------------------------------------


def test_upload_messages_name_the_file_not_the_server_path() -> None:
    temp = "/tmp/gradio/5f2c0c9e3a/空.txt"
    said = page_message(f"{temp}: the file is empty")
    assert "/tmp" not in said and "gradio" not in said
    assert said.startswith("空.txt: 文件是空的") and "upload it again" in said
    said = without_paths(f"cannot open {temp} or /var/lib/x/y.docx")
    assert said == "cannot open 空.txt or y.docx"


def test_advice_is_what_the_page_can_do() -> None:
    binary = page_message("x.txt: looks binary (many NUL bytes); is it a text report? "
                          "If it is UTF-16, pass --encoding utf-16")
    assert "--encoding" not in binary and "二进制" in binary and ".docx or .pdf" in binary
    unknown = page_message("y.txt: cannot detect the encoding (tried UTF-8, GB18030/GBK, "
                           "UTF-16); pass --encoding NAME")
    assert "--encoding" not in unknown and "UTF-8" in unknown and "编码" in unknown
    kind = page_message("z.exe: unsupported format .exe; use one of .txt, .md")
    assert kind == ("z.exe: 不支持的格式 .exe · unsupported format .exe: upload .txt, .md, "
                    ".html, .docx or .pdf")
    big = page_message("/srv/up/big.pdf: 30000000 bytes is over the limit of 20971520; split "
                       "the report or raise max_upload_bytes")
    assert "max_upload_bytes" not in big and big.startswith("big.pdf: 文件太大")
    other = page_message("w.txt: something new went wrong")
    assert other == "w.txt: 无法读取 · cannot read: something new went wrong"


def test_the_ingest_report_rewrites_only_its_failure_lines() -> None:
    report = ("新增 added: a · 更新 replaced: — · 未变 unchanged: —\n\n"
              "⚠️ e.txt: /tmp/gradio/ab12/e.txt: the file is empty")
    out = ingest_message(report)
    assert out.startswith("新增 added: a") and "/tmp" not in out
    assert out.endswith("\n\n⚠️ e.txt: 文件是空的 · the file is empty: choose the report "
                        "itself and upload it again")


# -- SPARQL ----------------------------------------------------------------------------------

NAMESPACES = [("https://w3id.org/waishi/id/", "wsd"),
              ("https://w3id.org/waishi/ontology#", "wsh")]


def test_prefixed_names_decode_percent_escapes() -> None:
    event = "https://w3id.org/waishi/id/event/" + "%E4%B8%AD%E5%B0%BC%E5%A4%96%E9%95%BF%E4%BC%9A"
    assert prefixed_name(event, NAMESPACES) == "wsd:event/中尼外长会"
    assert prefixed_name("https://w3id.org/waishi/ontology#City", NAMESPACES) == "wsh:City"
    assert prefixed_name("http://example.org/x", NAMESPACES) == "<http://example.org/x>"


def test_numbers_sort_as_numbers_and_before_text() -> None:
    keys = sorted(["10", "9", "abc", "2.5", "-1"], key=_literal_key)
    assert keys == ["-1", "2.5", "9", "10", "abc"]


def table(rows: int) -> Table:
    cells = [[Cell(f"<i>{k}</i>", _literal_key(str(k))), Cell(f"r{k % 7}", (1, f"r{k % 7}"))]
             for k in range(rows)]
    return Table("SELECT", ["?n", "?r"], cells, False, 10_000)


def test_a_result_pages_at_fifty_rows() -> None:
    page = render_page(table(123), "key", 0)
    assert page.count("<tr>") == PAGE_ROWS + 1  # with the header
    assert "第 1 / 3 页 page · 行 rows 1–50 / 123" in page
    assert '<button data-page="0" disabled>«</button>' in page
    last = render_page(table(123), "key", 7)  # past the end: the last page
    assert "第 3 / 3 页 page · 行 rows 101–123 / 123" in last and last.count("<tr>") == 24
    assert '<button data-page="3" disabled>下一页 next ›</button>' in last


def test_sorting_orders_every_row_not_only_the_page() -> None:
    page = render_page(table(123), "key", 0, sort=0, descending=True)
    numbers = [int(n) for n in re.findall(r"<i>(\d+)</i>", page)]
    assert numbers == list(range(122, 72, -1))
    assert 'aria-sort="descending"' in page and "?n ▼" in page


def test_history_keeps_each_query_once_newest_first() -> None:
    kept = history(["SELECT 2", "SELECT 1"], "SELECT 1")
    assert kept == ["SELECT 1", "SELECT 2"]
    assert len(history([f"q{k}" for k in range(30)], "new")) == 20
    assert history(None, "  ") == []
    query = "PREFIX x: <urn:x>\nSELECT ?s\nWHERE { ?s ?p ?o }"
    assert history_choices([query]) == [("SELECT ?s WHERE { ?s ?p ?o }", query)]


# -- map labels ------------------------------------------------------------------------------


def overlaps_dot(box: tuple[float, float, float, float], dot: tuple[float, float, float]) -> bool:
    x, y, w, h = box
    near_x, near_y = min(max(dot[0], x), x + w), min(max(dot[1], y), y + h)
    return math.hypot(dot[0] - near_x, dot[1] - near_y) < dot[2]


def test_no_map_label_sits_on_or_beside_another_dot() -> None:
    rng = random.Random(7)
    # a crowded Europe and a sparse rest of the world
    dots = [(rng.uniform(420, 500), rng.uniform(80, 130), 5.0) for _ in range(14)]
    dots += [(rng.uniform(20, 880), rng.uniform(20, 330), 5.0) for _ in range(14)]
    sizes = [label_size("曼海姆" * (1 + k % 2), "Mannheim") for k in range(len(dots))]
    spots = place_labels(dots, sizes, 900, 355, ((8, 200, 236, 150),))
    shown = [(k, s) for k, s in enumerate(spots) if s.how != "hover"]
    assert len(shown) >= len(dots) // 2
    for k, spot in shown:
        box = (spot.x, spot.y, spot.w, spot.h)
        for j, dot in enumerate(dots):
            if j != k:
                assert not overlaps_dot(box, (dot[0], dot[1], dot[2] + 3)), (k, j)
        assert not (spot.x < 8 + 236 and spot.y + spot.h > 200 and spot.x + spot.w > 8)
    for (_, a), (_, b) in itertools.combinations(shown, 2):
        assert not (a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h)
    beside = [s for _, s in shown if s.how == "beside"]
    for k, spot in shown:  # a label beside its dot touches it within a few units
        if spot.how == "beside":
            x, y, _ = dots[k]
            assert overlaps_dot((spot.x, spot.y, spot.w, spot.h), (x, y, 12)), k
    assert beside
