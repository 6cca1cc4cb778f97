"""The Ask tab's pictures: the answers as rows that open on their own sentences (spans marked,
memberships with their source), all evidence sentences once, and the reader that opens a
report at a sentence with its neighbours."""

from __future__ import annotations

import html
import time
from collections.abc import Collection
from typing import Any

from graph.views import Mark, marked_text
from graph.visual import TYPE_STYLES
from waishi.app_provenance import (
    RowProvenance,
    evidence_sentences,
    locate,
    provenance,
    sentence_marks,
)
from waishi.app_views import Sentence, Views

BASIS = {"explicit": "明确 explicit", "inferred": "推断 inferred",
         "membership": "成员资格 membership", "text": "文本 from text"}
READER_CONTEXT = 3  # sentences shown before and after the one opened


def letters(views: Views) -> set[str]:
    """The one-character country abbreviations of the gazetteer (韩, 日, 尼 …)."""
    return views.cached(("letters",), lambda: set(views.ws.gazetteer.abbreviations))


def ask(views: Views, question: str) -> tuple[str, str, str, str]:
    """Status line, answers, all evidence sentences and the SPARQL, for one question."""
    question = (question or "").strip()
    if not question:
        return "请输入问题 · type a question", "", "", ""
    started = time.perf_counter()
    with views.lock:
        answer = views.ws.ask(question)
    marks = letters(views)
    rows = provenance(views, answer, marks)
    status = (f"«{html.escape(question)}» — **{len(answer.answers)}** 个答案 answers · "
              f"**{len(answer.inferred)}** 个推断 inferred · "
              f"意图 intent `{answer.intent}` · 置信度 confidence {round(answer.confidence, 2)} · "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
    if answer.fallback or answer.message:
        status += f"\n\n⚠️ {answer.message or 'no template fits: retrieval fallback'}"
    if rows:
        evidence = evidence_sentences(views, rows)
        shown = _sentences_html(views, evidence, [r.iri for r in rows if r.iri])
        evidence_block = (f'<details class="all-evidence"><summary>全部证据句 All evidence '
                          f"sentences ({len(evidence)})</summary>{shown}</details>")
    else:  # nothing answers: the closest sentences from retrieval, their spans marked
        found = []
        for item in answer.evidence:
            sentence = locate(views, item)
            if sentence is not None:
                start, end = int(item.start) - sentence.start, int(item.end) - sentence.start
                found.append((sentence, [Mark(start, end, "span")]))
        evidence_block = _sentences_html(views, found, [])
    return status, answers_html(views, rows), evidence_block, answer.sparql


def answers_html(views: Views, rows: list[RowProvenance]) -> str:
    if not rows:
        return '<p class="none">没有答案 · no answers</p>'
    head = "".join(f"<span>{c}</span>" for c in (
        "答案 Answer", "英文 English", "类型 Type", "国家 Country", "依据 Basis", "理由 Why"))
    items = [f'<div class="waishi-answers"><div class="answers-head">{head}</div>']
    iris = [r.iri for r in rows if r.iri]
    for row in rows:
        style = TYPE_STYLES.get(row.type)
        kind = f"{style.zh} {style.en}" if style else row.type
        count = len(row.sentences)
        cells = [
            ("label", row.label), ("en", row.label_en), ("type", kind),
            ("country", views.country(row.iri) if row.iri else ""),
            (f"basis basis-{row.basis}", BASIS.get(row.basis, row.basis)), ("why", row.why),
        ]
        summary = "".join(f'<span class="c-{name}">{html.escape(value)}</span>'
                          for name, value in cells)
        summary += f'<span class="c-count">{count} 句 sentence{"s" if count != 1 else ""}</span>'
        body = [_sentences_html(views, row.sentences, [row.iri], others=iris)
                if row.sentences else '<p class="none">没有证据句 · no sentence cited</p>']
        if row.memberships:
            body.append(_memberships_html(views, row))
        if row.iri:
            body.append(f'<p><a class="open-card" data-iri="{html.escape(row.iri)}" '
                        'href="#">实体卡片 Entity card ↗</a></p>')
        items.append(f'<details class="answer-row" data-answer="{html.escape(row.iri)}">'
                     f"<summary>{summary}</summary>"
                     f'<div class="provenance">{"".join(body)}</div></details>')
    items.append("</div>")
    return "".join(items)


def _sentences_html(views: Views, sentences: list[tuple[Sentence, list[Mark]]],
                    read_iris: list[str], others: Collection[str] = ()) -> str:
    if not sentences:
        return '<p class="none">没有证据句 · no evidence sentences</p>'
    items = []
    target = " ".join(read_iris[:1] or [])
    for sentence, marks in sentences:
        where = f"{sentence.doc} · 第 {sentence.index + 1} 句 sentence"
        read = html.escape(f"{sentence.doc}|{sentence.index}|{target}")
        items.append(f'<li><span class="doc">[{html.escape(where)}]</span> '
                     f"{marked_text(sentence.text, marks)} "
                     f'<a class="read" data-read="{read}" href="#">阅读 read ↗</a></li>')
    return '<ol class="waishi-evidence">' + "".join(items) + "</ol>"


def _memberships_html(views: Views, row: RowProvenance) -> str:
    items = []
    for m in row.memberships:
        country = views.entity_name(m.country)
        org = " · ".join(x for x in (m.organisation_zh, m.organisation_en) if x)
        years = f" since {m.since}" if m.since else ""
        years += f" until {m.until}" if m.until else ""
        items.append(f"<li><b>{html.escape(country)}</b> — {html.escape(m.role)} of "
                     f"{html.escape(org)}{html.escape(years)}"
                     f'<br><small class="source">来源 source: {html.escape(m.source or "—")}'
                     "</small></li>")
    return ('<div class="memberships"><b>所依据的成员资格 Membership it rests on</b><ul>'
            + "".join(items) + "</ul></div>")


# -- the reader -------------------------------------------------------------------------------


def reader_html(views: Views, target: str, nonce: str = "") -> str:
    """A report opened at a sentence (`doc|index|iri …`) with its neighbours, the entities of
    the answer marked; empty when the report is gone."""
    doc, _, rest = (target or "").partition("|")
    index_text, _, iri_text = rest.partition("|")
    sentences = views.sentences(doc) if doc in views.documents else []
    if not sentences:
        return (f'<div class="waishi-reader" data-open="{html.escape(nonce)}">'
                '<div class="reader-box">'
                '<button class="close-reader" aria-label="close">×</button>'
                f"<p>没有这篇报告 · no such report: {html.escape(doc)}</p></div></div>")
    index = min(max(int(index_text) if index_text.lstrip("-").isdigit() else 0, 0),
                len(sentences) - 1)
    iris = [i for i in iri_text.split() if i]
    first, last = max(index - READER_CONTEXT, 0), min(index + READER_CONTEXT, len(sentences) - 1)
    marks = letters(views)
    items = []
    for sentence in sentences[first:last + 1]:
        found: list[Mark] = []
        for iri in iris:
            found += sentence_marks(views, sentence, iri, iris, letters=marks)
        current = ' class="current"' if sentence.index == index else ""
        items.append(f'<li value="{sentence.index + 1}"{current}>'
                     f"{marked_text(sentence.text, found)}</li>")
    nav = []
    step = 2 * READER_CONTEXT + 1
    who = " ".join(iris)
    if first > 0:
        back = html.escape(f"{doc}|{max(index - step, 0)}|{who}")
        nav.append(f'<a data-read="{back}" href="#">◀ 上文 earlier</a>')
    if last < len(sentences) - 1:
        forward = html.escape(f"{doc}|{min(index + step, len(sentences) - 1)}|{who}")
        nav.append(f'<a data-read="{forward}" href="#">下文 later ▶</a>')
    return (f'<div class="waishi-reader" data-open="{html.escape(nonce)}" role="dialog" '
            f'aria-label="reader"><div class="reader-box">'
            '<button class="close-reader" aria-label="close">×</button>'
            f"<h4>{html.escape(views.title(doc))}</h4>"
            f'<p class="doc">{html.escape(doc)} · 第 {index + 1} / {len(sentences)} 句 '
            f"sentence</p><ol>{''.join(items)}</ol>"
            f'<nav class="reader-nav">{" ".join(nav)}</nav></div></div>')


def rows_json(rows: list[RowProvenance]) -> list[dict[str, Any]]:
    """The rows as plain data (for tests and scripts)."""
    return [{"label": r.label, "iri": r.iri, "basis": r.basis,
             "sentences": [(s.doc, s.index, [(m.start, m.end, m.role) for m in marks])
                           for s, marks in r.sentences],
             "memberships": [m.source for m in r.memberships]} for r in rows]
