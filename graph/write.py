"""Atomic graph writes: swap named graphs in one transaction, whatever the backend.

Oxigraph (embedded or server) runs one SPARQL Update request in one transaction, so
"DROP; INSERT DATA" either happens whole or not at all; a crash mid-ingest leaves the previous
graph. rdflib would parse that text itself (minutes for a report), so it goes to the store's
own parser: natively for the embedded store, as an HTTP request for a remote one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore


def write_graphs(
    dataset: Dataset,
    replace: Mapping[URIRef, Graph] | None = None,
    add: Mapping[URIRef, Graph] | None = None,
    drop: Iterable[URIRef] = (),
) -> None:
    """In one transaction: drop graphs, make some named graphs hold exactly the given triples,
    and add triples to others (a triple already there is kept once)."""
    replace, add = replace or {}, add or {}
    operations = [f"DROP SILENT GRAPH {iri.n3()}" for iri in [*drop, *replace]]
    for iri, graph in [*replace.items(), *add.items()]:
        if len(graph):
            operations.append(
                f"INSERT DATA {{ GRAPH {iri.n3()} {{\n{graph.serialize(format='nt')}\n}} }}"
            )
    if not operations or _native_update(dataset, " ;\n".join(operations)):
        return
    for iri in [*drop, *replace]:
        dataset.remove_graph(dataset.graph(iri))
    for iri, graph in [*replace.items(), *add.items()]:
        target = dataset.graph(iri)
        target.addN((s, p, o, target) for s, p, o in graph)


def replace_graph(dataset: Dataset, identifier: URIRef, graph: Graph) -> None:
    """Make the named graph `identifier` hold exactly the triples of `graph`."""
    write_graphs(dataset, replace={identifier: graph})


def drop_graph(dataset: Dataset, identifier: URIRef) -> None:
    write_graphs(dataset, drop=[identifier])


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
