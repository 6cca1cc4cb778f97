"""Atomic graph writes: swap named graphs in one atomic write, whatever the backend.

Oxigraph (embedded or server) runs one SPARQL Update request in one transaction, so
"DROP; INSERT DATA" either happens whole or not at all; a crash mid-ingest leaves the previous
graph. rdflib would parse that text itself (minutes for a report), so it goes to the store's
own parser: natively for the embedded store, as an HTTP request for a remote one.

The embedded store has a faster write than a SPARQL update when nothing is to be dropped (a new
report): `Store.bulk_load` of the graphs as one TriG document, whole or not at all (see
`_ONE_BATCH`). Either is native code that releases the GIL, so a
`GraphWriter` runs them on a thread of its own while the caller builds the next report.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.term import Node

# the embedded store's writes: "is the graph there?" and the write that depends on the answer
# must not interleave with another writer's (one process holds an embedded store)
_NATIVE_WRITES = threading.Lock()

# Oxigraph's bulk loader encodes up to a million quads as one batch, writes it as SST files, one
# a column family, and has RocksDB ingest them all in one call (IngestExternalFiles), which is
# atomic: a crash leaves all of the batch or none of it. A report is far below one batch, so its
# bulk load is as whole as a transaction, and it skips what makes the transaction slow: reading
# every quad, its graph and its strings back before writing them, through more of RocksDB's levels
# as the store grows (11 -> 17-21 µs a quad from an empty store to 1.2M quads, against a flat
# 8.5 by the loader: benchmarks/store_writes.py). Above this size a write takes the transaction.
_ONE_BATCH = 500_000

# A `GraphWriter` gathers consecutive writes of new graphs into one bulk load of up to this many
# quads: one load of many reports runs about twice as fast as one load each (RocksDB ingests one
# set of SST files instead of one per report), and stays as whole (a crash leaves all of it or
# none, so each report whole or absent).
_GATHERED = 100_000

# While a writer thread runs, the interpreter hands the GIL over every half millisecond instead
# of every 5: the thread needs the GIL back after each native write, and it waited up to the full
# interval for the builder's Python to give it up (a tenth of the write's time, paired runs).
_SWITCH_INTERVAL = 0.0005
_switching = {"writers": 0, "interval": 0.0}
_SWITCHING = threading.Lock()


def write_graphs(
    dataset: Dataset,
    replace: Mapping[URIRef, Graph] | None = None,
    add: Mapping[URIRef, Graph] | None = None,
    drop: Iterable[URIRef] = (),
) -> None:
    """In one atomic write: drop graphs, make some named graphs hold exactly the given triples,
    and add triples to others (a triple already there is kept once)."""
    prepare_write(dataset, replace, add, drop)()


def prepare_write(
    dataset: Dataset,
    replace: Mapping[URIRef, Graph] | None = None,
    add: Mapping[URIRef, Graph] | None = None,
    drop: Iterable[URIRef] = (),
) -> Callable[[], None]:
    """`write_graphs` in two steps: the graphs are serialized now, and the returned function
    writes them in one atomic write (for the embedded store, in native code without the GIL)."""
    replace, add = replace or {}, add or {}
    dropped = [*drop, *replace]
    filled = [(iri, graph) for iri, graph in [*replace.items(), *add.items()] if len(graph)]
    if not dropped and not filled:
        return _nothing
    store = dataset.store
    native = _native_store(dataset)
    if native is None and not isinstance(store, SPARQLUpdateStore):
        return lambda: _rdflib_write(dataset, dropped, [*replace.items(), *add.items()])
    texts = [(iri, ntriples(graph)) for iri, graph in filled]
    if isinstance(store, SPARQLUpdateStore):
        update = _sparql_update(dropped, texts)
        return lambda: store.update(update)
    # the store is looked up when the write runs: a function kept by a traceback must not keep
    # an embedded store (and its lock) alive after the workspace is closed
    return lambda: _native_write(dataset, dropped, texts)


def _serialized(
    replace: Mapping[URIRef, Graph] | None,
    add: Mapping[URIRef, Graph] | None,
    drop: Iterable[URIRef],
) -> tuple[list[URIRef], list[tuple[URIRef, str]]]:
    replace, add = replace or {}, add or {}
    filled = [(iri, graph) for iri, graph in [*replace.items(), *add.items()] if len(graph)]
    return [*drop, *replace], [(iri, ntriples(graph)) for iri, graph in filled]


def ntriples(graph: Graph) -> str:
    """The graph as N-Triples, as rdflib's "nt" serializer writes it, in about half the time:
    each distinct term is written once per graph (a report's graph repeats its predicates,
    sentences and short literals thousands of times), where rdflib checks and formats every
    occurrence."""
    written: dict[Node, str] = {}

    def term(node: Node) -> str:
        text = written.get(node)
        if text is None:
            text = written[node] = _nt_literal(node) if isinstance(node, Literal) else node.n3()
        return text

    return "".join([f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in graph])


def _nt_literal(literal: Literal) -> str:
    # N-Triples escapes (ECHAR) for the four characters a quoted string may not hold
    quoted = (
        literal.replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace('"', '\\"')
        .replace("\r", "\\r")
    )
    if literal.language:
        return f'"{quoted}"@{literal.language}'
    if literal.datatype:
        return f'"{quoted}"^^<{literal.datatype}>'
    return f'"{quoted}"'


def _nothing() -> None:
    pass


class GraphWriter:
    """Runs `write_graphs` requests in order, each still one atomic write. For the embedded
    store the writes run on a thread of their own, so the store's native write overlaps the
    building and validation of the next report; other stores write at once.

    `wait()` returns once every request so far is stored and raises the first failure; after a
    failure no later request is written. Leaving the `with` block waits, so an error raised in
    the block (a report that breaks the shapes) leaves every earlier report stored."""

    def __init__(self, dataset: Dataset, queued: int = 2, gathered: int = _GATHERED) -> None:
        self.dataset = dataset
        self._queued = queued
        self._gather_up_to = gathered  # quads of new graphs gathered into one bulk load
        self._pending: deque[Future[None]] = deque()
        self._gathered: list[tuple[list[URIRef], list[tuple[URIRef, str]]]] = []
        self._gathered_quads = 0
        self._failure: BaseException | None = None
        self._executor = (
            ThreadPoolExecutor(1, thread_name_prefix="graph-writer")
            if _native_store(dataset) is not None
            else None
        )
        if self._executor is not None:
            _prompt_switches(True)

    @property
    def takes_text(self) -> bool:
        """Whether `write` takes graphs already written as N-Triples (`texts`): the embedded
        store's writes do."""
        return self._executor is not None

    def write(
        self,
        replace: Mapping[URIRef, Graph] | None = None,
        add: Mapping[URIRef, Graph] | None = None,
        drop: Iterable[URIRef] = (),
        texts: Iterable[tuple[URIRef, str]] = (),
    ) -> None:
        """One atomic write; `texts` are graphs' triples already written as N-Triples (see
        `ntriples`), added after the drops, as `add` is (only where `takes_text`)."""
        self._raise_failure()
        texts = list(texts)
        if self._executor is None:
            if texts:
                raise ValueError("this store's writes take graphs, not N-Triples texts")
            prepare_write(self.dataset, replace, add, drop)()
            return
        dropped, serialized = _serialized(replace, add, drop)
        texts = serialized + [(iri, text) for iri, text in texts if text]
        self._gathered.append((dropped, texts))
        self._gathered_quads += sum(text.count("\n") for _, text in texts)
        if self._gathered_quads >= self._gather_up_to:
            self._flush()
        self._raise_failure()

    def _flush(self) -> None:
        """Hand the gathered writes to the writer thread, as one write where they can be."""
        if not self._gathered or self._executor is None:
            return
        gathered, self._gathered, self._gathered_quads = self._gathered, [], 0
        dataset = self.dataset
        self._pending.append(
            self._executor.submit(self._run, lambda: _native_writes(dataset, gathered))
        )
        while len(self._pending) > self._queued:  # bounded: each holds reports' text
            self._pending.popleft().result()

    def wait(self) -> None:
        """Block until every request so far is stored; raise the first failure."""
        self._flush()
        while self._pending:
            self._pending.popleft().result()
        self._raise_failure()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
                _prompt_switches(False)

    def __enter__(self) -> GraphWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(Exception):  # the block's error is the one to report
            self.close()  # earlier writes still finish

    def _run(self, store_write: Callable[[], None]) -> None:
        if self._failure is not None:
            return  # an earlier request failed: write nothing after it
        try:
            store_write()
        except BaseException as exc:
            # kept until raised: without its frames' locals, so that it holds no reference to
            # the store (an embedded store is unlocked once nothing refers to it)
            traceback.clear_frames(exc.__traceback__)
            self._failure = exc

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure


def _prompt_switches(on: bool) -> None:
    """The first writer thread to start shortens the switch interval; the last to stop restores
    the one it found."""
    with _SWITCHING:
        if on:
            if _switching["writers"] == 0:
                _switching["interval"] = sys.getswitchinterval()
                sys.setswitchinterval(min(_SWITCH_INTERVAL, _switching["interval"]))
            _switching["writers"] += 1
        else:
            _switching["writers"] -= 1
            if _switching["writers"] == 0:
                sys.setswitchinterval(_switching["interval"])


def replace_graph(dataset: Dataset, identifier: URIRef, graph: Graph) -> None:
    """Make the named graph `identifier` hold exactly the triples of `graph`."""
    write_graphs(dataset, replace={identifier: graph})


def drop_graph(dataset: Dataset, identifier: URIRef) -> None:
    write_graphs(dataset, drop=[identifier])


def _native_store(dataset: Dataset) -> Any | None:
    """The embedded pyoxigraph.Store under an oxrdflib dataset, or None."""
    inner = getattr(dataset.store, "_inner", None)
    if inner is not None and hasattr(inner, "update") and hasattr(inner, "load"):
        return inner
    return None


def _sparql_update(dropped: list[URIRef], texts: list[tuple[URIRef, str]]) -> str:
    operations = [f"DROP SILENT GRAPH {iri.n3()}" for iri in dropped]
    for iri, text in texts:
        operations.append(f"INSERT DATA {{ GRAPH {iri.n3()} {{\n{text}\n}} }}")
    return " ;\n".join(operations)


def _native_writes(
    dataset: Dataset, writes: list[tuple[list[URIRef], list[tuple[URIRef, str]]]]
) -> None:
    """Several writes in order: as one bulk load when none drops a stored graph and together
    they fit one batch; else each in its own atomic write."""
    import pyoxigraph

    store = _native_store(dataset)
    if store is None:
        raise ValueError("the embedded store is closed")
    texts = [text for _, found in writes for text in found]
    with _NATIVE_WRITES:
        # a write drops a graph the store holds, or one an earlier write of these fills
        dropping, filled = False, set[URIRef]()
        for dropped, found in writes:
            if any(
                iri in filled or store.contains_named_graph(pyoxigraph.NamedNode(str(iri)))
                for iri in dropped
            ):
                dropping = True
                break
            filled.update(iri for iri, _ in found)
        if not dropping and sum(t.count("\n") for _, t in texts) <= _ONE_BATCH:
            if texts:
                trig = "".join(f"GRAPH {iri.n3()} {{\n{text}\n}}\n" for iri, text in texts)
                store.bulk_load(trig.encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)
            return
    for dropped, found in writes:
        _native_write(dataset, dropped, found)


def _native_write(
    dataset: Dataset, dropped: list[URIRef], texts: list[tuple[URIRef, str]]
) -> None:
    import pyoxigraph

    store = _native_store(dataset)
    if store is None:
        raise ValueError("the embedded store is closed")
    with _NATIVE_WRITES:
        if any(store.contains_named_graph(pyoxigraph.NamedNode(str(iri))) for iri in dropped):
            update = _sparql_update(dropped, texts)
            store.update(update)
        elif texts:  # nothing to drop: the quads are only added
            trig = "".join(f"GRAPH {iri.n3()} {{\n{text}\n}}\n" for iri, text in texts)
            if sum(text.count("\n") for _, text in texts) <= _ONE_BATCH:
                store.bulk_load(trig.encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)
            else:
                store.load(trig.encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG)


def _rdflib_write(
    dataset: Dataset, dropped: list[URIRef], graphs: list[tuple[URIRef, Graph]]
) -> None:
    for iri in dropped:
        dataset.remove_graph(dataset.graph(iri))
    for iri, graph in graphs:
        target = dataset.graph(iri)
        target.addN((s, p, o, target) for s, p, o in graph)
