"""Archiving images and restoring them (``UpdateImageStorageClass``).

Archiving is cheap storage with conditions, said before confirming: ECR charges an archived image for at least
90 days even if it is restored or deleted sooner; an archived image cannot be pulled or scanned and is listed only
when asked for; an index's platform images are separate images (archiving the index alone leaves them active,
archiving a platform alone breaks pulls of that platform through its index). A restore takes up to 20 minutes
(``ACTIVATING``), after which the image is ``ACTIVE`` again without its old scan findings. Images already in the
wanted state are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from ecrtui.ecr.images import StorageClass
from ecrtui.ecr.models import ImageSummary
from ecrtui.manage.inventory import Inventory
from ecrtui.manage.plan import LISTED, ItemResult, Plan, attempt, image_label, joined

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = ["MINIMUM_ARCHIVE_DAYS", "RESTORE_MINUTES", "ArchivePlan", "RestorePlan", "StorageClassPlan"]

MINIMUM_ARCHIVE_DAYS = 90
"""ECR's minimum storage duration for archived images (charged even when deleted or restored sooner)."""
RESTORE_MINUTES = 20
"""How long ECR says a restore can take."""


@dataclass(frozen=True)
class StorageClassPlan(Plan):
    """Archive (``ArchivePlan``) or restore (``RestorePlan``) images of one repository."""

    inventory: Inventory
    images: tuple[ImageSummary, ...]

    target_class: ClassVar[StorageClass]

    @property
    def archiving(self) -> bool:
        return self.target_class == "ARCHIVE"

    @property
    def verb(self) -> str:
        return "archive" if self.archiving else "restore"

    @property
    def costs(self) -> bool:
        return self.archiving

    @property
    def repository_name(self) -> str:
        return self.inventory.repository.name

    def target(self, image: ImageSummary) -> str:
        return f"{self.repository_name}@{image.digest}"

    def _ready(self, image: ImageSummary) -> bool:
        """Whether ECR takes this image for this change (ACTIVE to archive, ARCHIVED to restore)."""
        status = image.status or "ACTIVE"
        return status == ("ACTIVE" if self.archiving else "ARCHIVED")

    @property
    def todo(self) -> tuple[ImageSummary, ...]:
        return tuple(i for i in self.images if self._ready(i))

    def _skip_reason(self, image: ImageSummary) -> str:
        status = (image.status or "ACTIVE").lower()
        if status == "activating":
            return "being restored already"
        if not self.archiving and status == "active":
            return "not archived"
        return f"already {status}"

    @property
    def skipped(self) -> tuple[ItemResult, ...]:
        return tuple(
            ItemResult(self.target(i), "skipped", self._skip_reason(i))
            for i in self.images
            if not self._ready(i)
        )

    @property
    def title(self) -> str:
        count = len(self.todo)
        return f"{self.verb.capitalize()} {count} image{'s' if count != 1 else ''} in {self.repository_name}"

    @property
    def lines(self) -> tuple[str, ...]:
        lines = [f"{self.verb} {image_label(i)}" for i in self.todo[:LISTED]]
        if len(self.todo) > LISTED:
            lines.append(f"and {len(self.todo) - LISTED} more images")
        lines += [f"skip {image_label(i)}: {self._skip_reason(i)}" for i in self.images if not self._ready(i)]
        if self.archiving:
            chosen = {i.digest for i in self.todo}
            for image in self.todo:
                active_children = [
                    c
                    for c in self.inventory.children.get(image.digest, ())
                    if c not in chosen and self._active(c)
                ]
                if active_children:
                    lines.append(
                        f"index {image_label(image)}: its {len(active_children)} platform images stay active "
                        "(archive them too to stop paying standard storage for them)"
                    )
                staying = [p for p in self.inventory.parents.get(image.digest, ()) if p not in chosen]
                if staying:
                    lines.append(
                        f"{image_label(image)} is a platform of index {joined(self.inventory.labels(staying))}, "
                        "which stays active: pulling that platform through the index will fail"
                    )
        return tuple(lines)

    def _active(self, digest: str) -> bool:
        image = self.inventory.get(digest)
        return image is None or image.status in (None, "ACTIVE")

    @property
    def notes(self) -> tuple[str, ...]:
        if self.nothing_to_do:  # the charge and the wait are facts about a change that is not made
            return ()
        if self.archiving:
            return (
                f"ECR charges an archived image for at least {MINIMUM_ARCHIVE_DAYS} days, even if it is restored "
                "or deleted sooner",
                "archived images cannot be pulled or scanned until restored",
            )
        return (
            f"a restore takes up to {RESTORE_MINUTES} minutes (ACTIVATING); the image's scan findings from before "
            "the archive are gone",
        )

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        results = list(self.skipped)
        rid = self.inventory.registry_id or None
        for image in self.todo:
            detail = f"tags: {', '.join(image.tags)}" if image.tags else "untagged"
            call = partial(
                ecr.update_image_storage_class, self.repository_name, image.digest, self.target_class, rid
            )
            result, status = attempt(self.target(image), call, detail)
            if status:
                result = ItemResult(result.target, "ok", f"now {status}", detail=detail)
            results.append(result)
        return results


@dataclass(frozen=True)
class ArchivePlan(StorageClassPlan):
    """Move ACTIVE images to the archive storage class."""

    action: ClassVar[str] = "archive"
    target_class: ClassVar[StorageClass] = "ARCHIVE"


@dataclass(frozen=True)
class RestorePlan(StorageClassPlan):
    """Bring ARCHIVED images back to standard storage."""

    action: ClassVar[str] = "restore"
    target_class: ClassVar[StorageClass] = "STANDARD"


def plan_storage_class(
    inventory: Inventory, images: Sequence[ImageSummary], *, archive: bool
) -> StorageClassPlan:
    """Archive or restore ``images``, judged by their status in ``inventory`` (fresher than the caller's)."""
    fresh = tuple(inventory.get(i.digest) or i for i in {i.digest: i for i in images}.values())
    kind: type[StorageClassPlan] = ArchivePlan if archive else RestorePlan
    return kind(inventory=inventory, images=fresh)
