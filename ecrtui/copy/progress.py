"""Turn a copy's steps into the events every job reports (``ecrtui.jobs.events``).

Items are the blobs (bytes the destination holds of each) and the manifests (put or already there); the job's
totals are the bytes to upload and the count of items. Thread-safe: blob transfers report from the worker pool.
An item's label says which blob it is, so no two rows in flight read alike: the child it belongs to (its
platform; an attestation names the platform it describes), its place in that manifest, and its digest
(``linux/arm64 attestation layer 1/2 3f2a9c1d``); in a batch, the image first (``v1.4.2: layer 2/5 9be0c4aa``).
The size is not in the label: the amount beside it says it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from ecrtui.copy.plan import BlobAction, BlobStep, CopyPlan, ManifestStep, short_digest
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback

__all__ = ["CopyProgress", "blob_key", "manifest_key"]


def blob_key(plan: CopyPlan, blob: BlobStep) -> str:
    """Item key of a blob: its digest in its destination repository (a batch may copy it into two)."""
    return f"{plan.request.destination.repository}@{blob.digest}"


def manifest_key(plan: CopyPlan, step: ManifestStep) -> str:
    return f"manifest:{plan.request.destination.repository}@{step.digest}"


def _hex(digest: str) -> str:
    """The first 8 hex digits: enough to tell a job's blobs apart at a glance."""
    return digest.partition(":")[2][:8]


def _image_name(plan: CopyPlan) -> str:
    """Which image of a batch: its first tag, else ``@`` and its digest's first hex digits."""
    tags = plan.source_tags or tuple(step.tag for step in plan.tags)
    return tags[0] if tags else f"@{_hex(plan.digest)}"


class CopyProgress:
    """Keeps the totals of one copy job (one plan or a batch) and sends events through the callback."""

    def __init__(self, callback: ProgressCallback | None, plans: Iterable[CopyPlan]) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._items: dict[str, ItemProgress] = {}
        self._phase = "blobs"
        self._message = ""
        plans = list(plans)
        batch = len(plans) > 1
        for plan in plans:
            image = f"{_image_name(plan)}: " if batch else ""
            for blob in plan.blobs:
                size = blob.size or 0
                label = f"{image}{blob.label} {_hex(blob.digest)}"
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
                label = f"{image}{step.label} manifest {short_digest(step.digest)}"
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
