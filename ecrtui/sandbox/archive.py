"""Archive storage: ``UpdateImageStorageClass`` and the ``imageStatus`` of images (ACTIVE, ARCHIVED, ACTIVATING).

moto 5.2.5 has no archive at all (``UpdateImageStorageClass`` is an HTTP 500). ECR, from botocore's model and the
user guide: archiving (``targetStorageClass`` ``ARCHIVE``) makes an image ``ARCHIVED`` at once; it can still be
described and listed when asked for (``filter.imageStatus``) but not pulled or scanned. Restoring (``STANDARD``)
makes it ``ACTIVATING`` (ECR: up to 20 minutes; the sandbox: ``--activation-seconds``), then ``ACTIVE``, with the
scan findings from before the archive gone (and a new scan when the repository scans on push). Pushing an archived
image again restores it at once. Archived images have a 90-day minimum storage charge.

An update the image's status does not allow (archiving an image that is not ACTIVE, restoring one that is not
ARCHIVED) is ``ImageStorageClassUpdateNotSupportedException``: ECR lists that error for the call without saying
when; this is the sandbox's reading of it.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.models import Repository

from ecrtui.sandbox import deferred
from ecrtui.sandbox.errors import (
    ImageNotFoundException,
    ImageStorageClassUpdateNotSupportedException,
    InvalidParameterException,
)
from ecrtui.sandbox.handler_support import find_image, repository_for
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.runtime import current
from ecrtui.sandbox.scan_handlers import begin_scan

STORAGE_CLASSES = ("STANDARD", "ARCHIVE")
IMAGE_STATUSES = ("ACTIVE", "ARCHIVED", "ACTIVATING")


def archive(repository: Repository, image: SandboxImage) -> None:
    """Move an image to the archive storage class (it stops being listed by default)."""
    image.image_status = "ARCHIVED"
    image.last_archived_at = current().clock()
    repo_images(repository).changed()


def activate(repository: Repository, image: SandboxImage) -> None:
    """Make an image ACTIVE now: the end of a restore, or a push of an archived image."""
    image.image_status = "ACTIVE"
    image.last_activated_at = current().clock()
    image.scan_summary = None  # findings from before the archive are not kept
    image.scan_started_at = None
    repo_images(repository).changed()
    scanning = repository.image_scanning_configuration
    if isinstance(scanning, dict) and scanning.get("scanOnPush"):
        begin_scan(image)


def start_restore(repository: Repository, image: SandboxImage) -> None:
    """ACTIVATING now, ACTIVE once ``activation_seconds`` have passed."""
    image.image_status = "ACTIVATING"
    repo_images(repository).changed()

    def finish() -> None:
        if image.image_status == "ACTIVATING" and repo_images(repository).by_digest.get(image.image_digest):
            activate(repository, image)

    deferred.schedule(finish)


def restore_on_push(repository: Repository, image: SandboxImage) -> bool:
    """A push of an image that is archived or being restored restores it at once; True if it did."""
    if image.image_status == "ACTIVE":
        return False
    activate(repository, image)
    return True


def update_image_storage_class(self: Any) -> ActionResult:
    """Archive an ACTIVE image or restore an ARCHIVED one."""
    repository = repository_for(self)
    image_id = self._get_param("imageId") or {}
    target = self._get_param("targetStorageClass")
    if target not in STORAGE_CLASSES:
        raise InvalidParameterException(
            "Invalid parameter at 'targetStorageClass' failed to satisfy constraint: "
            f"'Member must satisfy enum value set: [STANDARD, ARCHIVE]' (got {target!r})"
        )
    if not image_id.get("imageDigest") and not image_id.get("imageTag"):
        raise InvalidParameterException("Invalid parameter at 'imageId': both tag and digest cannot be null")
    image = find_image(repository, image_id)
    if image is None:
        raise ImageNotFoundException(
            f"The image with imageId {image_id} does not exist within the repository with name "
            f"'{repository.name}' in the registry with id '{repository.registry_id}'"
        )
    wanted = "ACTIVE" if target == "ARCHIVE" else "ARCHIVED"
    if image.image_status != wanted:
        verb = "archived" if target == "ARCHIVE" else "restored"
        raise ImageStorageClassUpdateNotSupportedException(
            f"The image with digest '{image.image_digest}' is {image.image_status}: only {wanted} images can be "
            f"{verb}"
        )
    if target == "ARCHIVE":
        archive(repository, image)
    else:
        start_restore(repository, image)
    returned = {"imageDigest": image.image_digest}
    if image_id.get("imageTag"):
        returned["imageTag"] = image_id["imageTag"]
    return ActionResult(
        {
            "registryId": repository.registry_id,
            "repositoryName": repository.name,
            "imageId": returned,
            "imageStatus": image.image_status,
        }
    )
