"""Shared fixtures: one real workspace (on-disk Oxigraph store, real reference data, the
bundled embedding model) built from the seed reports once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

if TYPE_CHECKING:
    from waishi.workspace import Workspace

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


@contextmanager
def workspace_of(root: Path, reports: Mapping[str, str]) -> Iterator[Workspace]:
    """A workspace with a store of its own under `root`, holding these reports (file name ->
    text), ingested; closed after."""
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in reports.items():
        (corpus / name).write_text(text, encoding="utf-8")
    ws = Workspace(Settings.load(data_dir=root / "data", corpus_dir=corpus))
    try:
        ws.ingest([corpus])
        yield ws
    finally:
        ws.close()


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
