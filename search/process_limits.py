"""Limits a query's process puts on itself: the memory it may allocate, and a last-resort
alarm should nobody be left to stop it."""

from __future__ import annotations

import resource
import signal
from pathlib import Path


def address_space() -> int:
    """This process's virtual memory size in bytes (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def limit_memory(extra_mb: int) -> None:
    """Let this process map at most `extra_mb` MB more than it maps now (RLIMIT_AS).

    Relative, because a query runs in processes of very different sizes (a worker of a few
    hundred MB, a fork of the app holding torch). Past the limit an allocation fails: Python
    raises MemoryError, Oxigraph's native code aborts the process; either way the query
    stops and only its own process goes.
    """
    # a process stopped at its limit must not then write a core file of that size
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    base = address_space()
    if base and extra_mb > 0:
        limit = base + extra_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def alarm_in(seconds: float) -> None:
    """End this process after `seconds` even in native code (the default SIGALRM action)."""
    if signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL:  # a syscall saved per query
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))


def cancel_alarm() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
