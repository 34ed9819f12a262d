"""Put a plan's manifests and tags, in the order that never leaves anything pointing at what is missing.

Children of an index first, by digest and untagged; then the image or index with its first tag; then each further
tag (one ``PutImage`` each, same bytes); then referrers, after their subject. Exact source bytes, their media type
and digest, so the destination digest equals the source's. ``ImageAlreadyExistsException`` is success;
``ImageTagAlreadyExistsException`` is a conflict with advice; ``LayersNotFoundException`` uploads what is missing
and tries once more. Every ``PutImage`` waits for its slot in the destination registry's pace (under ECR's
10 per second) and backs off when throttled anyway. A referrer that fails is a warning, never a failed copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

from ecrtui.copy.pacing import Backoff, Pacer, retrying
from ecrtui.copy.plan import CopyPlan, ManifestRole, ManifestStep, TagStep, short_digest
from ecrtui.copy.progress import CopyProgress, manifest_key
from ecrtui.copy.reachability import Endpoint
from ecrtui.ecr.errors import Cancelled, Conflict, EcrError, NotFound
from ecrtui.jobs.events import ItemState

__all__ = ["ManifestPuts", "PutCounts"]

UploadMissing = Callable[[CopyPlan, ManifestStep], None]
"""Uploads whichever blobs of a manifest the destination does not have (after ``LayersNotFoundException``)."""


@dataclass(slots=True)
class PutCounts:
    manifests_put: int = 0
    referrers_copied: int = 0
    tags_written: int = 0
    warnings: list[str] = field(default_factory=list)


class ManifestPuts:
    """The manifest and tag phase of one plan."""

    def __init__(
        self,
        plan: CopyPlan,
        *,
        pacer: Pacer,
        progress: CopyProgress,
        cancel: threading.Event,
        upload_missing: UploadMissing,
        attempts: int,
        backoff: Backoff,
        failed_blobs: frozenset[str] = frozenset(),
        reach: Endpoint | None = None,
    ) -> None:
        """``reach``: the job's budget for the destination's endpoint, when it does not answer."""
        self.plan = plan
        self._limiter = pacer.put_image(plan.request.destination.key)
        self._progress = progress
        self._cancel = cancel
        self._upload_missing = upload_missing
        self._attempts = attempts
        self._failed_blobs = failed_blobs
        self._backoff = backoff
        self._reach = reach

    def run(self) -> PutCounts:
        counts = PutCounts()
        plan = self.plan
        pending_tags: list[TagStep] = list(plan.tags_to_write)
        for step in plan.manifests:
            if self._cancel.is_set():
                raise Cancelled("The copy was cancelled before all manifests were put")
            if step.present:
                continue
            if step.role is ManifestRole.REFERRER:
                self._referrer(step, counts)
                continue
            tag = None
            if (
                step.digest == plan.digest
                and step.role in (ManifestRole.IMAGE, ManifestRole.INDEX)
                and pending_tags
            ):
                tag = pending_tags.pop(0).tag
            self._put_required(step, tag, counts)
            if tag is not None:
                counts.tags_written += 1
        top = next(m for m in plan.manifests if m.digest == plan.digest)
        for tag_step in pending_tags:
            if self._cancel.is_set():
                raise Cancelled("The copy was cancelled before all tags were written")
            self._put_required(top, tag_step.tag, counts, count_manifest=False)
            counts.tags_written += 1
        return counts

    def _put_required(
        self, step: ManifestStep, tag: str | None, counts: PutCounts, *, count_manifest: bool = True
    ) -> None:
        key = manifest_key(self.plan, step)
        self._progress.phase(
            "manifests", f"put {step.label} {short_digest(step.digest)}" + (f" as {tag}" if tag else "")
        )
        try:
            stored = self._put(step, tag)
        except Conflict as error:
            if (
                error.code == "ImageTagAlreadyExistsException"
                and tag is not None
                and self._points_here(tag, step)
            ):
                stored = False  # the immutable tag already names this very image: nothing to do
            else:
                self._fail_put(key, step, tag, error)
        except EcrError as error:
            if not isinstance(error, Cancelled):
                self._progress.item(key, ItemState.FAILED, 0, detail=str(error))
            raise
        if count_manifest and stored:
            counts.manifests_put += 1
        self._progress.item(key, ItemState.DONE if stored else ItemState.SKIPPED, len(step.raw))

    def _points_here(self, tag: str, step: ManifestStep) -> bool:
        dst = self.plan.request.destination
        try:
            found = dst.service.describe_images(dst.repository, [tag], dst.registry_id)
        except EcrError:
            return False
        return any(summary.digest == step.digest for summary in found)

    def _fail_put(self, key: str, step: ManifestStep, tag: str | None, error: Conflict) -> NoReturn:
        self._progress.item(key, ItemState.FAILED, 0, detail=str(error))
        if error.code == "ImageTagAlreadyExistsException":
            raise Conflict(
                f"tag '{tag}' already points at another image in {self.plan.request.destination.uri} and cannot "
                "move: copy under another tag, or add an exclusion filter matching it",
                operation="PutImage",
                code=error.code,
            ) from None
        raise error

    def _referrer(self, step: ManifestStep, counts: PutCounts) -> None:
        key = manifest_key(self.plan, step)
        blocked = [d for d in step.blobs if d in self._failed_blobs]
        if blocked:
            message = f"{step.label} {short_digest(step.digest)} not copied: its blob {short_digest(blocked[0])} failed"
            counts.warnings.append(message)
            self._progress.item(key, ItemState.FAILED, 0, detail=message)
            return
        self._progress.phase("referrers", f"put {step.label} {short_digest(step.digest)}")
        try:
            stored = self._put(step, step.tag)
        except Cancelled:
            raise
        except EcrError as error:
            message = f"{step.label} {short_digest(step.digest)} not copied: {error}"
            counts.warnings.append(message)
            self._progress.item(key, ItemState.FAILED, 0, detail=str(error))
            return
        if stored:
            counts.manifests_put += 1
            counts.referrers_copied += 1
        self._progress.item(key, ItemState.DONE if stored else ItemState.SKIPPED, len(step.raw))

    def _put(self, step: ManifestStep, tag: str | None) -> bool:
        dst = self.plan.request.destination
        retried_missing = False

        def call() -> bool:
            self._limiter.acquire(self._cancel)
            return dst.service.put_manifest(
                dst.repository,
                step.raw,
                step.media_type,
                digest=step.digest if step.verify_digest else None,
                tag=tag,
                registry_id=dst.registry_id,
            )

        while True:
            try:
                return retrying(
                    call,
                    attempts=self._attempts,
                    backoff=self._backoff,
                    cancel=self._cancel,
                    reach=self._reach,
                )
            except NotFound as missing:
                if missing.code != "LayersNotFoundException" or retried_missing:
                    raise
                retried_missing = True
                self._upload_missing(self.plan, step)
