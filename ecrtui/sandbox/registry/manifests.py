"""``/v2/NAME/manifests/REFERENCE``: GET/HEAD (with ECR's content negotiation), PUT and DELETE.

Every change goes through ``registry_ops`` (the code behind ``PutImage`` and ``BatchDeleteImage``), so an image
pushed here is the same image the ECR API lists, with the same digest, size, tags and push time, under the same
rules (missing blobs or children, immutable tags, digest mismatch), and any hook on ``registry_ops`` (replication)
sees it.
"""

from __future__ import annotations

import hashlib
import json

from moto.core.exceptions import ServiceException
from werkzeug.wrappers import Response

from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.errors import ImageAlreadyExistsException
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.manifest_rules import MANIFEST_TYPES
from ecrtui.sandbox.registry.context import Call
from ecrtui.sandbox.registry.errors import RegistryError, from_ecr, manifest_unknown
from ecrtui.sandbox.registry.negotiation import accepted_types, negotiate
from ecrtui.sandbox.registry.routes import is_digest
from ecrtui.sandbox.runtime import current

MAX_MANIFEST_BYTES = 4 * 1024 * 1024
"""ECR's limit on ``imageManifest`` (botocore's model: 4,194,304 characters)."""


def _find(call: Call) -> SandboxImage:
    index = repo_images(call.repository())
    reference = call.reference
    image = index.by_digest.get(reference) if is_digest(reference) else index.by_tag.get(reference)
    if image is None:
        raise manifest_unknown(reference)
    return image


def get(call: Call) -> Response:
    """The manifest (HEAD: its headers) in the stored form, or converted as ECR would for a pull by tag."""
    with current().lock:
        image = _find(call)
        manifest, stored_type = image.image_manifest, str(image.image_manifest_media_type)
    served = negotiate(
        manifest,
        stored_type,
        accepted_types(call.request.headers.getlist("Accept")),
        by_digest=is_digest(call.reference),
        reference=call.reference,
    )
    digest = "sha256:" + hashlib.sha256(served.body).hexdigest()
    return Response(
        served.body,
        200,
        {"Content-Type": served.media_type, "Docker-Content-Digest": digest, "ETag": f'"{digest}"'},
    )


def _read_manifest(call: Call) -> str:
    body = call.request.stream.read(MAX_MANIFEST_BYTES + 1)
    if len(body) > MAX_MANIFEST_BYTES:
        raise RegistryError(400, "MANIFEST_INVALID", "The manifest is larger than ECR's limit of 4 MiB")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise RegistryError(400, "MANIFEST_INVALID", "The manifest is not UTF-8 JSON") from None


def _subject_digest(manifest: str) -> str | None:
    try:
        subject = json.loads(manifest).get("subject")
    except (ValueError, AttributeError):
        return None
    digest = subject.get("digest") if isinstance(subject, dict) else None
    return digest if isinstance(digest, str) else None


def put(call: Call) -> Response:
    """Store a manifest as ``PutImage`` does; pushing what is already there succeeds, as docker push expects."""
    manifest = _read_manifest(call)
    content_type: str | None = (call.request.headers.get("Content-Type") or "").split(";", 1)[0].strip()
    if content_type not in MANIFEST_TYPES:
        content_type = (
            None  # a generic type (application/json, octet-stream): the document's own mediaType decides
        )
    by_digest = is_digest(call.reference)
    with current().lock:
        repository = call.repository()
        try:
            image, _ = registry_ops.put_image(
                repository,
                manifest,
                media_type=content_type,
                tag=None if by_digest else call.reference,
                expected_digest=call.reference if by_digest else None,
            )
        except ImageAlreadyExistsException:
            image = repo_images(repository).by_digest[registry_ops.manifest_digest(manifest)]
        except ServiceException as error:
            raise from_ecr(error) from None
        digest = image.image_digest
    headers = {
        "Location": f"/v2/{call.name}/manifests/{digest}",
        "Docker-Content-Digest": digest,
    }
    subject = _subject_digest(manifest)
    if subject is not None:
        headers["OCI-Subject"] = subject
    return Response(b"", 201, headers)


def delete(call: Call) -> Response:
    """``BatchDeleteImage`` for one id: a tag the image shares with others is removed; otherwise the image goes,
    unless an index refers to it."""
    with current().lock:
        repository = call.repository()
        image = _find(call)
        image_id = {"imageDigest" if is_digest(call.reference) else "imageTag": call.reference}
        try:
            registry_ops.delete_image(repository, image_id)
        except registry_ops.ImageChangeRefused as refused:
            raise RegistryError(
                409, "DENIED", f"{refused.code}: {refused.reason}", {"Digest": image.image_digest}
            ) from None
    return Response(b"", 202)
