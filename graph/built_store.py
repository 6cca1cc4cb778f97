"""The in-memory store a report's graph is built, validated and serialised in before it goes to
the real store: rdflib's SimpleMemory interface, with its three indexes kept by this class.

Every triple of a report passes through here three times (built, walked by pyshacl, written as
N-Triples). SimpleMemory tests each pattern slot with `term != None`, which for rdflib terms is
a Python-level `__eq__` call; pyshacl asks hundreds of thousands of `(s, p, None)` patterns per
ingest, and those comparisons were a third of validation. Here a slot is tested with `is None`
and each index is a dict of dicts of dicts filled without try/except. The object-first index is
made only when a pattern asks for it (building, validating and writing a report never do).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

# the contexts of every triple: none (an exhausted iterator can be shared)
_NO_CONTEXTS: Iterator[Graph | None] = iter(())

# subject -> predicate -> object -> 1, and the two rotations
_Index = dict[Any, dict[Any, dict[Any, int]]]


class BuiltGraphStore(SimpleMemory):
    """A store for one graph (it never holds another), so it may say it is context- and
    graph-aware, as pyshacl asks of the data graph it validates. Namespace bindings are
    SimpleMemory's; the triples and their count are kept here."""

    context_aware = True
    graph_aware = True

    def __init__(self) -> None:
        super().__init__()
        self._spo: _Index = {}
        self._pos: _Index = {}
        self._osp: _Index | None = None  # made on the first (None, None, o) pattern
        self._length = 0

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        s, p, o = triple
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            by_predicate = self._spo[s] = {}
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        elif o in objects:
            return
        objects[o] = 1
        by_object = self._pos.get(p)
        if by_object is None:
            by_object = self._pos[p] = {}
        subjects = by_object.get(o)
        if subjects is None:
            by_object[o] = {s: 1}
        else:
            subjects[s] = 1
        if self._osp is not None:
            self._osp.setdefault(o, {}).setdefault(s, {})[p] = 1
        self._length += 1

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        for (s, p, o), _ in list(self.triples(triple_pattern)):
            del self._spo[s][p][o]
            del self._pos[p][o][s]
            if self._osp is not None:
                del self._osp[o][s][p]
            self._length -= 1

    def __len__(self, context: Any = None) -> int:
        return self._length

    def triples(
        self, triple_pattern: Any, context: Any = None
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Graph | None]]]:
        s, p, o = triple_pattern
        none = _NO_CONTEXTS
        if s is not None:
            by_predicate = self._spo.get(s)
            if not by_predicate:
                return
            if p is not None:
                objects = by_predicate.get(p)
                if not objects:
                    return
                if o is not None:
                    if o in objects:
                        yield (s, p, o), none
                    return
                for obj in objects:
                    yield (s, p, obj), none
                return
            for pred, objects in by_predicate.items():
                if o is not None:
                    if o in objects:
                        yield (s, pred, o), none
                    continue
                for obj in objects:
                    yield (s, pred, obj), none
            return
        if p is not None:
            by_object = self._pos.get(p)
            if not by_object:
                return
            if o is not None:
                for subj in by_object.get(o, ()):
                    yield (subj, p, o), none
                return
            for obj, subjects in by_object.items():
                for subj in subjects:
                    yield (subj, p, obj), none
            return
        if o is not None:
            for subj, predicates in self._object_index().get(o, {}).items():
                for pred in predicates:
                    yield (subj, pred, o), none
            return
        for subj, by_predicate in self._spo.items():
            for pred, objects in by_predicate.items():
                for obj in objects:
                    yield (subj, pred, obj), none

    def indexes(self) -> tuple[_Index, _Index]:
        """The subject-first and predicate-first indexes, to be read, never changed (the
        SHACL pre-check, graph/shape_check.py, walks them instead of matching patterns)."""
        return self._spo, self._pos

    def _object_index(self) -> _Index:
        if self._osp is None:
            self._osp = {}
            for s, by_predicate in self._spo.items():
                for p, objects in by_predicate.items():
                    for o in objects:
                        self._osp.setdefault(o, {}).setdefault(s, {})[p] = 1
        return self._osp
