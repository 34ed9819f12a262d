"""Pacing and retries: keep PutImage under ECR's quota, back off with jitter when ECR or S3 asks us to slow down.

botocore already retries each call a few times (adaptive mode); these are the copy's own, outer retries for the
failures a long copy must ride out (throttling, 5xx, dropped connections), and a client-side rate for PutImage,
which ECR allows only 10 times per second per registry: pacing PutImage separately keeps manifests from throttling
while blobs keep flowing. Waits are on the cancel event, so cancelling never waits out a backoff.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ecrtui.copy.reachability import Endpoint, EndpointUnreachable
from ecrtui.ecr.errors import Cancelled, EcrError, NetworkError, Throttled

__all__ = ["PUT_IMAGE_RATE", "Backoff", "Pacer", "RateLimiter", "retrying", "wait"]

T = TypeVar("T")

PUT_IMAGE_RATE = 8.0
"""PutImage calls per second per destination registry: under ECR's 10, with room for clock skew and other
clients of the same registry."""

RETRYABLE: tuple[type[EcrError], ...] = (Throttled, NetworkError)


def wait(seconds: float, cancel: threading.Event | None) -> None:
    """Sleep ``seconds`` unless ``cancel`` is set first (then ``Cancelled``)."""
    if seconds <= 0:
        if cancel is not None and cancel.is_set():
            raise Cancelled("The copy was cancelled")
        return
    if cancel is None:
        time.sleep(seconds)
    elif cancel.wait(seconds):
        raise Cancelled("The copy was cancelled")


@dataclass(slots=True)
class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniformly in [0, min(cap, base * 2**n)]."""

    base: float = 0.25
    cap: float = 8.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.cap, self.base * (2 ** max(0, attempt))))


def retrying(
    call: Callable[[], T],
    *,
    attempts: int,
    backoff: Backoff,
    cancel: threading.Event | None = None,
    retry_on: tuple[type[EcrError], ...] = RETRYABLE,
    reach: Endpoint | None = None,
) -> T:
    """``call()``, retried up to ``attempts`` times in all on ``retry_on`` failures, with backoff between; with
    ``reach``, no longer than the job's budget for an endpoint that does not answer (``EndpointUnreachable``)."""
    for attempt in range(attempts):
        if cancel is not None and cancel.is_set():
            raise Cancelled("The copy was cancelled")
        try:
            return call() if reach is None else reach.call(call)
        except EndpointUnreachable:
            raise
        except retry_on:
            if attempt + 1 >= attempts:
                raise
            wait(backoff.delay(attempt), cancel)
    raise AssertionError("unreachable")  # pragma: no cover


class RateLimiter:
    """At most ``rate`` acquisitions per second (no burst), shared by threads; waits are cancellable."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float, threading.Event | None], None] = wait,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self, cancel: threading.Event | None = None) -> None:
        """Take the next slot, waiting until its time comes."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self._interval
        self._sleep(slot - now, cancel)


class Pacer:
    """One PutImage rate limiter per destination registry, shared by every copy of an engine."""

    def __init__(self, put_image_rate: float = PUT_IMAGE_RATE) -> None:
        self._rate = put_image_rate
        self._limiters: dict[tuple[str, str, str], RateLimiter] = {}
        self._lock = threading.Lock()

    def put_image(self, registry: tuple[str, str, str]) -> RateLimiter:
        with self._lock:
            limiter = self._limiters.get(registry)
            if limiter is None:
                limiter = self._limiters[registry] = RateLimiter(self._rate)
            return limiter
