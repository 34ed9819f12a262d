"""The OCI 1.1 referrers of a manifest: images in the same repository whose ``subject`` names its digest.

ECR serves ``GET /v2/NAME/referrers/DIGEST`` (OCI distribution 1.1, since 2024) and ``ListImageReferrers`` from
the same data. A referrer may be pushed before its subject, so an unknown digest simply has no referrers.
"""

from __future__ import annotations

import json
from typing import Any

from moto.ecr.models import Repository

from ecrtui.sandbox.images import SandboxImage, repo_images


def _artifact_type(document: dict[str, Any]) -> str | None:
    """``artifactType``, else the config's media type (OCI image spec 1.1, "Listing referrers")."""
    artifact_type = document.get("artifactType")
    if isinstance(artifact_type, str) and artifact_type:
        return artifact_type
    config = document.get("config")
    media_type = config.get("mediaType") if isinstance(config, dict) else None
    return media_type if isinstance(media_type, str) else None


def referrer_descriptor(image: SandboxImage, document: dict[str, Any]) -> dict[str, Any]:
    """The descriptor a referrers index lists for ``image``."""
    descriptor: dict[str, Any] = {
        "mediaType": image.image_manifest_media_type,
        "digest": image.image_digest,
        "size": len(image.image_manifest.encode()),
    }
    artifact_type = _artifact_type(document)
    if artifact_type:
        descriptor["artifactType"] = artifact_type
    annotations = document.get("annotations")
    if isinstance(annotations, dict) and annotations:
        descriptor["annotations"] = annotations
    return descriptor


def referrers(
    repository: Repository, subject_digest: str, artifact_type: str | None = None
) -> list[dict[str, Any]]:
    """Descriptors of the images referring to ``subject_digest``, in push order, optionally of one artifact type."""
    found: list[dict[str, Any]] = []
    for image in repo_images(repository).images:
        if subject_digest not in image.image_manifest:  # cheap filter before parsing
            continue
        try:
            document = json.loads(image.image_manifest)
        except ValueError:
            continue
        subject = document.get("subject") if isinstance(document, dict) else None
        if not isinstance(subject, dict) or subject.get("digest") != subject_digest:
            continue
        descriptor = referrer_descriptor(image, document)
        if artifact_type is None or descriptor.get("artifactType") == artifact_type:
            found.append(descriptor)
    return found
