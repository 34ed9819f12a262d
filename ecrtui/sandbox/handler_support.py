"""What every corrected ECR handler needs: the registry a call addresses, its repository, paging guards, replies.

A call that names another account's ``registryId`` is served from that account's registry once its repository
policy has let the caller in (``repository_access``, checked before any handler runs; IAM identity policies are
not modelled).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.models import ECRBackend, Repository, ecr_backends

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.images import SandboxImage, repo_images

_REGISTRY_ID = re.compile(r"^[0-9]{12}$")
_REPOSITORY_ARN = re.compile(r"^arn:aws[a-z-]*:ecr:[a-z0-9-]+:([0-9]{12}):repository/")


TAG_STATUSES = ("TAGGED", "UNTAGGED", "ANY")
IMAGE_STATUS_FILTERS = ("ACTIVE", "ARCHIVED", "ACTIVATING", "ANY")


Handler = Callable[[Any], Any]

MOTO_HANDLERS: dict[str, Handler] = {}
"""moto's own handlers, kept for the cases the sandbox does not change."""


def backend_for(self: Any) -> ECRBackend:
    """The registry a call names with ``registryId`` or a repository ARN (another account's too), else the
    caller's own."""
    registry_id = self._get_param("registryId")
    arn = _REPOSITORY_ARN.match(str(self._get_param("resourceArn") or ""))
    if registry_id is None and arn is not None:
        registry_id = arn.group(1)
    if registry_id is None:
        registry_id = self.current_account
    elif not isinstance(registry_id, str) or not _REGISTRY_ID.match(registry_id):
        raise InvalidParameterException(
            f"Invalid parameter at 'registryId' failed to satisfy constraint: "
            f"'must satisfy regular expression '[0-9]{{12}}'' (got {registry_id!r})"
        )
    registries = ecr_backends[registry_id]
    if self.region not in registries:  # moto would raise KeyError: an HTTP 500 that botocore retries
        raise InvalidParameterException(
            f"Region '{self.region}' does not exist in the sandbox (it serves the AWS regions boto3 knows)"
        )
    return registries[self.region]


def repository_for(self: Any) -> Repository:
    """The repository a call names, in the registry it addresses (``RepositoryNotFoundException`` if absent)."""
    backend = backend_for(self)
    return backend._get_repository(self._get_param("repositoryName"), backend.account_id)


def refuse_paging_with(self: Any, ids_param: str) -> None:
    """ECR refuses ``maxResults``/``nextToken`` together with an explicit id list."""
    if self._get_param(ids_param) and (
        self._get_param("maxResults") is not None or self._get_param("nextToken") is not None
    ):
        raise InvalidParameterException(
            f"Invalid parameter: maxResults and nextToken cannot be used together with {ids_param}"
        )


def with_token(result: dict[str, Any], token: str | None) -> ActionResult:
    """A moto result with ``nextToken`` when there is a next page."""
    if token is not None:
        result["nextToken"] = token
    return ActionResult(result)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")


JsonResponse = tuple[str, dict[str, str]]


def fast_json(result: dict[str, Any], token: str | None) -> JsonResponse:
    """The JSON-protocol body, serialised directly: moto's generic serialiser costs ~50 ms per 1,000 images,
    which would dominate paging through a 100,000-image repository."""
    if token is not None:
        result["nextToken"] = token
    body = json.dumps(result, default=_json_default, separators=(",", ":"))
    return body, {"Content-Type": "application/x-amz-json-1.1"}


def tag_status(self: Any) -> str:
    """The ``filter.tagStatus`` of a call (default ``ANY``)."""
    status = (self._get_param("filter") or {}).get("tagStatus", "ANY")
    if status not in TAG_STATUSES:
        raise InvalidParameterException(f"Invalid parameter at 'filter.tagStatus': {status!r}")
    return str(status)


def image_status(self: Any) -> str:
    """The ``filter.imageStatus`` of a call (default ``ACTIVE``: archived images are listed only when asked for)."""
    status = (self._get_param("filter") or {}).get("imageStatus", "ACTIVE")
    if status not in IMAGE_STATUS_FILTERS:
        raise InvalidParameterException(
            f"Invalid parameter at 'filter.imageStatus' failed to satisfy constraint: 'Member must satisfy enum "
            f"value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]' (got {status!r})"
        )
    return str(status)


def find_image(repository: Repository, image_id: dict[str, str]) -> SandboxImage | None:
    """The image an ``imageId`` names; with both digest and tag, they must name the same image."""
    index = repo_images(repository)
    digest, tag = image_id.get("imageDigest"), image_id.get("imageTag")
    by_digest = index.by_digest.get(digest) if digest else None
    by_tag = index.by_tag.get(tag) if tag else None
    if digest and tag:
        return by_digest if by_digest is not None and by_digest is by_tag else None
    return by_digest or by_tag


def image_failure(image_id: dict[str, str], code: str, reason: str) -> dict[str, Any]:
    """A ``failures`` entry as ECR writes it."""
    return {"imageId": image_id, "failureCode": code, "failureReason": reason}
