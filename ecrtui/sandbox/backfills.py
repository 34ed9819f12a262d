"""Replication backfills: a registry's existing images that match its rules, replicated to one destination.

``StartReplicationBackfill`` answers ``PREPARING``; after the replication delay the backfill takes its snapshot
(every image and tag combination of the repositories whose rules name the destination; the untagged children of
an index travel with their index and report under its ``subImageFailureCodes``) and becomes ``IN_PROGRESS`` with
progress counts. It then replicates one combination per delay, always with one replication in flight, so
``StopReplicationBackfill`` answers ``STOPPING`` and the backfill is ``STOPPED`` once that replication completes
(``STOPPED`` at once while it is still preparing). It ends ``COMPLETE`` (some replications may have failed: the
counts and per-image results say which) or ``FAILED`` with a failure code when it could not run at all.
One backfill may be in progress per destination region, and ten per registry.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.ecr.models import ECRBackend

from ecrtui.sandbox.errors import (
    InvalidParameterException,
    LimitExceededException,
    ReplicationBackfillInProgressException,
    ReplicationBackfillInvalidStatusException,
    ReplicationBackfillNotFoundException,
)
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.manifest_rules import INDEX_TYPES, read_manifest
from ecrtui.sandbox.replication import FailureCode, Outcome, current_engine, replicate_image, state_of
from ecrtui.sandbox.replication_rules import Destination, Rule, rules_of
from ecrtui.sandbox.runtime import current

__all__ = ["Backfill", "find", "start", "stop"]

log = logging.getLogger("ecrtui.sandbox")

MAX_IN_PROGRESS = 10
RUNNING = frozenset({"PREPARING", "IN_PROGRESS", "STOPPING"})
TERMINAL = frozenset({"COMPLETE", "FAILED", "STOPPED"})


@dataclass(frozen=True, slots=True)
class Item:
    """One replication of a backfill: an image and one of its tags (or the image alone when untagged)."""

    repository: str
    digest: str
    tag: str | None


@dataclass
class Backfill:
    """One backfill's state; every change happens under the sandbox lock."""

    backfill_id: str
    registry_id: str
    destination: Destination
    started_at: datetime
    status: str = "PREPARING"
    ended_at: datetime | None = None
    failure_code: str | None = None
    items: list[Item] | None = None
    """The snapshot, taken when preparation ends (None while ``PREPARING``)."""
    done: int = 0
    completed: int = 0
    failed: int = 0
    failure_codes: dict[str, None] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    stop_requested: bool = False

    def progress(self) -> dict[str, Any] | None:
        if self.items is None:
            return None
        return {
            "totalReplicationCount": len(self.items),
            "completedReplicationCount": self.completed,
            "failedReplicationCount": self.failed,
            "failureCodes": list(self.failure_codes),
        }

    def summary(self) -> dict[str, Any]:
        """The ``ReplicationBackfillSummary`` shape (absent members left out, as ECR does)."""
        summary: dict[str, Any] = {
            "replicationBackfillId": self.backfill_id,
            "destination": self.destination.to_api(),
            "status": self.status,
            "startedAt": self.started_at,
        }
        if self.failure_code:
            summary["failureCode"] = self.failure_code
        progress = self.progress()
        if progress is not None:
            summary["progress"] = progress
        if self.ended_at is not None:
            summary["endedAt"] = self.ended_at
        return summary

    def end(self, status: str) -> None:
        self.status = status
        self.ended_at = current().clock()


def find(backend: ECRBackend, backfill_id: str) -> Backfill:
    backfill = state_of(backend).backfills.get(backfill_id)
    if backfill is None:
        raise ReplicationBackfillNotFoundException(
            f"The replication backfill with id '{backfill_id}' does not exist in the registry with id "
            f"'{backend.account_id}'"
        )
    return backfill


def start(backend: ECRBackend, destination: Destination) -> Backfill:
    """Start a backfill to ``destination``, which a rule of the registry must name."""
    if not any(destination in rule.destinations for rule in rules_of(backend)):
        raise InvalidParameterException(
            f"Invalid parameter at 'destination' failed to satisfy constraint: 'The destination "
            f"{destination.region}/{destination.registry_id} is not in the registry's replication configuration'"
        )
    running = [b for b in state_of(backend).backfills.values() if b.status in RUNNING]
    if any(b.destination.region == destination.region for b in running):
        raise ReplicationBackfillInProgressException(
            f"A replication backfill to region '{destination.region}' is already in progress for the registry "
            f"with id '{backend.account_id}'"
        )
    if len(running) >= MAX_IN_PROGRESS:
        raise LimitExceededException(
            f"The registry with id '{backend.account_id}' already has {MAX_IN_PROGRESS} replication backfills in "
            "progress"
        )
    backfill = Backfill(str(uuid.uuid4()), backend.account_id, destination, current().clock())
    state_of(backend).backfills[backfill.backfill_id] = backfill
    current_engine().after(lambda: _prepare(backend, backfill))
    return backfill


def stop(backend: ECRBackend, backfill_id: str) -> Backfill:
    """Stop a running backfill: ``STOPPED`` while preparing, else ``STOPPING`` until the replication in flight ends."""
    backfill = find(backend, backfill_id)
    if backfill.status in TERMINAL:
        raise ReplicationBackfillInvalidStatusException(
            f"The replication backfill with id '{backfill_id}' has already ended with status {backfill.status}"
        )
    if backfill.status == "PREPARING":
        backfill.end("STOPPED")
    elif backfill.status == "IN_PROGRESS":
        backfill.stop_requested = True
        backfill.status = "STOPPING"
    return backfill


def _index_children(images: list[SandboxImage]) -> set[str]:
    children: set[str] = set()
    for image in images:
        if image.image_manifest_media_type in INDEX_TYPES:
            children.update(read_manifest(image.image_manifest, image.image_manifest_media_type).children)
    return children


def _snapshot(backend: ECRBackend, rules: list[Rule]) -> list[Item]:
    items: list[Item] = []
    for name in sorted(backend.repositories):
        if not any(rule.applies_to(name) for rule in rules):
            continue
        # Archived (or still activating) images cannot be pulled, so ECR has nothing to copy: they are left out.
        images = [i for i in repo_images(backend.repositories[name]).images if i.image_status == "ACTIVE"]
        children = _index_children(images)
        for image in images:
            if image.image_tags:
                items.extend(Item(name, image.image_digest, tag) for tag in image.image_tags)
            elif image.image_digest not in children:
                items.append(Item(name, image.image_digest, None))
    return items


def _prepare(backend: ECRBackend, backfill: Backfill) -> None:
    if backfill.status != "PREPARING":
        return  # stopped while preparing
    rules = [rule for rule in rules_of(backend) if backfill.destination in rule.destinations]
    if not rules:
        backfill.failure_code = FailureCode.DESTINATION_NOT_CONFIGURED
        backfill.end("FAILED")
        return
    backfill.items = _snapshot(backend, rules)
    backfill.status = "IN_PROGRESS"
    _begin_next(backend, backfill)


def _begin_next(backend: ECRBackend, backfill: Backfill) -> None:
    assert backfill.items is not None
    if backfill.done >= len(backfill.items):
        backfill.end("COMPLETE")
        return
    item = backfill.items[backfill.done]
    statuses = state_of(backend).statuses.setdefault((item.repository, item.digest), {})
    statuses[backfill.destination] = ("IN_PROGRESS", None)
    current_engine().after(lambda: _finish_item(backend, backfill))


def _replicate(backend: ECRBackend, backfill: Backfill, item: Item) -> tuple[Outcome, SandboxImage | None]:
    repository = backend.repositories.get(item.repository)
    image = repo_images(repository).by_digest.get(item.digest) if repository is not None else None
    if repository is None or image is None:
        return Outcome(FailureCode.IMAGE_NOT_FOUND), None
    tag = (
        item.tag if item.tag in image.image_tags else None
    )  # a tag moved since the snapshot stays where it is
    return replicate_image(repository, image, tag, backfill.destination), image


def _finish_item(backend: ECRBackend, backfill: Backfill) -> None:
    assert backfill.items is not None
    item = backfill.items[backfill.done]
    try:
        outcome, image = _replicate(backend, backfill, item)
    except Exception:  # one bad image must not leave the backfill in progress for ever
        log.exception("backfill %s: replicating %s failed", backfill.backfill_id, item.digest)
        outcome, image = Outcome(FailureCode.INTERNAL_ERROR), None
    _record(backend, backfill, item, outcome, image)
    if backfill.stop_requested:
        backfill.end("STOPPED")
    else:
        _begin_next(backend, backfill)


def _record(
    backend: ECRBackend, backfill: Backfill, item: Item, outcome: Outcome, image: SandboxImage | None
) -> None:
    backfill.done += 1
    image_id = {"imageDigest": item.digest}
    if item.tag:
        image_id["imageTag"] = item.tag
    result: dict[str, Any] = {
        "repositoryName": item.repository,
        "imageId": image_id,
        "status": outcome.status,
    }
    if outcome.code is not None:
        result["failureCode"] = outcome.code
        backfill.failed += 1
        backfill.failure_codes[outcome.code] = None
    else:
        backfill.completed += 1
    if image is not None and image.image_manifest_media_type in INDEX_TYPES:
        result["subImageFailureCodes"] = list(outcome.sub_codes)
    backfill.results.append(result)
    if image is not None:
        statuses = state_of(backend).statuses.setdefault((item.repository, item.digest), {})
        statuses[backfill.destination] = (outcome.status, outcome.code)
