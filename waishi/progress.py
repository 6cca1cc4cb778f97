"""An ingest's progress on the terminal: a bar with reports, MB/s and the time left when stderr
is a terminal, else a quiet log line every `LOG_EVERY_S` seconds and one at the end."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from waishi.feed import IngestStatus

LOG_EVERY_S = 30.0


@contextlib.contextmanager
def ingest_progress(stream: TextIO) -> Iterator[Callable[[IngestStatus], None]]:
    """A `status` callback for `Workspace.ingest` that shows where the ingest is."""
    if stream.isatty():
        with _bar(stream) as show:
            yield show
        return
    log = _Log(stream)
    yield log
    log.close()


class _Log:
    """A line every `LOG_EVERY_S` seconds, and the last status at the end of a long ingest."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.logged_at = time.monotonic()
        self.last: IngestStatus | None = None

    def __call__(self, status: IngestStatus) -> None:
        self.last = status
        if time.monotonic() - self.logged_at >= LOG_EVERY_S:
            self.logged_at = time.monotonic()
            self._write(status)

    def close(self) -> None:
        if self.last is not None and self.last.seconds >= LOG_EVERY_S:
            self._write(self.last)

    def _write(self, status: IngestStatus) -> None:
        self.stream.write(_line(status) + "\n")
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
def _bar(stream: TextIO) -> Iterator[Callable[[IngestStatus], None]]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("ingest"),
        BarColumn(),
        TextColumn("{task.fields[reports]}"),
        TransferSpeedColumn(),
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

        yield show
