"""Safe SPARQL execution shared by the CLI, the web app and the HTTP endpoint: read-only
checks, a hard time limit, a row cap, result serialisation and content negotiation.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import select
import signal
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from search.sparql_formats import (  # re-exported: one import for callers
    FORMATS,
    QueryResult,
    ResultFormat,
    Row,
    formats_for,
    negotiate,
    serialize,
    sparql_term,
)
from search.sparql_guard import check_query, judge_query
from waishi.errors import MalformedQuery, QueryTimeout, WaishiError

__all__ = [
    "FORMATS",
    "QueryResult",
    "ResultFormat",
    "check_query",
    "formats_for",
    "judge_query",
    "negotiate",
    "run_query",
    "serialize",
]


# -- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Payload:
    """The picklable part of a result, sent from the evaluating child to the parent."""

    variables: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False


def run_query(
    dataset: Graph,
    text: str,
    *,
    timeout_s: float,
    max_rows: int,
    init_bindings: Mapping[str, Identifier] | None = None,
) -> QueryResult:
    """Check and run a query on any rdflib Dataset or Graph within `timeout_s` seconds.

    `init_bindings` pins variables by name (IRIs or literals) through a final VALUES row.

    Why a child process: a Python thread cannot be stopped. Oxigraph evaluates natively with
    the GIL released and has no cancellation: an abandoned thread kept a core at 100 % after
    its deadline (measured), and ORDER BY over a cross product would also fill memory.
    rdflib's own evaluator is pure Python and holds the GIL. So each query runs in a fork of
    this process, which sees the store as it is (memory copy-on-write, Oxigraph through the
    inherited RocksDB handle, a remote store over HTTP) and is killed at the deadline.
    Measured on both embedded stores: a three-way cross product is stopped 10-70 ms after
    the limit and the next query runs normally; 300 forked queries while other threads read
    and wrote the Oxigraph store never hung. The price is the fork: run_query adds ~15-20 ms
    to a query in a plain process and ~70 ms in one holding torch and the embedding model
    (page tables grow with memory). Without fork (Windows) the query runs in-process and the
    deadline is only checked between rows.
    """
    prefixes = {prefix: str(namespace) for prefix, namespace in dataset.namespaces()}
    # The engine runs the judged (canonical) text, never the text as sent: see sparql_guard.
    judged = judge_query(_with_bindings(text, init_bindings or {}), prefixes)
    text, form = judged.text, judged.form
    deadline = time.monotonic() + timeout_s
    if hasattr(os, "fork"):
        payload = _run_in_child(dataset, text, form, max_rows, deadline)
    else:
        payload = _evaluate(dataset, text, form, max_rows, deadline)
    if payload is None:
        raise QueryTimeout(
            f"the query ran longer than {timeout_s:g} s and was stopped; add a LIMIT, narrow "
            "the patterns, or raise query_timeout_s"
        )
    graph = None
    if form in {"CONSTRUCT", "DESCRIBE"}:
        graph = Graph()
        for prefix, namespace in prefixes.items():
            graph.bind(prefix, namespace, override=True)
        graph += payload.triples
    return QueryResult(
        form, payload.variables, payload.rows, payload.boolean, graph, payload.truncated
    )


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')


def _with_bindings(text: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with a final VALUES row: rdflib's initBindings and Oxigraph's substitutions
    differ (Oxigraph wants the variable projected), standard VALUES means the same everywhere.
    """
    if not bindings:
        return text
    for name, term in bindings.items():
        if not _VARIABLE.fullmatch(name) or not (
            isinstance(term, Literal) or (isinstance(term, URIRef) and _IRI.fullmatch(term))
        ):
            raise WaishiError(f"cannot bind ?{name} to {term!r}: bind IRIs or literals by name")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(sparql_term(term) for term in bindings.values())
    return f"{text}\nVALUES ({names}) {{ ({values}) }}"  # newline: the text may end in a comment


def _evaluate(
    dataset: Graph,
    text: str,
    form: str,
    max_rows: int,
    deadline: float,
) -> _Payload | None:
    """Evaluate and collect at most `max_rows`; None when the deadline passes between rows."""
    try:
        result = dataset.query(text)
    except SyntaxError as exc:  # Oxigraph's parser is stricter than rdflib's in places
        message = str(exc) if len(str(exc)) < 300 else f"{str(exc)[:300]}…"
        raise MalformedQuery(f"SPARQL error: {message}") from exc
    if form == "ASK":
        return _Payload(boolean=bool(result.askAnswer))
    if form == "SELECT":
        variables = tuple(str(v) for v in result.vars or ())
        rows: list[Row] = []
        for row in result:
            if time.monotonic() > deadline:
                return None
            if len(rows) == max_rows:
                return _Payload(variables, rows, truncated=True)
            rows.append(tuple(row))  # type: ignore[arg-type]
        return _Payload(variables, rows)
    triples: list[tuple[Node, Node, Node]] = []
    for triple in result.graph or Graph():
        if len(triples) == max_rows:
            return _Payload(triples=triples, truncated=True)
        triples.append(triple)
    return _Payload(triples=triples)


_HEADER = struct.Struct("!Q")


def _run_in_child(
    dataset: Graph,
    text: str,
    form: str,
    max_rows: int,
    deadline: float,
) -> _Payload | None:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: evaluate, send one framed message, never return
        code = 0
        try:
            os.close(read_fd)
            # A backstop should the parent die before its deadline: the default SIGALRM
            # action ends the process, native code or not.
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 0) + 1)
            try:
                message: tuple[str, Any] = (
                    "ok", _evaluate(dataset, text, form, max_rows, deadline)
                )
            except MalformedQuery as exc:
                message = ("malformed", str(exc))
            except BaseException as exc:
                message = ("error", f"{type(exc).__name__}: {exc}")
            body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            frame = _HEADER.pack(len(body)) + body
            while frame:
                frame = frame[os.write(write_fd, frame) :]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    data: bytes | None = None
    status: int | None = None  # set once the child has been reaped
    try:
        data, status = _receive(read_fd, pid, deadline)
    finally:
        os.close(read_fd)
        if status is None:
            if data is None:  # the deadline passed, or the caller was interrupted
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            # Tearing down a large process's memory takes as long as forking it (~20 ms with
            # torch loaded): reap in the background rather than make the caller wait.
            threading.Thread(target=_reap, args=(pid,), name="reap-query", daemon=True).start()
    if data is None:
        if status is None:
            return None
        raise WaishiError(
            f"the query process ended unexpectedly (wait status {status}); "
            "it may have run out of memory"
        )
    kind, value = pickle.loads(data)  # our own child's output
    if kind == "malformed":
        raise MalformedQuery(value)
    if kind == "error":
        raise WaishiError(f"the store could not run the query: {value}")
    payload: _Payload | None = value
    return payload


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _receive(fd: int, pid: int, deadline: float) -> tuple[bytes | None, int | None]:
    """The child's framed message (None at the deadline or if it died first), and its wait
    status if this had to reap it.

    Framed rather than read to end of file: a sibling child forked meanwhile by another
    thread inherits our pipe's write end and would hold the end of file back.
    """
    buffer = bytearray()
    while not _complete(buffer):
        left = deadline - time.monotonic()
        if left <= 0:
            return None, None
        if select.select([fd], [], [], min(left, 0.2))[0]:
            chunk = os.read(fd, 1 << 20)
            buffer += chunk
            if chunk:
                continue
            # End of file: the child has closed its end, so it is exiting.
            _, status = os.waitpid(pid, 0)
        else:
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                continue
            while select.select([fd], [], [], 0)[0] and (chunk := os.read(fd, 1 << 20)):
                buffer += chunk  # what it wrote just before exiting
        return (bytes(buffer[_HEADER.size :]) if _complete(buffer) else None), status
    return bytes(buffer[_HEADER.size :]), None


def _complete(buffer: bytearray) -> bool:
    return (
        len(buffer) >= _HEADER.size
        and len(buffer) >= _HEADER.size + _HEADER.unpack_from(buffer)[0]
    )


# -- formats ---------------------------------------------------------------------------------

