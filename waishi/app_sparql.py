"""The SPARQL tab's workbench: runs a query through the safe executor, shows its result a page
at a time with prefixed names (entities open their card), sorts it by any column, writes the
downloads (CSV also with a byte-order mark for Excel) and keeps the last results for paging."""

from __future__ import annotations

import html
import re
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from graph.namespaces import PREFIXES
from search.sparql import formats_for, run_query, serialize
from waishi.app_views import Views
from waishi.errors import MalformedQuery, WaishiError

PAGE_ROWS = 50
KEPT_RESULTS = 16  # results kept for paging, across all pages of the app
BOM = b"\xef\xbb\xbf"
FILE_NAMES = {"json": "results.srj.json", "xml": "results.srx.xml", "jsonld": "results.jsonld",
              "turtle": "results.ttl"}
EXCEL_CSV = "results-excel.csv"


@dataclass(frozen=True)
class Cell:
    html: str
    key: tuple[int, Any]  # sorts numbers as numbers, then text


@dataclass
class Table:
    form: str
    columns: list[str]
    cells: list[list[Cell]]
    truncated: bool
    limit: int


class Workbench:
    """The last results run on this app, by id, for paging and sorting without running the
    query again."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.tables: OrderedDict[str, Table] = OrderedDict()
        self.lock = threading.Lock()
        ns = {prefix: str(iri) for prefix, iri in PREFIXES.items()}
        with views.lock:
            ns.update({p: str(i) for p, i in views.ws.dataset.namespaces() if p})
        # longest namespace first: wsd:graph/… before a shorter one that also matches
        self.namespaces = sorted(((iri, p) for p, iri in ns.items() if iri),
                                 key=lambda item: -len(item[0]))

    def run(self, text: str) -> tuple[str, str, list[str] | None, str]:
        """Status, first page, download files and the result id (empty on error)."""
        if not (text or "").strip():
            return "请输入查询 · type a query", "", None, ""
        settings = self.views.ws.settings
        started = time.perf_counter()
        try:
            with self.views.lock:
                result = run_query(self.views.ws.dataset, text,
                                   timeout_s=settings.query_timeout_s,
                                   max_rows=settings.max_result_rows)
            files = self._files(result)
        except MalformedQuery as exc:
            return _error("语法错误 Syntax error", str(exc)), "", None, ""
        except WaishiError as exc:
            return _error("无法运行 Cannot run", str(exc)), "", None, ""
        elapsed = (time.perf_counter() - started) * 1000
        table = self._table(result, settings.max_result_rows)
        key = uuid.uuid4().hex
        with self.lock:
            self.tables[key] = table
            while len(self.tables) > KEPT_RESULTS:
                self.tables.popitem(last=False)
        status = f"{table.form}: **{len(table.cells)}** 行 rows · {elapsed:.0f} ms"
        if table.truncated:
            status += f" (截断 truncated at {table.limit})"
        return status, self.page(key, 0), files, key

    def page(self, key: str, number: int, sort: int | None = None,
             descending: bool = False) -> str:
        """One page of a kept result, sorted by column `sort` when given."""
        with self.lock:
            table = self.tables.get(key)
        if table is None:
            return ('<p class="none">结果已过期，请重新运行 · the result expired: run the query '
                    "again</p>")
        return render_page(table, key, number, sort, descending)

    def _files(self, result: Any) -> list[str]:
        folder = Path(tempfile.mkdtemp(dir=self.views.out_dir))
        files = []
        for fmt in formats_for(result.form):
            body, _ = serialize(result, fmt)
            path = folder / FILE_NAMES.get(fmt, f"results.{fmt}")
            path.write_bytes(body)
            files.append(str(path))
            if fmt == "csv":  # Excel reads UTF-8 only after a byte-order mark
                (folder / EXCEL_CSV).write_bytes(BOM + body)
                files.append(str(folder / EXCEL_CSV))
        return files

    def _table(self, result: Any, limit: int) -> Table:
        if result.form == "ASK":
            cell = Cell(str(result.boolean).lower(), (1, str(result.boolean)))
            return Table("ASK", ["ASK"], [[cell]], False, limit)
        if result.graph is not None:
            rows = [[self.cell(t) for t in triple] for triple in sorted(result.graph)]
            return Table(result.form, ["subject", "predicate", "object"], rows,
                         result.truncated, limit)
        rows = [[self.cell(t) for t in row] for row in result.rows]
        return Table(result.form, [f"?{v}" for v in result.variables], rows,
                     result.truncated, limit)

    # -- cells --------------------------------------------------------------------------

    def prefixed(self, iri: str) -> str:
        return prefixed_name(iri, self.namespaces)

    def cell(self, term: Identifier | None) -> Cell:
        if term is None:
            return Cell("", (2, ""))
        if isinstance(term, URIRef):
            iri = str(term)
            name = html.escape(self.prefixed(iri))
            views = self.views
            if iri in views.graph or iri in views.entities:
                label = views.entity_name(iri)
                return Cell(f'<a href="#" class="iri" data-iri="{html.escape(iri)}" '
                            f'title="{html.escape(iri)}">{name}</a> '
                            f'<small class="label">{html.escape(label)}</small>',
                            (1, self.prefixed(iri)))
            return Cell(f'<span class="iri" title="{html.escape(iri)}">{name}</span>',
                        (1, self.prefixed(iri)))
        if isinstance(term, BNode):
            return Cell(f'<span class="bnode">_:{html.escape(str(term))}</span>', (1, str(term)))
        if isinstance(term, Literal):
            text = str(term)
            extra = ""
            if term.language:
                extra = f'<small class="lang">@{html.escape(term.language)}</small>'
            elif term.datatype:
                extra = (f'<small class="datatype">^^'
                         f"{html.escape(self.prefixed(str(term.datatype)))}</small>")
            return Cell(f"{html.escape(text)}{extra}", _literal_key(text))
        return Cell(html.escape(str(term)), (1, str(term)))


def prefixed_name(iri: str, namespaces: list[tuple[str, str]]) -> str:
    """wsd:city/1528675 for the IRI, percent-escapes decoded, by the first (longest) of the
    (namespace, prefix) pairs that fits; the IRI in angle brackets when none does."""
    for namespace, prefix in namespaces:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{unquote(iri[len(namespace):])}"
    return f"<{unquote(iri)}>"


def render_page(table: Table, key: str, number: int, sort: int | None = None,
                descending: bool = False) -> str:
    """Page `number` (from 0) of a table, PAGE_ROWS rows, sorted by column `sort`."""
    rows = table.cells
    if sort is not None and 0 <= sort < len(table.columns):
        rows = sorted(rows, key=lambda r: r[sort].key, reverse=descending)
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    number = min(max(number, 0), pages - 1)
    first = number * PAGE_ROWS
    shown = rows[first:first + PAGE_ROWS]
    head = []
    for k, column in enumerate(table.columns):
        arrow, state = "", "none"
        if k == sort:
            arrow, state = (" ▼", "descending") if descending else (" ▲", "ascending")
        head.append(f'<th data-sort="{k}" aria-sort="{state}" title="排序 sort">'
                    f"{html.escape(column)}{arrow}</th>")
    body = "".join("<tr>" + "".join(f"<td>{c.html}</td>" for c in row) + "</tr>"
                   for row in shown)
    where = (f"第 {number + 1} / {pages} 页 page · 行 rows {first + 1 if shown else 0}–"
             f"{first + len(shown)} / {len(rows)}")

    def button(target: int, text: str, off: bool) -> str:
        return f'<button data-page="{target}"{" disabled" if off else ""}>{text}</button>'

    pager = (f'<div class="pager" data-page-count="{pages}">'
             + button(0, "«", number == 0) + button(number - 1, "‹ 上一页 prev", number == 0)
             + f'<span class="where">{where}</span>'
             + button(number + 1, "下一页 next ›", number >= pages - 1)
             + button(pages - 1, "»", number >= pages - 1) + "</div>")
    return (f'<div class="sparql-table" data-result="{key}" data-current="{number}" '
            f'data-sort="{"" if sort is None else sort}" '
            f'data-descending="{str(descending).lower()}">{pager}'
            f'<div class="table-scroll"><table><thead><tr>{"".join(head)}</tr></thead>'
            f"<tbody>{body}</tbody></table></div></div>")


def _literal_key(text: str) -> tuple[int, Any]:
    try:
        return 0, Decimal(text)
    except (InvalidOperation, ValueError):
        return 1, text


_POSITION = re.compile(r"line (\d+), column (\d+)")


def _error(title: str, message: str) -> str:
    """The executor's message as it is (line, column and caret kept), in the page."""
    where = _POSITION.search(message)
    place = (f" · 第 {where.group(1)} 行 line {where.group(1)}, 第 {where.group(2)} 列 column "
             f"{where.group(2)}") if where else ""
    return (f'<div class="sparql-error"><b>⚠️ {html.escape(title)}{html.escape(place)}</b>'
            f"<pre>{html.escape(message)}</pre></div>")


def history(previous: list[str] | None, text: str, keep: int = 20) -> list[str]:
    """The query history with `text` first, each query once."""
    text = (text or "").strip()
    old = [q for q in (previous or []) if isinstance(q, str) and q.strip() != text]
    return ([text] if text else []) + old[:keep - 1]


def history_choices(queries: list[str] | None) -> list[tuple[str, str]]:
    """(one-line summary, query) for the history dropdown."""
    out = []
    for query in queries or []:
        body = " ".join(line for line in query.splitlines()
                        if line.strip() and not line.lstrip().upper().startswith("PREFIX"))
        out.append((body[:90] + ("…" if len(body) > 90 else ""), query))
    return out
