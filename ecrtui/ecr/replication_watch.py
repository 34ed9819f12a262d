"""Watch ECR replicate: poll a backfill, or an image's replication status, until it ends, reporting progress.

ECR does the copying; all a client can do is ask how far it got. The watchers poll with backoff (quickly at first
and again whenever something moved, more slowly while nothing does), report what changed as the progress events
of ``ecrtui.jobs.events`` (the same vocabulary as a client-side copy, so the CLI and the jobs panel show both
alike), ride out a few throttled or failed polls, and return as soon as ``cancel`` is set: cancelling a watch
stops watching, never the backfill (``stop_replication_backfill`` does that; keep watching to see it end).

Events of a backfill watch (``unit="images"``: one replication per image and tag):

* ``JobProgress(phase="planning")`` while ECR prepares the set of images;
* ``JobProgress(phase="replicating" | "stopping", done, total, items_done, items_total, items_failed)`` whenever
  the counts move (``done`` and ``items_done`` count finished replications, failures included);
* at the end, one ``ItemProgress(state=FAILED, detail=...)`` per failed image (successes are counted, not listed),
  then ``JobProgress(phase="done")`` with the final counts and a message saying how it ended.

Events of an image watch (``unit="items"``: one item per destination, keyed ``REGION:ACCOUNT``): an
``ItemProgress`` whenever a destination's status changes (``IN_PROGRESS``, ``DONE``, ``FAILED`` with the failure
code explained), and a ``JobProgress`` of destinations finished, ending with ``phase="done"``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ecrtui.ecr.errors import Cancelled, NetworkError, Throttled
from ecrtui.ecr.replication import (
    BackfillReport,
    BackfillStatus,
    ImageReplication,
    ImageReplicationStatus,
    ReplicationBackfill,
    ReplicationStatus,
    explain_failure,
)
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback, ProgressEvent

if TYPE_CHECKING:
    from ecrtui.ecr.replication_ops import ReplicationOperations

__all__ = [
    "BackfillWatch",
    "ImageWatch",
    "PollSchedule",
    "backfill_progress",
    "watch_backfill",
    "watch_image_replication",
]

T = TypeVar("T")

MAX_CONSECUTIVE_ERRORS = 5
"""Throttled or failed polls in a row before the watch gives up with the last error."""


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """How long to wait between polls: ``first`` seconds, times ``factor`` after each poll where nothing moved,
    at most ``longest``; back to ``first`` as soon as something moves."""

    first: float = 1.0
    factor: float = 1.6
    longest: float = 15.0

    def after(self, interval: float, changed: bool) -> float:
        return self.first if changed else min(self.longest, max(self.first, interval * self.factor))


@dataclass(frozen=True, slots=True)
class BackfillWatch:
    """How a backfill watch ended: the backfill as last seen, its results if it ended, and whether the watch was
    cancelled first."""

    report: BackfillReport
    cancelled: bool = False

    @property
    def ended(self) -> bool:
        return self.report.backfill.status.is_final

    @property
    def failed(self) -> bool:
        """The backfill failed, or some of its replications did."""
        return self.report.backfill.failed or bool(self.report.failures)


@dataclass(frozen=True, slots=True)
class ImageWatch:
    """How an image watch ended: the statuses as last seen, and whether the watch was cancelled first."""

    replication: ImageReplication
    cancelled: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.replication.failed)


class _Poller:
    """Polls with backoff and tolerates a few transient failures; the wait returns at once on cancel."""

    def __init__(self, cancel: threading.Event | None, schedule: PollSchedule) -> None:
        self.cancel = cancel or threading.Event()
        self.schedule = schedule
        self.interval = schedule.first
        self.errors = 0

    def poll(self, call: Callable[[], T]) -> T | None:
        """``call()``, or None after a transient failure (raised once they keep coming)."""
        try:
            value = call()
        except (Throttled, NetworkError):
            self.errors += 1
            if self.errors >= MAX_CONSECUTIVE_ERRORS:
                raise
            return None
        self.errors = 0
        return value

    def wait(self, changed: bool) -> bool:
        """Wait before the next poll; False once cancelled."""
        self.interval = self.schedule.after(self.interval, changed)
        return not self.cancel.wait(self.interval)


def _summary(backfill: ReplicationBackfill) -> str:
    progress = backfill.progress
    where = backfill.destination.label
    if backfill.status is BackfillStatus.PREPARING:
        return f"ECR is listing the images to replicate to {where}"
    if backfill.status is BackfillStatus.FAILED and not progress:
        return f"failed: {explain_failure(backfill.failure_code) or 'no reason given'}"
    if progress is None:
        return f"{backfill.status.value.lower()} before any image was replicated to {where}"
    failed = f", {progress.failed} failed ({', '.join(progress.failure_codes)})" if progress.failed else ""
    counts = f"{progress.completed} of {progress.total} replicated to {where}{failed}"
    if backfill.status is BackfillStatus.STOPPING:
        return f"stopping: {counts}"
    if backfill.status.is_final:
        return f"{backfill.status.value.lower()}: {counts}"
    return counts


def backfill_progress(backfill: ReplicationBackfill) -> JobProgress:
    """The ``JobProgress`` a backfill is at (what a watcher reports, and what a list of backfills can show)."""
    progress = backfill.progress
    if backfill.status is BackfillStatus.PREPARING:
        return JobProgress("planning", 0, 0, unit="images", message=_summary(backfill))
    phase = {BackfillStatus.IN_PROGRESS: "replicating", BackfillStatus.STOPPING: "stopping"}.get(
        backfill.status, "done"
    )
    if progress is None:
        return JobProgress(phase, 0, 0, unit="images", message=_summary(backfill))
    return JobProgress(
        phase,
        progress.done,
        progress.total,
        unit="images",
        items_done=progress.done,
        items_total=progress.total,
        items_failed=progress.failed,
        message=_summary(backfill),
    )


def _emit(on_progress: ProgressCallback | None, event: ProgressEvent) -> None:
    if on_progress is not None:
        on_progress(event)


def watch_backfill(
    service: ReplicationOperations,
    backfill_id: str,
    registry_id: str | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    schedule: PollSchedule | None = None,
) -> BackfillWatch:
    """Poll a backfill until it ends (then read its results) or ``cancel`` is set."""
    poller = _Poller(cancel, schedule or PollSchedule())
    last: ReplicationBackfill | None = None
    reported: JobProgress | None = None
    while True:
        seen = poller.poll(lambda: service.get_replication_backfill(backfill_id, registry_id))
        changed = seen is not None and seen != last
        if seen is not None:
            last = seen
            if seen.status.is_final:
                break
            event = backfill_progress(seen)
            if event != reported:
                _emit(on_progress, event)
                reported = event
        if not poller.wait(changed):
            if last is None:  # cancelled before ECR ever answered: one more try, for something to return
                last = service.get_replication_backfill(backfill_id, registry_id)
            return BackfillWatch(BackfillReport(last), cancelled=True)
    try:
        report = service.get_backfill_report(backfill_id, registry_id, cancel=poller.cancel)
    except Cancelled:
        return BackfillWatch(BackfillReport(last), cancelled=True)
    for result in report.failures:
        _emit(on_progress, ItemProgress(result.key, result.label, ItemState.FAILED, 1, 1, result.detail))
    _emit(on_progress, backfill_progress(report.backfill))
    return BackfillWatch(report)


_ITEM_STATES = {
    ReplicationStatus.IN_PROGRESS: ItemState.IN_PROGRESS,
    ReplicationStatus.COMPLETE: ItemState.DONE,
    ReplicationStatus.FAILED: ItemState.FAILED,
}


def _destination_event(status: ImageReplicationStatus) -> ItemProgress:
    final = status.status.is_final
    return ItemProgress(
        status.destination.key,
        status.destination.label,
        _ITEM_STATES[status.status],
        done=1 if final else 0,
        total=1,
        detail=explain_failure(status.failure_code),
    )


def _image_progress(replication: ImageReplication) -> JobProgress:
    statuses = replication.statuses
    finished = sum(1 for s in statuses if s.status.is_final)
    failed = len(replication.failed)
    if not statuses:
        message = f"no replication recorded for {replication.label} (no rule covers it, or it predates them)"
    else:
        message = f"{finished} of {len(statuses)} destinations finished" + (
            f", {failed} failed" if failed else ""
        )
    return JobProgress(
        "done" if replication.is_final else "replicating",
        finished,
        len(statuses),
        unit="items",
        items_done=finished,
        items_total=len(statuses),
        items_failed=failed,
        message=message,
    )


def watch_image_replication(
    service: ReplicationOperations,
    repository_name: str,
    reference: str,
    registry_id: str | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    schedule: PollSchedule | None = None,
) -> ImageWatch:
    """Poll an image's replication status until no destination is in progress, or ``cancel`` is set.

    An image with no status at all (no rule covers its repository, or it was pushed before the rule) ends the
    watch at once: nothing is going to happen to it.
    """
    poller = _Poller(cancel, schedule or PollSchedule())
    known: dict[str, ImageReplicationStatus] = {}
    last: ImageReplication | None = None
    while True:
        seen = poller.poll(lambda: service.get_image_replication(repository_name, reference, registry_id))
        changed = False
        if seen is not None:
            last = seen
            for status in seen.statuses:
                if known.get(status.destination.key) != status:
                    known[status.destination.key] = status
                    changed = True
                    _emit(on_progress, _destination_event(status))
            if changed or not seen.statuses:
                _emit(on_progress, _image_progress(seen))
            if seen.is_final:
                return ImageWatch(seen)
        if not poller.wait(changed):
            if last is None:
                last = service.get_image_replication(repository_name, reference, registry_id)
            return ImageWatch(last, cancelled=True)
