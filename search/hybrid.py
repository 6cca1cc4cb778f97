"""Hybrid retrieval: dense, BM25 and graph expansion fused by reciprocal rank.

Only items a retriever actually scored enter the fusion: an English question scores nothing
in BM25 over Chinese text, and its zero-score order would only add noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from search.corpus import SearchItem
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
        self._position = {item.item_id: k for k, item in enumerate(self.items)}
        self.mentions = mentions

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        entities: Sequence[str] = (),
        kind: str | None = None,
        depth: int = 50,
    ) -> list[Hit]:
        rankings: dict[str, list[int]] = {
            "dense": [i for i, _ in self.dense.search(query, depth)],
            "bm25": [i for i, _ in self.lexical.search(query, depth)],
        }
        graph: list[int] = []
        for iri in entities:
            if iri in self._position:
                graph.append(self._position[iri])
            graph.extend(
                self._position[s] for s in self.mentions.get(iri, ()) if s in self._position
            )
        rankings["graph"] = list(dict.fromkeys(graph))
        fused = fuse({name: r for name, r in rankings.items() if r})
        hits = [Hit(self.items[i], score, sources) for i, score, sources in fused]
        if kind:
            hits = [h for h in hits if h.item.kind == kind]
        return hits[:k]
