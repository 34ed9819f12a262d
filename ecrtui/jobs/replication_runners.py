"""Jobs for ECR's own replication: a backfill, and the wait for one image to replicate.

ECR copies; the job watches (``ecrtui.ecr.replication_watch``) and reports the same progress events as a
client-side copy, so the CLI and the jobs panel show both alike. Cancelling has the meaning a person expects of
each job: cancelling a backfill job *stops the backfill* (``StopReplicationBackfill``, then the job watches until
ECR says ``STOPPED``), while cancelling a wait for an image only stops watching (nothing of ECR's is stopped).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ecrtui.ecr.errors import Cancelled, ServiceError
from ecrtui.ecr.replication import (
    BackfillReport,
    BackfillStatus,
    ImageReplication,
    ReplicationDestination,
    explain_failure,
)
from ecrtui.ecr.replication_watch import PollSchedule, watch_backfill, watch_image_replication
from ecrtui.jobs.events import ProgressCallback
from ecrtui.jobs.model import JobOutcome, JobRunner

if TYPE_CHECKING:
    from ecrtui.ecr.replication_ops import ReplicationOperations

__all__ = [
    "BackfillFailed",
    "BackfillStopped",
    "ImageNotReplicated",
    "WatchStopped",
    "backfill_runner",
    "image_replication_runner",
]


class BackfillStopped(Cancelled):
    """The backfill job was cancelled and ECR stopped the backfill; ``report`` is how far it got."""

    def __init__(self, message: str, report: BackfillReport) -> None:
        super().__init__(message, operation="StopReplicationBackfill")
        self.report = report


class BackfillFailed(ServiceError):
    """ECR failed the backfill; ``report`` holds it and whatever results it has."""

    def __init__(self, message: str, report: BackfillReport) -> None:
        super().__init__(message, code=report.backfill.failure_code)
        self.report = report


class WatchStopped(Cancelled):
    """The wait for an image was cancelled (ECR goes on); ``replication`` is the status last seen."""

    def __init__(self, message: str, replication: ImageReplication) -> None:
        super().__init__(message)
        self.replication = replication


class ImageNotReplicated(ServiceError):
    """Some destination failed; ``replication`` holds every destination's status and failure code."""

    def __init__(self, message: str, replication: ImageReplication) -> None:
        super().__init__(message)
        self.replication = replication


def backfill_runner(
    service: ReplicationOperations,
    destination: ReplicationDestination,
    registry_id: str | None = None,
    *,
    schedule: PollSchedule | None = None,
) -> JobRunner:
    """A job that starts a backfill to ``destination`` and watches it to its end.

    The job succeeds when the backfill completes, even with some images failed (they are the job's warnings, with
    their failure codes explained; its result is the ``BackfillReport``); it fails when ECR fails the backfill
    (``BackfillFailed``); cancelling it stops the backfill (``BackfillStopped``). Both errors carry the report.
    """

    def run(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        backfill = service.start_replication_backfill(destination, registry_id)
        finished = threading.Event()
        stop_error: list[BaseException] = []

        def stop_on_cancel() -> None:
            """Turn the job's cancel into ``StopReplicationBackfill`` (once), then let the watch see it end."""
            while not finished.is_set():
                if cancel.wait(0.2):
                    try:
                        service.stop_replication_backfill(backfill.backfill_id, registry_id)
                    except Exception as error:  # reported by the job below, never lost in this thread
                        stop_error.append(error)
                        finished.set()
                    return

        stopper = threading.Thread(target=stop_on_cancel, name=f"stop {backfill.backfill_id}", daemon=True)
        stopper.start()
        try:
            watch = watch_backfill(
                service,
                backfill.backfill_id,
                registry_id,
                on_progress=report,
                cancel=finished,  # set only if stopping failed: nothing more to watch for then
                schedule=schedule,
            )
        finally:
            finished.set()
            stopper.join(timeout=5)
        if stop_error:
            raise stop_error[0]
        ended = watch.report.backfill
        summary = f"{destination.label}: " + _counts(watch.report.backfill)
        if ended.status is BackfillStatus.STOPPED:
            raise BackfillStopped(f"backfill to {destination.label} stopped: {_counts(ended)}", watch.report)
        if ended.status is BackfillStatus.FAILED:
            reason = explain_failure(ended.failure_code) or "no reason given"
            raise BackfillFailed(f"backfill to {destination.label} failed: {reason}", watch.report)
        warnings = tuple(f"{r.label}: {r.detail}" for r in watch.report.failures)
        return JobOutcome(summary=summary, warnings=warnings, result=watch.report)

    return run


def _counts(backfill: object) -> str:
    progress = getattr(backfill, "progress", None)
    if progress is None:
        return "no image replicated"
    failed = f", {progress.failed} failed" if progress.failed else ""
    return f"{progress.completed} of {progress.total} replicated{failed}"


def image_replication_runner(
    service: ReplicationOperations,
    repository_name: str,
    reference: str,
    registry_id: str | None = None,
    *,
    schedule: PollSchedule | None = None,
) -> JobRunner:
    """A job that waits for one image to reach every destination of the rules (COMPLETE or FAILED each).

    Failed destinations make the job fail (``ImageNotReplicated``), naming each with its failure code explained;
    cancelling only stops watching (``WatchStopped``). The result, and both errors, carry the ``ImageReplication``.
    """

    named = (
        f"{repository_name}@{reference}"
        if reference.startswith("sha256:")
        else f"{repository_name}:{reference}"
    )

    def run(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        watch = watch_image_replication(
            service,
            repository_name,
            reference,
            registry_id,
            on_progress=report,
            cancel=cancel,
            schedule=schedule,
        )
        replication = watch.replication
        if watch.cancelled:
            raise WatchStopped(f"stopped watching {named} (ECR goes on replicating it)", replication)
        if replication.failed:
            details = "; ".join(
                f"{s.destination.label}: {explain_failure(s.failure_code) or 'failed'}"
                for s in replication.failed
            )
            raise ImageNotReplicated(f"{named} did not replicate to {details}", replication)
        if not replication.statuses:
            return JobOutcome(
                summary=f"{named}: no replication recorded: no rule covers it, or it was pushed before the rules"
                " that cover it (a backfill replicates it)",
                result=replication,
            )
        destinations = ", ".join(s.destination.label for s in replication.statuses)
        return JobOutcome(summary=f"{named} replicated to {destinations}", result=replication)

    return run
