"""Scale seeding for benchmarks: many repositories, or one repository with up to 100,000 images.

Created directly in the backend (not through the API) so 100,000 images are ready in seconds. Each image is a real
OCI manifest over shared blobs, with a unique annotation so every digest differs; digests are still sha256 of the
manifest bytes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from moto.ecr.models import ecr_backends

from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.manifest_rules import OCI_CONFIG, OCI_MANIFEST
from ecrtui.sandbox.profiles import DEV_PROFILE

SCALE_IMAGES_REPOSITORY = "scale/images"
SCALE_REPOSITORY_PREFIX = "scale/repo-"
SCALE_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def seed_scale(repos: int, images: int) -> None:
    """Add ``repos`` empty-ish repositories and one repository with ``images`` images to ``demo-dev``."""
    backend = ecr_backends[DEV_PROFILE.account_id][DEV_PROFILE.region]
    width = max(len(str(repos)), 5)
    for number in range(repos):
        backend.create_repository(
            f"{SCALE_REPOSITORY_PREFIX}{number:0{width}d}", None, {}, None, "MUTABLE", []
        )
    if images:
        _seed_images(backend, images)


def _seed_images(backend: object, count: int) -> None:
    repository = backend.create_repository(SCALE_IMAGES_REPOSITORY, None, {}, None, "MUTABLE", [])  # type: ignore[attr-defined]
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/app"]}, "rootfs": {"type": "layers"}},
        separators=(",", ":"),
    ).encode()
    layer = bytes(range(256)) * 16
    config_digest = registry_ops.add_blob(repository, config)
    layer_digest = registry_ops.add_blob(repository, layer)
    prefix = (
        '{"schemaVersion":2,"mediaType":"'
        + OCI_MANIFEST
        + '","config":{"mediaType":"'
        + OCI_CONFIG
        + f'","digest":"{config_digest}","size":{len(config)}}},"layers":[{{"mediaType":'
        + f'"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{layer_digest}","size":{len(layer)}}}],'
        + '"annotations":{"org.opencontainers.image.revision":"'
    )
    built: list[SandboxImage] = []
    for number in range(count):
        manifest = f'{prefix}{number:06d}"}}}}'
        image = SandboxImage(
            account_id=repository.account_id,
            registry_id=repository.registry_id,
            repository_name=repository.name,
            manifest=manifest,
            media_type=OCI_MANIFEST,
            digest=registry_ops.manifest_digest(manifest),
            size=len(layer),
            pushed_at=SCALE_EPOCH + timedelta(minutes=number),
            artifact_media_type=OCI_CONFIG,
        )
        if number % 10 == 0:
            image.update_tag(f"build-{number:06d}")
        built.append(image)
    repo_images(repository).extend(built)
