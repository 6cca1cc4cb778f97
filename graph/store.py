"""The RDF store factory: embedded Oxigraph on disk, in-memory, or a remote SPARQL endpoint,
chosen by name like rdflib's own store plugins. Everything above sees an rdflib `Dataset`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

from graph.namespaces import bind_prefixes
from waishi.errors import StoreUnavailable


def _oxigraph(path: Path, query_endpoint: str, update_endpoint: str) -> Dataset:
    path.mkdir(parents=True, exist_ok=True)
    dataset = Dataset(store="Oxigraph", default_union=True)
    try:
        dataset.open(str(path))
    except OSError as exc:  # a second process holding the lock, or a read-only disk
        raise StoreUnavailable(
            f"cannot open the store at {path} ({exc}); is another waishi process using it?"
        ) from exc
    return dataset


def _memory(path: Path, query_endpoint: str, update_endpoint: str) -> Dataset:
    return Dataset(default_union=True)


def _remote(path: Path, query_endpoint: str, update_endpoint: str) -> Dataset:
    if not query_endpoint:
        raise StoreUnavailable("store = 'sparql' needs store_query_endpoint (and an update one)")
    store = SPARQLUpdateStore(
        query_endpoint=query_endpoint,
        update_endpoint=update_endpoint or query_endpoint,
        context_aware=True,
        autocommit=True,
        method="POST_FORM",
    )
    return Dataset(store=store, default_union=True)


STORES: dict[str, Callable[[Path, str, str], Dataset]] = {
    "oxigraph": _oxigraph,
    "memory": _memory,
    "sparql": _remote,
}


def open_dataset(
    kind: str, path: Path, query_endpoint: str = "", update_endpoint: str = ""
) -> Dataset:
    try:
        factory = STORES[kind]
    except KeyError as exc:
        raise StoreUnavailable(f"unknown store {kind!r}; choose one of {sorted(STORES)}") from exc
    dataset = factory(path, query_endpoint, update_endpoint)
    bind_prefixes(dataset)
    return dataset
