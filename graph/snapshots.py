"""Readers beside a writer: the process that writes the embedded store publishes read-only
snapshots of it, which any number of other processes read without its lock.

Why snapshots. RocksDB lets one process open a store for writing; pyoxigraph 0.5.13 can open
a store read-only, but says that doing so while another process writes it is undefined (the
writer's compactions delete files the reader has not opened yet), and it has no secondary
mode. So the writer publishes: after a committed write it takes a RocksDB checkpoint
(`Store.backup`: hard links to the immutable SST files plus the log, ~20 ms) into
`store.snapshots/<generation>/` and points `store.snapshots/CURRENT` at it. A snapshot never
changes, so opening it read-only is well defined; a reader moves to a newer one when CURRENT
changes, between two queries, without a restart.

Old snapshots are deleted by the writer once no reader holds them: a reader keeps a shared
`flock` on `<generation>.lock` for as long as it has that snapshot open, the writer deletes a
generation only under an exclusive, non-blocking lock of the same file. Locks die with their
process, so a crashed reader holds nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph

log = logging.getLogger("waishi.store")

CURRENT = "CURRENT"
WRITER = "WRITER"  # who holds the store for writing: {pid, command, since}
PUBLISH_EVERY_S = 1.0  # at most one snapshot a second while writes keep coming


def snapshots_dir(store_dir: Path) -> Path:
    return store_dir.with_name(store_dir.name + ".snapshots")


def current_generation(root: Path) -> int | None:
    try:
        return int((root / CURRENT).read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        return None


def _generation_dir(root: Path, generation: int) -> Path:
    return root / f"{generation:09d}"


def _lock_path(root: Path, generation: int) -> Path:
    return root / f"{generation:09d}.lock"


class Publisher:
    """The writer's side: publishes snapshots of the store it holds open for writing.

    `committed()` after each write publishes at once (on a timer thread), or at most
    `PUBLISH_EVERY_S` later when writes come faster (an ingest commits once a report);
    `close()` publishes once more, so a write that no commit followed still reaches the
    readers.
    """

    def __init__(self, store: pyoxigraph.Store, store_dir: Path) -> None:
        self._store: pyoxigraph.Store | None = store
        self.root = snapshots_dir(store_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pending = False
        self._last = 0.0
        self._timer: threading.Timer | None = None
        self._claim_writer()
        self.publish()  # readers find the store as it is now, even after a crash before close

    def _claim_writer(self) -> None:
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:2]]) if sys.argv else "python"
        record = {"pid": os.getpid(), "command": command,
                  "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        _write_atomic(self.root / WRITER, json.dumps(record))

    def committed(self) -> None:
        """Publish soon, on the timer's thread: the checkpoint (hard links to the store's
        files) and the pruning of old snapshots no longer run inside the writer's commit,
        which during an ingest goes on to build the next report (0.7 s of the writer's wall
        time in an ingest of 100 reports at load 8). A commit made while a snapshot is being
        taken still waits for it (one lock, as before)."""
        with self._lock:
            self._pending = True
            if self._timer is None:
                wait = max(0.0, self._last + PUBLISH_EVERY_S - time.monotonic())
                self._timer = threading.Timer(wait, self._publish_pending)
                self._timer.daemon = True
                self._timer.start()

    def _publish_pending(self) -> None:
        with self._lock:
            self._timer = None
            if self._pending and self._store is not None:  # not closed meanwhile
                self._publish_locked()

    def publish(self) -> int:
        with self._lock:
            return self._publish_locked()

    def _publish_locked(self) -> int:
        generation = max(self._generations(), default=0) + 1
        target = _generation_dir(self.root, generation)
        building = target.with_name(target.name + ".tmp")
        shutil.rmtree(building, ignore_errors=True)
        if self._store is None:
            raise ValueError("the store was closed")
        self._store.backup(str(building))
        os.rename(building, target)
        _write_atomic(self.root / CURRENT, str(generation))
        self._pending = False
        self._last = time.monotonic()
        self._prune(keep=generation)
        return generation

    def _generations(self) -> list[int]:
        found = []
        for path in self.root.iterdir():
            name = path.name.removesuffix(".tmp").removesuffix(".lock")
            if name.isdigit():
                found.append(int(name))
        return found

    def _prune(self, keep: int) -> None:
        for generation in sorted(set(self._generations())):
            if generation >= keep:
                continue
            lock_path = _lock_path(self.root, generation)
            with open(lock_path, "a+b") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a reader still has it open
                shutil.rmtree(_generation_dir(self.root, generation), ignore_errors=True)
                lock_path.unlink(missing_ok=True)

    def close(self, publish: bool = True) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._store is not None and publish:
                self._publish_locked()
            self._store = None  # RocksDB's lock is freed with the last reference to the store
        with contextlib.suppress(FileNotFoundError, ValueError):
            if json.loads((self.root / WRITER).read_text())["pid"] == os.getpid():
                (self.root / WRITER).unlink()


def writer_description(store_dir: Path) -> str:
    """Who holds the store for writing, as recorded by its Publisher, e.g. "pid 412 (waishi
    app, since 2026-12-01 09:30:02)"; "another process" when unknown."""
    try:
        record = json.loads((snapshots_dir(store_dir) / WRITER).read_text())
        return f"pid {record['pid']} ({record['command']}, since {record['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


@dataclass
class _Opened:
    generation: int
    store: pyoxigraph.Store
    lock: IO[bytes] = field(repr=False)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.lock.close()  # closing drops the flock


class SnapshotReader:
    """A reader's side: the newest published snapshot, opened read-only, and moved to a newer
    one when the writer publishes (checked with one stat() per call of `store()`).

    A superseded snapshot stays locked for `grace_s` more seconds: a query that started on it
    may still be reading it (queries are stopped at their time limit, which is shorter).
    """

    def __init__(self, store_dir: Path, wait_s: float = 10.0, grace_s: float = 120.0) -> None:
        self.root = snapshots_dir(store_dir)
        self._current = str(self.root / CURRENT)  # stat() per query: no Path arithmetic there
        self._stamp: tuple[int, int] | None = None
        self._opened: _Opened | None = None
        self._retired: list[tuple[float, _Opened]] = []
        self._grace_s = grace_s
        self._guard = threading.Lock()
        deadline = time.monotonic() + wait_s
        while self._refresh() is None:
            if time.monotonic() > deadline:
                raise FileNotFoundError(f"no snapshot of the store in {self.root}")
            time.sleep(0.05)

    @property
    def generation(self) -> int:
        assert self._opened is not None
        return self._opened.generation

    def store(self) -> pyoxigraph.Store:
        """The newest snapshot's store (the one in use when no newer one is readable)."""
        opened = self._refresh()
        assert opened is not None
        return opened.store

    def _refresh(self) -> _Opened | None:
        try:
            info = os.stat(self._current)
            stamp = (info.st_ino, info.st_mtime_ns)
        except FileNotFoundError:
            return self._opened
        if stamp == self._stamp and self._opened is not None:
            return self._opened
        with self._guard:
            generation = current_generation(self.root)
            if generation is None or (self._opened and self._opened.generation == generation):
                self._stamp = stamp
                return self._opened
            opened = _open_generation(self.root, generation)
            if opened is None:  # pruned or replaced meanwhile: read CURRENT again next time
                return self._opened
            previous, self._opened, self._stamp = self._opened, opened, stamp
            now = time.monotonic()
            if previous is not None:
                self._retired.append((now + self._grace_s, previous))
            for due, old in [r for r in self._retired if r[0] <= now]:
                old.release()
                self._retired.remove((due, old))
        return opened

    def close(self) -> None:
        with self._guard:
            for _, old in self._retired:
                old.release()
            self._retired.clear()
            if self._opened is not None:
                self._opened.release()
                self._opened = None


def _open_generation(root: Path, generation: int) -> _Opened | None:
    lock = open(_lock_path(root, generation), "a+b")  # noqa: SIM115 - held while open
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
        directory = _generation_dir(root, generation)
        if not directory.is_dir():
            lock.close()
            return None
        store = pyoxigraph.Store.read_only(str(directory))
    except OSError:
        lock.close()
        return None
    return _Opened(generation, store, lock)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

