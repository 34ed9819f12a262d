"""Images as ECR reports them, and a per-repository index that keeps lookups and paging cheap.

moto recomputes an image's digest and size from the manifest on every read and scans a list for every lookup,
which is wrong (see docs) and O(n) per call. ``SandboxImage`` fixes digest, size and push time when the image is
stored. ``RepoImages`` keeps digest and tag maps up to date and caches the ordered listings each filter needs, so a
``DescribeImages`` page over 100,000 images costs O(page), not O(n). The list stays moto's ``Repository.images`` so
moto's own scan calls keep working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from moto.ecr.models import Image, Repository

from ecrtui.sandbox.subjects import subject_digest

TagStatus = str  # "TAGGED" | "UNTAGGED" | "ANY"
ImageStatus = str  # "ACTIVE" | "ARCHIVED" | "ACTIVATING", and "ANY" as a listing filter


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
        self.last_archived_at: datetime | None = None
        self.last_activated_at: datetime | None = None
        self.scan_started_at: datetime | None = None

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
            "imageStatus": self.image_status,
        }
        if self.image_tags:
            detail["imageTags"] = list(self.image_tags)
        if self.artifact_media_type:
            detail["artifactMediaType"] = self.artifact_media_type
        if self.last_pulled_at is not None:
            detail["lastRecordedPullTime"] = self.last_pulled_at
        if self.scan_summary is not None:
            detail.update(self.scan_summary)
        if self.last_archived_at is not None:
            detail["lastArchivedAt"] = self.last_archived_at
        if self.last_activated_at is not None:
            detail["lastActivatedAt"] = self.last_activated_at
        subject = subject_digest(self)
        if subject is not None:
            detail["subjectManifestDigest"] = subject
        return detail


class RepoImages:
    """Digest and tag maps over one repository's images, plus cached listings per tag filter."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.by_digest: dict[str, SandboxImage] = {}
        self.by_tag: dict[str, SandboxImage] = {}
        self._listings: dict[tuple[TagStatus, ImageStatus], list[SandboxImage]] = {}
        self._id_listings: dict[tuple[TagStatus, ImageStatus], list[tuple[str, str | None]]] = {}
        for image in self.images:
            self.by_digest[image.get_image_digest()] = image
            for tag in image.image_tags:
                self.by_tag[tag] = image

    @property
    def images(self) -> list[SandboxImage]:
        return cast(list[SandboxImage], self.repository.images)

    def changed(self) -> None:
        """Drop cached listings after any change of membership, tags or image status."""
        self._listings.clear()
        self._id_listings.clear()

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

    def listing(self, tag_status: TagStatus, image_status: ImageStatus = "ACTIVE") -> list[SandboxImage]:
        """Images in push order for a ``tagStatus`` and an ``imageStatus`` filter (cached until the next change)."""
        key = (tag_status, image_status)
        found = self._listings.get(key)
        if found is None:
            found = [
                i
                for i in self.images
                if (image_status == "ANY" or i.image_status == image_status)
                and (tag_status == "ANY" or bool(i.image_tags) == (tag_status == "TAGGED"))
            ]
            self._listings[key] = found
        return found

    def id_listing(
        self, tag_status: TagStatus, image_status: ImageStatus = "ACTIVE"
    ) -> list[tuple[str, str | None]]:
        """``ListImages`` entries (one per tag, one for an untagged image) for the filters."""
        key = (tag_status, image_status)
        found = self._id_listings.get(key)
        if found is None:
            found = []
            for image in self.listing(tag_status, image_status):
                if image.image_tags:
                    found.extend((image.image_digest, tag) for tag in image.image_tags)
                else:
                    found.append((image.image_digest, None))
            self._id_listings[key] = found
        return found


def repo_images(repository: Repository) -> RepoImages:
    """The index attached to ``repository``, built on first use."""
    index = getattr(repository, "sandbox_index", None)
    if index is None:
        index = RepoImages(repository)
        setattr(repository, "sandbox_index", index)  # noqa: B010 - moto's class has no such slot
    return cast(RepoImages, index)
