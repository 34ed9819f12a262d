"""Deleting images by digest: what goes, what ECR would refuse, and the order that lets it all go.

Before anything is sent the plan names every tag that disappears, every image ECR would refuse to delete because an
index that stays lists it (``ImageReferencedByManifestList``; such images are not sent), every referrer left without
its subject, the platform images a deleted index leaves behind, and the archive charge of archived images. Indexes
go before the images they list (ECR checks each image against the indexes still present), in ``BatchDeleteImage``
calls of at most 100 digests; each image's failure is reported on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from ecrtui.ecr.errors import EcrError
from ecrtui.ecr.models import ImageSummary
from ecrtui.ecr.service_base import BATCH_SIZE, chunks
from ecrtui.manage.inventory import Inventory
from ecrtui.manage.plan import LISTED, ItemResult, Plan, image_label, joined

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = ["DeleteImagesPlan", "plan_deletion"]


@dataclass(frozen=True)
class DeleteImagesPlan(Plan):
    """Delete ``images`` from one repository, in ``waves`` (indexes first)."""

    action: ClassVar[str] = "delete-images"
    inventory: Inventory
    images: tuple[ImageSummary, ...]
    """Every image asked for."""
    waves: tuple[tuple[str, ...], ...]
    """Digests to send, indexes before the images they list."""
    blocked: tuple[ItemResult, ...]
    """Images not sent: an index that stays lists them."""

    @property
    def repository_name(self) -> str:
        return self.inventory.repository.name

    @property
    def destructive(self) -> bool:
        return True

    @property
    def sent(self) -> tuple[ImageSummary, ...]:
        digests = {d for wave in self.waves for d in wave}
        return tuple(i for i in self.images if i.digest in digests)

    def target(self, digest: str) -> str:
        return f"{self.repository_name}@{digest}"

    @property
    def title(self) -> str:
        count = len(self.sent)
        return f"Delete {count} image{'s' if count != 1 else ''} from {self.repository_name}"

    @property
    def lines(self) -> tuple[str, ...]:
        sent = self.sent
        gone = {i.digest for i in sent}
        lines = [
            f"delete {image_label(i)}" + (" (archived)" if i.status == "ARCHIVED" else "")
            for i in sent[:LISTED]
        ]
        if len(sent) > LISTED:
            lines.append(f"and {len(sent) - LISTED} more images")
        tags = [t for i in sent for t in i.tags]
        if tags:
            lines.append(f"tags that disappear: {joined(tags, 20)}")
        for image in sent:
            left = [c for c in self.inventory.children.get(image.digest, ()) if c not in gone]
            if left:
                lines.append(
                    f"index {image_label(image)} leaves {len(left)} platform image"
                    f"{'s' if len(left) != 1 else ''} behind, untagged: {joined(self.inventory.labels(left))}"
                )
        orphans = [r for i in sent for r in self.inventory.referrers.get(i.digest, ()) if r not in gone]
        if orphans:
            lines.append(f"left without their subject: {joined(self.inventory.labels(orphans))}")
        return tuple(lines)

    @property
    def refusals(self) -> tuple[ItemResult, ...]:
        return self.blocked

    @property
    def notes(self) -> tuple[str, ...]:
        archived = [i for i in self.sent if i.status == "ARCHIVED"]
        notes = [*self.inventory.warnings]
        if archived:
            notes.append(
                f"{len(archived)} archived image{'s' if len(archived) != 1 else ''}: ECR charges archived images "
                "for at least 90 days, even when deleted sooner"
            )
        return tuple(notes)

    @property
    def nothing_to_do(self) -> bool:
        return not self.waves

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        results = list(self.blocked)
        name, rid = self.repository_name, self.inventory.registry_id or None
        for wave in self.waves:
            for chunk in chunks(wave, BATCH_SIZE):
                try:
                    failures = ecr.delete_images(name, list(chunk), rid)
                except EcrError as error:
                    results += [ItemResult.from_error(self.target(d), error, self._detail(d)) for d in chunk]
                    continue
                failed = {f.digest: f for f in failures if f.digest}
                for digest in chunk:
                    failure = failed.get(digest)
                    if failure is None:
                        results.append(ItemResult(self.target(digest), "ok", detail=self._detail(digest)))
                    else:
                        results.append(
                            ItemResult(
                                self.target(digest),
                                "failed",
                                failure.reason or failure.code,
                                failure.code,
                                self._detail(digest),
                            )
                        )
        return results

    def _detail(self, digest: str) -> str:
        image = self.inventory.get(digest)
        return f"tags: {', '.join(image.tags)}" if image is not None and image.tags else "untagged"


def plan_deletion(inventory: Inventory, images: Sequence[ImageSummary]) -> DeleteImagesPlan:
    """Work out the order and the refusals for deleting ``images`` (all of ``inventory``'s repository)."""
    wanted = list(dict.fromkeys(i.digest for i in images))
    chosen = set(wanted)
    blocked: dict[str, list[str]] = {}
    changed = True
    while changed:  # an image stays when an index that stays lists it; that index may itself be blocked
        changed = False
        for digest in wanted:
            if digest in blocked:
                continue
            staying = [p for p in inventory.parents.get(digest, ()) if p not in chosen or p in blocked]
            if staying:
                blocked[digest] = staying
                changed = True
    depth: dict[str, int] = {}

    def depth_of(digest: str, seen: frozenset[str] = frozenset()) -> int:
        if digest not in depth:
            parents = [p for p in inventory.parents.get(digest, ()) if p in chosen and p not in seen]
            depth[digest] = 1 + max((depth_of(p, seen | {digest}) for p in parents), default=-1)
        return depth[digest]

    sendable = [d for d in wanted if d not in blocked]
    levels: dict[int, list[str]] = {}
    for digest in sendable:
        levels.setdefault(depth_of(digest), []).append(digest)
    refusals = tuple(
        ItemResult(
            f"{inventory.repository.name}@{digest}",
            "refused",
            f"{joined(inventory.labels([digest]))} is listed by index {joined(inventory.labels(parents))}, which "
            "stays: ECR refuses (ImageReferencedByManifestList); delete the index too",
            "ImageReferencedByManifestList",
        )
        for digest, parents in blocked.items()
    )
    known = {i.digest: i for i in images}
    return DeleteImagesPlan(
        inventory=inventory,
        images=tuple(inventory.get(d) or known[d] for d in wanted),
        waves=tuple(tuple(levels[level]) for level in sorted(levels)),
        blocked=refusals,
    )
