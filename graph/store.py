"""The RDF store factory: embedded Oxigraph on disk, in-memory, or a remote SPARQL endpoint,
chosen by name like rdflib's own store plugins. Everything above sees an rdflib `Dataset`.

The embedded store has one writer and any number of readers in other processes: the writer
opens it with RocksDB's lock and publishes snapshots, readers (`read_only=True`) read the
newest snapshot without the lock (see graph/snapshots.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pyoxigraph
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.query import Result
from rdflib.term import Node

from graph.namespaces import bind_prefixes
from graph.snapshots import Publisher, SnapshotReader, writer_description
from waishi.errors import QueryTimeout, StoreUnavailable


class WriterStore(OxigraphStore):
    """The embedded store opened for writing; each commit publishes a snapshot for readers."""

    def __init__(self, store: pyoxigraph.Store, path: Path) -> None:
        super().__init__(store=store)
        self.publisher = Publisher(store, path)

    def commit(self) -> None:
        self.publisher.committed()

    def close(self, commit_pending_transaction: bool = False) -> None:
        self.publisher.close()
        super().close(commit_pending_transaction)


class ReaderStore(OxigraphStore):
    """The embedded store read from the newest snapshot its writer published; a later
    snapshot is picked up by the next read, without reopening anything."""

    def __init__(self, reader: SnapshotReader) -> None:
        super().__init__()
        self.reader = reader

    @property
    def _inner(self) -> pyoxigraph.Store:
        return self.reader.store()

    def close(self, commit_pending_transaction: bool = False) -> None:
        self.reader.close()

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise StoreUnavailable(
            "this process reads the store without its lock and cannot write it; add or remove "
            "reports with `waishi ingest` or in the app"
        )

    add = addN = remove = update = remove_graph = _read_only

    def add_graph(self, graph: Graph) -> None:
        pass  # rdflib's Dataset.graph() "creates" the graph it returns: nothing to write


WRITER_WAIT_S = 3.0  # a writer waits this long for the lock: a reader may hold it briefly


def _open_for_writing(path: Path, wait_s: float = WRITER_WAIT_S) -> pyoxigraph.Store:
    """The store opened for writing; writers are serialised for `wait_s`, then refused."""
    path.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return pyoxigraph.Store(str(path))
        except OSError as exc:
            if "lock" not in str(exc).lower():
                raise StoreUnavailable(f"cannot open the store at {path} ({exc})") from exc
            if time.monotonic() >= deadline:
                raise StoreUnavailable(
                    f"the store at {path} is open for writing by {writer_description(path)}; "
                    "commands that only read (ask, search, sparql, serve …) work beside it, but "
                    "only one process may write: add reports through it, or stop it first"
                ) from exc
            time.sleep(0.1)


def _oxigraph(path: Path, query_endpoint: str, update_endpoint: str, read_only: bool) -> Dataset:
    if read_only:
        store: OxigraphStore = ReaderStore(_reader(path))
    else:
        store = WriterStore(_open_for_writing(path), path)
    return Dataset(store=store, default_union=True)


def _reader(path: Path) -> SnapshotReader:
    """The newest snapshot. When no process writes the store, it is first brought up to date:
    a writer killed after its last publish left committed reports no snapshot holds, and a
    store written before snapshots existed has none."""
    try:
        writer = _open_for_writing(path, wait_s=0)
    except StoreUnavailable:
        writer = None  # a writer is running: it publishes as it opens and after each commit
    if writer is not None:
        Publisher(writer, path).close(publish=False)  # published once, as it opened
        del writer  # frees RocksDB's lock (writers wait for it, see WRITER_WAIT_S)
    try:
        return SnapshotReader(path, wait_s=10)
    except FileNotFoundError as exc:
        raise StoreUnavailable(
            f"the store at {path} has no snapshot to read and {writer_description(path)} "
            "holds it without publishing one; is it an older waishi? stop it and retry"
        ) from exc


def _memory(path: Path, query_endpoint: str, update_endpoint: str, read_only: bool) -> Dataset:
    return Dataset(default_union=True)


def _remote(path: Path, query_endpoint: str, update_endpoint: str, read_only: bool) -> Dataset:
    if not query_endpoint:
        raise StoreUnavailable("store = 'sparql' needs store_query_endpoint (and an update one)")
    store = RemoteStore(query_endpoint, update_endpoint or query_endpoint)
    store.check_union_default_graph()
    return Dataset(store=store, default_union=True)


# -- the remote store ------------------------------------------------------------------------

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_]+")
_HTTP_TIMEOUT_S = 300.0  # per socket operation; run_query's own deadline stops a slow query
_UNION_HINT = (
    "the default graph of {url} is not the union of its named graphs, which Waishi's queries "
    "expect: start Oxigraph with `oxigraph serve --union-default-graph …` (Fuseki: "
    "tdb2:unionDefaultGraph true)"
)


def _node_to_sparql(node: Node) -> str:
    # Blank nodes (membership records) may be written with INSERT DATA, where a label is
    # scoped to the request and becomes a fresh node; they are never used to match (triples()).
    if isinstance(node, BNode):
        label = str(node) if _BNODE_LABEL.fullmatch(str(node)) else f"b{abs(hash(node))}"
        return f"_:{label}"
    return node.n3()


class RemoteStore(SPARQLUpdateStore):
    """rdflib's SPARQL Update store, made to behave like the embedded one over HTTP.

    - One named graph is swapped atomically: writes are buffered (autocommit off) and a commit
      sends them as one update request (`DROP SILENT GRAPH g ; INSERT DATA { GRAPH g {…} }`),
      which Oxigraph applies in one transaction. Reads commit pending writes first.
    - `CREATE`/`DROP GRAPH` are SILENT: Oxigraph refuses to create a graph that exists or drop
      one that does not. `Dataset.graph(iri)` creates nothing (a graph exists once it has a
      triple), so reading a graph never writes.
    - Queries go as `application/sparql-query` bodies (no URL-length limit), answers come as
      SPARQL JSON or N-Triples, and a refused request raises with the server's own message
      instead of returning an error tuple as rows.
    - The default graph must be the server's union of named graphs, as `Dataset(default_union=
      True)` gives locally; `check_union_default_graph` says how to configure it if not.
    """

    def __init__(self, query_endpoint: str, update_endpoint: str) -> None:
        super().__init__(
            query_endpoint=query_endpoint,
            update_endpoint=update_endpoint,
            context_aware=True,
            autocommit=False,
            dirty_reads=False,
            node_to_sparql=_node_to_sparql,
        )
        self._query_url, self._update_url = query_endpoint, update_endpoint
        self._union_checked = False

    # -- HTTP -------------------------------------------------------------------------------

    def _query(self, query: str, default_graph: str | None = None, **_: Any) -> Result:
        self._queries += 1
        params = {"default-graph-uri": str(default_graph)} if default_graph else {}
        url = self._query_url + (f"?{urlencode(params)}" if params else "")
        body, content_type = self._post(url, query, "application/sparql-query", _ACCEPT)
        try:
            return Result.parse(BytesIO(body), content_type=content_type)
        except Exception as exc:
            # Oxigraph streams results: a query stopped by its --timeout-s ends a 200 answer
            # with a plain-text message instead of the rest of the results
            tail = body[-200:].decode("utf-8", "replace").rsplit("[", 1)[-1].strip()
            if "cancel" in tail.lower():
                raise QueryTimeout(
                    f"the SPARQL endpoint {url} stopped the query at its time limit ({tail})"
                ) from exc
            raise StoreUnavailable(
                f"the SPARQL endpoint {url} sent an answer that does not parse: {tail}"
            ) from exc

    def _update(self, update: str) -> None:
        self._updates += 1
        self._post(self._update_url, update, "application/sparql-update", "*/*")

    def _post(self, url: str, text: str, content_type: str, accept: str) -> tuple[bytes, str]:
        request = Request(
            url,
            data=text.encode("utf-8"),
            headers={"Content-Type": f"{content_type}; charset=utf-8", "Accept": accept},
        )
        try:
            with urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
                kind = response.headers.get("Content-Type", "").split(";")[0].strip()
                return response.read(), kind
        except HTTPError as exc:
            message = exc.read().decode("utf-8", "replace").strip()[:500] or exc.reason
            if exc.code == 400 and content_type == "application/sparql-query":
                # as the embedded store does: search.sparql reports it as a malformed query
                raise SyntaxError(message) from exc
            raise StoreUnavailable(
                f"the SPARQL endpoint {url} refused the request (HTTP {exc.code}): {message}"
            ) from exc
        except (URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreUnavailable(
                f"cannot reach the SPARQL endpoint {url} ({reason}); is the server running? "
                "check store_query_endpoint and store_update_endpoint"
            ) from exc

    # -- transactions and graphs ------------------------------------------------------------

    def commit(self) -> None:
        edits, self._edits = self._edits, None  # a refused request is not retried on every read
        if edits:
            self._update("\n;\n".join(edits))
            if not self._union_checked:
                self.check_union_default_graph()

    def add_graph(self, graph: Graph) -> None:
        pass  # a named graph exists once it holds a triple; reads must not write

    def remove_graph(self, graph: Graph) -> None:
        if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
            self._transaction().append("CLEAR SILENT DEFAULT")
        else:
            self._transaction().append(f"DROP SILENT GRAPH {graph.identifier.n3()}")

    def triples(self, spo: Any, context: Any = None) -> Iterator[Any]:
        if any(isinstance(term, BNode) for term in spo):
            raise ValueError("a remote SPARQL store cannot match a blank node; use SPARQL")
        return super().triples(spo, context)

    def __len__(self, context: Graph | None = None) -> int:
        if context is not None and context.identifier != DATASET_DEFAULT_GRAPH_ID:
            return int(super().__len__(context))
        self.commit()
        # the union repeats a triple held by two graphs; the embedded store counts it once
        rows = self._query(
            "SELECT (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        )
        return int(next(iter(rows))[0])  # type: ignore[index, arg-type]

    def close(self, commit_pending_transaction: bool = True) -> None:
        if commit_pending_transaction:
            self.commit()

    def check_union_default_graph(self) -> None:
        """Raise StoreUnavailable when a triple of a named graph is missing from the default
        graph. Decided on the first triple found; an empty store is checked after its first
        write."""
        probe = self._query(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(!isBlank(?s) && !isBlank(?o)) } LIMIT 1"
        )
        for row in probe:
            s, p, o = row  # type: ignore[misc]
            ask = self._query(f"ASK {{ {s.n3()} {p.n3()} {o.n3()} }}")
            if not ask.askAnswer:
                raise StoreUnavailable(_UNION_HINT.format(url=self._query_url))
            self._union_checked = True


STORES: dict[str, Callable[[Path, str, str, bool], Dataset]] = {
    "oxigraph": _oxigraph,
    "memory": _memory,
    "sparql": _remote,
}


def open_dataset(
    kind: str,
    path: Path,
    query_endpoint: str = "",
    update_endpoint: str = "",
    *,
    read_only: bool = False,
) -> Dataset:
    """The configured store as an rdflib Dataset whose default graph is the union.

    `read_only`: for the embedded store, read its newest snapshot without taking the writer's
    lock (any number of readers beside one writer); the other stores ignore it.
    """
    try:
        factory = STORES[kind]
    except KeyError as exc:
        raise StoreUnavailable(f"unknown store {kind!r}; choose one of {sorted(STORES)}") from exc
    dataset = factory(path, query_endpoint, update_endpoint, read_only)
    bind_prefixes(dataset)
    return dataset
