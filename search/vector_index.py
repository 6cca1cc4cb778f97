"""The dense index: a faiss inner-product index in a folder that records what built it.

The manifest holds the encoder name, dimension, each item's digest and the version of the
reports the items were collected from; opening the folder with another encoder is refused, and
a refresh embeds only items it has not seen.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from search.corpus import SearchItem
from search.encoders import Encoder
from waishi.errors import IndexMismatch

MANIFEST = "manifest.json"


def _flat_index(dim: int, threads: int) -> Any:
    import faiss  # on first use: a question the graph answers never searches vectors

    # one query over a few thousand vectors: waking OpenMP threads costs more than it saves
    faiss.omp_set_num_threads(threads)
    return faiss.IndexFlatIP(dim)


class VectorIndex:
    def __init__(self, folder: Path, encoder: Encoder, *, threads: int = 1) -> None:
        self.folder = folder
        self.encoder = encoder
        self.threads = threads
        self.items: list[SearchItem] = []
        self.built_from: str | None = None  # the version of the reports the items come from
        self.vectors: NDArray[np.float32] = np.zeros((0, encoder.dim), dtype=np.float32)
        self._index = _flat_index(encoder.dim, threads)
        self._load()

    @staticmethod
    def built_from_in(folder: Path) -> str | None:
        """The version of the reports the index in `folder` was built from, read without
        loading it (None for an index that records none, or no index)."""
        manifest_path = folder / MANIFEST
        if not manifest_path.is_file():
            return None
        version = json.loads(manifest_path.read_text(encoding="utf-8")).get("built_from")
        return str(version) if version is not None else None

    def _load(self) -> None:
        manifest_path = self.folder / MANIFEST
        if not manifest_path.is_file():
            return
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["model"] != self.encoder.name or manifest["dim"] != self.encoder.dim:
            raise IndexMismatch(
                f"the index in {self.folder} was built with {manifest['model']} "
                f"({manifest['dim']} dims), not {self.encoder.name} ({self.encoder.dim} dims); "
                "run `waishi ingest --reindex` to rebuild it"
            )
        self.items = [SearchItem(**row) for row in manifest["items"]]
        self.built_from = manifest.get("built_from")
        self.vectors = np.load(self.folder / "vectors.npy")
        self._index.add(self.vectors)

    def refresh(self, items: list[SearchItem], built_from: str | None = None) -> int:
        """Make the index hold exactly `items`, collected from the reports of version
        `built_from`; returns how many were newly embedded."""
        known = {item.digest: k for k, item in enumerate(self.items)}
        if [i.digest for i in items] == [i.digest for i in self.items]:
            if built_from != self.built_from:  # the same items from other reports: restamp
                self.built_from = built_from
                self._save()
            return 0  # unchanged: opening a workspace must not rewrite the index
        fresh = [item for item in items if item.digest not in known]
        new_vectors = self.encoder.encode([item.text for item in fresh])
        by_digest = {item.digest: vec for item, vec in zip(fresh, new_vectors, strict=True)}
        rows = [
            by_digest[item.digest] if item.digest in by_digest else self.vectors[known[item.digest]]
            for item in items
        ]
        self.items = items
        self.built_from = built_from
        self.vectors = (
            np.vstack(rows).astype(np.float32)
            if rows
            else np.zeros((0, self.encoder.dim), dtype=np.float32)
        )
        self._index = _flat_index(self.encoder.dim, self.threads)
        self._index.add(self.vectors)
        self._save()
        return len(fresh)

    def _save(self) -> None:
        """Write to a sibling temp folder, then swap it in: a crash leaves the old index."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".index-", dir=self.folder.parent))
        np.save(tmp / "vectors.npy", self.vectors)
        manifest = {
            "model": self.encoder.name,
            "dim": self.encoder.dim,
            "count": len(self.items),
            "built_from": self.built_from,
            "items": [item.__dict__ for item in self.items],
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        old = self.folder.with_name(self.folder.name + ".old")
        if self.folder.exists():
            os.replace(self.folder, old)
        os.replace(tmp, self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.search_vector(self.encoder.encode([query]), k)

    def search_vector(self, vector: NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        if not self.items:
            return []
        scores, ids = self._index.search(vector.reshape(1, -1), min(k, len(self.items)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def similarity(self, vector: NDArray[np.float32], indexes: list[int]) -> list[float]:
        """Cosine similarity of the query vector to the given items (vectors are unit length)."""
        if not indexes:
            return []
        return [float(x) for x in self.vectors[indexes] @ vector.reshape(-1)]
