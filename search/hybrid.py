"""Hybrid retrieval: dense, BM25 and graph expansion fused by reciprocal rank.

Only items a retriever actually scored enter the fusion: an English question scores nothing
in BM25 over Chinese text, and its zero-score order would only add noise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from search.corpus import SearchItem

if TYPE_CHECKING:  # their libraries (faiss, bm25s, numpy) load with the first search
    from search.lexical import LexicalIndex
    from search.vector_index import VectorIndex

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    item: SearchItem
    score: float
    sources: tuple[str, ...]


def fuse(
    rankings: Mapping[str, Sequence[int]], k: int = RRF_K
) -> list[tuple[int, float, tuple[str, ...]]]:
    """Reciprocal-rank fusion of several rankings of item indexes."""
    scores: dict[int, float] = {}
    sources: dict[int, list[str]] = {}
    for name, ranking in rankings.items():
        for rank, index in enumerate(ranking):
            scores[index] = scores.get(index, 0.0) + 1.0 / (k + rank + 1)
            sources.setdefault(index, []).append(name)
    ordered = sorted(scores, key=lambda i: -scores[i])
    return [(i, scores[i], tuple(sources[i])) for i in ordered]


class HybridSearch:
    def __init__(
        self,
        dense: VectorIndex,
        lexical: LexicalIndex,
        mentions: Mapping[str, Sequence[str]],  # entity IRI -> sentence IRIs
    ) -> None:
        self.dense = dense
        self.lexical = lexical
        self.items = dense.items
        self._position: dict[str, list[int]] = {}
        for k, item in enumerate(self.items):
            self._position.setdefault(item.item_id, []).append(k)
            if item.parent:
                self._position.setdefault(item.parent, []).append(k)
        self.mentions = mentions
        sentences = sum(1 for item in self.items if item.kind == "sentence")
        self._ubiquitous = max(5, sentences // 5)

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        entities: Sequence[str] = (),
        kind: str | None = None,
        depth: int = 50,
    ) -> list[Hit]:
        vector = self.dense.encoder.encode([query])
        rankings: dict[str, list[int]] = {
            "dense": [i for i, _ in self.dense.search_vector(vector, depth)],
            "bm25": [i for i, _ in self.lexical.search(query, depth)],
        }
        graph: list[int] = []
        for iri in entities:
            sentences = self.mentions.get(iri, ())
            if len(sentences) > self._ubiquitous:
                continue  # the home city is in half the sentences: naming it narrows nothing
            graph.extend(self._position.get(iri, []))
            for sentence in sentences:
                graph.extend(self._position.get(sentence, []))
        graph = list(dict.fromkeys(graph))
        # the graph says which items concern the entity; the query decides their order
        scores = self.dense.similarity(vector, graph)
        rankings["graph"] = [i for _, i in sorted(zip(scores, graph, strict=True), reverse=True)]
        fused = fuse({name: r for name, r in rankings.items() if r})
        hits = [Hit(self.items[i], score, sources) for i, score, sources in fused]
        if kind:
            hits = [h for h in hits if h.item.kind == kind]
        return hits[:k]


class DeferredSearch(HybridSearch):
    """A `HybridSearch` built by `build` on first use: the question answerer holds one, and a
    question the graph answers never loads the model, the vector index or BM25."""

    def __init__(self, build: Callable[[], HybridSearch]) -> None:
        self._build = build
        self._built: HybridSearch | None = None

    @property
    def built(self) -> HybridSearch:
        if self._built is None:
            self._built = self._build()
        return self._built

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        entities: Sequence[str] = (),
        kind: str | None = None,
        depth: int = 50,
    ) -> list[Hit]:
        return self.built.search(query, k, entities=entities, kind=kind, depth=depth)

    def __getattr__(self, name: str) -> Any:  # dense, lexical, items, mentions
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.built, name)
