"""Corrected ECR blob calls: uploads checked against their bytes, presigned download URLs, auth tokens."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.models import Repository

from ecrtui.sandbox.blob_urls import BlobGrant, sign_url
from ecrtui.sandbox.blobstore import UploadBuffer
from ecrtui.sandbox.errors import (
    EmptyUploadException,
    InvalidLayerException,
    InvalidLayerPartException,
    LayerAlreadyExistsException,
    LayerInaccessibleException,
    LayerPartTooSmallException,
    LayersNotFoundException,
    UploadNotFoundException,
)
from ecrtui.sandbox.handler_support import repository_for
from ecrtui.sandbox.runtime import current

MIN_PART_SIZE = 5 * 1024 * 1024


PART_SIZE = 10 * 1024 * 1024


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
            f"{upload.size - 1}"
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
            f"The layer digest {claimed!r} does not match the digest of the uploaded bytes {upload.digest!r}"
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


def get_authorization_token(self: Any) -> ActionResult:
    """Tokens that expire 12 hours from now, as ECR's do (moto's expired in 2015)."""
    registry_ids = self._get_param("registryIds") or [self.current_account]
    expires = current().clock() + timedelta(hours=12)
    data = [
        {
            "authorizationToken": base64.b64encode(f"AWS:sandbox-token-{uuid.uuid4().hex}".encode()).decode(),
            "expiresAt": expires,
            "proxyEndpoint": f"https://{registry_id}.dkr.ecr.{self.region}.amazonaws.com",
        }
        for registry_id in registry_ids
    ]
    return ActionResult({"authorizationData": data})
