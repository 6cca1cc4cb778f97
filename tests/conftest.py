"""Shared fixtures: one real workspace (on-disk Oxigraph store, real reference data, the
bundled embedding model) built from the seed reports once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
GOLD_ENTITIES = ROOT / "tests" / "data" / "gold_entities.tsv"
QA_DEV = ROOT / "tests" / "data" / "qa_dev.jsonl"


def copy_seeds(target: Path) -> Path:
    """A private copy of the seed reports in `target` (tests may add or change files there)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the seed corpus (tests may add files beside it)."""
    return copy_seeds(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Iterator[object]:
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    data_dir = tmp_path_factory.mktemp("waishi-data")
    ws = Workspace(Settings.load(data_dir=data_dir, corpus_dir=seed_dir))
    ws.ingest([seed_dir])
    yield ws
    ws.close()
