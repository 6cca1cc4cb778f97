"""SHACL validation of a built graph: a compiled pre-check (graph/shape_check.py), then pyshacl
for any graph it does not pass; a violation raises with pyshacl's readable report."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from graph.shape_check import CompiledShape, compile_shapes, surely_conforms
from waishi.errors import WaishiError

SHAPES = Path(__file__).with_name("shapes.ttl")
ONTOLOGY = Path(__file__).with_name("ontology.ttl")


class ShapeViolation(WaishiError):
    """The built graph breaks the SHACL shapes: a bug in a rule, never the user's input."""


@lru_cache(maxsize=1)
def _parsed_shapes() -> Graph:
    return Graph().parse(SHAPES)


def shapes_graph() -> Graph:
    """A copy of the shapes, parsed once per process (a copy costs a third of a parse): pyshacl
    adds triples to the shapes graph it is given, so concurrent validations must not share one."""
    graph = Graph()
    graph += _parsed_shapes()
    return graph


_per_thread = threading.local()


def _thread_shapes() -> Graph:
    """This thread's copy of the shapes, made on its first validation: what pyshacl adds to a
    shapes graph (two RDFS axioms) is the same every run, so one thread may reuse its copy,
    and a copy per validation cost a quarter of a small report's validation."""
    shapes = getattr(_per_thread, "shapes", None)
    if shapes is None:
        shapes = _per_thread.shapes = shapes_graph()
    return shapes


@lru_cache(maxsize=1)
def _compiled_shapes() -> tuple[CompiledShape, ...] | None:
    return compile_shapes(_parsed_shapes())


def validate(data: Graph) -> None:
    """Raise `ShapeViolation` unless `data` conforms to the shapes. A graph the compiled
    pre-check passes is done (a report's graph took ~60 ms in pyshacl, under 10 in the
    pre-check); any other goes to pyshacl, whose report is the one raised."""
    shapes = _compiled_shapes()
    if shapes is not None and surely_conforms(shapes, data):
        return
    from pyshacl import validate as shacl_validate

    conforms, _, report = shacl_validate(data, shacl_graph=_thread_shapes(), inference="none")
    if not conforms:
        lines = [line for line in str(report).splitlines() if line.strip()][:40]
        raise ShapeViolation("the built graph violates its SHACL shapes:\n" + "\n".join(lines))
