"""Replacements for moto's ECR request handlers, installed on ``ECRResponse`` at sandbox start.

moto looks handlers up on ``ECRResponse`` at call time, so assigning these functions corrects the service in
process and in the server alike. Each handler parses parameters and applies ECR's rules (``registry_ops``); moto
keeps repositories, policies, tags, lifecycle and scanning.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.core.responses import ActionResult, BaseResponse
from moto.ecr.models import ECRBackend, Repository, ecr_backends
from moto.ecr.responses import ECRResponse

from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.blob_urls import BlobGrant, sign_url
from ecrtui.sandbox.blobstore import UploadBuffer
from ecrtui.sandbox.errors import EcrServiceError as _Base
from ecrtui.sandbox.errors import (
    EmptyUploadException,
    ImageNotFoundException,
    InvalidLayerException,
    InvalidLayerPartException,
    InvalidParameterException,
    LayerInaccessibleException,
    LayerPartTooSmallException,
    LayersNotFoundException,
    UploadNotFoundException,
)
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.manifest_rules import INDEX_TYPES
from ecrtui.sandbox.paging import paginate
from ecrtui.sandbox.runtime import current

MIN_PART_SIZE = 5 * 1024 * 1024
PART_SIZE = 10 * 1024 * 1024
_REGISTRY_ID = re.compile(r"^[0-9]{12}$")
TAG_STATUSES = ("TAGGED", "UNTAGGED", "ANY")


class LayerAlreadyExistsException(_Base):
    code = "LayerAlreadyExistsException"


Handler = Callable[[Any], Any]


def _backend(self: Any) -> ECRBackend:
    """The registry a call names with ``registryId`` (another account's too), else the caller's own."""
    registry_id = self._get_param("registryId")
    if registry_id is None:
        return ecr_backends[self.current_account][self.region]
    if not isinstance(registry_id, str) or not _REGISTRY_ID.match(registry_id):
        raise InvalidParameterException(
            f"Invalid parameter at 'registryId' failed to satisfy constraint: "
            f"'must satisfy regular expression '[0-9]{{12}}'' (got {registry_id!r})"
        )
    return ecr_backends[registry_id][self.region]


def _repository(self: Any) -> Repository:
    backend = _backend(self)
    return backend._get_repository(self._get_param("repositoryName"), backend.account_id)


def _no_paging_with(self: Any, ids_param: str) -> None:
    if self._get_param(ids_param) and (
        self._get_param("maxResults") is not None or self._get_param("nextToken") is not None
    ):
        raise InvalidParameterException(
            f"Invalid parameter: maxResults and nextToken cannot be used together with {ids_param}"
        )


def _with_token(result: dict[str, Any], token: str | None) -> ActionResult:
    if token is not None:
        result["nextToken"] = token
    return ActionResult(result)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _fast_json(result: dict[str, Any], token: str | None) -> str:
    """The JSON-protocol body, serialised directly: moto's generic serialiser costs ~50 ms per 1,000 images,
    which would dominate paging through a 100,000-image repository."""
    if token is not None:
        result["nextToken"] = token
    return json.dumps(result, default=_json_default, separators=(",", ":"))


def describe_repositories(self: Any) -> ActionResult:
    _no_paging_with(self, "repositoryNames")
    backend = _backend(self)
    names = self._get_param("repositoryNames")
    repositories = backend.describe_repositories(registry_id=backend.account_id, repository_names=names)
    if names:
        return ActionResult({"repositories": repositories})
    page, token = paginate(
        repositories,
        lambda r: str(r.name),
        "repositories",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    return _with_token({"repositories": list(page)}, token)


def _tag_status(self: Any) -> str:
    status = (self._get_param("filter") or {}).get("tagStatus", "ANY")
    if status not in TAG_STATUSES:
        raise InvalidParameterException(f"Invalid parameter at 'filter.tagStatus': {status!r}")
    return str(status)


def _find_image(repository: Repository, image_id: dict[str, str]) -> SandboxImage | None:
    index = repo_images(repository)
    digest, tag = image_id.get("imageDigest"), image_id.get("imageTag")
    by_digest = index.by_digest.get(digest) if digest else None
    by_tag = index.by_tag.get(tag) if tag else None
    if digest and tag:
        return by_digest if by_digest is not None and by_digest is by_tag else None
    return by_digest or by_tag


def describe_images(self: Any) -> ActionResult | str:
    _no_paging_with(self, "imageIds")
    repository = _repository(self)
    image_ids = self._get_param("imageIds")
    if image_ids:
        found: dict[str, SandboxImage] = {}
        for image_id in image_ids:
            image = _find_image(repository, image_id)
            if image is None:
                raise ImageNotFoundException(
                    f"The image with imageId {image_id} does not exist within the repository with name "
                    f"'{repository.name}' in the registry with id '{repository.registry_id}'"
                )
            found.setdefault(image.image_digest, image)
        return ActionResult({"imageDetails": [i.details() for i in found.values()]})
    listing = repo_images(repository).listing(_tag_status(self))
    page, token = paginate(
        listing,
        lambda i: str(i.image_digest),
        f"images:{repository.name}",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    return _fast_json({"imageDetails": [i.details() for i in page]}, token)


def list_images(self: Any) -> str:
    repository = _repository(self)
    listing = repo_images(repository).id_listing(_tag_status(self))
    page, token = paginate(
        listing,
        lambda entry: f"{entry[0]}|{entry[1] or ''}",
        f"ids:{repository.name}",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    ids = [{"imageDigest": d, "imageTag": t} if t else {"imageDigest": d} for d, t in page]
    return _fast_json({"imageIds": ids}, token)


def _image_failure(image_id: dict[str, str], code: str, reason: str) -> dict[str, Any]:
    return {"imageId": image_id, "failureCode": code, "failureReason": reason}


def batch_get_image(self: Any) -> ActionResult:
    repository = _repository(self)
    image_ids = self._get_param("imageIds") or []
    if not 1 <= len(image_ids) <= 100:
        raise InvalidParameterException("Invalid parameter at 'imageIds': between 1 and 100 image ids")
    accepted = self._get_param("acceptedMediaTypes")
    images: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for image_id in image_ids:
        if not image_id.get("imageDigest") and not image_id.get("imageTag"):
            failures.append(
                _image_failure(image_id, "MissingDigestAndTag", "Both tag and digest cannot be null")
            )
            continue
        image = _find_image(repository, image_id)
        if image is None:
            code = "ImageNotFound"
            if image_id.get("imageTag") and repo_images(repository).by_digest.get(
                image_id.get("imageDigest", "")
            ):
                code = "ImageTagDoesNotMatchDigest"
            failures.append(_image_failure(image_id, code, "Requested image not found"))
            continue
        if accepted and image.image_manifest_media_type not in accepted:
            failures.append(
                _image_failure(
                    image_id,
                    "UnsupportedImageType",
                    f"The image's manifest media type {image.image_manifest_media_type} is not among "
                    "acceptedMediaTypes",
                )
            )
            continue
        returned_id = {"imageDigest": image.image_digest}
        if image_id.get("imageTag"):
            returned_id["imageTag"] = image_id["imageTag"]
        images.append(
            {
                "registryId": repository.registry_id,
                "repositoryName": repository.name,
                "imageId": returned_id,
                "imageManifest": image.image_manifest,
                "imageManifestMediaType": image.image_manifest_media_type,
            }
        )
    return ActionResult({"images": images, "failures": failures})


def put_image(self: Any) -> ActionResult:
    repository = _repository(self)
    image, tag = registry_ops.put_image(
        repository,
        self._get_param("imageManifest"),
        media_type=self._get_param("imageManifestMediaType"),
        tag=self._get_param("imageTag"),
        expected_digest=self._get_param("imageDigest"),
    )
    image_id = {"imageDigest": image.image_digest}
    if tag is not None:
        image_id["imageTag"] = tag
    return ActionResult(
        {
            "image": {
                "registryId": repository.registry_id,
                "repositoryName": repository.name,
                "imageId": image_id,
                "imageManifest": image.image_manifest,
                "imageManifestMediaType": image.image_manifest_media_type,
            }
        }
    )


def _referenced_by_index(repository: Repository, digest: str) -> bool:
    for image in repo_images(repository).images:
        if image.image_manifest_media_type in INDEX_TYPES and digest in image.image_manifest:
            children = json.loads(image.image_manifest).get("manifests", [])
            if any(child.get("digest") == digest for child in children):
                return True
    return False


def batch_delete_image(self: Any) -> ActionResult:
    repository = _repository(self)
    index = repo_images(repository)
    deleted: list[dict[str, str]] = []
    failures: list[dict[str, Any]] = []
    for image_id in self._get_param("imageIds") or []:
        digest, tag = image_id.get("imageDigest"), image_id.get("imageTag")
        if not digest and not tag:
            failures.append(
                _image_failure(image_id, "MissingDigestAndTag", "Both tag and digest cannot be null")
            )
            continue
        image = _find_image(repository, image_id)
        if image is None:
            failures.append(_image_failure(image_id, "ImageNotFound", "Requested image not found"))
            continue
        if tag and not digest and len(image.image_tags) > 1:
            index.untag(image, tag)
            deleted.append({"imageDigest": image.image_digest, "imageTag": tag})
            continue
        if _referenced_by_index(repository, image.image_digest):
            failures.append(
                _image_failure(
                    image_id,
                    "ImageReferencedByManifestList",
                    "Requested image is referenced by an image index",
                )
            )
            continue
        tags = list(image.image_tags)
        index.remove(image)
        deleted.extend({"imageDigest": image.image_digest, "imageTag": t} for t in tags)
        if not tags:
            deleted.append({"imageDigest": image.image_digest})
    return ActionResult({"imageIds": deleted, "failures": failures})


def _upload(repository: Repository, upload_id: object) -> UploadBuffer:
    upload = current().uploads.get(
        f"{repository.registry_id}/{repository.region_name}/{repository.name}/{upload_id}"
    )
    if upload is None:
        raise UploadNotFoundException(
            f"Upload with upload id '{upload_id}' is not found in repository '{repository.name}' in registry "
            f"with id '{repository.registry_id}'"
        )
    return upload


def initiate_layer_upload(self: Any) -> ActionResult:
    repository = _repository(self)
    upload_id = str(uuid.uuid4())
    key = f"{repository.registry_id}/{repository.region_name}/{repository.name}/{upload_id}"
    current().uploads[key] = current().blobs.new_upload()
    return ActionResult({"registryId": repository.registry_id, "uploadId": upload_id, "partSize": PART_SIZE})


def upload_layer_part(self: Any) -> ActionResult:
    repository = _repository(self)
    upload_id = self._get_param("uploadId")
    upload = _upload(repository, upload_id)
    first, last = self._get_param("partFirstByte"), self._get_param("partLastByte")
    blob = self._get_param("layerPartBlob") or b""
    if isinstance(blob, str):
        from base64 import b64decode

        blob = b64decode(blob)
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
    repository = _repository(self)
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
    key = f"{repository.registry_id}/{repository.region_name}/{repository.name}/{upload_id}"
    del current().uploads[key]
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
    repository = _repository(self)
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


HANDLERS: dict[str, Handler] = {
    "describe_repositories": describe_repositories,
    "describe_images": describe_images,
    "list_images": list_images,
    "batch_get_image": batch_get_image,
    "put_image": put_image,
    "batch_delete_image": batch_delete_image,
    "initiate_layer_upload": initiate_layer_upload,
    "upload_layer_part": upload_layer_part,
    "complete_layer_upload": complete_layer_upload,
    "get_download_url_for_layer": get_download_url_for_layer,
}


def _locked_call_action(self: Any) -> Any:
    """moto's dispatch, one ECR call at a time (moto's models are not thread-safe)."""
    with current().lock:
        return BaseResponse.call_action(self)


def install() -> None:
    """Put the corrected handlers on moto's ``ECRResponse`` (idempotent)."""
    setattr(ECRResponse, "ecr_backend", property(_backend))  # noqa: B010 - replacing moto's method
    for name, handler in HANDLERS.items():
        setattr(ECRResponse, name, handler)
    setattr(ECRResponse, "call_action", _locked_call_action)  # noqa: B010
