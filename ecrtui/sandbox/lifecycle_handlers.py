"""``PutLifecyclePolicy`` with ECR's current rules, and the lifecycle policy preview moto does not have.

``StartLifecyclePolicyPreview`` evaluates a policy (the one given, else the repository's) against the repository's
images at that moment and answers ``IN_PROGRESS``; ``GetLifecyclePolicyPreview`` then answers ``COMPLETE`` with
what each rule would expire or archive, paged (``maxResults`` 1-100) and filtered by ``imageIds`` or
``filter.tagStatus``, and a summary of the whole preview. A policy ECR would refuse is ``InvalidParameterException``
with the reason; a repository with no policy and none given is ``LifecyclePolicyNotFoundException``; asking for a
preview never started is ``LifecyclePolicyPreviewNotFoundException``. The sandbox evaluates at once, so it never
answers ``LifecyclePolicyPreviewInProgressException``.

Rules are evaluated at ``Runtime.lifecycle_now`` when set (the demo pins it to the day after its newest push so the
preview reads the same on every run), else now.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from moto.core.responses import ActionResult
from moto.ecr.models import Repository

from ecrtui.sandbox.errors import (
    InvalidParameterException,
    LifecyclePolicyNotFoundException,
    LifecyclePolicyPreviewNotFoundException,
)
from ecrtui.sandbox.handler_support import find_image, repository_for, tag_status, with_token
from ecrtui.sandbox.images import repo_images
from ecrtui.sandbox.lifecycle_rules import evaluate, parse_policy, preview_entry
from ecrtui.sandbox.paging import paginate
from ecrtui.sandbox.runtime import current

MAX_PREVIEW_PAGE = 100


@dataclass(frozen=True, slots=True)
class Preview:
    """The last preview of a repository: the policy it evaluated and its results, most urgent rule first."""

    policy_text: str
    results: tuple[dict[str, Any], ...]


def _no_policy(repository: Repository) -> LifecyclePolicyNotFoundException:
    return LifecyclePolicyNotFoundException(
        f"Lifecycle policy does not exist for the repository with name '{repository.name}' in the registry "
        f"with id '{repository.registry_id}'"
    )


def put_lifecycle_policy(self: Any) -> ActionResult:
    """Store a policy once it passes ECR's checks (moto's own checks predate archive storage)."""
    repository = repository_for(self)
    text = self._get_param("lifecyclePolicyText")
    parse_policy(text)
    repository.lifecycle_policy = text
    return ActionResult(
        {
            "registryId": repository.registry_id,
            "repositoryName": repository.name,
            "lifecyclePolicyText": text,
        }
    )


def start_lifecycle_policy_preview(self: Any) -> ActionResult:
    """Evaluate the policy against the repository's images now; the results wait for ``Get...``."""
    repository = repository_for(self)
    text = self._get_param("lifecyclePolicyText") or repository.lifecycle_policy
    if not text:
        raise _no_policy(repository)
    rules = parse_policy(text)
    runtime = current()
    now = runtime.lifecycle_now or runtime.clock()
    outcomes = evaluate(rules, repo_images(repository).images, now)
    setattr(repository, "lifecycle_preview", Preview(text, tuple(preview_entry(o) for o in outcomes)))  # noqa: B010
    return ActionResult(
        {
            "registryId": repository.registry_id,
            "repositoryName": repository.name,
            "lifecyclePolicyText": text,
            "status": "IN_PROGRESS",
        }
    )


def _summary(results: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    kinds = Counter(r["action"]["type"] for r in results)
    summary: dict[str, Any] = {"expiringImageTotalCount": kinds["EXPIRE"]}
    if kinds["TRANSITION"]:
        summary["transitioningImageTotalCounts"] = [
            {"targetStorageClass": "ARCHIVE", "imageTotalCount": kinds["TRANSITION"]}
        ]
    return summary


def get_lifecycle_policy_preview(self: Any) -> ActionResult:
    """The last preview's results, paged and filtered."""
    repository = repository_for(self)
    preview: Preview | None = getattr(repository, "lifecycle_preview", None)
    if preview is None:
        raise LifecyclePolicyPreviewNotFoundException(
            f"There is no preview result for the repository with name '{repository.name}' in the registry "
            f"with id '{repository.registry_id}'"
        )
    image_ids = self._get_param("imageIds")
    max_results = self._get_param("maxResults")
    if image_ids and (max_results is not None or self._get_param("nextToken") is not None):
        raise InvalidParameterException(
            "Invalid parameter: maxResults and nextToken cannot be used together with imageIds"
        )
    if max_results is not None and (
        isinstance(max_results, bool) or not isinstance(max_results, int) or not 1 <= max_results <= 100
    ):
        raise InvalidParameterException(
            "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 "
            f"and {MAX_PREVIEW_PAGE}' (got {max_results!r})"
        )
    results = list(preview.results)
    if image_ids:
        wanted = set()
        for image_id in image_ids:
            image = find_image(repository, image_id)
            if image is not None:
                wanted.add(image.image_digest)
        results = [r for r in results if r["imageDigest"] in wanted]
    status = tag_status(self)
    if status != "ANY":
        results = [r for r in results if bool(r.get("imageTags")) == (status == "TAGGED")]
    page, token = paginate(
        results,
        lambda r: str(r["imageDigest"]),
        f"preview:{repository.registry_id}:{repository.name}:{status}",
        max_results,
        self._get_param("nextToken"),
    )
    return with_token(
        {
            "registryId": repository.registry_id,
            "repositoryName": repository.name,
            "lifecyclePolicyText": preview.policy_text,
            "status": "COMPLETE",
            "previewResults": list(page),
            "summary": _summary(preview.results),
        },
        token,
    )
