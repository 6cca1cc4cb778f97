"""SHACL validation of a built graph with pyshacl; a violation raises with a readable report."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

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


def validate(data: Graph) -> None:
    from pyshacl import validate as shacl_validate

    conforms, _, report = shacl_validate(data, shacl_graph=_thread_shapes(), inference="none")
    if not conforms:
        lines = [line for line in str(report).splitlines() if line.strip()][:40]
        raise ShapeViolation("the built graph violates its SHACL shapes:\n" + "\n".join(lines))
