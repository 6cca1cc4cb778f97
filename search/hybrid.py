"""Hybrid retrieval: dense, BM25 and graph expansion fused by reciprocal rank.

Only items a retriever actually scored enter the fusion: an English question scores nothing
in BM25 over Chinese text, and its zero-score order would only add noise. Results read as a
person reads them: a sentence a report repeats comes once with all its places, each result says
why it matched, and mixed results interleave the kinds so that entity cards (short, bilingual,
easily matched on a name every card carries) do not push the sentences that answer off the page.
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


# In mixed results, every third place is an entity card's (the rest are sentences'); when the
# query is little more than a name (LOOKUP_TOKENS words or fewer), the named entity's card leads.
SENTENCES_PER_CARD = 2
LOOKUP_TOKENS = 3


@dataclass(frozen=True)
class Place:
    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    item: SearchItem
    score: float
    sources: tuple[str, ...]
    why: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()  # every place a sentence's text occurs, the item's first


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
        self._places: dict[str, list[Place]] = {}
        for item in self.items:
            if item.kind == "sentence":
                self._places.setdefault(item.text, []).append(Place(item.doc, item.start, item.end))
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
        """The `k` best items; `kind` keeps only "sentence" or "entity" results, and without it
        the kinds are interleaved (`SENTENCES_PER_CARD`). `entities` are the IRIs the query
        names: their cards and the sentences that mention them join the ranking."""
        vector = self.dense.encoder.encode([query])
        dense = self.dense.search_vector(vector, depth)
        lexical = self.lexical.search(query, depth)
        rankings: dict[str, list[int]] = {
            "dense": [i for i, _ in dense],
            "bm25": [i for i, _ in lexical],
        }
        named: dict[int, str] = {}  # item -> the entity named by the query that brought it
        for iri in entities:
            sentences = self.mentions.get(iri, ())
            if len(sentences) > self._ubiquitous:
                continue  # the home city is in half the sentences: naming it narrows nothing
            for position in self._position.get(iri, []):
                named.setdefault(position, iri)
            for sentence in sentences:
                for position in self._position.get(sentence, []):
                    named.setdefault(position, iri)
        graph = list(named)
        # the graph says which items concern the entity; the query decides their order
        scores = self.dense.similarity(vector, graph)
        rankings["graph"] = [i for _, i in sorted(zip(scores, graph, strict=True), reverse=True)]
        fused = fuse({name: r for name, r in rankings.items() if r})
        if kind:
            fused = [f for f in fused if self.items[f[0]].kind == kind]
        else:
            from search.lexical import tokenize

            lookup = len(tokenize(query)) <= LOOKUP_TOKENS
            fused = self._interleave(fused, named if lookup else {})
        cosine = dict(dense)
        hits: list[Hit] = []
        shown: set[str] = set()
        for i, score, sources in fused:
            item = self.items[i]
            if item.kind == "sentence":
                if item.text in shown:
                    continue  # a sentence the reports repeat: once, with all its places
                shown.add(item.text)
            hits.append(Hit(item, score, sources))
            if len(hits) == k:
                break
        return [
            Hit(h.item, h.score, h.sources, self._why(h, query, cosine, named), self._places_of(h))
            for h in hits
        ]

    def _places_of(self, hit: Hit) -> tuple[Place, ...]:
        if hit.item.kind != "sentence":
            return ()
        first = Place(hit.item.doc, hit.item.start, hit.item.end)
        return tuple(dict.fromkeys([first, *self._places.get(hit.item.text, ())]))

    def _interleave(
        self, fused: list[tuple[int, float, tuple[str, ...]]], named: Mapping[int, str]
    ) -> list[tuple[int, float, tuple[str, ...]]]:
        """Cards of the `named` entities first, then sentences and cards in turn, each kind in its
        own fused order; when one kind runs out, the other fills the page."""
        own = [
            f
            for f in fused
            if self.items[f[0]].kind == "entity"
            and f[0] in named
            and self.items[f[0]].item_id == named[f[0]]
        ]
        first = {f[0] for f in own}
        sentences = [f for f in fused if self.items[f[0]].kind == "sentence"]
        cards = [f for f in fused if self.items[f[0]].kind == "entity" and f[0] not in first]
        ordered = list(own)
        while sentences or cards:
            ordered.extend(sentences[:SENTENCES_PER_CARD])
            del sentences[:SENTENCES_PER_CARD]
            ordered.extend(cards[:1])
            del cards[:1]
        return ordered

    def _why(
        self, hit: Hit, query: str, cosine: Mapping[int, float], named: Mapping[int, str]
    ) -> tuple[str, ...]:
        from search.lexical import tokenize

        index = self._index_of(hit.item)
        reasons = []
        if "dense" in hit.sources and index in cosine:
            reasons.append(f"close in meaning (cosine {cosine[index]:.2f})")
        if "bm25" in hit.sources:
            shared = set(tokenize(query)) & set(tokenize(hit.item.text))
            # jieba's search mode also yields the parts of long words (比什, 凯克 of 比什凯克)
            words = sorted(w for w in shared if not any(w != o and w in o for o in shared))
            if words:
                reasons.append("shares the words " + ", ".join(words[:6]))
        if "graph" in hit.sources and index in named:
            iri = named[index]
            names = self._names(iri)
            written = next((n for n in names if n in hit.item.text), "")
            if hit.item.item_id == iri:
                reasons.append(f"the query names {names[0]}")
            elif written:
                reasons.append(f"mentions {written}, which the query names")
            else:  # a clause of a sentence that names it
                reasons.append(f"from a sentence that mentions {names[0]}, which the query names")
        return tuple(reasons)

    def _index_of(self, item: SearchItem) -> int:
        for i in self._position.get(item.item_id, []):
            if self.items[i] is item:
                return i
        return -1

    def _names(self, iri: str) -> list[str]:
        """An entity's names as its card lists them (English first where it has one)."""
        for i in self._position.get(iri, []):
            if self.items[i].kind == "entity" and self.items[i].item_id == iri:
                return self.items[i].text.split(" | ")[0].split(" / ")
        return [iri.rsplit("/", 1)[-1]]


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
