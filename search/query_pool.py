"""A fixed pool of query worker processes, started (and warmed) before a server opens its
socket: each query runs in a worker with a memory limit, is stopped at its deadline by killing
that worker (which is replaced), and waits in a bounded queue when all workers are busy.

Why processes started once instead of a fork per query: the fork costs 15-70 ms and copies a
process that may hold torch; a fork per request also let each of many simultaneous queries
grow on its own (12.7 GB for a few cross products). Here at most `size` queries run at once,
each within `memory_mb` of its worker's own size, and the rest wait or get a 503.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from search.query_worker import JobReply, QueryJob, WorkerConfig
from search.sparql import too_large_message
from waishi.errors import QueryTimeout, QueryTooLarge, WaishiError

log = logging.getLogger("waishi.pool")

_HEADER = struct.Struct("!Q")
_START_S = 120.0  # a worker imports rdflib and pyoxigraph and opens the store
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


class PoolBusy(WaishiError):
    """Every worker is busy and the queue is full."""


class _Worker:
    def __init__(self, config: WorkerConfig) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(_PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        self.process = subprocess.Popen(
            # not `-m`: the messages' classes must pickle as search.query_worker's, not __main__'s
            [sys.executable, "-c", "from search.query_worker import run; run()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in = self.process.stdin
        self._out = self.process.stdout.fileno()
        self._send(config)

    def wait_ready(self, deadline: float) -> None:
        message = self._receive(deadline)
        if not (isinstance(message, tuple) and message[0] == "ready"):
            raise WaishiError(
                f"a query worker did not start (exit status {self.process.poll()}); "
                "the server log has its message"
            )

    def run(self, job: QueryJob, deadline: float) -> JobReply:
        """The worker's reply; raises _Stopped when the deadline passes or the worker dies."""
        self._send(job)
        message = self._receive(deadline)
        if not (isinstance(message, tuple) and message[0] == "reply"):
            raise _Stopped(message)
        reply: JobReply = message[1]
        return reply

    def _send(self, message: object) -> None:
        body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._in.write(_HEADER.pack(len(body)) + body)
            self._in.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _Stopped("died") from exc

    def _receive(self, deadline: float) -> object:
        """One framed message; "timeout" at the deadline, "died" at end of file."""
        buffer = bytearray()
        while True:
            if len(buffer) >= _HEADER.size:
                size = _HEADER.unpack_from(buffer)[0]
                if len(buffer) >= _HEADER.size + size:
                    return pickle.loads(bytes(buffer[_HEADER.size : _HEADER.size + size]))
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            if select.select([self._out], [], [], min(left, 1.0))[0]:
                chunk = os.read(self._out, 1 << 20)
                if not chunk:
                    return "died"
                buffer += chunk

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        with contextlib.suppress(OSError):
            self._in.close()
        self.process.wait()
        with contextlib.suppress(OSError):
            assert self.process.stdout is not None
            self.process.stdout.close()

    def died_of_memory(self) -> bool:
        code = self.process.poll()
        return code is not None and -code in {signal.SIGABRT, signal.SIGKILL}


class _Stopped(Exception):
    def __init__(self, why: object) -> None:
        super().__init__(why)
        self.why = why


class QueryPool:
    """`size` workers over one store; `submit` runs a job on the first idle one."""

    def __init__(
        self,
        config: WorkerConfig,
        size: int,
        queue_limit: int,
        on_replace: Callable[[], None] | None = None,
    ) -> None:
        self.config = config
        self.size = size
        self.queue_limit = queue_limit
        # SimpleQueue (C, no Condition): its get and put cost a few µs per query where
        # queue.Queue's cost tens under load (measured)
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._waiting = 0
        self._lock = threading.Lock()
        self._closed = False
        self._workers: set[_Worker] = set()
        self._on_replace = on_replace
        deadline = time.monotonic() + _START_S
        started = [self._start() for _ in range(size)]
        try:
            for worker in started:
                worker.wait_ready(deadline)
        except BaseException:
            self.close()
            raise
        for worker in started:
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self.config)
        with self._lock:
            self._workers.add(worker)
        return worker

    @property
    def waiting(self) -> int:
        return self._waiting

    def submit(self, job: QueryJob, wait_s: float) -> JobReply:
        """Run `job` within `job.timeout_s` once a worker is free (waiting at most `wait_s`);
        PoolBusy when the queue is full or no worker frees up in time."""
        with self._lock:
            if self._waiting >= self.queue_limit:
                raise PoolBusy(f"{self._waiting} queries are already waiting; retry shortly")
            self._waiting += 1
        try:
            worker = self._idle.get(timeout=wait_s)
        except queue.Empty:
            raise PoolBusy(f"no query worker was free within {wait_s:g} s; retry shortly") from None
        finally:
            with self._lock:
                self._waiting -= 1
        deadline = time.monotonic() + job.timeout_s
        try:
            reply = worker.run(job, deadline)
        except _Stopped as stopped:
            memory = stopped.why == "died" and self._reaped_of_memory(worker)
            self._replace(worker)
            if stopped.why == "timeout":
                raise QueryTimeout(
                    f"the query ran longer than {job.timeout_s:g} s and was stopped; add a "
                    "LIMIT, narrow the patterns, or raise query_timeout_s"
                ) from None
            if memory:
                raise QueryTooLarge(too_large_message(self.config.memory_mb)) from None
            raise WaishiError("the query worker ended unexpectedly; the server log has why"
                              ) from None
        if reply.status == 503:  # the worker ran out of memory in Python and exits
            self._replace(worker)
        else:
            self._idle.put(worker)
        return reply

    def _reaped_of_memory(self, worker: _Worker) -> bool:
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=5)
        return worker.died_of_memory()

    def _replace(self, worker: _Worker) -> None:
        """Kill the worker and start another in the background (a query must not wait for
        a start: the others keep serving meanwhile)."""
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        if not self._closed:
            threading.Thread(target=self._restart, name="query-worker-start", daemon=True).start()

    def _restart(self) -> None:
        while not self._closed:
            worker = self._start()
            try:
                worker.wait_ready(time.monotonic() + _START_S)
            except WaishiError as exc:
                if self._closed:
                    return
                log.error("%s; trying again", exc)
                with self._lock:
                    self._workers.discard(worker)
                worker.kill()
                time.sleep(1.0)
                continue
            if self._closed:
                worker.kill()
                return
            self._idle.put(worker)
            if self._on_replace is not None:
                self._on_replace()
            return

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()
