"""Progress events: the one vocabulary every job speaks, whether bytes stream through this machine or ECR copies.

A client-side copy reports its blobs (bytes) and its manifests; an ECR replication watcher reports images or
destinations. Both send the same two frozen dataclasses through a plain callback, so the CLI's progress bars and
the app's jobs panel show a copy and a replication side by side without knowing which is which. Events carry
counts only; rates and ETAs are derived by whoever keeps the timeline (the jobs model, with an injected clock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = ["ItemProgress", "ItemState", "JobProgress", "ProgressCallback", "ProgressEvent", "Unit"]


class ItemState(StrEnum):
    """Where one unit of a job is (a blob of a copy, an image or a destination of a replication)."""

    PENDING = "pending"
    CHECKING = "checking"
    SKIPPED = "skipped"
    """Nothing to do: the destination already has it."""
    DOWNLOADING = "downloading"
    UPLOADING = "uploading"
    VERIFYING = "verifying"
    IN_PROGRESS = "in progress"
    """ECR is working on it (replication): no byte counts, only a state."""
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """Whether the item will not change any more."""
        return self in (ItemState.SKIPPED, ItemState.DONE, ItemState.FAILED, ItemState.CANCELLED)


Unit = Literal["bytes", "images", "items"]
"""What ``done``/``total`` count: bytes for a copy's blobs, images for a backfill, items otherwise."""


@dataclass(frozen=True, slots=True)
class ItemProgress:
    """One unit of a job changed state or moved forward."""

    key: str
    """Stable id within the job: a blob digest, an image digest, ``REGION:ACCOUNT`` for a destination."""
    label: str
    """What a person reads: ``layer 3/12 (41.2 MB)``, ``web/api:v1.4.2``, ``eu-west-1 (222222222222)``."""
    state: ItemState
    done: int = 0
    """Bytes (or steps) done so far for this item."""
    total: int = 0
    """Bytes (or steps) in all; 0 when unknown."""
    detail: str = ""
    """Why it failed or was skipped (a failure code and its reason), empty otherwise."""


@dataclass(frozen=True, slots=True)
class JobProgress:
    """The totals of a job at this moment: what a bar, a rate and an ETA are computed from."""

    phase: str
    """What the job is doing now, in a few words: ``planning``, ``blobs``, ``manifests``, ``tags``,
    ``referrers``, ``replicating``, ``done``."""
    done: int
    total: int
    unit: Unit = "bytes"
    items_done: int = 0
    items_total: int = 0
    items_failed: int = 0
    message: str = ""
    """A short line for the job's row (the last notable thing that happened)."""


ProgressEvent = ItemProgress | JobProgress
ProgressCallback = Callable[[ProgressEvent], None]
"""Called from worker threads: it must be quick and thread-safe (post a message, update a locked model)."""
