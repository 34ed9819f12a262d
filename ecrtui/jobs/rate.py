"""Rate and ETA of a job from its progress over a sliding window, on an injected clock.

Work reports counts only (``ecrtui.jobs.events``); whoever keeps the timeline derives speed from them. A window
of recent samples, not the average since the start, so a job that sped up or stalled says so within seconds, and
a test (or a snapshot) passes its own clock to get exact, repeatable numbers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

__all__ = ["Clock", "RateMeter"]

Clock = Callable[[], float]
"""Seconds on a monotonic scale (``time.monotonic`` in production, a fake in tests)."""


class RateMeter:
    """Units per second over the last ``window`` seconds of samples, and the time left at that rate.

    Not thread-safe on its own: the job that owns it calls it under its lock.
    """

    def __init__(self, clock: Clock, window: float = 10.0) -> None:
        if window <= 0:
            raise ValueError("window must be positive")
        self._clock = clock
        self._window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, done: int) -> None:
        """Record that ``done`` units were done by now (a smaller value than before restarts the timeline)."""
        now = self._clock()
        if self._samples and done < self._samples[-1][1]:
            self._samples.clear()
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window:
            self._samples.popleft()

    def reset(self) -> None:
        self._samples.clear()

    def rate(self) -> float | None:
        """Units per second over the window; None until two samples at different times exist."""
        if len(self._samples) < 2:
            return None
        (first_time, first_done), (last_time, last_done) = self._samples[0], self._samples[-1]
        elapsed = max(self._clock(), last_time) - first_time
        if elapsed <= 0:
            return None
        return (last_done - first_done) / elapsed

    def eta(self, remaining: int) -> float | None:
        """Seconds until ``remaining`` more units are done at the current rate (0 when nothing remains)."""
        if remaining <= 0:
            return 0.0
        rate = self.rate()
        if rate is None or rate <= 0:
            return None
        return remaining / rate
