"""Copies in the audit log: one entry per copy of a batch, whoever started it (``ecrtui copy``, the copy dialog).

A copy writes to its destination, so the entry names the destination's profile, account and region; its target
is ``SOURCE → DESTINATION`` and its detail the digest and the tags written. The result is ``ok``, ``failed: …`` or
``refused: …`` with that copy's own reason, or ``cancelled: …`` for every copy a cancelled batch had not finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ecrtui.copy.result import CopyFailed, CopyRefused
from ecrtui.manage.audit import AuditLog, ChangeRecorder, utc_now

if TYPE_CHECKING:
    from ecrtui.copy import BatchResult, CopyEngine, CopyPlan, CopyResult
    from ecrtui.copy.reachability import ReachBudget
    from ecrtui.jobs.events import ProgressCallback

__all__ = ["COPY_ACTION", "execute_audited", "record_copies"]

COPY_ACTION = "copy"


def _target(plan: CopyPlan) -> str:
    return f"{plan.request.source_label} → {plan.request.destination.uri}"


def _detail(plan: CopyPlan) -> str:
    tags = ", ".join(step.tag for step in plan.tags) or "none (untagged)"
    return f"digest {plan.digest}; tags {tags}"


def _recorder(log: AuditLog, plan: CopyPlan, clock: Callable[[], datetime]) -> ChangeRecorder:
    side = plan.request.destination
    return ChangeRecorder(log, side.service.profile, side.registry_id, side.region, clock)


def _same(plan: CopyPlan, copy: CopyResult) -> bool:
    request = plan.request
    return (copy.source, copy.destination, copy.digest) == (
        request.source_label,
        request.destination.uri,
        plan.digest,
    )


def record_copies(
    log: AuditLog,
    plans: Sequence[CopyPlan],
    copies: Sequence[CopyResult],
    errors: Sequence[BaseException] = (),
    *,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """One entry per plan: ``copies`` are the ones that succeeded (in plan order, as the engine returns them),
    ``errors`` the reasons of the others, in plan order (``CopyFailed.errors``); a single error stands for every
    copy that did not succeed (a cancelled batch)."""
    done: Iterator[CopyResult] = iter(copies)
    pending = next(done, None)
    reasons = list(errors)
    for plan in plans:
        if pending is not None and _same(plan, pending):
            error: BaseException | None = None
            pending = next(done, None)
        elif len(reasons) > 1:
            error = reasons.pop(0)
        else:
            error = reasons[0] if reasons else CopyRefused(plan.problems or ("not copied",))
        refused = f"refused: {error}" if isinstance(error, CopyRefused) else None
        _recorder(log, plan, clock).record(COPY_ACTION, _target(plan), error, _detail(plan), result=refused)


def execute_audited(
    engine: CopyEngine,
    plans: Sequence[CopyPlan],
    log: AuditLog,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    clock: Callable[[], datetime] = utc_now,
    reach: ReachBudget | None = None,
) -> BatchResult:
    """``engine.execute_batch`` with one audit entry per copy, whatever the batch ends with (its errors raised
    unchanged)."""
    try:
        result = engine.execute_batch(plans, on_progress=on_progress, cancel=cancel, reach=reach)
    except CopyFailed as failed:
        record_copies(log, plans, failed.result.copies, failed.errors, clock=clock)
        raise
    except BaseException as error:
        record_copies(log, plans, (), (error,), clock=clock)
        raise
    record_copies(log, plans, result.copies, clock=clock)
    return result
