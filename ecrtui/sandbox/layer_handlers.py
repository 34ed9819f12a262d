"""Corrected ECR blob calls: uploads checked against their bytes, presigned download URLs, auth tokens."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.models import Repository, ecr_backends

from ecrtui.sandbox.blob_urls import BlobGrant, sign_url
from ecrtui.sandbox.blobstore import UploadBuffer
from ecrtui.sandbox.errors import (
    EmptyUploadException,
    InvalidLayerException,
    InvalidLayerPartException,
    InvalidParameterException,
    LayerAlreadyExistsException,
    LayerInaccessibleException,
    LayerPartTooSmallException,
    LayersNotFoundException,
    UploadNotFoundException,
    java_list,
)
from ecrtui.sandbox.handler_support import repository_for
from ecrtui.sandbox.images import repo_images
from ecrtui.sandbox.manifest_rules import read_manifest
from ecrtui.sandbox.registry import servers as registry_servers
from ecrtui.sandbox.registry.context import RegistryAddress, hostname_of
from ecrtui.sandbox.registry.servers import TooManyRegistries
from ecrtui.sandbox.registry.tokens import TokenClaims, authorization_token, derive_key
from ecrtui.sandbox.runtime import current

_REGISTRY_ID = re.compile(r"^[0-9]{12}$")

MIN_PART_SIZE = 5 * 1024 * 1024


PART_SIZE = 10 * 1024 * 1024

MAX_LAYER_DIGESTS = 100
# botocore's LayerDigest pattern, with sha256 held to its 64 hex digits.
_LAYER_DIGEST = re.compile(r"^[a-zA-Z0-9\-_+.]+:[a-fA-F0-9]+$")


def _upload_key(repository: Repository, upload_id: object) -> str:
    return f"{repository.registry_id}/{repository.region_name}/{repository.name}/{upload_id}"


def _upload(repository: Repository, upload_id: object) -> UploadBuffer:
    upload = current().uploads.get(_upload_key(repository, upload_id))
    if upload is None:
        raise UploadNotFoundException(
            f"Upload with upload id '{upload_id}' is not found in repository '{repository.name}' in registry "
            f"with id '{repository.registry_id}'"
        )
    return upload


def initiate_layer_upload(self: Any) -> ActionResult:
    """Start an upload whose bytes go to a spill file, not memory."""
    repository = repository_for(self)
    upload_id = str(uuid.uuid4())
    current().uploads[_upload_key(repository, upload_id)] = current().blobs.new_upload()
    return ActionResult({"registryId": repository.registry_id, "uploadId": upload_id, "partSize": PART_SIZE})


def upload_layer_part(self: Any) -> ActionResult:
    """Append a part; parts must continue exactly where the last one ended."""
    repository = repository_for(self)
    upload_id = self._get_param("uploadId")
    upload = _upload(repository, upload_id)
    first, last = self._get_param("partFirstByte"), self._get_param("partLastByte")
    blob = self._get_param("layerPartBlob") or b""
    if isinstance(blob, str):
        blob = base64.b64decode(blob)
    if first != upload.size or last != first + len(blob) - 1:
        raise InvalidLayerPartException(
            f"The layer part for upload '{upload_id}' does not continue the upload: expected partFirstByte "
            f"{upload.size} and partLastByte partFirstByte + size - 1; last valid byte received is "
            f"{upload.size - 1}",
            last_valid_byte=upload.size - 1,
            upload_id=str(upload_id),
            registry_id=repository.registry_id,
            name=repository.name,
        )
    upload.append(blob)
    return ActionResult(
        {
            "registryId": repository.registry_id,
            "repositoryName": repository.name,
            "uploadId": upload_id,
            "lastByteReceived": upload.size - 1,
        }
    )


def complete_layer_upload(self: Any) -> ActionResult:
    """Check the bytes against the client's digest and part sizes, then store them in the repository."""
    repository = repository_for(self)
    upload_id = self._get_param("uploadId")
    upload = _upload(repository, upload_id)
    claimed = self._get_param("layerDigests") or []
    if upload.size == 0:
        raise EmptyUploadException(f"The upload '{upload_id}' contains no layer parts")
    if len(claimed) != 1 or claimed[0] != upload.digest:
        raise InvalidLayerException(
            f"The layer digest {java_list(str(d) for d in claimed)} does not match the digest of the uploaded "
            f"bytes {upload.digest}"
        )
    if any(size < MIN_PART_SIZE for size in upload.part_sizes[:-1]):
        raise LayerPartTooSmallException(
            f"Layer parts of upload '{upload_id}' must be at least 5 MiB, except the last part"
        )
    if upload.digest in repository.layers:
        raise LayerAlreadyExistsException(
            f"The layer '{upload.digest}' already exists in the repository with name '{repository.name}' in "
            f"registry with id '{repository.registry_id}'"
        )
    del current().uploads[_upload_key(repository, upload_id)]
    digest = current().blobs.adopt_upload(upload)
    repository.layers[digest] = upload.size
    return ActionResult(
        {
            "registryId": repository.registry_id,
            "repositoryName": repository.name,
            "uploadId": upload_id,
            "layerDigest": digest,
        }
    )


def _well_formed(digest: object) -> bool:
    if not isinstance(digest, str) or not _LAYER_DIGEST.match(digest):
        return False
    algorithm, _, hex_part = digest.partition(":")
    return algorithm != "sha256" or len(hex_part) == 64


def _archived_layers(repository: Repository, wanted: set[str]) -> set[str]:
    """Layers of ``wanted`` that only archived images of the repository refer to (ECR reports them ARCHIVED)."""
    images = repo_images(repository).images
    if not any(getattr(image, "image_status", "ACTIVE") == "ARCHIVED" for image in images):
        return set()
    archived: set[str] = set()
    active: set[str] = set()
    for image in images:
        facts = read_manifest(image.image_manifest, image.image_manifest_media_type)
        used = wanted.intersection(facts.blob_digests)
        if getattr(image, "image_status", "ACTIVE") == "ARCHIVED":
            archived |= used
        else:
            active |= used
    return archived - active


def batch_check_layer_availability(self: Any) -> ActionResult:
    """One ``layers`` entry per well-formed digest (AVAILABLE with its size, UNAVAILABLE, or ARCHIVED when only
    archived images use it); only a malformed digest goes under ``failures`` (moto lists missing ones there)."""
    repository = repository_for(self)
    digests = self._get_param("layerDigests") or []
    if not isinstance(digests, list) or not 1 <= len(digests) <= MAX_LAYER_DIGESTS:
        raise InvalidParameterException(
            f"Invalid parameter at 'layerDigests' failed to satisfy constraint: 'Member must have length "
            f"between 1 and {MAX_LAYER_DIGESTS}'"
        )
    present = {d for d in digests if _well_formed(d) and d in repository.layers}
    archived = _archived_layers(repository, present)
    layers: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for digest in digests:
        if not _well_formed(digest):
            failures.append(
                {
                    "layerDigest": str(digest),
                    "failureCode": "InvalidLayerDigest",
                    "failureReason": "Invalid layer digest",
                }
            )
        elif digest in present:
            availability = "ARCHIVED" if digest in archived else "AVAILABLE"
            layers.append(
                {
                    "layerDigest": digest,
                    "layerAvailability": availability,
                    "layerSize": repository.layers[digest],
                }
            )
        else:
            layers.append({"layerDigest": digest, "layerAvailability": "UNAVAILABLE"})
    return ActionResult({"layers": layers, "failures": failures})


def get_download_url_for_layer(self: Any) -> ActionResult:
    """A presigned URL on the sandbox itself, valid for ``url_ttl_seconds``, carrying no credentials."""
    repository = repository_for(self)
    digest = self._get_param("layerDigest")
    if digest not in repository.layers:
        raise LayersNotFoundException(
            f"The layer with digest '{digest}' does not exist in the repository with name '{repository.name}' "
            f"in the registry with id '{repository.registry_id}'"
        )
    runtime = current()
    if runtime.blobs.size(digest) is None:
        raise LayerInaccessibleException(f"The layer '{digest}' has no stored bytes")
    host = self.headers.get("Host") or "127.0.0.1"
    grant = BlobGrant(
        repository.registry_id,
        repository.region_name,
        repository.name,
        digest,
        int(runtime.clock().timestamp()) + runtime.url_ttl_seconds,
    )
    url = sign_url(f"http://{host}", runtime.url_key, grant)
    return ActionResult({"downloadUrl": url, "layerDigest": digest})


def _proxy_endpoint(self: Any, registry_id: str) -> str:
    """Where clients reach ``registry_id``'s registry in this region: its registry server, started if need be,
    under the host name the caller used for the API (ECR's own form when no registry servers run)."""
    servers = registry_servers.current()
    if servers is None:
        return f"https://{registry_id}.dkr.ecr.{self.region}.amazonaws.com"
    if self.region not in ecr_backends[registry_id]:
        raise InvalidParameterException(f"Region '{self.region}' does not exist in the sandbox")
    try:
        port = servers.ensure(RegistryAddress(registry_id, self.region))
    except TooManyRegistries as error:
        raise InvalidParameterException(
            f"Cannot serve registry {registry_id} in {self.region}: {error}"
        ) from None
    return f"http://{hostname_of(self.headers.get('Host') or '127.0.0.1')}:{port}"


def get_authorization_token(self: Any) -> ActionResult:
    """A token for the caller's account in this region, valid ``token_ttl_seconds`` (ECR: 12 hours), and the
    address of each registry asked for (``proxyEndpoint``): the sandbox's registry server for it."""
    registry_ids = self._get_param("registryIds") or [self.current_account]
    for registry_id in registry_ids:
        if not isinstance(registry_id, str) or not _REGISTRY_ID.match(registry_id):
            raise InvalidParameterException(
                f"Invalid parameter at 'registryIds' failed to satisfy constraint: "
                f"'must satisfy regular expression '[0-9]{{12}}'' (got {registry_id!r})"
            )
    runtime = current()
    expires = int(runtime.clock().timestamp()) + runtime.token_ttl_seconds
    claims = TokenClaims(self.current_account, self.region, expires)
    token = authorization_token(derive_key(runtime.url_key), claims)
    data = [
        {
            "authorizationToken": token,
            "expiresAt": datetime.fromtimestamp(expires, UTC),
            "proxyEndpoint": _proxy_endpoint(self, registry_id),
        }
        for registry_id in registry_ids
    ]
    return ActionResult({"authorizationData": data})
