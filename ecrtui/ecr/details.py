"""``ImageDetails``: everything the inspector shows about one image, and how it is assembled.

Assembly is written against a small protocol (manifests by digest, blobs by digest) so that the plain service and
the cache build details the same way: through the cache, an image whose manifest and config are cached opens with
zero API calls. Partial failures (a config that cannot be fetched, a child missing) become warnings the UI shows;
only a missing or corrupt top-level manifest is an error.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from ecrtui.ecr.batches import ManifestBatch
from ecrtui.ecr.errors import EcrError
from ecrtui.ecr.manifests import (
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    Manifest,
    ManifestError,
    parse_image_config,
)
from ecrtui.ecr.mediatypes import IMAGE_CONFIG_TYPES
from ecrtui.ecr.models import ImageSummary, Repository

__all__ = ["ChildImage", "ContentSource", "ImageDetails", "build_image_details"]


class ContentSource(Protocol):
    """What assembling details needs: content-addressed reads (a service, or a cache in front of one)."""

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch: ...

    def get_blob(
        self,
        repository_name: str,
        digest: str,
        registry_id: str | None = None,
        *,
        expected_size: int | None = None,
        max_bytes: int | None = None,
        cancel: threading.Event | None = None,
    ) -> bytes: ...


@dataclass(frozen=True, slots=True)
class ChildImage:
    """One entry of an index: its descriptor, its manifest when fetched, its summary when listed."""

    descriptor: Descriptor
    manifest: Manifest | None = None
    summary: ImageSummary | None = None
    is_attestation: bool = False


@dataclass(frozen=True, slots=True)
class ImageDetails:
    """One image for the inspector: manifest, config (runnable images), children (indexes), warnings."""

    repository: Repository
    summary: ImageSummary
    manifest: Manifest
    config: ImageConfig | None = None
    children: tuple[ChildImage, ...] = ()
    warnings: tuple[str, ...] = ()


def build_image_details(
    source: ContentSource,
    repository: Repository,
    summary: ImageSummary,
    *,
    child_summaries: Mapping[str, ImageSummary] | None = None,
) -> ImageDetails:
    """Fetch and assemble the details of ``summary`` from ``source``."""
    rid = summary.registry_id or repository.registry_id
    name = repository.name
    manifest = source.get_manifests(name, [summary.digest], rid).require(summary.digest)
    warnings = list(manifest.warnings)
    config: ImageConfig | None = None
    children: tuple[ChildImage, ...] = ()
    if isinstance(manifest, ImageManifest):
        config = _config_of(source, name, rid, manifest, warnings)
    elif isinstance(manifest, ImageIndex):
        children = _children_of(source, name, rid, manifest, child_summaries or {}, warnings)
    return ImageDetails(
        repository=repository,
        summary=summary,
        manifest=manifest,
        config=config,
        children=children,
        warnings=tuple(warnings),
    )


def _config_of(
    source: ContentSource, name: str, rid: str, manifest: ImageManifest, warnings: list[str]
) -> ImageConfig | None:
    descriptor = manifest.config
    if descriptor.media_type not in IMAGE_CONFIG_TYPES or manifest.is_artifact:
        return None  # an artifact's config is opaque (often the 2-byte empty descriptor)
    try:
        data = source.get_blob(name, descriptor.digest, rid, expected_size=descriptor.size)
        return parse_image_config(data)
    except (EcrError, ManifestError) as exc:
        warnings.append(f"config {descriptor.digest[:19]}…: {exc}")
        return None


def _children_of(
    source: ContentSource,
    name: str,
    rid: str,
    index: ImageIndex,
    summaries: Mapping[str, ImageSummary],
    warnings: list[str],
) -> tuple[ChildImage, ...]:
    if not index.manifests:
        return ()
    try:
        batch = source.get_manifests(name, [d.digest for d in index.manifests], rid)
    except EcrError as exc:
        warnings.append(f"children: {exc}")
        batch = ManifestBatch()
    for failure in batch.failures:
        warnings.append(f"child {failure.reference[:19]}…: {failure.reason or failure.code}")
    return tuple(
        ChildImage(
            descriptor=d,
            manifest=batch.manifests.get(d.digest),
            summary=summaries.get(d.digest),
            is_attestation=d.is_attestation,
        )
        for d in index.manifests
    )
