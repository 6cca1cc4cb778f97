"""A quick pre-check of the SHACL shapes: each property shape compiled to plain dict lookups over
the data graph, so a graph that conforms is passed without running pyshacl.

The check is sound, not complete: it passes a graph only when every constraint holds under a
reading at least as strict as pyshacl's (a `sh:class` value typed directly, a datatype matched
exactly, no `rdfs:subClassOf` in the data). Anything else, a real break or a doubtful value,
sends the graph to pyshacl, whose verdict and report stand. Shapes using any term this module
does not read are not compiled at all: every graph then goes to pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from graph.built_store import BuiltGraphStore

# what a compiled property shape may say; any other predicate on a shape means: not compiled
_READ = {
    RDF.type,
    SH.targetClass,
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.nodeKind,
    SH["class"],
    SH.datatype,
    SH.minInclusive,
    SH.maxInclusive,
    SH.pattern,
    SH["in"],
    RDFS.comment,
    RDFS.label,
}
_NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}


@dataclass(frozen=True)
class CompiledShape:
    """One property shape: its targets, the predicates its path follows, its tests."""

    name: str
    classes: tuple[URIRef, ...]
    predicates: tuple[URIRef, ...]  # one, or the alternatives of an sh:alternativePath
    min_count: int
    max_count: int | None
    value_tests: tuple[Callable[[Node, Any], bool], ...]


def compile_shapes(shapes: Graph) -> tuple[CompiledShape, ...] | None:
    """The property shapes of `shapes`, or None when any part of them is not read here."""
    compiled: list[CompiledShape] = []
    shape_nodes = set(shapes.subjects(SH.path, None))
    list_nodes = set(shapes.subjects(RDF.first, None))
    path_nodes = set(shapes.subjects(SH.alternativePath, None))
    for subject in set(shapes.subjects()):
        if subject not in shape_nodes | list_nodes | path_nodes:
            return None  # a node shape, or anything else: pyshacl reads it
    for shape in shape_nodes:
        found = _compile(shapes, shape)
        if found is None:
            return None
        compiled.append(found)
    return tuple(sorted(compiled, key=lambda s: s.name))


def _compile(shapes: Graph, shape: Node) -> CompiledShape | None:
    said = {p for p, _ in shapes.predicate_objects(shape)}
    if not said <= _READ or set(shapes.objects(shape, RDF.type)) != {SH.PropertyShape}:
        return None
    classes = tuple(o for o in shapes.objects(shape, SH.targetClass) if isinstance(o, URIRef))
    paths = list(shapes.objects(shape, SH.path))
    if not classes or len(classes) != len(set(shapes.objects(shape, SH.targetClass))):
        return None
    if len(paths) != 1:
        return None
    predicates = _path_predicates(shapes, paths[0])
    if predicates is None:
        return None
    counts = [_single_int(shapes, shape, p) for p in (SH.minCount, SH.maxCount)]
    if any(c == -1 for c in counts):
        return None
    tests: list[Callable[[Node, Any], bool]] = []
    for kind in shapes.objects(shape, SH.nodeKind):
        if kind != SH.IRI:
            return None
        tests.append(lambda v, _types: isinstance(v, URIRef))
    for cls in shapes.objects(shape, SH["class"]):
        tests.append(_class_test(cls))
    for datatype in shapes.objects(shape, SH.datatype):
        tests.append(_datatype_test(datatype))
    for bound, above in ((SH.minInclusive, True), (SH.maxInclusive, False)):
        for limit in shapes.objects(shape, bound):
            test = _bound_test(limit, above)
            if test is None:
                return None
            tests.append(test)
    for pattern in shapes.objects(shape, SH.pattern):
        tests.append(_pattern_test(re.compile(str(pattern))))
    for members in shapes.objects(shape, SH["in"]):
        tests.append(_in_test(frozenset(Collection(shapes, members))))
    name = str(shape).rsplit("#", 1)[-1] if isinstance(shape, URIRef) else str(shape)
    return CompiledShape(name, classes, predicates, counts[0] or 0, counts[1], tuple(tests))


def _path_predicates(shapes: Graph, path: Node) -> tuple[URIRef, ...] | None:
    if isinstance(path, URIRef):
        return (path,)
    said = set(shapes.predicate_objects(path))
    if len(said) != 1 or next(iter(said))[0] != SH.alternativePath:
        return None
    members = list(Collection(shapes, next(iter(said))[1]))
    if not members or not all(isinstance(m, URIRef) for m in members):
        return None
    return tuple(m for m in members if isinstance(m, URIRef))


def _single_int(shapes: Graph, shape: Node, predicate: URIRef) -> int | None:
    """The shape's one integer value of `predicate`, None if it has none, -1 if unreadable."""
    values = list(shapes.objects(shape, predicate))
    if not values:
        return None
    value = values[0].toPython() if isinstance(values[0], Literal) else None
    if len(values) > 1 or not isinstance(value, int) or isinstance(value, bool):
        return -1
    return value


def _class_test(cls: Node) -> Callable[[Node, Any], bool]:
    return lambda v, types: cls in types.get(v, ())  # typed directly: stricter than pyshacl


def _pattern_test(regex: re.Pattern[str]) -> Callable[[Node, Any], bool]:
    return lambda v, _types: isinstance(v, URIRef | Literal) and regex.search(str(v)) is not None


def _in_test(allowed: frozenset[Node]) -> Callable[[Node, Any], bool]:
    return lambda v, _types: v in allowed


def _datatype_test(datatype: Node) -> Callable[[Node, Any], bool]:
    if datatype == XSD.string:  # a plain literal without a language is an xsd:string
        return lambda v, _types: isinstance(v, Literal) and v.language is None and (
            v.datatype is None or v.datatype == XSD.string
        )
    return lambda v, _types: (
        isinstance(v, Literal) and v.datatype == datatype and not v.ill_typed
    )


def _bound_test(
    limit: Node, above: bool
) -> Callable[[Node, Any], bool] | None:
    bound = limit.toPython() if isinstance(limit, Literal) else None
    if not _is_number(bound):
        return None

    def test(v: Node, _types: Any) -> bool:
        if not isinstance(v, Literal) or v.datatype not in _NUMERIC or v.ill_typed:
            return False
        value = v.toPython()
        if not _is_number(value) or value != value:  # NaN compares false either way
            return False
        return bool(value >= bound) if above else bool(value <= bound)

    return test


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def surely_conforms(shapes: Iterable[CompiledShape], data: Graph) -> bool:
    """True when `data` surely conforms; False when it may not (pyshacl decides then)."""
    spo, pos = _indexes(data)
    if pos.get(RDFS.subClassOf):
        return False  # targets and sh:class would follow the hierarchy
    instances = pos.get(RDF.type, {})
    types = _Types(spo)
    for shape in shapes:
        single = shape.predicates[0] if len(shape.predicates) == 1 else None
        for cls in shape.classes:
            for node in instances.get(cls, ()):
                by_predicate = spo.get(node, _EMPTY)
                if single is not None:
                    found: Iterable[Node] = by_predicate.get(single, _EMPTY)
                    count = len(by_predicate.get(single, _EMPTY))
                else:
                    found = {v for p in shape.predicates for v in by_predicate.get(p, _EMPTY)}
                    count = len(found)
                if count < shape.min_count:
                    return False
                if shape.max_count is not None and count > shape.max_count:
                    return False
                for value in found:
                    for test in shape.value_tests:
                        if not test(value, types):
                            return False
    return True


_EMPTY: dict[Any, Any] = {}


class _Types:
    """A node's rdf:type values, read from the subject index on demand."""

    def __init__(self, spo: Mapping[Node, Mapping[Node, Any]]) -> None:
        self._spo = spo

    def get(self, node: Node, default: Any = ()) -> Any:
        return self._spo.get(node, _EMPTY).get(RDF.type, default)


def _indexes(data: Graph) -> tuple[Mapping[Node, Any], Mapping[Node, Any]]:
    """subject -> predicate -> objects and predicate -> object -> subjects: the built graphs'
    store keeps both; any other graph is read once into them."""
    store = data.store
    if isinstance(store, BuiltGraphStore):
        return store.indexes()
    spo: dict[Node, dict[Node, dict[Node, int]]] = {}
    pos: dict[Node, dict[Node, dict[Node, int]]] = {}
    for s, p, o in data.triples((None, None, None)):
        spo.setdefault(s, {}).setdefault(p, {})[o] = 1
        pos.setdefault(p, {}).setdefault(o, {})[s] = 1
    return spo, pos
