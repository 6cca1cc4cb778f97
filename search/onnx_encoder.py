"""The embedding model run by ONNX Runtime: the same vectors as sentence-transformers (checked
within 1e-4 when exported) without importing torch, which costs seconds per process.

The model is exported once, from its local folder, into the cache folder; the export is the only
step that needs torch. A model whose modules this runner does not reproduce (pooling other than
mean or CLS, extra dense layers) is left to sentence-transformers.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from search.encoders import SMALL_BATCH
from search.glosses import write_atomic
from search.name_cache import fingerprint

log = logging.getLogger(__name__)

EXPORT_FORMAT = 1
TOLERANCE = 1e-4  # largest difference from sentence-transformers accepted, per coordinate
BATCH_SIZE = 64
PROBES = [
    "Which partner cities are located in SCO member states?",
    "harbor; port",
    "sister city; twin town",
    "青岛 港",  # characters the vocabulary lacks
    "Belt and Road Initiative " * 60,  # longer than the model reads: truncated the same way
    "",
]


@dataclass(frozen=True)
class ModelLayout:
    """What the runner needs to reproduce a sentence-transformers folder."""

    folder: Path
    pooling: str  # "mean" | "cls"
    max_seq_length: int

    @property
    def key(self) -> str:
        """Changes when any file of the model folder does (name, size, modification time)."""
        parts: list[str] = [str(self.folder.resolve()), self.pooling, str(self.max_seq_length)]
        for path in sorted(self.folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                parts.append(f"{path.relative_to(self.folder)}:{stat.st_size}:{stat.st_mtime_ns}")
        return fingerprint(parts)[:16]


def read_layout(folder: Path) -> ModelLayout | None:
    """The layout of a Transformer -> Pooling (mean or CLS) [-> Normalize] folder with a fast
    tokenizer, or None for any other model."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
            return None
        if not (folder / "tokenizer.json").is_file():
            return None
        pooling_dir = folder / modules[1]["path"]
        config = json.loads((pooling_dir / "config.json").read_text(encoding="utf-8"))
        modes = [k for k, v in config.items() if k.startswith("pooling_mode_") and v is True]
        pooling = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}
        if len(modes) != 1 or modes[0] not in pooling:
            return None
        bert = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        if bert.get("do_lower_case"):
            return None
        return ModelLayout(folder, pooling[modes[0]], int(bert.get("max_seq_length", 256)))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


class OnnxEncoder:
    """An `Encoder` over an exported model: one thread for a query, all for a batch."""

    def __init__(
        self,
        name: str,
        dim: int,
        onnx_path: Path,
        layout: ModelLayout,
        *,
        query_threads: int = 1,
        batch_threads: int = 0,
    ) -> None:
        from tokenizers import Tokenizer

        self._name, self._dim, self._path = name, dim, onnx_path
        self._tokenizer = Tokenizer.from_file(str(layout.folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(layout.max_seq_length)
        self._tokenizer.enable_padding()  # to the longest text of each batch
        self._threads = {"query": query_threads, "batch": batch_threads or os.cpu_count() or 1}
        self._sessions: dict[str, Any] = {}
        self._inputs = [i.name for i in self._session("query").get_inputs()]

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def _session(self, kind: str) -> Any:
        if kind not in self._sessions:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads[kind]
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            self._sessions[kind] = ort.InferenceSession(
                str(self._path), options, providers=["CPUExecutionProvider"]
            )
        return self._sessions[kind]

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        session = self._session("query" if len(texts) <= SMALL_BATCH else "batch")
        # batches of texts of similar length pad less
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start : start + BATCH_SIZE]
            encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            out[rows] = session.run(None, {k: feed[k] for k in self._inputs})[0]
        return out


def export_onnx(model: Any, layout: ModelLayout, path: Path) -> None:
    """Export a loaded `SentenceTransformer` to `path`, pooling and normalisation inside the
    graph."""
    import torch

    transformer = model[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            if layout.pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = model.tokenizer(["a sample", "another sample text"], padding=True, return_tensors="pt")
    if "token_type_ids" not in sample:
        sample["token_type_ids"] = torch.zeros_like(sample["input_ids"])
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's notes on operators it rewrites
            torch.onnx.export(
                Pooled(),
                tuple(sample[n] for n in names),
                str(temp),
                input_names=names,
                output_names=["embedding"],
                dynamic_axes={
                    **{n: {0: "batch", 1: "tokens"} for n in names},
                    "embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,
            )
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def onnx_encoder(
    name: str,
    layout: ModelLayout,
    cache_dir: Path,
    load_reference: Any,
    *,
    query_threads: int = 1,
    batch_threads: int = 0,
) -> OnnxEncoder | None:
    """The ONNX encoder for a model, exported and checked against sentence-transformers on
    first use (`load_reference()` loads that model); None when the export fails or its vectors
    differ by more than `TOLERANCE` (recorded, so later processes do not try again)."""
    folder = cache_dir / "onnx"
    stem = f"{_slug(name)}-{layout.key}-v{EXPORT_FORMAT}"
    path, manifest_path = folder / f"{stem}.onnx", folder / f"{stem}.json"
    manifest = _read_manifest(manifest_path)
    if manifest is None or (manifest.get("accepted") and not path.is_file()):
        manifest = _export_and_check(name, layout, path, load_reference)
        try:
            write_atomic(manifest_path, json.dumps(manifest).encode("utf-8"))
        except OSError as exc:
            log.warning("cannot record the ONNX export in %s (%s)", manifest_path, exc)
    if not manifest.get("accepted"):
        log.info("ONNX runner not used for %s: %s", name, manifest.get("reason", ""))
        return None
    return OnnxEncoder(
        name,
        int(manifest["dim"]),
        path,
        layout,
        query_threads=query_threads,
        batch_threads=batch_threads,
    )


def _export_and_check(
    name: str, layout: ModelLayout, path: Path, load_reference: Any
) -> dict[str, Any]:
    reference = load_reference()
    try:
        export_onnx(reference.model, layout, path)
        runner = OnnxEncoder(name, reference.dim, path, layout)
        got = runner.encode(PROBES)
        want = reference.encode(PROBES)
        single = np.vstack([runner.encode([text]) for text in PROBES])
        difference = float(max(np.abs(got - want).max(), np.abs(single - want).max()))
    except Exception as exc:  # any failure means: keep sentence-transformers
        path.unlink(missing_ok=True)
        return {"accepted": False, "reason": f"export failed: {type(exc).__name__}: {exc}"}
    if difference > TOLERANCE:
        path.unlink(missing_ok=True)
        return {"accepted": False, "reason": f"vectors differ by {difference:.2e}"}
    return {"accepted": True, "dim": reference.dim, "max_difference": difference}


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[-60:]
