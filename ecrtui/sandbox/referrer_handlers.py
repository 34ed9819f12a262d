"""``ListImageReferrers``: the artifacts (signatures, SBOMs, attestations) whose manifest names an image as ``subject``.

moto 5.2.5 does not have the call. The answer follows botocore's ECR model: one entry per referrer with its
digest, manifest media type, artifact type (the manifest's ``artifactType``, else its config media type, as the OCI
referrers API defines it), manifest size, annotations and ``artifactStatus``; ``filter.artifactTypes`` (at most 5)
and ``filter.artifactStatus`` (default ``ACTIVE``, or ``ARCHIVED``/``ACTIVATING``/``ANY``); pages of at most 50.
A subject the repository does not have simply has no referrers (the model lists no not-found error).
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.ecr.models import Repository

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.handler_support import JsonResponse, fast_json, repository_for
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.paging import paginate

__all__ = ["list_image_referrers", "referrers_of"]

MAX_PAGE = 50
MAX_ARTIFACT_TYPES = 5
ARTIFACT_STATUSES = ("ACTIVE", "ARCHIVED", "ACTIVATING", "ANY")
_DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")

_subjects: dict[str, str | None] = {}
"""Subject digest of each manifest digest (content-addressed, so it never goes stale)."""


def _subject_of(image: SandboxImage) -> str | None:
    digest = image.image_digest
    if digest not in _subjects:
        subject = None
        if '"subject"' in image.image_manifest:  # cheap test first: most manifests have no subject
            try:
                document = json.loads(image.image_manifest)
            except ValueError:
                document = None
            if isinstance(document, dict) and isinstance(document.get("subject"), dict):
                found = document["subject"].get("digest")
                subject = found if isinstance(found, str) else None
        _subjects[digest] = subject
    return _subjects[digest]


def _status(image: SandboxImage) -> str:
    return str(getattr(image, "image_status", "ACTIVE") or "ACTIVE")


def referrers_of(repository: Repository, subject: str) -> list[SandboxImage]:
    """Images of ``repository`` whose manifest names ``subject`` as its subject, in push order."""
    return [image for image in repo_images(repository).images if _subject_of(image) == subject]


def _entry(image: SandboxImage) -> dict[str, Any]:
    document = json.loads(image.image_manifest)
    entry: dict[str, Any] = {
        "digest": image.image_digest,
        "mediaType": image.image_manifest_media_type,
        "size": len(image.image_manifest.encode("utf-8")),
        "artifactStatus": _status(image),
    }
    if image.artifact_media_type:
        entry["artifactType"] = image.artifact_media_type
    annotations = document.get("annotations")
    if isinstance(annotations, dict) and annotations:
        entry["annotations"] = {str(k): str(v) for k, v in annotations.items()}
    return entry


def _max_results(value: object) -> int:
    if value is None:
        return MAX_PAGE
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_PAGE:
        raise InvalidParameterException(
            "Invalid parameter at 'maxResults' failed to satisfy constraint: "
            f"'Member must have value between 1 and {MAX_PAGE}' (got {value!r})"
        )
    return value


def list_image_referrers(self: Any) -> JsonResponse:
    """Referrers of ``subjectId.imageDigest``, filtered and paged as botocore's model says."""
    repository = repository_for(self)
    subject = (self._get_param("subjectId") or {}).get("imageDigest")
    if not isinstance(subject, str) or not _DIGEST.match(subject):
        raise InvalidParameterException(
            f"Invalid parameter at 'subjectId.imageDigest': {subject!r} is not a sha256 image digest"
        )
    filters = self._get_param("filter") or {}
    artifact_types = filters.get("artifactTypes")
    if artifact_types is not None and (
        not isinstance(artifact_types, list) or len(artifact_types) > MAX_ARTIFACT_TYPES
    ):
        raise InvalidParameterException(
            f"Invalid parameter at 'filter.artifactTypes': at most {MAX_ARTIFACT_TYPES} artifact types"
        )
    status = filters.get("artifactStatus", "ACTIVE")
    if status not in ARTIFACT_STATUSES:
        raise InvalidParameterException(
            f"Invalid parameter at 'filter.artifactStatus': {status!r} is not one of {', '.join(ARTIFACT_STATUSES)}"
        )
    found = [
        image
        for image in referrers_of(repository, subject)
        if (status == "ANY" or _status(image) == status)
        and (not artifact_types or image.artifact_media_type in artifact_types)
    ]
    scope = f"referrers:{repository.name}:{subject}:{status}:{','.join(sorted(artifact_types or []))}"
    page, token = paginate(
        found,
        lambda image: str(image.image_digest),
        scope,
        _max_results(self._get_param("maxResults")),
        self._get_param("nextToken"),
    )
    return fast_json({"referrers": [_entry(image) for image in page]}, token)
