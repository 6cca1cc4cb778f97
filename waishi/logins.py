"""A brake on password guessing at the app's login: after a failed login every attempt is
refused, unchecked, for a while that doubles with each failure in a row (1 s up to 30 s)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class LoginThrottle:
    """Wraps a password check. Gradio's login hands over no client address, so the brake is
    for the whole app: a guesser gets one try per `longest_s` at best; an attempt refused
    during a pause does not lengthen it, so an analyst is kept out no longer than that."""

    def __init__(self, longest_s: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self._longest_s = longest_s
        self._clock = clock
        self._failures = 0
        self._closed_until = 0.0
        self._lock = threading.Lock()

    def attempt(self, check: Callable[[], bool]) -> bool:
        with self._lock:
            if self._clock() < self._closed_until:
                return False
            if check():
                self._failures = 0
                return True
            self._failures += 1
            pause = min(2.0 ** (self._failures - 1), self._longest_s)
            self._closed_until = self._clock() + pause
            return False
