"""Turn a copy's steps into the events every job reports (``ecrtui.jobs.events``).

Items are the blobs (bytes the destination holds of each) and the manifests (put or already there); the job's
totals are the bytes to upload and the count of items. Thread-safe: blob transfers report from the worker pool.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from ecrtui.copy.plan import BlobAction, BlobStep, CopyPlan, ManifestStep, human_bytes, short_digest
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback

__all__ = ["CopyProgress", "blob_key", "manifest_key"]


def blob_key(plan: CopyPlan, blob: BlobStep) -> str:
    """Item key of a blob: its digest in its destination repository (a batch may copy it into two)."""
    return f"{plan.request.destination.repository}@{blob.digest}"


def manifest_key(plan: CopyPlan, step: ManifestStep) -> str:
    return f"manifest:{plan.request.destination.repository}@{step.digest}"


class CopyProgress:
    """Keeps the totals of one copy job (one plan or a batch) and sends events through the callback."""

    def __init__(self, callback: ProgressCallback | None, plans: Iterable[CopyPlan]) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._items: dict[str, ItemProgress] = {}
        self._phase = "blobs"
        self._message = ""
        plans = list(plans)
        for plan in plans:
            for blob in plan.blobs:
                size = blob.size or 0
                label = f"{blob.label} ({human_bytes(size)})" if blob.size is not None else blob.label
                if blob.action is BlobAction.UPLOAD:
                    self._items.setdefault(
                        blob_key(plan, blob),
                        ItemProgress(blob_key(plan, blob), label, ItemState.PENDING, 0, size),
                    )
                else:
                    detail = "foreign: kept by URL" if blob.action is BlobAction.FOREIGN else "already there"
                    self._items.setdefault(
                        blob_key(plan, blob),
                        ItemProgress(blob_key(plan, blob), label, ItemState.SKIPPED, size, size, detail),
                    )
            for step in plan.manifests:
                state = ItemState.SKIPPED if step.present else ItemState.PENDING
                size = len(step.raw)
                label = f"{step.label} manifest {short_digest(step.digest)}"
                self._items.setdefault(
                    manifest_key(plan, step),
                    ItemProgress(
                        manifest_key(plan, step),
                        label,
                        state,
                        size if step.present else 0,
                        size,
                        "already there" if step.present else "",
                    ),
                )
        self._upload_keys = {blob_key(p, b) for p in plans for b in p.uploads}

    def start(self) -> None:
        """Announce every item and the totals (before the first transfer)."""
        with self._lock:
            items = list(self._items.values())
            totals = self._totals()
        if self._callback is not None:
            for item in items:
                self._callback(item)
            self._callback(totals)

    def item(self, key: str, state: ItemState, done: int, total: int | None = None, detail: str = "") -> None:
        with self._lock:
            old = self._items.get(key)
            if old is None:
                return
            updated = ItemProgress(key, old.label, state, done, old.total if total is None else total, detail)
            self._items[key] = updated
            totals = self._totals()
        if self._callback is not None:
            self._callback(updated)
            self._callback(totals)

    def phase(self, phase: str, message: str = "") -> None:
        with self._lock:
            self._phase = phase
            self._message = message
            totals = self._totals()
        if self._callback is not None:
            self._callback(totals)

    def _totals(self) -> JobProgress:
        uploads = [self._items[k] for k in self._upload_keys]
        items = list(self._items.values())
        return JobProgress(
            phase=self._phase,
            done=sum(i.done for i in uploads),
            total=sum(i.total for i in uploads),
            unit="bytes",
            items_done=sum(1 for i in items if i.state in (ItemState.DONE, ItemState.SKIPPED)),
            items_total=len(items),
            items_failed=sum(1 for i in items if i.state is ItemState.FAILED),
            message=self._message,
        )
