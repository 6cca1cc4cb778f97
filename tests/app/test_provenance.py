"""Per-answer provenance on the store built from the seed reports, without a browser: every
answer row cites its own sentences, marked by the graph's mention spans; inferred rows cite
the membership they rest on with its source; the reader opens a report at a sentence."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from waishi.app_answers import letters, reader_html
from waishi.app_provenance import provenance
from waishi.app_views import Views

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def views(running_app: Any) -> Iterator[Views]:
    yield Views(running_app.workspace)


@pytest.fixture(scope="module")
def rows(views: Views) -> list[Any]:
    answer = views.ws.ask("Which partners support SCO or RCEP goals?")
    return provenance(views, answer, letters(views))


def test_every_row_has_a_sentence_of_its_own_with_its_mention_marked(rows: list[Any]) -> None:
    assert len(rows) >= 15  # the explicit and inferred partners of both goals
    for row in rows:
        assert row.sentences, row.label
        keys = [(s.doc, s.index) for s, _ in row.sentences]
        assert len(keys) == len(set(keys)), f"{row.label}: a sentence twice"
        answers = [(s.text[m.start:m.end], m.tag) for s, marks in row.sentences for m in marks
                   if m.role == "answer"]
        assert answers, row.label
        for text, tag in answers:  # never a lone character standing for a country untold
            assert len(text) > 1 or tag, (row.label, text)


def test_abbreviations_are_marked_with_what_they_stand_in(rows: list[Any]) -> None:
    japan = next(r for r in rows if r.label == "日本")
    marked = {s.text[m.start:m.end]: m.tag for s, marks in japan.sentences for m in marks
              if m.role == "answer"}
    assert marked.get("韩、日、泰三国") == "日本"  # not 日 alone
    assert "日" not in marked
    korea = next(r for r in rows if r.label == "韩国")
    pairs = {s.text[m.start:m.end]: m.tag for s, marks in korea.sentences for m in marks
             if m.role == "answer" and "中韩、中尼外长会" in s.text}
    assert pairs == {"中韩": "韩国"}  # the pair 中韩 of 中韩、中尼外长会, not 韩 inside it
    marks = [(s.text[m.start:m.end], m.tag) for s, found in korea.sentences for m in found
             if m.role == "answer"]
    assert ("韩国", "") in marks and ("中韩", "韩国") in marks  # 中韩 is marked as Korea's
    assert all(tag == "韩国" for text, tag in marks if len(text) == 1)  # 对韩 says whose 韩


def test_explicit_rows_mark_what_ties_them_and_inferred_rows_cite_membership(
    rows: list[Any]
) -> None:
    bishkek = next(r for r in rows if r.label == "比什凯克")
    assert bishkek.basis == "explicit"
    support = {s.text[m.start:m.end] for s, marks in bishkek.sentences for m in marks
               if m.role == "support"}
    assert "上海合作组织" in support  # the goal the fact ties it to
    for row in rows:
        if row.basis == "inferred":
            assert row.memberships, row.label
            assert all(m.source and m.organisation_zh for m in row.memberships)
            assert any(m.organisation_zh in row.why for m in row.memberships), row.label
    perm = next(r for r in rows if r.label == "彼尔姆")
    assert [m.role for m in perm.memberships] == ["member"]
    assert perm.memberships[0].since == "2001" and "SCO" in perm.memberships[0].source


def test_the_reader_opens_a_report_at_a_sentence_with_its_neighbours(views: Views,
                                                                     rows: list[Any]) -> None:
    bishkek = next(r for r in rows if r.label == "比什凯克")
    sentence = bishkek.sentences[0][0]
    page = reader_html(views, f"{sentence.doc}|{sentence.index}|{bishkek.iri}", "n1")
    assert page.count("<li ") == 7 and page.count('class="current"') == 1
    assert '<mark class="answer"' in page and "比什凯克</mark>" in page
    assert f"第 {sentence.index + 1} /" in page and 'data-open="n1"' in page
    gone = reader_html(views, "no-such-report|3|", "n2")
    assert "no such report" in gone
