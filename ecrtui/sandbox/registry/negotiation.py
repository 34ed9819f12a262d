"""Which manifest a ``GET /v2/NAME/manifests/REF`` returns, from the client's ``Accept`` header, as ECR decides.

ECR's rules (user guide, "Container image manifest format support"): pulled *by tag*, the stored manifest is
returned when the client accepts its media type; otherwise ECR converts it when it can: Docker v2 schema 2 to an OCI
image manifest and back (and schema 2 or OCI to schema 1, which the sandbox does not do). Pulled *by digest*, nothing
is ever converted: the stored bytes come back and the client must understand them. When no conversion is possible
the sandbox answers ``MANIFEST_UNKNOWN`` saying why, as CNCF distribution does. A request with no ``Accept``
header, or one naming no manifest type (``*/*``, ``application/json``), gets the stored manifest.

A converted manifest has its own digest (``Docker-Content-Digest`` says which); it is not stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ecrtui.sandbox.manifest_rules import (
    DOCKER_CONFIG,
    DOCKER_V2,
    MANIFEST_TYPES,
    OCI_CONFIG,
    OCI_MANIFEST,
)
from ecrtui.sandbox.registry.errors import RegistryError, manifest_unknown

_DOCKER_TO_OCI_LAYER = {
    "application/vnd.docker.image.rootfs.diff.tar.gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.docker.image.rootfs.diff.tar": "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": (
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
    ),
}
_OCI_TO_DOCKER_LAYER = {oci: docker for docker, oci in _DOCKER_TO_OCI_LAYER.items()}


@dataclass(frozen=True, slots=True)
class Served:
    """The manifest a client gets: exact bytes and their media type."""

    body: bytes
    media_type: str


def accepted_types(header_values: Iterable[str]) -> frozenset[str] | None:
    """The manifest media types the client accepts; None when it accepts anything.

    Clients send one ``Accept`` header with a comma-separated list (docker, crane) or several headers (skopeo);
    parameters such as ``q=0.5`` are ignored, as ECR ignores them.
    """
    types: set[str] = set()
    for value in header_values:
        for item in value.split(","):
            media_type = item.split(";", 1)[0].strip().lower()
            if media_type == "*/*":
                return None
            if media_type in MANIFEST_TYPES:
                types.add(media_type)
    return frozenset(types) or None


def _converted(document: dict[str, Any], source: str, target: str) -> str | None:
    """``document`` (of type ``source``) as an image manifest of type ``target``, or None when ECR has no such
    conversion for it (indexes, artifacts, zstd layers, schema 1)."""
    config = document.get("config")
    layers = document.get("layers")
    if (
        not isinstance(config, dict)
        or not isinstance(layers, list)
        or not all(isinstance(x, dict) for x in layers)
    ):
        return None
    if target == OCI_MANIFEST and source == DOCKER_V2 and config.get("mediaType") == DOCKER_CONFIG:
        config_type, layer_types = OCI_CONFIG, _DOCKER_TO_OCI_LAYER
    elif (
        target == DOCKER_V2
        and source == OCI_MANIFEST
        and config.get("mediaType") == OCI_CONFIG
        and "subject" not in document
        and "artifactType" not in document
    ):
        config_type, layer_types = DOCKER_CONFIG, _OCI_TO_DOCKER_LAYER
    else:
        return None
    if any(layer.get("mediaType") not in layer_types for layer in layers):
        return None
    result: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": target,
        "config": {**config, "mediaType": config_type},
        "layers": [{**layer, "mediaType": layer_types[layer["mediaType"]]} for layer in layers],
    }
    if target == OCI_MANIFEST and "annotations" in document:
        result["annotations"] = document["annotations"]
    return json.dumps(result, indent=3)


def negotiate(
    manifest: str, stored_type: str, accepted: frozenset[str] | None, *, by_digest: bool, reference: str
) -> Served:
    """The manifest to serve for a GET or HEAD; ``MANIFEST_UNKNOWN`` when the client can take no form of it."""
    if accepted is None or stored_type in accepted or by_digest:
        return Served(manifest.encode(), stored_type)
    for target in (OCI_MANIFEST, DOCKER_V2):
        if target in accepted:
            try:
                document = json.loads(manifest)
            except ValueError:
                break
            converted = _converted(document, stored_type, target) if isinstance(document, dict) else None
            if converted is not None:
                return Served(converted.encode(), target)
    raise not_acceptable(stored_type, accepted, reference)


def not_acceptable(stored_type: str, accepted: frozenset[str], reference: str) -> RegistryError:
    return manifest_unknown(
        reference,
        f"The image's manifest media type {stored_type} is not in the Accept header "
        f"({', '.join(sorted(accepted))}) and cannot be converted to one of them",
    )
