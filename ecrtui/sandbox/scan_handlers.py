"""``StartImageScan`` and ``DescribeImageScanFindings`` as ECR answers them.

moto lets any image be scanned once per calendar day and returns one fixed fake finding. ECR (botocore's model and
the API reference): a basic scan of an archived image is ``ImageArchivedException``; an image index or a non-image
artifact cannot be scanned (``UnsupportedImageTypeException``); an image can be scanned once every 24 hours
(``LimitExceededException``); an image under enhanced (continuous) scanning is not scanned on demand (users report
``ValidationException`` "This feature is disabled"). A started scan is ``IN_PROGRESS`` for
``--activation-seconds``, then ``COMPLETE`` with findings derived from the digest. An image never scanned has no
findings (``ScanNotFoundException``). Findings page with ``maxResults`` (1-1000) and ``nextToken``.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.models import Repository

from ecrtui.sandbox import deferred, scans
from ecrtui.sandbox.errors import (
    ImageArchivedException,
    ImageNotFoundException,
    LimitExceededException,
    ScanNotFoundException,
    UnsupportedImageTypeException,
    ValidationException,
)
from ecrtui.sandbox.handler_support import find_image, repository_for, with_token
from ecrtui.sandbox.images import SandboxImage
from ecrtui.sandbox.manifest_rules import DOCKER_CONFIG, INDEX_TYPES, OCI_CONFIG
from ecrtui.sandbox.paging import paginate
from ecrtui.sandbox.runtime import current

SCAN_INTERVAL = timedelta(hours=24)
IN_PROGRESS = {"status": "IN_PROGRESS", "description": "The scan is in progress."}


def _image(repository: Repository, image_id: dict[str, str]) -> SandboxImage:
    image = find_image(repository, image_id)
    if image is None:
        raise ImageNotFoundException(
            f"The image with imageId {image_id} does not exist within the repository with name "
            f"'{repository.name}' in the registry with id '{repository.registry_id}'"
        )
    return image


def _returned_id(image: SandboxImage, asked: dict[str, str]) -> dict[str, str]:
    returned = {"imageDigest": image.image_digest}
    if asked.get("imageTag"):
        returned["imageTag"] = asked["imageTag"]
    elif image.image_tags:
        returned["imageTag"] = image.image_tags[0]
    return returned


def begin_scan(image: SandboxImage) -> None:
    """Start a basic scan: ``IN_PROGRESS`` now, ``COMPLETE`` with seeded findings once the delay has passed."""
    runtime = current()
    image.scan_started_at = runtime.clock()
    image.scan_summary = {"imageScanStatus": dict(IN_PROGRESS)}

    def complete() -> None:
        if image.scan_summary is not None and image.scan_summary["imageScanStatus"] == IN_PROGRESS:
            image.scan_summary = scans.completed_summary(random.Random(image.image_digest), current().clock())

    deferred.schedule(complete)


def start_image_scan(self: Any) -> ActionResult:
    repository = repository_for(self)
    asked = self._get_param("imageId") or {}
    image = _image(repository, asked)
    if image.image_status != "ACTIVE":
        raise ImageArchivedException(
            f"The image with digest '{image.image_digest}' is {image.image_status.lower()} and cannot be scanned"
        )
    if image.image_manifest_media_type in INDEX_TYPES or image.artifact_media_type not in (
        None,
        DOCKER_CONFIG,
        OCI_CONFIG,
    ):
        raise UnsupportedImageTypeException(
            f"The image with digest '{image.image_digest}' is of a type that cannot be scanned "
            f"({image.image_manifest_media_type})"
        )
    if scans.is_enhanced(image):
        raise ValidationException(
            "This feature is disabled: the image is scanned continuously by enhanced scanning"
        )
    now = current().clock()
    if image.scan_started_at is not None and now - image.scan_started_at < SCAN_INTERVAL:
        raise LimitExceededException(
            f"The image with digest '{image.image_digest}' was scanned in the last 24 hours; an image can be "
            "scanned once per 24 hours"
        )
    begin_scan(image)
    return ActionResult(
        {
            "registryId": repository.registry_id,
            "repositoryName": repository.name,
            "imageId": _returned_id(image, asked),
            "imageScanStatus": dict(IN_PROGRESS),
        }
    )


def describe_image_scan_findings(self: Any) -> ActionResult:
    repository = repository_for(self)
    asked = self._get_param("imageId") or {}
    image = _image(repository, asked)
    if image.scan_summary is None:
        raise ScanNotFoundException(
            f"Image scan does not exist for the image with '{_returned_id(image, asked)}' in the repository "
            f"with name '{repository.name}' in the registry with id '{repository.registry_id}'"
        )
    result: dict[str, Any] = {
        "registryId": repository.registry_id,
        "repositoryName": repository.name,
        "imageId": _returned_id(image, asked),
        "imageScanStatus": image.scan_summary["imageScanStatus"],
    }
    summary = image.scan_summary.get("imageScanFindingsSummary")
    if summary is None:  # in progress: no findings yet
        return ActionResult(result)
    enhanced = scans.is_enhanced(image)
    every = (
        scans.enhanced_findings(image, repository.registry_id, repository.region_name)
        if enhanced
        else scans.findings(image)
    )
    page, token = paginate(
        list(enumerate(every)),  # a vulnerability id can repeat (two packages): the position is the key
        lambda entry: str(entry[0]),
        f"findings:{repository.registry_id}:{repository.name}:{image.image_digest}",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    result["imageScanFindings"] = {
        "imageScanCompletedAt": summary["imageScanCompletedAt"],
        "vulnerabilitySourceUpdatedAt": summary["vulnerabilitySourceUpdatedAt"],
        "findingSeverityCounts": summary["findingSeverityCounts"],
        "enhancedFindings" if enhanced else "findings": [finding for _, finding in page],
    }
    return with_token(result, token)
