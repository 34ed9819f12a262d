"""Images as ECR reports them, and a per-repository index that keeps lookups and paging cheap.

moto recomputes an image's digest and size from the manifest on every read and scans a list for every lookup,
which is wrong (see docs) and O(n) per call. ``SandboxImage`` fixes digest, size and push time when the image is
stored. ``RepoImages`` keeps digest and tag maps up to date and caches the ordered listings each filter needs, so a
``DescribeImages`` page over 100,000 images costs O(page), not O(n). The list stays moto's ``Repository.images`` so
moto's own scan calls keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from moto.ecr.models import Image, Repository

TagStatus = str  # "TAGGED" | "UNTAGGED" | "ANY"


class SandboxImage(Image):
    """An image whose digest, size, media types and push time are fixed when it is stored."""

    def __init__(
        self,
        *,
        account_id: str,
        registry_id: str,
        repository_name: str,
        manifest: str,
        media_type: str,
        digest: str,
        size: int,
        pushed_at: datetime,
        artifact_media_type: str | None,
        last_pulled_at: datetime | None = None,
    ) -> None:
        super().__init__(
            account_id,
            None,  # type: ignore[arg-type]  # moto types the tag as str but handles None (untagged)
            manifest,
            repository_name,
            media_type,
            digest,
            registry_id,
        )
        self.size_in_bytes = size
        self.pushed_at = pushed_at
        self.image_pushed_at = int(pushed_at.timestamp())
        self.artifact_media_type = artifact_media_type
        self.last_pulled_at = last_pulled_at
        self.scan_summary: dict[str, Any] | None = None
        self.image_status = "ACTIVE"

    def get_image_size_in_bytes(self) -> int:
        return self.size_in_bytes

    def details(self) -> dict[str, Any]:
        """The ``imageDetails`` entry of ``DescribeImages`` (no ``imageTags`` key when untagged, like ECR)."""
        detail: dict[str, Any] = {
            "registryId": self.registry_id,
            "repositoryName": self.repository_name,
            "imageDigest": self.image_digest,
            "imageSizeInBytes": self.size_in_bytes,
            "imagePushedAt": self.pushed_at,
            "imageManifestMediaType": self.image_manifest_media_type,
        }
        if self.image_tags:
            detail["imageTags"] = list(self.image_tags)
        if self.artifact_media_type:
            detail["artifactMediaType"] = self.artifact_media_type
        if self.last_pulled_at is not None:
            detail["lastRecordedPullTime"] = self.last_pulled_at
        if self.scan_summary is not None:
            detail.update(self.scan_summary)
        return detail


@dataclass(slots=True)
class _Listings:
    images: dict[TagStatus, list[SandboxImage]]
    ids: dict[TagStatus, list[tuple[str, str | None]]]


class RepoImages:
    """Digest and tag maps over one repository's images, plus cached listings per tag filter."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.by_digest: dict[str, SandboxImage] = {}
        self.by_tag: dict[str, SandboxImage] = {}
        self._listings: _Listings | None = None
        for image in self.images:
            self.by_digest[image.get_image_digest()] = image
            for tag in image.image_tags:
                self.by_tag[tag] = image

    @property
    def images(self) -> list[SandboxImage]:
        return cast(list[SandboxImage], self.repository.images)

    def changed(self) -> None:
        """Drop cached listings after any change of membership or tags."""
        self._listings = None

    def add(self, image: SandboxImage, tags: list[str] | tuple[str, ...] = ()) -> None:
        self.images.append(image)
        self.by_digest[image.image_digest] = image
        for tag in tags:
            self.tag(image, tag)
        self.changed()

    def extend(self, images: list[SandboxImage]) -> None:
        """Bulk-add untagged-or-tagged images already carrying their tags (scale seeding)."""
        self.images.extend(images)
        for image in images:
            self.by_digest[image.image_digest] = image
            for tag in image.image_tags:
                self.by_tag[tag] = image
        self.changed()

    def tag(self, image: SandboxImage, tag: str) -> None:
        """Point ``tag`` at ``image``, taking it from any other image."""
        holder = self.by_tag.get(tag)
        if holder is image:
            return
        if holder is not None:
            holder.remove_tag(tag)
            if not holder.image_tags:
                holder.image_tag = None  # type: ignore[assignment]
        image.update_tag(tag)
        self.by_tag[tag] = image
        self.changed()

    def untag(self, image: SandboxImage, tag: str) -> None:
        image.remove_tag(tag)
        if not image.image_tags:
            image.image_tag = None  # type: ignore[assignment]
        self.by_tag.pop(tag, None)
        self.changed()

    def remove(self, image: SandboxImage) -> None:
        for tag in list(image.image_tags):
            self.by_tag.pop(tag, None)
        self.by_digest.pop(image.image_digest, None)
        self.images.remove(image)
        self.changed()

    def _build(self) -> _Listings:
        if self._listings is None:
            tagged = [i for i in self.images if i.image_tags]
            untagged = [i for i in self.images if not i.image_tags]
            images = {"ANY": list(self.images), "TAGGED": tagged, "UNTAGGED": untagged}
            ids: dict[TagStatus, list[tuple[str, str | None]]] = {}
            for status, listing in images.items():
                flat: list[tuple[str, str | None]] = []
                for image in listing:
                    if image.image_tags:
                        flat.extend((image.image_digest, tag) for tag in image.image_tags)
                    else:
                        flat.append((image.image_digest, None))
                ids[status] = flat
            self._listings = _Listings(images, ids)
        return self._listings

    def listing(self, tag_status: TagStatus) -> list[SandboxImage]:
        """Images in push order for a ``tagStatus`` filter (cached until the next change)."""
        return self._build().images[tag_status]

    def id_listing(self, tag_status: TagStatus) -> list[tuple[str, str | None]]:
        """``ListImages`` entries (one per tag, one for an untagged image) for a filter."""
        return self._build().ids[tag_status]


def repo_images(repository: Repository) -> RepoImages:
    """The index attached to ``repository``, built on first use."""
    index = getattr(repository, "sandbox_index", None)
    if index is None:
        index = RepoImages(repository)
        setattr(repository, "sandbox_index", index)  # noqa: B010 - moto's class has no such slot
    return cast(RepoImages, index)
