"""The reports of an ingest, read and extracted in order: in this process, or with `jobs > 1`
in a pool of forked processes while this one builds, checks and stores the previous reports.

A report already stored with the same text and layout is read but not extracted.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.model import Document, EntityRef, Extraction
from ingest.readers import read_document
from waishi.errors import UnreadableDocument

if TYPE_CHECKING:
    from ingest.pipeline import Pipeline

# The pipeline forked workers use: set in the parent just before the pool forks, so a worker
# starts with the gazetteer and jieba's dictionary already loaded (copy-on-write).
_PIPELINE: Pipeline | None = None


@dataclass(frozen=True)
class BuiltReport:
    """A report's own graph, built and checked by SHACL in a worker, as N-Triples; `refs` are
    the entities it names (`graph.build.document_entities`), which the storing process
    describes."""

    refs: list[EntityRef]
    text: str
    mentions: int
    facts: int


@dataclass(frozen=True)
class Prepared:
    """One report, read (and extracted unless unchanged), or the message saying why not; a
    worker may send it `built` instead of its extraction."""

    path: Path
    size: int
    document: Document | None = None
    extraction: Extraction | None = None
    unchanged: bool = False
    error: str = ""
    built: BuiltReport | None = None


@dataclass(frozen=True)
class IngestStatus:
    """Where an ingest is: for a progress bar (reports, MB/s, ETA) or a log line."""

    reports_done: int
    reports_total: int
    bytes_done: int
    bytes_total: int
    seconds: float
    current: str = ""

    @property
    def mb_per_s(self) -> float:
        return self.bytes_done / 1e6 / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        if not self.bytes_done or self.seconds <= 0:
            return None
        return (self.bytes_total - self.bytes_done) * self.seconds / self.bytes_done


def prepare(
    files: list[Path],
    pipeline: Callable[[], Pipeline],
    *,
    encoding: str | None,
    max_bytes: int,
    stored: dict[str, tuple[str, str]],  # doc_id -> (sha256, layout) of what is stored
    layout: str,
    jobs: int = 1,
    source: Callable[[Path], str] = str,
    build_up_to: int = 0,
) -> Iterator[Prepared]:
    """Each file read and extracted, in order; `source` names a file's source (stored with its
    report: a report's id belongs to one source). With `jobs > 1` and `build_up_to`, a worker
    also builds, checks and writes out the graph of a report of at most that many sentences
    (`Prepared.built`), so that the storing process is left with its entities and the write."""
    global _PIPELINE
    if jobs <= 1 or len(files) < 2:
        _PIPELINE = pipeline()
        try:
            for path in files:
                yield _prepare(path, encoding, max_bytes, stored, layout, source)
        finally:
            _PIPELINE = None
        return
    _PIPELINE = pipeline()  # before the workers fork (at the first submit): they inherit it
    context = multiprocessing.get_context("fork")
    window: deque[Future[Prepared]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending = iter(files)
        for path in pending:  # a bounded window: each result holds a report and its extraction
            window.append(
                pool.submit(
                    _prepare, path, encoding, max_bytes, stored, layout, source, build_up_to
                )
            )
            if len(window) >= 2 * jobs:
                break
        while window:
            done = window.popleft().result()
            following = next(pending, None)
            if following is not None:
                window.append(
                    pool.submit(
                        _prepare,
                        following,
                        encoding,
                        max_bytes,
                        stored,
                        layout,
                        source,
                        build_up_to,
                    )
                )
            yield done
    _PIPELINE = None


def _prepare(
    path: Path,
    encoding: str | None,
    max_bytes: int,
    stored: dict[str, tuple[str, str]],
    layout: str,
    source: Callable[[Path], str],
    build_up_to: int = 0,
) -> Prepared:
    size = path.stat().st_size if path.is_file() else 0
    try:
        document = read_document(
            path, encoding=encoding, max_bytes=max_bytes, source_path=source(path)
        )
    except UnreadableDocument as exc:
        return Prepared(path, size, error=str(exc))
    if stored.get(document.doc_id) == (document.sha256, layout):
        return Prepared(path, size, document, unchanged=True)
    assert _PIPELINE is not None
    extraction = _PIPELINE.extract(document)
    if not build_up_to or len(extraction.sentences) > build_up_to:
        return Prepared(path, size, document, extraction)
    return Prepared(path, size, document, built=_build(extraction))


def _build(extraction: Extraction) -> BuiltReport:
    from graph.build import document_entities, document_triples
    from graph.validate import validate
    from graph.write import ntriples

    refs = document_entities(extraction)
    graph = document_triples(extraction, refs)
    validate(graph)
    return BuiltReport(refs, ntriples(graph), len(extraction.mentions), len(extraction.facts))


class Clock:
    """Counts reports and bytes as an ingest goes."""

    def __init__(self, files: list[Path]) -> None:
        self.reports_total = len(files)
        self.bytes_total = sum(p.stat().st_size for p in files if p.is_file())
        self.reports_done = 0
        self.bytes_done = 0
        self.started = time.perf_counter()

    def advance(self, prepared: Prepared) -> IngestStatus:
        self.reports_done += 1
        self.bytes_done += prepared.size
        return self.status(prepared.path.name)

    def status(self, current: str = "") -> IngestStatus:
        return IngestStatus(
            self.reports_done,
            self.reports_total,
            self.bytes_done,
            self.bytes_total,
            time.perf_counter() - self.started,
            current,
        )
