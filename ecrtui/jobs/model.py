"""A job and the board of jobs: what the CLI's progress bars and the app's jobs panel both read.

A ``Job`` wraps a runner (``(report, cancel) -> JobOutcome``) and keeps what the runner reports through
``ecrtui.jobs.events``: the latest totals, every item in first-seen order, errors and warnings, and its state
(queued, running, done, failed, cancelled). The runner runs in whatever thread calls ``Job.run()`` (a Textual
worker owned by the App, or the CLI's main thread), so the model owns no threads; every method is thread-safe and
``snapshot()`` hands out a frozen copy to draw from. Rate and ETA come from an injected clock.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ecrtui.jobs.events import ItemProgress, JobProgress, ProgressCallback, ProgressEvent
from ecrtui.jobs.rate import Clock, RateMeter

__all__ = [
    "Job",
    "JobBoard",
    "JobKind",
    "JobListener",
    "JobOutcome",
    "JobRunner",
    "JobSnapshot",
    "JobState",
]


class JobKind(StrEnum):
    """What kind of work a job is (the panel shows it; nothing else depends on it)."""

    COPY = "copy"
    BACKFILL = "backfill"
    REPLICATION = "replication"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What a runner returns when it finished its work."""

    summary: str = ""
    """One line for the job's row and the end-of-job notification."""
    warnings: tuple[str, ...] = ()
    """Things that went wrong without failing the job (a referrer that could not be copied)."""
    result: Any = None
    """The work's own result object (a ``CopyResult`` for a copy), for callers that need more than text."""


JobRunner = Callable[[ProgressCallback, threading.Event], JobOutcome]
"""The work: reports progress through the callback, stops when the event is set (raising), returns its outcome.
A failure is an exception whose ``str()`` is one line a person understands (an ``EcrError``)."""

JobListener = Callable[["JobSnapshot"], None]
"""Told about every change of a job, from whatever thread made it: keep it quick (post a message)."""


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    """A job at one moment: everything a row, a bar, a rate and an ETA are drawn from."""

    id: str
    kind: JobKind
    title: str
    state: JobState
    attempt: int
    """1 for the first run, 2 after one retry, ..."""
    progress: JobProgress | None
    """The latest totals the work reported (None before its first report)."""
    items: tuple[ItemProgress, ...]
    """Every item reported so far, in the order first seen, each at its latest state."""
    rate: float | None
    """Units (``progress.unit``) per second over the last few seconds; None when unknown."""
    eta: float | None
    """Seconds left at that rate; None when unknown."""
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    summary: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    elapsed: float | None
    """Seconds running (up to now, or to the end)."""

    @property
    def fraction(self) -> float | None:
        """Done / total in [0, 1]; None when the total is unknown."""
        if self.progress is None or self.progress.total <= 0:
            return 1.0 if self.state is JobState.DONE else None
        return min(1.0, max(0.0, self.progress.done / self.progress.total))

    @property
    def active_items(self) -> tuple[ItemProgress, ...]:
        """Items still moving (not skipped, done, failed or cancelled)."""
        return tuple(item for item in self.items if not item.state.is_final)

    @property
    def error(self) -> str:
        """The first error, or an empty string."""
        return self.errors[0] if self.errors else ""


class Job:
    """One unit of long-running work and everything it has reported; thread-safe."""

    def __init__(
        self,
        job_id: str,
        kind: JobKind,
        title: str,
        runner: JobRunner,
        *,
        clock: Clock = time.monotonic,
        on_change: Callable[[Job], None] | None = None,
    ) -> None:
        self.id = job_id
        self.kind = kind
        self.title = title
        self._runner = runner
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.RLock()
        self._cancel = threading.Event()
        self._state = JobState.QUEUED
        self._attempt = 1
        self._progress: JobProgress | None = None
        self._items: dict[str, ItemProgress] = {}
        self._errors: list[str] = []
        self._warnings: list[str] = []
        self._summary = ""
        self._meter = RateMeter(clock)
        self._created_at = clock()
        self._started_at: float | None = None
        self._finished_at: float | None = None
        self._outcome: JobOutcome | None = None
        self._exception: BaseException | None = None

    # -- what the work calls --------------------------------------------------------------------------------

    def report(self, event: ProgressEvent) -> None:
        """The ``ProgressCallback`` handed to the work: record an event (from any thread)."""
        with self._lock:
            if isinstance(event, JobProgress):
                self._progress = event
                self._meter.add(event.done)
            else:
                self._items[event.key] = event
        self._changed()

    @property
    def cancel_event(self) -> threading.Event:
        """Set when the job is cancelled; the work checks it between parts."""
        with self._lock:
            return self._cancel

    # -- lifecycle ----------------------------------------------------------------------------------------

    def run(self) -> JobSnapshot:
        """Run the work in the calling thread and record how it ended; never raises for the work's failure.

        A job cancelled while queued does not start. A failure with the cancel event set counts as cancelled.
        """
        with self._lock:
            if self._state is JobState.CANCELLED and self._started_at is None:
                return (
                    self.snapshot()
                )  # cancelled while queued: the worker that was to run it has nothing to do
            if self._state is not JobState.QUEUED:
                raise RuntimeError(f"job {self.id} is {self._state}, not queued")
            self._state = JobState.RUNNING
            self._started_at = self._clock()
            cancel = self._cancel
        self._changed()
        try:
            outcome = self._runner(self.report, cancel)
        except Exception as error:
            with self._lock:
                self._exception = error
                if cancel.is_set():
                    self._errors.append(_one_line(error) or "cancelled")
                    self._finish(JobState.CANCELLED)
                else:
                    self._errors.append(_one_line(error) or type(error).__name__)
                    self._finish(JobState.FAILED)
        else:
            with self._lock:
                self._outcome = outcome
                self._summary = outcome.summary
                self._warnings.extend(outcome.warnings)
                self._finish(JobState.DONE)
        self._changed()
        return self.snapshot()

    def _finish(self, state: JobState) -> None:
        self._state = state
        self._finished_at = self._clock()

    def cancel(self) -> None:
        """Ask the work to stop (it stops between parts); a queued job is cancelled at once."""
        with self._lock:
            if self._state.is_final:
                return
            self._cancel.set()
            if self._state is JobState.QUEUED:
                self._finish(JobState.CANCELLED)
        self._changed()

    def reset_for_retry(self) -> None:
        """Make a failed or cancelled job runnable again (attempt + 1, fresh cancel event, errors cleared)."""
        with self._lock:
            if self._state not in (JobState.FAILED, JobState.CANCELLED):
                raise RuntimeError(
                    f"only a failed or cancelled job can be retried (job {self.id} is {self._state})"
                )
            self._state = JobState.QUEUED
            self._attempt += 1
            self._cancel = threading.Event()
            self._progress = None
            self._items.clear()
            self._errors.clear()
            self._warnings.clear()
            self._summary = ""
            self._meter.reset()
            self._started_at = self._finished_at = None
            self._outcome = None
            self._exception = None
        self._changed()

    # -- reading ------------------------------------------------------------------------------------------

    @property
    def state(self) -> JobState:
        with self._lock:
            return self._state

    @property
    def outcome(self) -> JobOutcome | None:
        """What the work returned (None unless done)."""
        with self._lock:
            return self._outcome

    @property
    def exception(self) -> BaseException | None:
        """What the work raised (None unless failed or cancelled by an exception)."""
        with self._lock:
            return self._exception

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            remaining = None
            if self._progress is not None and self._progress.total > 0:
                remaining = self._progress.total - self._progress.done
            running = self._state is JobState.RUNNING
            rate = self._meter.rate() if running else None
            eta = self._meter.eta(remaining) if running and remaining is not None else None
            end = self._finished_at if self._finished_at is not None else self._clock()
            elapsed = None if self._started_at is None else max(0.0, end - self._started_at)
            return JobSnapshot(
                id=self.id,
                kind=self.kind,
                title=self.title,
                state=self._state,
                attempt=self._attempt,
                progress=self._progress,
                items=tuple(self._items.values()),
                rate=rate,
                eta=eta,
                errors=tuple(self._errors),
                warnings=tuple(self._warnings),
                summary=self._summary,
                created_at=self._created_at,
                started_at=self._started_at,
                finished_at=self._finished_at,
                elapsed=elapsed,
            )

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self)


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


class JobBoard:
    """Every job of a session, in the order added; thread-safe. Listeners hear about every change."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        """What the jobs added from now on measure rate, ETA and times with (a test may pin it)."""
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._numbers = itertools.count(1)
        self._listeners: list[JobListener] = []

    def add(self, kind: JobKind, title: str, runner: JobRunner) -> Job:
        """A new queued job; run it with ``job.run()`` in the thread that should do the work."""
        with self._lock:
            job_id = f"{kind.value}-{next(self._numbers)}"
            job = Job(job_id, kind, title, runner, clock=self.clock, on_change=self._notify)
            self._jobs[job_id] = job
        self._notify(job)
        return job

    def get(self, job_id: str) -> Job:
        """The job with this id; ``KeyError`` if there is none."""
        with self._lock:
            return self._jobs[job_id]

    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def snapshots(self) -> list[JobSnapshot]:
        return [job.snapshot() for job in self.jobs()]

    def active(self) -> list[Job]:
        """Jobs queued or running (what quitting must ask about)."""
        return [job for job in self.jobs() if not job.state.is_final]

    def cancel(self, job_id: str) -> None:
        self.get(job_id).cancel()

    def cancel_all(self) -> None:
        for job in self.active():
            job.cancel()

    def retry(self, job_id: str) -> Job:
        """Reset a failed or cancelled job to queued and return it; the caller runs it again."""
        job = self.get(job_id)
        job.reset_for_retry()
        return job

    def remove(self, job_id: str) -> None:
        """Forget a finished job (a running one is refused)."""
        with self._lock:
            job = self._jobs[job_id]
            if not job.state.is_final:
                raise RuntimeError(f"job {job_id} is still {job.state}")
            del self._jobs[job_id]

    def subscribe(self, listener: JobListener) -> Callable[[], None]:
        """Call ``listener`` with a snapshot after every change; returns a function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _notify(self, job: Job) -> None:
        with self._lock:
            listeners = list(self._listeners)
        if not listeners:
            return
        snapshot = job.snapshot()
        for listener in listeners:
            listener(snapshot)
