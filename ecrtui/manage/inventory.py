"""A repository as a change sees it: every image (archived ones too), which indexes hold which images, and which
referrers (signatures, SBOMs, attestations) name which subject.

Read fresh for every plan (a plan must not be built on a listing minutes old), except index manifests, which are
named by digest and come from the cache. This is what lets a plan say, before anything is sent, that deleting an
image would break an index (ECR refuses: ``ImageReferencedByManifestList``) or orphan a signature.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ecrtui.ecr.manifests import ImageIndex
from ecrtui.ecr.mediatypes import INDEX_TYPES
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.manage.plan import image_label

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = ["Inventory", "load_inventory"]


@dataclass(frozen=True)
class Inventory:
    """Every image of one repository and the references between them."""

    repository: Repository
    images: tuple[ImageSummary, ...]
    parents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Image digest -> the indexes that list it."""
    children: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Index digest -> the images it lists (those present in the repository)."""
    referrers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Subject digest -> the images that name it as their ``subject``."""
    warnings: tuple[str, ...] = ()

    @property
    def registry_id(self) -> str:
        return self.repository.registry_id

    @cached_property
    def by_digest(self) -> Mapping[str, ImageSummary]:
        return {i.digest: i for i in self.images}

    @cached_property
    def by_tag(self) -> Mapping[str, ImageSummary]:
        return {t: i for i in self.images for t in i.tags}

    def get(self, digest: str) -> ImageSummary | None:
        return self.by_digest.get(digest)

    def holder(self, tag: str) -> ImageSummary | None:
        """The image a tag points at."""
        return self.by_tag.get(tag)

    def labels(self, digests: Sequence[str]) -> list[str]:
        """How a person recognises each digest (tags and a short digest)."""
        labelled = []
        for digest in digests:
            image = self.get(digest)
            labelled.append(image_label(image) if image is not None else digest)
        return labelled


def load_inventory(
    ecr: CachedEcr, repository: Repository, *, cancel: threading.Event | None = None
) -> Inventory:
    """Read the repository's images (every status) and the manifests of its indexes."""
    rid = repository.registry_id or None
    images = tuple(ecr.service.list_images(repository.name, rid, cancel=cancel, image_status="ANY"))
    present = {i.digest for i in images}
    index_digests = [i.digest for i in images if i.manifest_media_type in INDEX_TYPES]
    parents: dict[str, list[str]] = {}
    children: dict[str, tuple[str, ...]] = {}
    warnings: list[str] = []
    if index_digests:
        batch = ecr.get_manifests(repository.name, index_digests, rid)
        for failure in batch.failures:
            warnings.append(
                f"index {failure.reference}: {failure.reason or failure.code} (its platform images are not known)"
            )
        for digest, manifest in batch.manifests.items():
            if not isinstance(manifest, ImageIndex):
                continue
            listed = tuple(d.digest for d in manifest.manifests if d.digest in present)
            children[digest] = listed
            for child in listed:
                parents.setdefault(child, []).append(digest)
    referrers: dict[str, list[str]] = {}
    for image in images:
        if image.subject_digest:
            referrers.setdefault(image.subject_digest, []).append(image.digest)
    return Inventory(
        repository=repository,
        images=images,
        parents={k: tuple(v) for k, v in parents.items()},
        children=children,
        referrers={k: tuple(v) for k, v in referrers.items()},
        warnings=tuple(warnings),
    )
