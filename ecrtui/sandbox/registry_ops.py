"""How the sandbox stores blobs and images: ECR's rules, shared by the API handlers and the seeders.

Seeding goes through the same rules as ``PutImage`` (minus HTTP), so seeded data is exactly what a client could
have pushed: digests are sha256 of the manifest bytes, sizes are sums of layer sizes, every blob is present.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from fnmatch import fnmatchcase

from moto.ecr.models import Repository

from ecrtui.sandbox.errors import (
    ImageAlreadyExistsException,
    ImageDigestDoesNotMatchException,
    ImageTagAlreadyExistsException,
    LayersNotFoundException,
    ReferencedImagesNotFoundException,
    java_list,
)
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.manifest_rules import ManifestFacts, read_manifest
from ecrtui.sandbox.runtime import current


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
    if existing is not None and (tag is None or tag in existing.image_tags):
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
    if existing is None:
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
    return existing, tag
