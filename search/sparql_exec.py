"""Running a judged query on a store: natively on embedded Oxigraph (the judged text, parsed
and executed by Oxigraph alone), or through rdflib's evaluator for the other stores.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from search.sparql_formats import Row
from search.sparql_guard import JudgedQuery
from waishi.errors import MalformedQuery, WaishiError

NativeRow = tuple[Any, ...]  # pyoxigraph terms or None


@dataclass(frozen=True)
class Payload:
    """What a query returned, at most `max_rows` rows or triples (`truncated` says so), in
    rdflib terms; picklable, so a child process can send it."""

    form: str
    variables: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True)
class NativeResult:
    """The same in pyoxigraph terms, as Oxigraph returned them."""

    form: str
    variables: tuple[str, ...] = ()
    rows: list[NativeRow] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    truncated: bool = False

    def to_payload(self) -> Payload:
        rows = [tuple(rdflib_term(t) for t in row) for row in self.rows]
        triples = [(rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object))
                   for t in self.triples]
        return Payload(self.form, self.variables, rows, self.boolean, triples,
                       self.truncated)


def rdflib_term(term: Any) -> Any:
    """A pyoxigraph term as rdflib's (as oxrdflib converts it: a plain literal keeps its
    xsd:string datatype); an RDF-star triple as a tuple; None stays None."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.Triple):
        return rdflib_term(term.subject), rdflib_term(term.predicate), rdflib_term(term.object)
    raise WaishiError(f"unexpected term in a query result: {term!r}")


def native_store(dataset: Graph) -> ox.Store | None:
    """The embedded pyoxigraph store under an oxrdflib dataset (a reader's newest snapshot),
    or None for other stores."""
    inner = getattr(dataset.store, "_inner", None)
    return inner if isinstance(inner, ox.Store) else None


def engine_of(dataset: Graph) -> str:
    """The parser that executes queries on `dataset`: "oxigraph" or "rdflib"."""
    return "oxigraph" if native_store(dataset) is not None else "rdflib"


def execute_native(
    store: ox.Store,
    judged: JudgedQuery,
    max_rows: int,
    prefixes: dict[str, str],
    deadline: float = float("inf"),
) -> NativeResult | None:
    """Run the judged text on Oxigraph over the union of all graphs; Oxigraph's own parser
    decides the grammar (a syntax error is a MalformedQuery). None when the deadline passes
    between rows (a process that can be killed at the deadline need not pass one)."""
    return collect_native(query_native(store, judged, prefixes), judged, max_rows, deadline)


def query_native(store: ox.Store, judged: JudgedQuery, prefixes: dict[str, str]) -> Any:
    """Oxigraph's result for the judged text (lazy: rows are evaluated as they are read)."""
    # only the prefixes the text names: Oxigraph parses every one it is given, per query (the
    # store's 34 cost 0.7-1 ms, more than a small query)
    used = {name: iri for name, iri in prefixes.items() if f"{name}:" in judged.text}
    try:
        return store.query(judged.text, use_default_graph_as_union=True, prefixes=used)
    except SyntaxError as exc:
        raise MalformedQuery(oxigraph_syntax_message(str(exc), judged.text)) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise WaishiError(f"the store could not run the query: {_short(str(exc))}") from exc


def native_form(result: Any, judged: JudgedQuery) -> str:
    """The form of a query from Oxigraph's result for it."""
    if isinstance(result, ox.QueryBoolean):
        return "ASK"
    if isinstance(result, ox.QuerySolutions):
        return "SELECT"
    return judged.form if judged.form in {"CONSTRUCT", "DESCRIBE"} else "CONSTRUCT"


def collect_native(
    result: Any, judged: JudgedQuery, max_rows: int, deadline: float = float("inf")
) -> NativeResult | None:
    """At most `max_rows` rows or triples of a result of query_native, as Python terms."""
    try:
        form = native_form(result, judged)
        if form == "ASK":
            return NativeResult("ASK", boolean=bool(result))
        if form == "SELECT":
            variables = tuple(v.value for v in result.variables)
            rows: list[NativeRow] = []
            for solution in result:
                if len(rows) % 1000 == 999 and time.monotonic() > deadline:
                    return None
                if len(rows) == max_rows:
                    return NativeResult("SELECT", variables, rows, truncated=True)
                rows.append(tuple(solution))
            return NativeResult("SELECT", variables, rows)
        triples: list[Any] = []
        for triple in result:
            if len(triples) % 1000 == 999 and time.monotonic() > deadline:
                return None
            if len(triples) == max_rows:
                return NativeResult(form, triples=triples, truncated=True)
            triples.append(triple)
        return NativeResult(form, triples=triples)
    except (OSError, RuntimeError, ValueError) as exc:  # evaluation errors, e.g. bad regex
        raise WaishiError(f"the store could not run the query: {_short(str(exc))}") from exc


# Oxigraph writes a solution as at least `{}` and a comma: fewer bytes than this per row
# allowed cannot hold more rows than allowed.
_MIN_ROW_BYTES = 3
# Past this many bytes per row allowed, the serialiser is stopped and the rows read one by one
# instead (so a huge result costs its first rows, not its whole text in memory).
_MAX_ROW_BYTES = 512


class _Full(Exception):
    pass


class _BoundedSink:
    """A binary file for Oxigraph's serialiser that stops it past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _Full
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def solutions_json(result: Any, max_rows: int) -> tuple[bytes, bool] | None:
    """SPARQL JSON of a SELECT result of query_native, written by Oxigraph itself, and whether
    it was cut at `max_rows` rows (then with `"truncated": true`, as native_json writes it);
    None when the text grows past a bound for that many rows (the result is then spent: run
    the query again and read it with collect_native).

    Oxigraph's serialiser cost a third of what reading the rows into Python and writing them
    with json did (measured on the load benchmark's queries)."""
    sink = _BoundedSink((1 << 20) + _MAX_ROW_BYTES * max_rows)
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.JSON)
    except _Full:
        return None
    except (OSError, RuntimeError, ValueError) as exc:
        raise WaishiError(f"the store could not run the query: {_short(str(exc))}") from exc
    body = b"".join(sink.chunks)
    if len(body) <= _MIN_ROW_BYTES * max_rows:
        return body, False
    data = json.loads(body)
    bindings = data["results"]["bindings"]
    if len(bindings) <= max_rows:
        return body, False
    data["results"]["bindings"] = bindings[:max_rows]
    data["truncated"] = True
    return json.dumps(data, ensure_ascii=False).encode("utf-8"), True


def execute_rdflib(dataset: Graph, judged: JudgedQuery, max_rows: int, deadline: float
                   ) -> Payload | None:
    """Evaluate through rdflib (in-memory or remote stores); None when the deadline passes
    between rows."""
    try:
        result = dataset.query(judged.text)
    except SyntaxError as exc:  # a remote endpoint's parser is stricter than rdflib's in places
        raise MalformedQuery(f"SPARQL error: {_short(str(exc))}") from exc
    form = judged.form
    if form == "ASK":
        return Payload(form, boolean=bool(result.askAnswer))
    if form == "SELECT":
        variables = tuple(str(v) for v in result.vars or ())
        rows: list[Row] = []
        for row in result:
            if time.monotonic() > deadline:
                return None
            if len(rows) == max_rows:
                return Payload(form, variables, rows, truncated=True)
            rows.append(tuple(row))  # type: ignore[arg-type]
        return Payload(form, variables, rows)
    triples: list[tuple[Node, Node, Node]] = []
    for triple in result.graph or Graph():
        if len(triples) == max_rows:
            return Payload(form, triples=triples, truncated=True)
        triples.append(triple)
    return Payload(form, triples=triples)


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_CHAR_CLASS = re.compile(r"\[[^\]]*\]")


def oxigraph_syntax_message(error: str, text: str) -> str:
    """Oxigraph's parser error as a line/column message with the line and a caret."""
    found = _POSITION.match(error)
    if not found:
        return f"SPARQL syntax error: {_short(error)}"
    line_no, column, detail = int(found.group(1)), int(found.group(2)), found.group(3)
    if "Prefix not found" in detail:
        detail = "unknown prefix; declare it with PREFIX name: <iri>"
    else:  # the alternatives Oxigraph lists: keep the words, drop its character classes
        words = [w.strip() for w in _CHAR_CLASS.sub("", detail).replace("\n", " ").split(",")]
        detail = ", ".join(w for w in words if w)
        detail = detail.replace("expected one of ,", "expected one of").rstrip(", ")
    lines = text.splitlines() or [""]
    line = lines[min(line_no, len(lines)) - 1]
    return (f"SPARQL syntax error at line {line_no}, column {column}: {_short(detail)}\n"
            f"  {line}\n  {' ' * (column - 1)}^")


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else f"{message[:limit]}…"
