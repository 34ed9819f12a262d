"""What ECR reads from a manifest when it stores it: media type, the blobs and children it needs, its size.

The sandbox needs these to refuse a manifest whose blobs were never uploaded and to report sizes the way ECR does
(the sum of the compressed layer sizes; for an index, its largest child).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ecrtui.sandbox.errors import InvalidParameterException

DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_V1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"

INDEX_TYPES = frozenset({DOCKER_LIST, OCI_INDEX})
IMAGE_TYPES = frozenset({DOCKER_V2, OCI_MANIFEST})
SCHEMA1_TYPES = frozenset({DOCKER_V1, DOCKER_V1_SIGNED})
MANIFEST_TYPES = INDEX_TYPES | IMAGE_TYPES | SCHEMA1_TYPES


@dataclass(frozen=True, slots=True)
class ManifestFacts:
    """The parts of a manifest that ECR's storage rules depend on."""

    media_type: str
    blob_digests: tuple[str, ...]
    """Config and layers an image manifest needs in the repository (foreign layers excluded)."""
    layer_sizes: tuple[int, ...]
    children: tuple[str, ...]
    """Digests of the manifests an index refers to."""
    artifact_media_type: str | None

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_TYPES


def _is_foreign(descriptor: dict[str, Any]) -> bool:
    media_type = str(descriptor.get("mediaType", ""))
    return "foreign" in media_type or "nondistributable" in media_type


def _digest(descriptor: Any, where: str, key: str = "digest") -> str:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get(key), str):
        raise InvalidParameterException(f"Invalid parameter at 'imageManifest': {where} has no {key}")
    return str(descriptor[key])


def _size(descriptor: dict[str, Any]) -> int:
    """A descriptor's ``size``: a non-negative integer (OCI int64), 0 when absent."""
    size = descriptor.get("size", 0)
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidParameterException(
            f"Invalid parameter at 'imageManifest': layer size {size!r} is not a non-negative integer"
        )
    return size


def _media_type_of(document: dict[str, Any], declared: str | None) -> str:
    in_document = document.get("mediaType")
    if in_document is not None and not isinstance(in_document, str):
        raise InvalidParameterException(
            f"Invalid parameter at 'imageManifest': mediaType must be a string (got {in_document!r})"
        )
    if declared and in_document and declared != in_document:
        raise InvalidParameterException(
            f"Invalid parameter at 'imageManifestMediaType': '{declared}' does not match the manifest's "
            f"mediaType '{in_document}'"
        )
    media_type = declared or in_document
    if not media_type:
        if document.get("schemaVersion") == 1:
            media_type = DOCKER_V1_SIGNED if "signatures" in document else DOCKER_V1
        elif "manifests" in document:
            media_type = OCI_INDEX
        else:
            media_type = OCI_MANIFEST
    if media_type not in MANIFEST_TYPES:
        raise InvalidParameterException(
            f"Invalid parameter at 'imageManifestMediaType': unsupported media type '{media_type}'"
        )
    return str(media_type)


def read_manifest(manifest: str, declared_media_type: str | None) -> ManifestFacts:
    """Parse ``manifest`` as ECR would; ``InvalidParameterException`` for anything it would refuse."""
    try:
        document = json.loads(manifest)
    except (json.JSONDecodeError, RecursionError):  # RecursionError: absurdly deep nesting
        raise InvalidParameterException(
            "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
        ) from None
    if not isinstance(document, dict):
        raise InvalidParameterException("Invalid parameter at 'ImageManifest': not a JSON object")
    version = document.get("schemaVersion")
    if isinstance(version, bool) or version not in (1, 2):  # True == 1 in Python; not in JSON
        raise InvalidParameterException(
            f"Invalid parameter at 'ImageManifest': unsupported schemaVersion {document.get('schemaVersion')!r}"
        )
    media_type = _media_type_of(document, declared_media_type)
    if media_type in INDEX_TYPES:
        manifests = document.get("manifests")
        if not isinstance(manifests, list):
            raise InvalidParameterException(
                "Invalid parameter at 'imageManifest': index has no manifests list"
            )
        children = tuple(_digest(m, "a manifests entry") for m in manifests)
        return ManifestFacts(media_type, (), (), children, None)
    if media_type in SCHEMA1_TYPES:
        fs_layers = document.get("fsLayers")
        if not isinstance(fs_layers, list):
            raise InvalidParameterException(
                "Invalid parameter at 'imageManifest': schema 1 manifest has no fsLayers list"
            )
        digests = tuple(dict.fromkeys(_digest(layer, "an fsLayers entry", "blobSum") for layer in fs_layers))
        return ManifestFacts(media_type, digests, (), (), None)
    config = document.get("config")
    layers = document.get("layers")
    if not isinstance(layers, list):
        raise InvalidParameterException("Invalid parameter at 'imageManifest': manifest has no layers list")
    blobs = [_digest(config, "config")]
    sizes: list[int] = []
    for layer in layers:
        digest = _digest(layer, "a layer")
        sizes.append(_size(layer))
        if not _is_foreign(layer):
            blobs.append(digest)
    artifact_type = document.get("artifactType") or (config or {}).get("mediaType")
    return ManifestFacts(
        media_type,
        tuple(dict.fromkeys(blobs)),
        tuple(sizes),
        (),
        str(artifact_type) if artifact_type else None,
    )
