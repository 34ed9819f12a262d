"""ECR's own replication, simulated: pushes, tag changes and (with ``deleteReplication``) deletions copied to each
destination of the matching rules, asynchronously, by a background thread of the sandbox process.

Every image change reaches ``ReplicationEngine.on_change`` through ``registry_ops``'s change listeners, whichever
face made it (the ECR API, the registry API). A change in a repository that a rule covers marks the image
``IN_PROGRESS`` for each destination at once, and is replicated after the configured delay: blobs (stored once by
digest, so nothing is re-read), the exact manifest bytes (same digest), the tag, index children first. The
destination repository is created on first use, from the destination registry's ``REPLICATION`` creation
template when one matches. A destination in another account needs that registry's permissions policy to allow
the source account ``ecr:ReplicateImage`` (and ``ecr:CreateRepository`` to create the repository); otherwise the
destination is ``FAILED`` with a failure code saying which. Work runs in order of arrival, one task at a time,
under the sandbox lock. Content that arrived by replication is not replicated again.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from moto.core.exceptions import ServiceException
from moto.ecr.models import ECRBackend, Repository, ecr_backends

from ecrtui.ecr.registry_policy import allows
from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.creation_templates import create_repository_for
from ecrtui.sandbox.errors import ImageAlreadyExistsException, ImageTagAlreadyExistsException
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.manifest_rules import read_manifest
from ecrtui.sandbox.replication_rules import Destination, destinations_for, rules_of
from ecrtui.sandbox.runtime import current

if TYPE_CHECKING:
    from ecrtui.sandbox.backfills import Backfill

__all__ = [
    "FailureCode",
    "Outcome",
    "ReplicationEngine",
    "current_engine",
    "install",
    "replicate_image",
    "state_of",
    "uninstall",
]

log = logging.getLogger("ecrtui.sandbox")


class FailureCode:
    """The failure codes the sandbox reports. ECR's model types them as plain strings and documents no list."""

    REPLICATE_IMAGE_DENIED = "ReplicateImageAccessDenied"
    """The destination registry's policy does not allow the source account ``ecr:ReplicateImage``."""
    CREATE_REPOSITORY_DENIED = "CreateRepositoryAccessDenied"
    """The repository is missing at the destination and the policy does not allow ``ecr:CreateRepository``."""
    TAG_IMMUTABLE = "ImageTagImmutable"
    """The tag points at another image at the destination, whose tags are immutable."""
    REFERENCED_IMAGES_FAILED = "ReferencedImagesNotReplicated"
    """An index whose children could not all be replicated (their codes are the sub-image failure codes)."""
    IMAGE_NOT_FOUND = "ImageNotFound"
    """The source image was deleted before its replication ran."""
    DESTINATION_NOT_CONFIGURED = "DestinationNotConfigured"
    """A backfill's destination left the replication configuration before the backfill started copying."""
    INTERNAL_ERROR = "InternalError"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one replication to one destination ended: ``code`` is None on success."""

    code: str | None = None
    sub_codes: tuple[str, ...] = ()
    """For an index: the distinct failure codes of its children."""

    @property
    def status(self) -> str:
        return "COMPLETE" if self.code is None else "FAILED"


StatusEntry = tuple[str, str | None]
"""``(IN_PROGRESS | COMPLETE | FAILED, failure code)``"""


@dataclass
class RegistryReplication:
    """What a source registry's replication has done: per-image statuses and its backfills."""

    statuses: dict[tuple[str, str], dict[Destination, StatusEntry]] = field(default_factory=dict)
    """``(repository, digest)`` -> destination -> status."""
    backfills: dict[str, Backfill] = field(default_factory=dict)
    """Backfills by id, oldest first."""


def state_of(backend: ECRBackend) -> RegistryReplication:
    """The replication state kept on a registry's moto backend (so a new sandbox start forgets it)."""
    state = getattr(backend, "sandbox_replication", None)
    if state is None:
        state = RegistryReplication()
        setattr(backend, "sandbox_replication", state)  # noqa: B010 - moto's class has no such slot
    return cast(RegistryReplication, state)


def backend_of(repository: Repository) -> ECRBackend:
    return ecr_backends[repository.registry_id][repository.region_name]


def _repository_arn(destination: Destination, name: str) -> str:
    backend = ecr_backends[destination.registry_id][destination.region]
    return f"arn:{backend.partition}:ecr:{destination.region}:{destination.registry_id}:repository/{name}"


def _put_copy(
    source: Repository, target: Repository, image: SandboxImage, tag: str | None, depth: int
) -> Outcome:
    """Copy one manifest (an index's children first) with its blobs; the digest stays the same."""
    facts = read_manifest(image.image_manifest, image.image_manifest_media_type)
    sub_codes: dict[str, None] = {}
    if facts.is_index:
        if depth > 8:
            return Outcome(FailureCode.INTERNAL_ERROR)
        children = repo_images(source).by_digest
        for digest in facts.children:
            child = children.get(digest)
            result = _put_copy(source, target, child, None, depth + 1) if child else None
            code = FailureCode.IMAGE_NOT_FOUND if result is None else result.code
            if code is not None:
                sub_codes[code] = None
        if sub_codes:
            return Outcome(FailureCode.REFERENCED_IMAGES_FAILED, tuple(sub_codes))
    for digest in facts.blob_digests:
        target.layers.setdefault(digest, source.layers[digest])  # the bytes are stored once, by digest
    try:
        registry_ops.put_image(
            target,
            image.image_manifest,
            media_type=image.image_manifest_media_type,
            tag=tag,
            known_digest=image.image_digest,
            by_replication=True,
        )
    except ImageAlreadyExistsException:
        pass  # already there with this tag: nothing to do
    except ImageTagAlreadyExistsException:
        return Outcome(FailureCode.TAG_IMMUTABLE)
    return Outcome()


def replicate_image(
    source: Repository, image: SandboxImage, tag: str | None, destination: Destination
) -> Outcome:
    """Replicate one image (and one tag) to one destination, as ECR's replication service would."""
    target_backend = ecr_backends[destination.registry_id][destination.region]
    cross_account = destination.registry_id != source.registry_id
    arn = _repository_arn(destination, source.name)
    policy = target_backend.registry_policy
    if cross_account and not allows(policy, source.registry_id, "ecr:ReplicateImage", arn):
        return Outcome(FailureCode.REPLICATE_IMAGE_DENIED)
    target = target_backend.repositories.get(source.name)
    if target is None:
        if cross_account and not allows(policy, source.registry_id, "ecr:CreateRepository", arn):
            return Outcome(FailureCode.CREATE_REPOSITORY_DENIED)
        target = create_repository_for(target_backend, source.name, "REPLICATION")
    try:
        return _put_copy(source, target, image, tag, 0)
    except ServiceException as error:  # a destination that refuses for a reason not modelled above
        log.warning("replication of %s to %s failed: %s", image.image_digest, destination, error)
        return Outcome(FailureCode.INTERNAL_ERROR)


def _replicate_removal(change: registry_ops.ImageChange, destination: Destination) -> None:
    """Apply a source deletion or tag removal at one destination (``deleteReplication``)."""
    target_backend = ecr_backends[destination.registry_id][destination.region]
    source = change.repository
    if destination.registry_id != source.registry_id and not allows(
        target_backend.registry_policy,
        source.registry_id,
        "ecr:ReplicateImage",
        _repository_arn(destination, source.name),
    ):
        return
    target = target_backend.repositories.get(source.name)
    image = repo_images(target).by_digest.get(change.digest) if target is not None else None
    if target is None or image is None:
        return
    if change.kind == "untag" and change.tag not in image.image_tags:
        return  # the tag has moved to another image at the destination: not this removal's business
    image_id = {"imageTag": str(change.tag)} if change.kind == "untag" else {"imageDigest": change.digest}
    try:
        registry_ops.delete_image(target, image_id, by_replication=True)
    except registry_ops.ImageChangeRefused as refused:
        log.info("deletion of %s not replicated to %s: %s", change.digest, destination, refused.reason)


Task = Callable[[], None]


class ReplicationEngine:
    """One background thread that runs replication work, in order, ``delay`` seconds after it was asked for."""

    def __init__(self, delay_seconds: float) -> None:
        self.delay = delay_seconds
        self._queue: list[tuple[float, int, Task]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="ecrtui-sandbox-replication", daemon=True)

    def start(self) -> ReplicationEngine:
        registry_ops.add_change_listener(self.on_change)
        self._thread.start()
        return self

    def stop(self) -> None:
        registry_ops.remove_change_listener(self.on_change)
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def after(self, task: Task, delay: float | None = None) -> None:
        """Run ``task`` on the engine's thread, under the sandbox lock, after ``delay`` (the engine's own)."""
        due = time.monotonic() + (self.delay if delay is None else delay)
        with self._wake:
            heapq.heappush(self._queue, (due, next(self._order), task))
            self._wake.notify_all()

    def _next_task(self) -> Task | None:
        with self._wake:
            while not self._stopping:
                if self._queue:
                    wait = self._queue[0][0] - time.monotonic()
                    if wait <= 0:
                        return heapq.heappop(self._queue)[2]
                else:
                    wait = None
                self._wake.wait(wait)
            return None

    def _run(self) -> None:
        while (task := self._next_task()) is not None:
            try:
                with current().lock:
                    task()
            except Exception:
                log.exception("replication task failed")

    # -- image changes -----------------------------------------------------------------------------------------

    def on_change(self, change: registry_ops.ImageChange) -> None:
        """Queue the replication of a change (called under the sandbox lock, by whoever made the change)."""
        if change.by_replication:
            return
        backend = backend_of(change.repository)
        rules = rules_of(backend)
        key = (change.repository.name, change.digest)
        if change.kind in ("put", "tag"):
            targets = destinations_for(rules, change.repository.name)
            if targets:
                statuses = state_of(backend).statuses.setdefault(key, {})
                statuses.update(dict.fromkeys(targets, ("IN_PROGRESS", None)))
                self.after(lambda: self._replicate(change, targets))
            return
        if change.kind == "delete":
            state_of(backend).statuses.pop(key, None)
        targets = destinations_for(rules, change.repository.name, deletions=True)
        if targets:
            self.after(lambda: self._remove(change, targets))

    def _replicate(self, change: registry_ops.ImageChange, targets: list[Destination]) -> None:
        source = change.repository
        backend = backend_of(source)
        image = repo_images(source).by_digest.get(change.digest)
        if backend.repositories.get(source.name) is not source or image is None:
            return  # deleted since: its statuses went with it
        statuses = state_of(backend).statuses.setdefault((source.name, change.digest), {})
        for destination in targets:
            outcome = replicate_image(source, image, change.tag, destination)
            statuses[destination] = (outcome.status, outcome.code)

    def _remove(self, change: registry_ops.ImageChange, targets: list[Destination]) -> None:
        for destination in targets:
            _replicate_removal(change, destination)


_engine: ReplicationEngine | None = None


def install(delay_ms: int) -> ReplicationEngine:
    """Start replicating (one engine per process, like the rest of the sandbox's state)."""
    global _engine
    uninstall()
    _engine = ReplicationEngine(delay_ms / 1000).start()
    return _engine


def uninstall() -> None:
    global _engine
    if _engine is not None:
        _engine.stop()
        _engine = None


def current_engine() -> ReplicationEngine:
    if _engine is None:
        raise RuntimeError("replication is not running (Sandbox.start installs it)")
    return _engine
