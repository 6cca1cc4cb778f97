"""Atomic graph writes: swap a named graph in one transaction, whatever the backend.

Oxigraph (embedded or server) runs one SPARQL Update request in one transaction, so
"DROP; INSERT DATA" either happens whole or not at all; a crash mid-ingest leaves the previous
graph. rdflib would parse that text itself (minutes for a report), so it goes to the store's
own parser: natively for the embedded store, as an HTTP request for a remote one.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore


def replace_graph(dataset: Dataset, identifier: URIRef, graph: Graph) -> None:
    """Make the named graph `identifier` hold exactly the triples of `graph`."""
    triples = graph.serialize(format="nt")
    update = (f"DROP SILENT GRAPH {identifier.n3()} ;\n"
              f"INSERT DATA {{ GRAPH {identifier.n3()} {{\n{triples}\n}} }}")
    if not _native_update(dataset, update):
        target = dataset.graph(identifier)
        dataset.remove_graph(target)
        target = dataset.graph(identifier)
        target.addN((s, p, o, target) for s, p, o in graph)


def drop_graph(dataset: Dataset, identifier: URIRef) -> None:
    if not _native_update(dataset, f"DROP SILENT GRAPH {identifier.n3()}"):
        dataset.remove_graph(dataset.graph(identifier))


def _native_update(dataset: Dataset, update: str) -> bool:
    """Run `update` by the store's own engine when it has one; False when it has none."""
    store = dataset.store
    inner = getattr(store, "_inner", None)
    if inner is not None and hasattr(inner, "update"):  # oxrdflib: a pyoxigraph.Store
        inner.update(update)
        return True
    if isinstance(store, SPARQLUpdateStore):
        store.update(update)
        return True
    return False
