"""A query worker: one process of `waishi serve`'s pool. It opens the store read-only, warms
its parsers and serialisers, limits its own memory, then answers one query at a time.

Started by `run()`; it speaks framed pickles over stdin/stdout with the
pool (search/query_pool.py), which starts it, kills it at a query's deadline and replaces it.
A worker never takes a lock a writer needs, and sees a writer's new snapshot on its next query.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import struct
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.store import open_dataset
from search.process_limits import alarm_in, cancel_alarm, limit_memory
from search.sparql import negotiate, query_result, serialize, too_large_message
from search.sparql_exec import (
    collect_native,
    execute_rdflib,
    native_form,
    native_store,
    query_native,
    solutions_json,
)
from search.sparql_formats import native_json
from search.sparql_guard import JudgedQuery, judge_query
from waishi.errors import MalformedQuery, UnsafeQuery, WaishiError

_HEADER = struct.Struct("!Q")
TRUNCATED_HEADER = "Waishi-Truncated"


@dataclass(frozen=True)
class WorkerConfig:
    store: str
    store_dir: str
    query_endpoint: str = ""
    update_endpoint: str = ""
    memory_mb: int = 768


@dataclass(frozen=True)
class QueryJob:
    text: str
    accept: str = ""
    requested: tuple[str, ...] = ()  # the protocol's format/output parameters
    max_rows: int = 10000
    timeout_s: float = 30.0


@dataclass(frozen=True)
class JobReply:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def write_frame(stream: IO[bytes], message: object) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any | None:
    """The next message, or None at end of file (the pool is gone)."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    size = _HEADER.unpack(head)[0]
    body = stream.read(size)
    if len(body) < size:
        return None
    return pickle.loads(body)  # our own pool's messages


def _text(status: int, message: str) -> JobReply:
    return JobReply(status, (message.rstrip("\n") + "\n").encode("utf-8"))


# Verdicts of the guard on the texts last let through, per worker: a client repeats its
# queries, and the verdict depends only on the text, the engine and the worker's prefixes
# (fixed for its life). Refusals are not kept; long texts neither.
_VERDICTS: OrderedDict[tuple[str, str], tuple[dict[str, str], JudgedQuery]] = OrderedDict()
_VERDICTS_KEPT = 256
_VERDICT_TEXT_CHARS = 8192


def judged_query(text: str, prefixes: dict[str, str], engine: str) -> JudgedQuery:
    """judge_query's verdict, from the worker's cache when it judged this text before."""
    if len(text) > _VERDICT_TEXT_CHARS:
        return judge_query(text, prefixes, engine)
    key = (text, engine)
    kept = _VERDICTS.get(key)
    if kept is not None and kept[0] is prefixes:
        _VERDICTS.move_to_end(key)
        return kept[1]
    judged = judge_query(text, prefixes, engine)  # a refusal raises: nothing kept
    _VERDICTS[key] = (prefixes, judged)
    if len(_VERDICTS) > _VERDICTS_KEPT:
        _VERDICTS.popitem(last=False)
    return judged


def _negotiated(accept: str, form: str, requested: tuple[str, ...]) -> str:
    if len(accept) > 512:  # not worth keeping
        return negotiate(accept, form, requested)
    return _negotiated_kept(accept, form, requested)


@functools.lru_cache(maxsize=256)
def _negotiated_kept(accept: str, form: str, requested: tuple[str, ...]) -> str:
    return negotiate(accept, form, requested)


def answer_job(dataset: Any, prefixes: dict[str, str], job: QueryJob) -> JobReply:
    """The whole answer to one query: judged, run, negotiated, serialised."""
    try:
        store = native_store(dataset)
        judged = judged_query(job.text, prefixes, "rdflib" if store is None else "oxigraph")
        if store is not None:
            # no deadline below: the pool kills this worker at it
            result = query_native(store, judged, prefixes)
            form = native_form(result, judged)
            fmt = _negotiated(job.accept, form, tuple(job.requested))
            fast = solutions_json(result, job.max_rows) if (fmt, form) == ("json", "SELECT") \
                else None
            if fast is not None:  # the endpoint's common case, written by Oxigraph itself
                body, truncated = fast
                media_type = "application/sparql-results+json"
            else:
                if form == "SELECT" and fmt == "json":  # too large to write whole: read rows
                    result = query_native(store, judged, prefixes)
                native = collect_native(result, judged, job.max_rows)
                assert native is not None
                truncated = native.truncated
                if fmt == "json" and form in {"SELECT", "ASK"}:
                    body = native_json(form, native.variables, native.rows, native.boolean,
                                       truncated)
                    media_type = "application/sparql-results+json"
                else:
                    body, media_type = serialize(query_result(native.to_payload(), prefixes), fmt)
        else:
            payload = execute_rdflib(dataset, judged, job.max_rows, float("inf"))
            assert payload is not None
            evaluated = query_result(payload, prefixes)
            fmt = negotiate(job.accept, evaluated.form, job.requested)
            truncated = evaluated.truncated
            body, media_type = serialize(evaluated, fmt)
    except UnsafeQuery as exc:
        return _text(403, str(exc))
    except MalformedQuery as exc:
        return _text(400, str(exc))
    except WaishiError as exc:
        return _text(500, str(exc))
    headers = [("Vary", "Accept")]
    if truncated:
        # The formats other than JSON have no field for it; tell every client in a header.
        headers.append((TRUNCATED_HEADER, f"first {job.max_rows} rows"))
    return JobReply(200, body, media_type, tuple(headers))


def _warm(prefixes: dict[str, str]) -> None:
    """Load every parser and serialiser once, before the pool opens its socket: rdflib's
    plugins load on first use, and pyparsing's first parse is not safe to race."""
    from search.sparql_exec import Payload

    judge_query("PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s ex:p ?o }", prefixes)
    judge_query("ASK { ?s ?p ?o }", prefixes, "oxigraph")
    samples = [Payload("SELECT", ("s",), []), Payload("ASK", boolean=True),
               Payload("CONSTRUCT")]
    for sample in samples:
        result = query_result(sample, prefixes)
        for fmt in ("json", "xml", "csv", "tsv", "turtle", "nt", "jsonld"):
            with contextlib.suppress(WaishiError):  # a format that does not fit the form
                serialize(result, fmt)


def main() -> None:
    # stdout carries the protocol; anything a library prints goes to stderr instead
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    protocol_in = sys.stdin.buffer
    config: WorkerConfig | None = read_frame(protocol_in)
    if config is None:
        return
    dataset = open_dataset(config.store, Path(config.store_dir), config.query_endpoint,
                           config.update_endpoint, read_only=True)
    prefixes = {prefix: str(namespace) for prefix, namespace in dataset.namespaces()}
    _warm(prefixes)
    limit_memory(config.memory_mb)
    write_frame(protocol_out, ("ready", os.getpid()))
    while (job := read_frame(protocol_in)) is not None:
        alarm_in(job.timeout_s + 5)  # should the pool be gone before its deadline
        try:
            reply = answer_job(dataset, prefixes, job)
        except MemoryError:
            write_frame(protocol_out, ("reply", _text(503, too_large_message(config.memory_mb))))
            return  # a heap that hit its limit is not worth keeping: the pool starts another
        finally:
            cancel_alarm()
        write_frame(protocol_out, ("reply", reply))


def run() -> None:
    """The worker process's entry point (see search/query_pool.py)."""
    try:
        main()
    except KeyboardInterrupt:
        pass
    except WaishiError as exc:
        print(f"query worker: {exc}", file=sys.stderr)
        sys.exit(1)
