"""SHACL validation of a built graph with pyshacl; a violation raises with a readable report."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from waishi.errors import WaishiError

SHAPES = Path(__file__).with_name("shapes.ttl")
ONTOLOGY = Path(__file__).with_name("ontology.ttl")


class ShapeViolation(WaishiError):
    """The built graph breaks the SHACL shapes: a bug in a rule, never the user's input."""


def validate(data: Graph) -> None:
    from pyshacl import validate as shacl_validate

    shapes = Graph().parse(SHAPES)
    conforms, _, report = shacl_validate(data, shacl_graph=shapes, inference="none")
    if not conforms:
        lines = [line for line in str(report).splitlines() if line.strip()][:40]
        raise ShapeViolation("the built graph violates its SHACL shapes:\n" + "\n".join(lines))
