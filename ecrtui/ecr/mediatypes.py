"""Media type constants and the image kinds derived from them.

Kept apart from the models so that both the ECR API models (which only see media type strings) and the
manifest parser (which sees whole documents) classify images the same way.
"""

from __future__ import annotations

from enum import StrEnum


class MediaTypes:
    """Media types ECR stores or that appear inside the manifests it stores."""

    DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
    DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
    DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
    DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
    DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar"
    DOCKER_FOREIGN_LAYER_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    DOCKER_FOREIGN_LAYER_TAR = "application/vnd.docker.image.rootfs.foreign.diff.tar"
    DOCKER_PLUGIN_CONFIG = "application/vnd.docker.plugin.v1+json"

    OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
    OCI_INDEX = "application/vnd.oci.image.index.v1+json"
    OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
    OCI_EMPTY = "application/vnd.oci.empty.v1+json"
    OCI_DESCRIPTOR = "application/vnd.oci.descriptor.v1+json"
    OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
    OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
    OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
    OCI_NONDISTRIBUTABLE_TAR = "application/vnd.oci.image.layer.nondistributable.v1.tar"
    OCI_NONDISTRIBUTABLE_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
    OCI_NONDISTRIBUTABLE_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"

    OCTET_STREAM = "application/octet-stream"
    IN_TOTO = "application/vnd.in-toto+json"


ACCEPTED_MANIFEST_TYPES: tuple[str, ...] = (
    MediaTypes.OCI_INDEX,
    MediaTypes.OCI_MANIFEST,
    MediaTypes.DOCKER_MANIFEST_LIST,
    MediaTypes.DOCKER_MANIFEST,
    MediaTypes.DOCKER_SCHEMA1_SIGNED,
    MediaTypes.DOCKER_SCHEMA1,
)
"""Every manifest type ecrtui reads: pass as BatchGetImage `acceptedMediaTypes` so ECR never converts."""

INDEX_TYPES = frozenset({MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST})
IMAGE_MANIFEST_TYPES = frozenset({MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST})
SCHEMA1_TYPES = frozenset({MediaTypes.DOCKER_SCHEMA1, MediaTypes.DOCKER_SCHEMA1_SIGNED})

IMAGE_CONFIG_TYPES = frozenset({MediaTypes.OCI_CONFIG, MediaTypes.DOCKER_CONFIG, MediaTypes.OCTET_STREAM})
"""Config types of runnable images (octet-stream: what some old Docker tooling wrote for a config)."""

DOCKER_LAYER_TYPES = frozenset(
    {
        MediaTypes.DOCKER_LAYER_GZIP,
        MediaTypes.DOCKER_LAYER_TAR,
        MediaTypes.DOCKER_FOREIGN_LAYER_GZIP,
        MediaTypes.DOCKER_FOREIGN_LAYER_TAR,
    }
)
OCI_LAYER_TYPES = frozenset(
    {
        MediaTypes.OCI_LAYER_TAR,
        MediaTypes.OCI_LAYER_GZIP,
        MediaTypes.OCI_LAYER_ZSTD,
        MediaTypes.OCI_NONDISTRIBUTABLE_TAR,
        MediaTypes.OCI_NONDISTRIBUTABLE_GZIP,
        MediaTypes.OCI_NONDISTRIBUTABLE_ZSTD,
    }
)
IMAGE_LAYER_TYPES = DOCKER_LAYER_TYPES | OCI_LAYER_TYPES


class ImageKind(StrEnum):
    """What an image in a repository is, as the UI groups and labels it."""

    IMAGE = "image"
    INDEX = "index"
    ARTIFACT = "artifact"
    SCHEMA1 = "schema1"
    UNKNOWN = "unknown"


def kind_from_media_types(manifest_media_type: str | None, artifact_media_type: str | None) -> ImageKind:
    """Classify an image from the two media types `DescribeImages` reports, without fetching the manifest.

    ECR's `artifactMediaType` is the config media type (or the manifest's artifactType), so an OCI manifest
    whose config is not an image config is an artifact (Helm chart, SBOM, signature, ...).
    """
    if manifest_media_type in INDEX_TYPES:
        return ImageKind.INDEX
    if manifest_media_type in SCHEMA1_TYPES:
        return ImageKind.SCHEMA1
    if manifest_media_type == MediaTypes.DOCKER_MANIFEST:
        return ImageKind.IMAGE
    if manifest_media_type == MediaTypes.OCI_MANIFEST:
        if artifact_media_type is None or artifact_media_type in IMAGE_CONFIG_TYPES:
            return ImageKind.IMAGE
        return ImageKind.ARTIFACT
    return ImageKind.UNKNOWN


REFERRER_KINDS = (
    ("sig", "signature"),
    ("notary", "signature"),
    ("sbom", "sbom"),
    ("spdx", "sbom"),
    ("cyclonedx", "sbom"),
    ("in-toto", "attestation"),
    ("provenance", "attestation"),
)
"""Words in an artifact type and the kind of referrer they name (first match wins)."""


def referrer_kind(artifact_type: str | None) -> str:
    """What a referrer is, from its artifact type: ``application/vnd.dev.cosign.artifact.sig.v1+json`` ->
    ``signature``, an SPDX or CycloneDX type -> ``sbom``, in-toto -> ``attestation``, else ``referrer``."""
    if not artifact_type:
        return "referrer"
    lowered = artifact_type.lower()
    return next((kind for needle, kind in REFERRER_KINDS if needle in lowered), "referrer")


LEGACY_REFERRER_KINDS = {".sig": "signature", ".att": "attestation", ".sbom": "sbom"}
"""cosign's tags before OCI 1.1, ``sha256-<hex>.sig`` / ``.att`` / ``.sbom`` for the image ``sha256:<hex>``, and
what each names. Such artifacts carry no ``subject``, so ``ListImageReferrers`` never lists them."""
LEGACY_REFERRER_SUFFIXES = tuple(LEGACY_REFERRER_KINDS)


def legacy_referrer_tags(digest: str) -> tuple[str, ...]:
    """cosign's tags for the artifacts of image ``digest``."""
    algorithm, _, hex_part = digest.partition(":")
    return tuple(f"{algorithm}-{hex_part}{suffix}" for suffix in LEGACY_REFERRER_SUFFIXES)


def legacy_referrer_kind(tag: str) -> str:
    """``signature`` for ``sha256-<hex>.sig`` and so on (``referrer`` for a tag of no known suffix)."""
    return next((kind for suffix, kind in LEGACY_REFERRER_KINDS.items() if tag.endswith(suffix)), "referrer")
