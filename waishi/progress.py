"""An ingest's progress on the terminal: a bar with reports, MB/s, the time spent and left, and
the stage (the report being extracted or stored, the derived graph, the search index) when stderr
is a terminal; else a quiet log line every `LOG_EVERY_S` seconds and one at the end, and while one
long report or stage gives no news, a line saying what is still running every `HEARTBEAT_S`."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from waishi.feed import IngestStatus

LOG_EVERY_S = 30.0
HEARTBEAT_S = 30.0  # a line saying what still runs when nothing was said for this long


class IngestProgress:
    """A `status` callback for `Workspace.ingest`; `stage` names what runs after it (the
    search index)."""

    def __init__(self, show: Callable[[IngestStatus], None], stage: Callable[[str], None]):
        self._show, self._stage = show, stage

    def __call__(self, status: IngestStatus) -> None:
        self._show(status)

    def stage(self, text: str) -> None:
        self._stage(text)


@contextlib.contextmanager
def ingest_progress(stream: TextIO) -> Iterator[IngestProgress]:
    """A `status` callback for `Workspace.ingest` that shows where the ingest is."""
    if stream.isatty():
        with _bar(stream) as shown:
            yield shown
        return
    log = _Log(stream)
    try:
        yield IngestProgress(log, log.stage)
    finally:
        log.close()


class _Log:
    """A line every `LOG_EVERY_S` seconds, and the last status at the end of a long ingest;
    from a thread, a line naming the stage when nothing was written for `HEARTBEAT_S` (a 5 MB
    report takes minutes to extract, store and index, and gives no status meanwhile)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = self.logged_at = time.monotonic()
        self.last: IngestStatus | None = None
        self.current = "reading"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    def __call__(self, status: IngestStatus) -> None:
        self.last = status
        if status.current:
            self.current = status.current
        if time.monotonic() - self.logged_at >= LOG_EVERY_S:
            self._write(_line(status))

    def stage(self, text: str) -> None:
        self.current = text

    def close(self) -> None:
        self._stop.set()
        self._beat.join()
        if self.last is not None and time.monotonic() - self.started >= LOG_EVERY_S:
            self._write(_line(self.last))

    def _heartbeat(self) -> None:
        while not self._stop.wait(min(HEARTBEAT_S, 5.0)):
            if time.monotonic() - self.logged_at >= HEARTBEAT_S:
                elapsed = time.monotonic() - self.started
                self._write(f"ingest: still working: {self.current} ({elapsed:.0f} s so far)")

    def _write(self, line: str) -> None:
        with self._lock:
            self.logged_at = time.monotonic()
            self.stream.write(line + "\n")
            self.stream.flush()


def _line(status: IngestStatus) -> str:
    eta = status.eta_s
    left = f", about {eta:.0f} s left" if eta is not None and eta >= 1 else ""
    return (
        f"ingest: {status.reports_done}/{status.reports_total} reports, "
        f"{status.bytes_done / 1e6:.1f}/{status.bytes_total / 1e6:.1f} MB, "
        f"{status.mb_per_s:.2f} MB/s{left}"
    )


@contextlib.contextmanager
def _bar(stream: TextIO) -> Iterator[IngestProgress]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("ingest"),
        BarColumn(),
        TextColumn("{task.fields[reports]}"),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[current]}"),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("ingest", total=None, reports="", current="")

        def show(status: IngestStatus) -> None:
            bar.update(
                task,
                total=status.bytes_total,
                completed=status.bytes_done,
                reports=f"{status.reports_done}/{status.reports_total} reports",
                current=status.current[:40],
            )

        def stage(text: str) -> None:
            bar.update(task, current=text[:40])

        yield IngestProgress(show, stage)
