"""How the sandbox stores blobs and images: ECR's rules, shared by the API handlers and the seeders.

Seeding goes through the same rules as ``PutImage`` (minus HTTP), so seeded data is exactly what a client could
have pushed: digests are sha256 of the manifest bytes, sizes are sums of layer sizes, every blob is present.

Every face that changes images (the ECR API, the registry API, replication itself) stores through ``put_image`` and
``delete_image``, which report each change to the listeners added with ``add_change_listener``: that is how a push
or a deletion, whichever way it arrives, reaches ECR's replication (``ecrtui.sandbox.replication``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Literal

from moto.ecr.models import Repository

from ecrtui.sandbox import archive
from ecrtui.sandbox.errors import (
    ImageAlreadyExistsException,
    ImageDigestDoesNotMatchException,
    ImageTagAlreadyExistsException,
    LayersNotFoundException,
    ReferencedImagesNotFoundException,
    java_list,
)
from ecrtui.sandbox.handler_support import find_image
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.manifest_rules import INDEX_TYPES, ManifestFacts, read_manifest
from ecrtui.sandbox.runtime import current

log = logging.getLogger("ecrtui.sandbox")

ChangeKind = Literal["put", "tag", "untag", "delete"]


@dataclass(frozen=True, slots=True)
class ImageChange:
    """One change to a repository's images, reported after it happened.

    ``put``: a new image was stored (``tag``: the tag it was put with, if any); ``tag``: an image already stored got
    ``tag``; ``untag``: ``tag`` was removed and the image stays; ``delete``: the image was removed.
    """

    kind: ChangeKind
    repository: Repository
    digest: str
    tag: str | None = None
    by_replication: bool = False
    """Made by ECR's replication itself (replicated content is not replicated again)."""


ChangeListener = Callable[[ImageChange], None]
_listeners: list[ChangeListener] = []


def add_change_listener(listener: ChangeListener) -> None:
    """Call ``listener`` after every image change (under the sandbox lock: it must be quick and not block)."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_change_listener(listener: ChangeListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _notify(change: ImageChange) -> None:
    """Tell every listener; a failing listener is logged, never undoes a change a client was told succeeded."""
    for listener in list(_listeners):
        try:
            listener(change)
        except Exception:
            log.exception("image change listener failed")


def manifest_digest(manifest: str) -> str:
    """ECR's image digest: sha256 of the exact manifest bytes."""
    return "sha256:" + hashlib.sha256(manifest.encode("utf-8")).hexdigest()


def add_blob(repository: Repository, data: bytes, digest: str | None = None) -> str:
    """Store ``data`` and make it present in ``repository``; return its digest (``digest`` if already known)."""
    digest = current().blobs.put(data, digest)
    repository.layers[digest] = len(data)
    return digest


def _image_size(repository: Repository, facts: ManifestFacts) -> int:
    index = repo_images(repository)
    if facts.is_index:
        sizes = [index.by_digest[d].size_in_bytes for d in facts.children if d in index.by_digest]
        return max(sizes, default=0)
    if facts.layer_sizes:
        return sum(facts.layer_sizes)
    return sum(repository.layers.get(d, 0) for d in facts.blob_digests)


def tag_is_immutable(repository: Repository, tag: str) -> bool:
    """Whether ``tag`` may not move, honouring ECR's mutability exclusion filters (wildcard patterns)."""
    filters = repository.image_tag_mutability_exclusion_filters or []
    excluded = any(fnmatchcase(tag, f.get("filter", "")) for f in filters)
    mode = getattr(repository.image_tag_mutability, "value", repository.image_tag_mutability)
    if mode == "IMMUTABLE_WITH_EXCLUSION":
        return not excluded
    if mode == "MUTABLE_WITH_EXCLUSION":
        return excluded
    return bool(mode == "IMMUTABLE")


def put_image(
    repository: Repository,
    manifest: str,
    *,
    media_type: str | None = None,
    tag: str | None = None,
    expected_digest: str | None = None,
    known_digest: str | None = None,
    pushed_at: datetime | None = None,
    last_pulled_at: datetime | None = None,
    by_replication: bool = False,
) -> tuple[SandboxImage, str | None]:
    """Store a manifest the way ECR's ``PutImage`` does; return the image and the tag it was put with.

    ``known_digest`` lets the seeders skip hashing a manifest they already hashed.
    """
    digest = known_digest or manifest_digest(manifest)
    if expected_digest is not None and expected_digest != digest:
        raise ImageDigestDoesNotMatchException(
            f"The imageDigest '{expected_digest}' does not match the digest of the uploaded manifest '{digest}'"
        )
    facts = read_manifest(manifest, media_type)
    missing = [d for d in facts.blob_digests if d not in repository.layers]
    if missing:
        raise LayersNotFoundException(
            f"Layers with digests {java_list(missing)} required for pushing image into repository with name "
            f"'{repository.name}' in registry with id '{repository.registry_id}' do not exist"
        )
    index = repo_images(repository)
    absent = [d for d in facts.children if d not in index.by_digest]
    if absent:
        raise ReferencedImagesNotFoundException(
            f"Manifests with digests {java_list(absent)} referenced by the index do not exist in repository "
            f"'{repository.name}' in registry with id '{repository.registry_id}'"
        )
    existing = index.by_digest.get(digest)
    restored = existing is not None and archive.restore_on_push(repository, existing)
    if existing is not None and not restored and (tag is None or tag in existing.image_tags):
        raise ImageAlreadyExistsException(
            f"Image with digest '{digest}' and tag '{tag or 'null'}' already exists in the repository with "
            f"name '{repository.name}' in registry with id '{repository.registry_id}'"
        )
    holder = index.by_tag.get(tag) if tag is not None else None
    if (
        holder is not None
        and holder is not existing
        and tag is not None
        and tag_is_immutable(repository, tag)
    ):
        raise ImageTagAlreadyExistsException(
            f"The image tag '{tag}' already exists in the '{repository.name}' repository and cannot be "
            f"overwritten because the repository is immutable."
        )
    kind: ChangeKind = "tag"
    if existing is None:
        kind = "put"
        existing = SandboxImage(
            account_id=repository.account_id,
            registry_id=repository.registry_id,
            repository_name=repository.name,
            manifest=manifest,
            media_type=facts.media_type,
            digest=digest,
            size=_image_size(repository, facts),
            pushed_at=pushed_at or current().clock(),
            artifact_media_type=facts.artifact_media_type,
            last_pulled_at=last_pulled_at,
        )
        index.add(existing)
    if tag is not None:
        index.tag(existing, tag)
    _notify(ImageChange(kind, repository, digest, tag, by_replication))
    return existing, tag


class ImageChangeRefused(Exception):
    """A change ECR refuses for one image, reported per image (``failures`` of ``BatchDeleteImage``)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def referenced_by_index(repository: Repository, digest: str) -> bool:
    """Whether an index (manifest list) of ``repository`` names ``digest`` among its children."""
    for image in repo_images(repository).images:
        if image.image_manifest_media_type in INDEX_TYPES and digest in image.image_manifest:
            children = json.loads(image.image_manifest).get("manifests", [])
            if any(child.get("digest") == digest for child in children):
                return True
    return False


def delete_image(
    repository: Repository, image_id: Mapping[str, str], *, by_replication: bool = False
) -> list[dict[str, str]]:
    """Delete one image id the way ``BatchDeleteImage`` does; return the ``imageIds`` ECR reports as deleted.

    A tag alone removes that tag, and the image with it when it was the image's last tag; a digest removes the
    image and all its tags. ``ImageChangeRefused`` carries ECR's per-image failure code.
    """
    digest, tag = image_id.get("imageDigest"), image_id.get("imageTag")
    if not digest and not tag:
        raise ImageChangeRefused("MissingDigestAndTag", "Both tag and digest cannot be null")
    image = find_image(repository, dict(image_id))
    if image is None:
        raise ImageChangeRefused("ImageNotFound", "Requested image not found")
    index = repo_images(repository)
    if tag and not digest and len(image.image_tags) > 1:
        index.untag(image, tag)
        _notify(ImageChange("untag", repository, image.image_digest, tag, by_replication))
        return [{"imageDigest": image.image_digest, "imageTag": tag}]
    if referenced_by_index(repository, image.image_digest):
        raise ImageChangeRefused(
            "ImageReferencedByManifestList", "Requested image is referenced by an image index"
        )
    tags = list(image.image_tags)
    index.remove(image)
    _notify(ImageChange("delete", repository, image.image_digest, None, by_replication))
    if not tags:
        return [{"imageDigest": image.image_digest}]
    return [{"imageDigest": image.image_digest, "imageTag": t} for t in tags]
