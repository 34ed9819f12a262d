"""One deadline per copy job for an endpoint that does not answer, however many images and blobs the job has.

Every call already has botocore's network budget (3 attempts of 20 s, ``ClientSettings``), and the copy retries a
failed part or put a few times more. Alone, each of those budgets is spent again by every image of a batch and by
every blob: a dead destination failed a batch of a few images only after minutes. ``ReachBudget`` is shared by the
whole job (its planning and its execution): an endpoint gets ``seconds`` from the start of the first call to it that
failed with a network error; a call that then succeeds ends that outage. Once the time is up, the failing call and
every later call to that endpoint in the job raise ``EndpointUnreachable`` at once (never retried), so the batch
fails in about the time one image would, with one line that says which registry did not answer and why.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ecrtui.copy.request import Side
from ecrtui.ecr.errors import NetworkError

__all__ = ["UNREACHABLE_SECONDS", "Endpoint", "EndpointUnreachable", "ReachBudget", "reached"]

T = TypeVar("T")

UNREACHABLE_SECONDS = 60.0
"""About what one call to a black-holed endpoint gets from botocore (3 attempts of 20 s): a whole job gives up on
an endpoint in about the time one image's first call would."""

_Key = tuple[str, str, str]


class EndpointUnreachable(NetworkError):
    """An endpoint of the copy did not answer within the job's budget: the job stops calling it."""

    title = "Endpoint unreachable"


@dataclass(slots=True)
class _Outage:
    since: float
    """When the first call that failed (and every one since) started."""
    last: NetworkError
    stopped: EndpointUnreachable | None = None


class ReachBudget:
    """The job's deadline for unreachable endpoints; thread-safe (blob transfers run in a pool)."""

    def __init__(self, seconds: float = UNREACHABLE_SECONDS, *, clock: Callable[[], float] = time.monotonic):
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self.seconds = seconds
        self._clock = clock
        self._outages: dict[_Key, _Outage] = {}
        self._lock = threading.Lock()

    def side(self, side: Side) -> Endpoint:
        """The budget as the calls to ``side``'s endpoint see it."""
        return Endpoint(self, side.key, f"{side.registry_id} in {side.region}")

    @property
    def stopped(self) -> EndpointUnreachable | None:
        """The first endpoint the job gave up on, if any (the one line to show for the whole job)."""
        with self._lock:
            return next((o.stopped for o in self._outages.values() if o.stopped is not None), None)

    def _check(self, key: _Key) -> None:
        with self._lock:
            outage = self._outages.get(key)
            stopped = outage.stopped if outage is not None else None
        if stopped is not None:
            raise stopped

    def _failed(self, key: _Key, where: str, started: float, error: NetworkError) -> None:
        now = self._clock()
        with self._lock:
            outage = self._outages.get(key)
            if outage is None:
                outage = self._outages[key] = _Outage(started, error)
            else:
                outage.since = min(outage.since, started)
                outage.last = error
            if outage.stopped is None and now - outage.since >= self.seconds:
                outage.stopped = EndpointUnreachable(
                    f"{where} unreachable for {max(0.0, now - outage.since):.0f} s, the copy stopped: {error}",
                    operation=error.operation,
                    code=error.code,
                )
            stopped = outage.stopped
        if stopped is not None:
            raise stopped

    def _answered(self, key: _Key) -> None:
        with self._lock:
            outage = self._outages.get(key)
            if outage is not None and outage.stopped is None:
                del self._outages[key]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint's share of a ``ReachBudget``: wrap each call to it with ``call``."""

    budget: ReachBudget
    key: _Key
    where: str
    """``ACCOUNT in REGION``: the registry a person knows, in the message."""

    def check(self) -> None:
        """``EndpointUnreachable`` if the job gave up on this endpoint already."""
        self.budget._check(self.key)

    def call(self, call: Callable[[], T]) -> T:
        """``call()``, unless the job gave up on the endpoint; a network failure past the deadline raises
        ``EndpointUnreachable`` instead of the failure itself."""
        self.check()
        started = self.budget._clock()
        try:
            value = call()
        except EndpointUnreachable:
            raise
        except NetworkError as error:
            self.budget._failed(self.key, self.where, started, error)
            raise
        self.budget._answered(self.key)
        return value


def reached(reach: ReachBudget | None, side: Side, call: Callable[[], T]) -> T:
    """``call()`` through the job's budget for ``side``'s endpoint; directly when there is no job budget."""
    return call() if reach is None else reach.side(side).call(call)
