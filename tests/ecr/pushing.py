"""Push real images to a sandbox the way a registry client does (blobs first, then manifests).

Shared by the data-layer tests; plain boto3 so the code under test is not used to set up its own inputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Pushed:
    """What was pushed: the digest, the exact manifest bytes, and the config bytes (for images)."""

    digest: str
    manifest: bytes
    media_type: str
    config: bytes = b""


def push_blob(client: Any, repository: str, data: bytes, registry_id: str | None = None) -> str:
    rid = {"registryId": registry_id} if registry_id else {}
    upload = client.initiate_layer_upload(repositoryName=repository, **rid)
    client.upload_layer_part(
        repositoryName=repository,
        uploadId=upload["uploadId"],
        partFirstByte=0,
        partLastByte=len(data) - 1,
        layerPartBlob=data,
        **rid,
    )
    digest = sha256(data)
    client.complete_layer_upload(
        repositoryName=repository, uploadId=upload["uploadId"], layerDigests=[digest], **rid
    )
    return digest


def put_manifest(
    client: Any, repository: str, manifest: bytes, media_type: str, tag: str | None = None
) -> str:
    params: dict[str, Any] = {
        "repositoryName": repository,
        "imageManifest": manifest.decode(),
        "imageManifestMediaType": media_type,
        "imageDigest": sha256(manifest),
    }
    if tag:
        params["imageTag"] = tag
    client.put_image(**params)
    return sha256(manifest)


def push_image(
    client: Any,
    repository: str,
    name: str,
    *,
    tag: str | None = None,
    docker: bool = False,
    arch: str = "amd64",
    env: tuple[str, ...] = ("PATH=/usr/bin",),
) -> Pushed:
    """A one-layer image whose config names ``name`` (so every call makes different content)."""
    layer = f"layer of {name}".encode() * 10
    config = json.dumps(
        {
            "architecture": arch,
            "os": "linux",
            "config": {"Env": list(env), "Cmd": ["/bin/" + name], "Labels": {"name": name}},
            "rootfs": {"type": "layers", "diff_ids": [sha256(layer)]},
            "history": [{"created_by": f"COPY {name} /"}],
        },
        sort_keys=True,
    ).encode()
    layer_digest = push_blob(client, repository, layer)
    config_digest = push_blob(client, repository, config)
    media_type = DOCKER_MANIFEST if docker else OCI_MANIFEST
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {
                "mediaType": DOCKER_CONFIG if docker else OCI_CONFIG,
                "digest": config_digest,
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip"
                    if docker
                    else "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": layer_digest,
                    "size": len(layer),
                }
            ],
        },
        indent=3,
    ).encode()
    digest = put_manifest(client, repository, manifest, media_type, tag)
    return Pushed(digest, manifest, media_type, config)


def push_index(
    client: Any,
    repository: str,
    children: list[tuple[Pushed, str]],
    *,
    tag: str | None = None,
    attest: Pushed | None = None,
) -> Pushed:
    """An OCI index over already-pushed children (``(pushed, arch)``), optionally with a BuildKit attestation."""
    entries: list[dict[str, Any]] = [
        {
            "mediaType": child.media_type,
            "digest": child.digest,
            "size": len(child.manifest),
            "platform": {"architecture": arch, "os": "linux"},
        }
        for child, arch in children
    ]
    if attest is not None:
        entries.append(
            {
                "mediaType": attest.media_type,
                "digest": attest.digest,
                "size": len(attest.manifest),
                "platform": {"architecture": "unknown", "os": "unknown"},
                "annotations": {
                    "vnd.docker.reference.type": "attestation-manifest",
                    "vnd.docker.reference.digest": children[0][0].digest,
                },
            }
        )
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    digest = put_manifest(client, repository, manifest, OCI_INDEX, tag)
    return Pushed(digest, manifest, OCI_INDEX)


def push_many(client: Any, repository: str, count: int, *, tag_every: int = 10) -> list[str]:
    """``count`` small images over two shared blobs (each manifest differs by an annotation), every
    ``tag_every``-th tagged: a large repository in a few seconds. Returns the digests in push order."""
    layer = f"layer of {repository}".encode() * 10
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}}).encode()
    layer_digest = push_blob(client, repository, layer)
    config_digest = push_blob(client, repository, config)
    digests = []
    for number in range(count):
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
                "layers": [
                    {
                        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                        "digest": layer_digest,
                        "size": len(layer),
                    }
                ],
                "annotations": {"number": str(number)},
            }
        ).encode()
        tag = f"build-{number:05d}" if number % tag_every == 0 else None
        digests.append(put_manifest(client, repository, manifest, OCI_MANIFEST, tag))
    return digests
