"""Safe SPARQL execution shared by the CLI, the web app and the HTTP endpoint: read-only
checks, a hard time limit, a memory limit, a row cap, result serialisation and negotiation.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import re
import select
import signal
import struct
import threading
import time
from collections.abc import Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from search.process_limits import alarm_in, limit_memory
from search.sparql_exec import (
    Payload,
    engine_of,
    execute_native,
    execute_rdflib,
    native_store,
)
from search.sparql_formats import (  # re-exported: one import for callers
    FORMATS,
    QueryResult,
    ResultFormat,
    formats_for,
    negotiate,
    serialize,
    sparql_term,
)
from search.sparql_guard import JudgedQuery, check_query, judge_query
from waishi.errors import MalformedQuery, QueryTimeout, QueryTooLarge, WaishiError

__all__ = [
    "DEFAULT_MEMORY_MB",
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

DEFAULT_MEMORY_MB = 768  # what one query may allocate on top of its process (query_memory_mb)


def run_query(
    dataset: Graph,
    text: str,
    *,
    timeout_s: float,
    max_rows: int,
    init_bindings: Mapping[str, Identifier] | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> QueryResult:
    """Check and run a query on any rdflib Dataset or Graph within `timeout_s` seconds and
    `memory_mb` MB of memory beyond what this process holds.

    `init_bindings` pins variables by name (IRIs or literals) through a final VALUES row.
    The engine runs the judged text (see search/sparql_guard.py), never the text as sent; on
    the embedded store that is Oxigraph's own parse, natively, over the union of all graphs.

    Why a child process: a Python thread cannot be stopped. Oxigraph evaluates natively with
    the GIL released and has no cancellation: an abandoned thread kept a core at 100 % after
    its deadline (measured), and ORDER BY over a cross product would also fill memory.
    rdflib's own evaluator is pure Python and holds the GIL. So each query runs in a fork of
    this process, which sees the store as it is (memory copy-on-write, Oxigraph through the
    inherited RocksDB handle, a remote store over HTTP), may map at most `memory_mb` more
    (RLIMIT_AS), and is killed at the deadline. The price is the fork: ~15-20 ms in a plain
    process, ~70 ms in one holding torch (page tables grow with memory); `waishi serve` uses
    a pool of warm workers instead (search/query_pool.py). Without fork (Windows) the query
    runs in-process and the deadline is only checked between rows.
    """
    prefixes = {prefix: str(namespace) for prefix, namespace in dataset.namespaces()}
    engine = engine_of(dataset)
    judged = judge_query(_with_bindings(text, init_bindings or {}), prefixes, engine)
    deadline = time.monotonic() + timeout_s
    if hasattr(os, "fork"):
        payload = _run_in_child(dataset, judged, prefixes, max_rows, deadline, memory_mb)
    else:
        payload = _evaluate(dataset, judged, prefixes, max_rows, deadline)
    if payload is None:
        raise QueryTimeout(
            f"the query ran longer than {timeout_s:g} s and was stopped; add a LIMIT, narrow "
            "the patterns, or raise query_timeout_s"
        )
    return query_result(payload, prefixes)


def query_result(payload: Payload, prefixes: Mapping[str, str]) -> QueryResult:
    """The result to serialise: a graph result as an rdflib Graph binding the store's prefixes."""
    graph = None
    if payload.form in {"CONSTRUCT", "DESCRIBE"}:
        graph = Graph()
        for prefix, namespace in prefixes.items():
            graph.bind(prefix, namespace, override=True)
        graph += payload.triples
    return QueryResult(
        payload.form, payload.variables, payload.rows, payload.boolean, graph, payload.truncated
    )


def too_large_message(memory_mb: int) -> str:
    return (
        f"the query needed more than the {memory_mb} MB a query may use and was stopped; add "
        "a LIMIT, narrow the patterns (a cross product grows with the cube of the graph), or "
        "raise query_memory_mb"
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
    judged: JudgedQuery,
    prefixes: dict[str, str],
    max_rows: int,
    deadline: float,
) -> Payload | None:
    store = native_store(dataset)
    if store is not None:
        result = execute_native(store, judged, max_rows, prefixes, deadline)
        return None if result is None else result.to_payload()
    return execute_rdflib(dataset, judged, max_rows, deadline)


_HEADER = struct.Struct("!Q")


def _run_in_child(
    dataset: Graph,
    judged: JudgedQuery,
    prefixes: dict[str, str],
    max_rows: int,
    deadline: float,
    memory_mb: int,
) -> Payload | None:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: evaluate, send one framed message, never return
        code = 0
        try:
            os.close(read_fd)
            # A backstop should the parent die before its deadline.
            alarm_in(deadline - time.monotonic() + 1)
            # Every failure reaches the parent through the pipe: no tracebacks from a child
            # that native code aborts at its memory limit (pytest's faulthandler, Rust).
            faulthandler.disable()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            limit_memory(memory_mb)
            try:
                message: tuple[str, Any] = (
                    "ok", _evaluate(dataset, judged, prefixes, max_rows, deadline)
                )
            except MalformedQuery as exc:
                message = ("malformed", str(exc))
            except MemoryError:
                message = ("memory", "")
            except WaishiError as exc:
                message = ("waishi", str(exc))
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
        # Oxigraph aborts when an allocation fails past RLIMIT_AS (SIGABRT); SIGKILL is the
        # kernel's out-of-memory killer
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in {signal.SIGABRT, signal.SIGKILL}:
            raise QueryTooLarge(too_large_message(memory_mb))
        raise WaishiError(f"the query process ended unexpectedly (wait status {status})")
    kind, value = pickle.loads(data)  # our own child's output
    if kind == "malformed":
        raise MalformedQuery(value)
    if kind == "memory":
        raise QueryTooLarge(too_large_message(memory_mb))
    if kind == "waishi":
        raise WaishiError(value)
    if kind == "error":
        raise WaishiError(f"the store could not run the query: {value}")
    payload: Payload | None = value
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

