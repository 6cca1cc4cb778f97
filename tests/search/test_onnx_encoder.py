"""The ONNX runner of the bundled model: exported from the real model into a fresh cache, its
vectors equal sentence-transformers' within 1e-4, one text at a time and in batches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from search.encoders import SentenceTransformerEncoder, bundled_model_path, load_plain_encoder
from search.onnx_encoder import OnnxEncoder, read_layout
from tests.conftest import QA_DEV

pytestmark = pytest.mark.slow


def test_onnx_vectors_equal_sentence_transformers(tmp_path: Path) -> None:
    layout = read_layout(bundled_model_path())
    assert layout is not None and layout.pooling == "mean" and layout.max_seq_length == 256
    runner = load_plain_encoder(runtime="onnx", cache_dir=tmp_path)
    assert isinstance(runner, OnnxEncoder)
    manifest = json.loads(next((tmp_path / "onnx").glob("*.json")).read_text())
    assert manifest["accepted"] and manifest["max_difference"] <= 1e-4
    reference = SentenceTransformerEncoder()
    assert (runner.name, runner.dim) == (reference.name, reference.dim)
    questions = [json.loads(line)["question"] for line in QA_DEV.read_text().splitlines()]
    texts = [*questions, "harbor; port", "sister city", "foreign affairs office " * 80]
    batch = runner.encode(texts)
    assert np.abs(batch - reference.encode(texts)).max() <= 1e-4
    one = np.vstack([runner.encode([t]) for t in texts[:5]])
    assert np.abs(one - batch[:5]).max() <= 1e-4
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    # a second process finds the export and its check recorded: no torch needed
    assert isinstance(load_plain_encoder(runtime="onnx", cache_dir=tmp_path, query_threads=2),
                      OnnxEncoder)
