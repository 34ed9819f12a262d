"""Corrected ECR image calls: listing with paging, manifests stored and returned as ECR does, deletes, scans."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult

from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.errors import ImageNotFoundException, InvalidParameterException
from ecrtui.sandbox.handler_support import (
    JsonResponse,
    backend_for,
    fast_json,
    find_image,
    image_failure,
    image_status,
    refuse_paging_with,
    repository_for,
    tag_status,
    with_token,
)
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.paging import paginate
from ecrtui.sandbox.repository_access import caller_of, visible_to

MAX_IMAGE_IDS = 100
"""ECR's limit on ``imageIds`` in one call (botocore checks only the minimum)."""


def describe_repositories(self: Any) -> ActionResult:
    """Repositories of the addressed registry, paged (moto returns them all in one page)."""
    refuse_paging_with(self, "repositoryNames")
    backend = backend_for(self)
    names = self._get_param("repositoryNames")
    repositories = backend.describe_repositories(registry_id=backend.account_id, repository_names=names)
    if names:
        return ActionResult({"repositories": repositories})
    if backend.account_id != self.current_account:  # another account's registry: what its policies let in
        visible = set(
            visible_to(caller_of(self), backend.account_id, self.region, [r.name for r in repositories])
        )
        repositories = [r for r in repositories if r.name in visible]
    page, token = paginate(
        repositories,
        lambda r: str(r.name),
        "repositories",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    return with_token({"repositories": list(page)}, token)


def describe_images(self: Any) -> ActionResult | JsonResponse:
    """Image details with ECR digests and sizes, paged in push order; by id when ``imageIds`` is given.

    Listings hold ACTIVE images unless ``filter.imageStatus`` asks for others; images asked for by id are
    described whatever their status (ECR: archived images "can still be described"). A ``nextToken`` belongs to
    the filters it was issued for.
    """
    refuse_paging_with(self, "imageIds")
    repository = repository_for(self)
    image_ids = self._get_param("imageIds")
    if image_ids:
        if len(image_ids) > MAX_IMAGE_IDS:
            raise InvalidParameterException(
                "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less "
                f"than or equal to {MAX_IMAGE_IDS}' (got {len(image_ids)})"
            )
        found: dict[str, SandboxImage] = {}
        for image_id in image_ids:
            image = find_image(repository, image_id)
            if image is None:
                raise ImageNotFoundException(
                    f"The image with imageId {image_id} does not exist within the repository with name "
                    f"'{repository.name}' in the registry with id '{repository.registry_id}'"
                )
            found.setdefault(image.image_digest, image)
        return ActionResult({"imageDetails": [i.details() for i in found.values()]})
    tags, status = tag_status(self), image_status(self)
    listing = repo_images(repository).listing(tags, status)
    page, token = paginate(
        listing,
        lambda i: str(i.image_digest),
        f"images:{repository.registry_id}:{repository.name}:{tags}:{status}",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    return fast_json({"imageDetails": [i.details() for i in page]}, token)


def list_images(self: Any) -> JsonResponse:
    """One entry per tag (one per untagged image), paged; ids only, so it is the cheap way to count."""
    repository = repository_for(self)
    tags, status = tag_status(self), image_status(self)
    listing = repo_images(repository).id_listing(tags, status)
    page, token = paginate(
        listing,
        lambda entry: f"{entry[0]}|{entry[1] or ''}",
        f"ids:{repository.registry_id}:{repository.name}:{tags}:{status}",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    ids = [{"imageDigest": d, "imageTag": t} if t else {"imageDigest": d} for d, t in page]
    return fast_json({"imageIds": ids}, token)


def batch_get_image(self: Any) -> ActionResult:
    """Manifests byte-identical to what was put; unknown or unaccepted images come back as failures."""
    repository = repository_for(self)
    image_ids = self._get_param("imageIds") or []
    if not 1 <= len(image_ids) <= 100:
        raise InvalidParameterException("Invalid parameter at 'imageIds': between 1 and 100 image ids")
    accepted = self._get_param("acceptedMediaTypes")
    images: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for image_id in image_ids:
        if not image_id.get("imageDigest") and not image_id.get("imageTag"):
            failures.append(
                image_failure(image_id, "MissingDigestAndTag", "Both tag and digest cannot be null")
            )
            continue
        image = find_image(repository, image_id)
        if image is None:
            code = "ImageNotFound"
            if image_id.get("imageTag") and repo_images(repository).by_digest.get(
                image_id.get("imageDigest", "")
            ):
                code = "ImageTagDoesNotMatchDigest"
            failures.append(image_failure(image_id, code, "Requested image not found"))
            continue
        if accepted and image.image_manifest_media_type not in accepted:
            failures.append(
                image_failure(
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
    """Store a manifest under ECR's rules (see ``registry_ops.put_image``)."""
    repository = repository_for(self)
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


def batch_delete_image(self: Any) -> ActionResult:
    """Each id deleted under ECR's rules (``registry_ops.delete_image``); refusals are per-image failures."""
    repository = repository_for(self)
    deleted: list[dict[str, str]] = []
    failures: list[dict[str, Any]] = []
    for image_id in self._get_param("imageIds") or []:
        try:
            deleted.extend(registry_ops.delete_image(repository, image_id))
        except registry_ops.ImageChangeRefused as refused:
            failures.append(image_failure(image_id, refused.code, refused.reason))
    return ActionResult({"imageIds": deleted, "failures": failures})
