"""The App's jobs: client-side copies and ECR replications, each run by an App-owned worker and shown in one panel.

``JobsController`` owns the session's ``JobBoard`` (``ecrtui.jobs``, UI-free). ``start`` adds a job and runs it in
a thread worker that belongs to the App, so closing the dialog that started it, or browsing elsewhere, never stops
it. Whatever thread a job reports from, the controller turns the board's changes into at most one pending
``Changed`` message, handled on the UI thread: listeners (the jobs panel, the header's job count) redraw from
``board.snapshots()`` then, never from a worker. A job that ends is announced once, with a notification and its
``on_done`` callback (a copy refreshes the destination's listings).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from ecrtui.jobs.model import Job, JobBoard, JobKind, JobRunner, JobSnapshot, JobState
from ecrtui.ui.controller import Controller, ControllerMessage

if TYPE_CHECKING:
    from ecrtui.ui.app import EcrTuiApp

__all__ = ["JobsController", "JobsListener"]

JobsListener = Callable[[list[JobSnapshot]], None]
"""Told on the UI thread, with every job's snapshot, whenever any job changed."""

DoneCallback = Callable[[JobSnapshot], None]
"""Called on the UI thread once, when a job ends (done, failed or cancelled)."""


@dataclass
class _Watch:
    """What the controller remembers about a job beyond the board: who to tell when it ends."""

    on_done: DoneCallback | None = None
    announced: set[int] = field(default_factory=set)
    """Attempts whose end was already announced (a retried job ends once per attempt)."""


class JobsController(Controller):
    """Starts, cancels and retries jobs; tells listeners on the UI thread when anything changed."""

    class Changed(ControllerMessage):
        """Some job changed (coalesced: at most one is pending at a time)."""

    def __init__(self, app: EcrTuiApp, board: JobBoard | None = None) -> None:
        super().__init__(app)
        self.board = board or JobBoard()
        """Every job of the session, in the order started."""
        self._listeners: list[JobsListener] = []
        self._watches: dict[str, _Watch] = {}
        self._pending = threading.Event()
        """Set while a ``Changed`` message is on its way: further changes ride on it."""
        self._unsubscribe = self.board.subscribe(self._board_changed)

    # -- starting and steering jobs ---------------------------------------------------------------------------

    def start(
        self, kind: JobKind, title: str, runner: JobRunner, *, on_done: DoneCallback | None = None
    ) -> Job:
        """Add a job and run it in an App-owned thread worker; ``on_done`` runs on the UI thread when it ends."""
        job = self.board.add(kind, title, runner)
        self._watches[job.id] = _Watch(on_done)
        self._run(job)
        return job

    def _run(self, job: Job) -> None:
        self.run_thread(job.run, name=f"job {job.id}", group=f"job-{job.id}")

    def cancel(self, job_id: str) -> None:
        """Ask a job to stop (between parts); nothing happens to a job that already ended."""
        self.board.get(job_id).cancel()

    def retry(self, job_id: str) -> bool:
        """Run a failed or cancelled job again; ``False`` (and nothing done) for a job in any other state."""
        job = self.board.get(job_id)
        if job.state not in (JobState.FAILED, JobState.CANCELLED):
            return False
        job.reset_for_retry()
        self._run(job)
        return True

    def cancel_all(self) -> int:
        """Cancel every job still queued or running (quitting); returns how many were asked to stop."""
        active = [job for job in self.board.jobs() if not job.state.is_final]
        for job in active:
            job.cancel()
        return len(active)

    @property
    def active(self) -> list[JobSnapshot]:
        """Jobs queued or running."""
        return [s for s in self.board.snapshots() if not s.state.is_final]

    # -- listeners ------------------------------------------------------------------------------------------

    def subscribe(self, listener: JobsListener) -> Callable[[], None]:
        """Hear about every change on the UI thread; returns the function that stops it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _board_changed(self, _snapshot: JobSnapshot) -> None:
        """From any thread: make sure one ``Changed`` message is on its way."""
        if not self._pending.is_set():
            self._pending.set()
            self.post(self.Changed())

    async def handle(self, message: ControllerMessage) -> None:
        if not isinstance(message, self.Changed):
            return
        self._pending.clear()  # changes from now on need a new message
        snapshots = self.board.snapshots()
        for listener in list(self._listeners):
            listener(snapshots)
        for snapshot in snapshots:
            if snapshot.state.is_final:
                self._announce(snapshot)

    def _announce(self, snapshot: JobSnapshot) -> None:
        watch = self._watches.setdefault(snapshot.id, _Watch())
        if snapshot.attempt in watch.announced:
            return
        watch.announced.add(snapshot.attempt)
        if snapshot.state is JobState.DONE:
            text = snapshot.summary or "done"
            severity: SeverityLevel = "warning" if snapshot.warnings else "information"
            if snapshot.warnings:
                text += f" ({len(snapshot.warnings)} warning{'s' * (len(snapshot.warnings) != 1)})"
            self.app.notify(text, title=f"Finished: {snapshot.title}", severity=severity, markup=False)
        elif snapshot.state is JobState.FAILED:
            self.app.notify(
                f"{snapshot.error or 'failed'}\n(the jobs panel retries it)",
                title=f"Failed: {snapshot.title}",
                severity="error",
                timeout=10,
                markup=False,
            )
        else:
            self.app.notify(snapshot.error or "cancelled", title=f"Cancelled: {snapshot.title}", markup=False)
        if watch.on_done is not None:
            watch.on_done(snapshot)

    def stop(self) -> None:
        """At exit: stop listening; jobs still running are cancelled (they stop between parts)."""
        self._unsubscribe()
        self.cancel_all()
