"""Test helper: push blobs and images through plain boto3, as any client would (imported by the sandbox tests)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_V1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Pusher:
    """Uploads blobs and manifests with the ECR API only (InitiateLayerUpload ... PutImage)."""

    ecr: Any

    def upload(self, repository: str, data: bytes, part_size: int | None = None) -> str:
        upload_id = self.ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
        size = part_size or max(len(data), 1)
        for first in range(0, len(data), size):
            part = data[first : first + size]
            self.ecr.upload_layer_part(
                repositoryName=repository,
                uploadId=upload_id,
                partFirstByte=first,
                partLastByte=first + len(part) - 1,
                layerPartBlob=part,
            )
        digest = digest_of(data)
        self.ecr.complete_layer_upload(repositoryName=repository, uploadId=upload_id, layerDigests=[digest])
        return digest

    def image(
        self,
        repository: str,
        layers: list[bytes],
        *,
        config: bytes | None = None,
        media_type: str = DOCKER_V2,
        indent: int | None = 3,
        upload: bool = True,
    ) -> tuple[str, list[int]]:
        """Upload config and layers and return a manifest naming them (not yet put) and the layer sizes."""
        config = config or json.dumps({"architecture": "amd64", "os": "linux", "n": len(layers)}).encode()
        if upload:
            for blob in (config, *layers):
                [layer] = self.ecr.batch_check_layer_availability(
                    repositoryName=repository, layerDigests=[digest_of(blob)]
                )["layers"]
                if layer["layerAvailability"] != "AVAILABLE":  # ECR refuses a layer it already has
                    self.upload(repository, blob)
        layer_type = (
            DOCKER_LAYER if media_type == DOCKER_V2 else "application/vnd.oci.image.layer.v1.tar+gzip"
        )
        config_type = DOCKER_CONFIG if media_type == DOCKER_V2 else "application/vnd.oci.image.config.v1+json"
        document = {
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {"mediaType": config_type, "digest": digest_of(config), "size": len(config)},
            "layers": [{"mediaType": layer_type, "digest": digest_of(b), "size": len(b)} for b in layers],
        }
        return json.dumps(document, indent=indent), [len(b) for b in layers]

    def index(self, children: list[str], media_type: str = OCI_INDEX) -> str:
        child_type = OCI_MANIFEST if media_type == OCI_INDEX else DOCKER_V2
        entries = [
            {
                "mediaType": child_type,
                "digest": digest_of(c.encode()),
                "size": len(c.encode()),
                "platform": {"architecture": arch, "os": "linux"},
            }
            for c, arch in zip(children, ("amd64", "arm64", "ppc64le"), strict=False)
        ]
        return json.dumps({"schemaVersion": 2, "mediaType": media_type, "manifests": entries})
