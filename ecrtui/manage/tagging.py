"""Adding, moving and removing a tag.

ECR's rules, said before anything is sent: a tag that already points at another image moves (the other image keeps
its other tags, or stays untagged) unless the repository's tag mutability fixes it (exclusion filters honoured);
removing an image's last tag deletes the image (``BatchDeleteImage``), which ECR refuses for an image an index lists
(``ImageReferencedByManifestList``), and leaves its referrers without their subject. Tagging re-puts the image's
manifest, so an archived image is refused here: tagging it would restore it as a side effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.ecr.mutability import TagRules
from ecrtui.manage.plan import ItemResult, Plan, attempt, image_label, joined

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = ["TagPlan", "UntagPlan"]


@dataclass(frozen=True)
class TagPlan(Plan):
    """Point ``tag`` at ``image`` (new, or moved from ``holder``)."""

    action: ClassVar[str] = "tag"
    repository: Repository
    image: ImageSummary
    tag: str
    holder: ImageSummary | None
    """The image the tag points at now (None: a new tag)."""

    @property
    def target(self) -> str:
        return f"{self.repository.name}:{self.tag}"

    @property
    def title(self) -> str:
        return f"Tag {self.repository.name} {image_label(self.image)} as {self.tag}"

    @property
    def moves(self) -> bool:
        return self.holder is not None and self.holder.digest != self.image.digest

    @property
    def refusal(self) -> str | None:
        """Why ECR (or this plan) would refuse, or None."""
        if self.image.status in ("ARCHIVED", "ACTIVATING"):
            state = "archived" if self.image.status == "ARCHIVED" else "being restored"
            return f"the image is {state}: restore it first (tagging pushes it again, which restores it)"
        if self.moves and self.holder is not None:
            why = TagRules.of(self.repository).why_immutable(self.tag)
            if why is not None:
                return f"{self.tag} is on {image_label(self.holder)} and cannot move: {why}"
        return None

    @property
    def lines(self) -> tuple[str, ...]:
        if self.refusal is not None:
            return ()
        if self.holder is None:
            return (f"{self.tag} is new in {self.repository.name}",)
        if not self.moves:
            return (f"{self.tag} already points at {image_label(self.image)}",)
        lines = [f"{self.tag} moves from {image_label(self.holder)} to {image_label(self.image)}"]
        if self.holder.tags == (self.tag,):
            lines.append(f"{image_label(self.holder)} loses its only tag and stays, untagged")
        return tuple(lines)

    @property
    def refusals(self) -> tuple[ItemResult, ...]:
        reason = self.refusal
        return (ItemResult(self.target, "refused", reason),) if reason else ()

    @property
    def nothing_to_do(self) -> bool:
        return self.refusal is not None or (self.holder is not None and not self.moves)

    def _detail(self) -> str:
        detail = f"image {self.image.digest}"
        if self.moves and self.holder is not None:
            detail += f", moved from {self.holder.digest}"
        return detail

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        if self.refusals:
            return list(self.refusals)
        if not self.moves and self.holder is not None:
            return [ItemResult(self.target, "skipped", "already points at this image", detail=self._detail())]
        result, _ = attempt(
            self.target,
            lambda: ecr.add_tag(
                self.repository.name, self.image.digest, self.tag, self.repository.registry_id
            ),
            self._detail(),
        )
        return [result]


@dataclass(frozen=True)
class UntagPlan(Plan):
    """Remove ``tag`` from ``image``; when it is the image's last tag, ECR deletes the image."""

    action: ClassVar[str] = "untag"
    repository: Repository
    image: ImageSummary
    tag: str
    parents: tuple[str, ...] = ()
    """Labels of the indexes that list the image."""
    referrers: tuple[str, ...] = ()
    """Labels of the images that name it as their subject."""

    @property
    def target(self) -> str:
        return f"{self.repository.name}:{self.tag}"

    @property
    def last_tag(self) -> bool:
        return self.image.tags == (self.tag,)

    @property
    def destructive(self) -> bool:
        return self.last_tag

    @property
    def title(self) -> str:
        return f"Remove tag {self.tag} from {self.repository.name} {image_label(self.image)}"

    @property
    def lines(self) -> tuple[str, ...]:
        if not self.last_tag:
            others = [t for t in self.image.tags if t != self.tag]
            return (f"{self.tag} is removed; the image keeps {joined(others)}",)
        lines = [f"{self.tag} is the image's only tag: ECR deletes the image with it ({self.image.digest})"]
        if self.referrers:
            lines.append(f"left without their subject: {joined(self.referrers)}")
        return tuple(lines)

    @property
    def refusals(self) -> tuple[ItemResult, ...]:
        if self.last_tag and self.parents:
            return (
                ItemResult(
                    self.target,
                    "refused",
                    f"removing the last tag deletes the image, and index {joined(self.parents)} lists it "
                    "(ECR refuses: ImageReferencedByManifestList)",
                    "ImageReferencedByManifestList",
                ),
            )
        return ()

    @property
    def notes(self) -> tuple[str, ...]:
        if self.last_tag and self.image.status == "ARCHIVED":
            return (
                "the image is archived: its 90-day minimum archive charge applies even though it is deleted",
            )
        return ()

    @property
    def nothing_to_do(self) -> bool:
        return bool(self.refusals)

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        if self.refusals:
            return list(self.refusals)
        detail = f"image {self.image.digest}" + (", deleted with its last tag" if self.last_tag else "")
        result, _ = attempt(
            self.target,
            lambda: ecr.remove_tag(self.repository.name, self.tag, self.repository.registry_id),
            detail,
        )
        return [result]
