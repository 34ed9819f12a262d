"""Lifecycle policies: their rules as a table can show them, changing them, and the preview of what they would do.

``StartLifecyclePolicyPreview`` evaluates a policy (a draft, or the repository's own) against the repository as it
is; ``GetLifecyclePolicyPreview`` answers ``IN_PROGRESS`` until the evaluation is done, then ``COMPLETE`` with each
image a rule would expire or move to archive. ``preview_lifecycle_policy`` does both and waits (cancellable).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecrtui.ecr.errors import Cancelled, InvalidInput, ServiceError, translating
from ecrtui.ecr.policy_text import require_json_object
from ecrtui.ecr.service_base import ServiceBase

__all__ = [
    "LifecycleOperations",
    "LifecyclePreview",
    "LifecycleRule",
    "PreviewResult",
    "parse_lifecycle_policy",
]

PREVIEW_PAGE = 100
"""ECR's largest ``GetLifecyclePolicyPreview`` page."""
PREVIEW_TIMEOUT = 120.0
POLL_SECONDS = 1.0
MIN_PREVIEW_POLICY = 100
"""``StartLifecyclePolicyPreview`` takes a draft policy of at least 100 characters (botocore's model)."""


@dataclass(frozen=True, slots=True)
class LifecycleRule:
    """One rule of a lifecycle policy, as a row of a table."""

    priority: int
    description: str
    tag_status: str
    tag_prefixes: tuple[str, ...]
    tag_patterns: tuple[str, ...]
    storage_class: str
    count_type: str
    count_number: int | None
    count_unit: str | None
    action: str
    target_storage_class: str | None

    @property
    def selection_text(self) -> str:
        """``tagged v1.*``, ``untagged``, ``any (archive)``."""
        text = self.tag_status
        if self.tag_prefixes:
            text += " " + ", ".join(f"{p}…" for p in self.tag_prefixes)
        if self.tag_patterns:
            text += " " + ", ".join(self.tag_patterns)
        if self.storage_class != "standard":
            text += f" ({self.storage_class})"
        return text

    @property
    def condition_text(self) -> str:
        """``more than 200 images``, ``pushed over 14 days ago``, ``not pulled for 30 days``."""
        number, unit = self.count_number, self.count_unit or "days"
        if self.count_type == "imageCountMoreThan":
            return f"more than {number} images"
        if self.count_type == "sinceImagePushed":
            return f"pushed over {number} {unit} ago"
        if self.count_type == "sinceImagePulled":
            return f"not pulled for {number} {unit}"
        if self.count_type == "sinceImageTransitioned":
            return f"archived over {number} {unit} ago"
        return f"{self.count_type} {number}"

    @property
    def action_text(self) -> str:
        """``expire`` or ``archive``."""
        return "archive" if self.action == "transition" else self.action


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_lifecycle_policy(text: str) -> tuple[LifecycleRule, ...]:
    """A policy's rules in priority order (leniently: ECR checked it when it was stored)."""
    document = require_json_object(text, "lifecycle policy")
    rules = document.get("rules")
    if not isinstance(rules, list):
        raise InvalidInput("the lifecycle policy has no rules list")
    parsed = []
    for raw in rules:
        if not isinstance(raw, Mapping):
            raise InvalidInput("a lifecycle policy rule is not an object")
        selection: Mapping[str, Any] = raw.get("selection") or {}
        action: Mapping[str, Any] = raw.get("action") or {}
        parsed.append(
            LifecycleRule(
                priority=_int(raw.get("rulePriority")) or 0,
                description=str(raw.get("description") or ""),
                tag_status=str(selection.get("tagStatus") or "?"),
                tag_prefixes=_strings(selection.get("tagPrefixList")),
                tag_patterns=_strings(selection.get("tagPatternList")),
                storage_class=str(selection.get("storageClass") or "standard"),
                count_type=str(selection.get("countType") or "?"),
                count_number=_int(selection.get("countNumber")),
                count_unit=selection.get("countUnit"),
                action=str(action.get("type") or "?"),
                target_storage_class=action.get("targetStorageClass"),
            )
        )
    return tuple(sorted(parsed, key=lambda r: r.priority))


@dataclass(frozen=True, slots=True)
class PreviewResult:
    """One image a rule would act on."""

    digest: str
    tags: tuple[str, ...]
    pushed_at: datetime | None
    action: str
    """``EXPIRE`` or ``TRANSITION``."""
    target_storage_class: str | None
    rule_priority: int | None
    storage_class: str | None
    """Where the image is now: ``STANDARD`` or ``ARCHIVE``."""

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> PreviewResult:
        action: Mapping[str, Any] = item.get("action") or {}
        return cls(
            digest=str(item.get("imageDigest") or ""),
            tags=tuple(item.get("imageTags") or ()),
            pushed_at=item.get("imagePushedAt"),
            action=str(action.get("type") or "?"),
            target_storage_class=action.get("targetStorageClass"),
            rule_priority=_int(item.get("appliedRulePriority")),
            storage_class=item.get("storageClass"),
        )


@dataclass(frozen=True, slots=True)
class LifecyclePreview:
    """What a lifecycle policy would do to a repository now."""

    repository_name: str
    policy_text: str
    status: str
    results: tuple[PreviewResult, ...]
    expiring_count: int
    transitioning_count: int

    @property
    def rules(self) -> tuple[LifecycleRule, ...]:
        """The evaluated policy's rules."""
        return parse_lifecycle_policy(self.policy_text)

    def by_rule(self, priority: int) -> tuple[PreviewResult, ...]:
        """The images one rule acts on."""
        return tuple(r for r in self.results if r.rule_priority == priority)


class LifecycleOperations(ServiceBase):
    """Lifecycle policies of a repository and their previews."""

    def put_lifecycle_policy(self, name: str, policy_text: str, registry_id: str | None = None) -> None:
        """Replace a repository's lifecycle policy (ECR checks the rules; a non-object is refused here)."""
        self._guard("PutLifecyclePolicy", name=name)
        require_json_object(policy_text, "lifecycle policy")
        with translating("PutLifecyclePolicy"):
            self._ecr.put_lifecycle_policy(
                registryId=self._rid(registry_id), repositoryName=name, lifecyclePolicyText=policy_text
            )

    def delete_lifecycle_policy(self, name: str, registry_id: str | None = None) -> None:
        """Remove a repository's lifecycle policy."""
        self._guard("DeleteLifecyclePolicy", name=name)
        with translating("DeleteLifecyclePolicy"):
            self._ecr.delete_lifecycle_policy(registryId=self._rid(registry_id), repositoryName=name)

    def start_lifecycle_policy_preview(
        self, name: str, registry_id: str | None = None, *, policy_text: str | None = None
    ) -> str:
        """Start evaluating ``policy_text`` (None: the repository's policy); returns ECR's status.

        Allowed in read-only mode: a preview changes nothing.
        """
        params: dict[str, Any] = {"registryId": self._rid(registry_id), "repositoryName": name}
        if policy_text is not None:
            require_json_object(policy_text, "lifecycle policy")
            # ECR's minimum is 100 characters; compact drafts are padded with insignificant whitespace.
            params["lifecyclePolicyText"] = policy_text.ljust(MIN_PREVIEW_POLICY)
        with translating("StartLifecyclePolicyPreview"):
            response = self._ecr.start_lifecycle_policy_preview(**params)
        return str(response.get("status", ""))

    def get_lifecycle_policy_preview(
        self,
        name: str,
        registry_id: str | None = None,
        *,
        timeout: float = PREVIEW_TIMEOUT,
        poll_seconds: float = POLL_SECONDS,
        cancel: threading.Event | None = None,
    ) -> LifecyclePreview:
        """The last preview's complete results (every page), waiting while ECR is still evaluating."""
        deadline = time.monotonic() + timeout
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": name,
            "maxResults": PREVIEW_PAGE,
        }
        pages: list[Mapping[str, Any]] = []
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled("The lifecycle preview was cancelled", operation="GetLifecyclePolicyPreview")
            with translating("GetLifecyclePolicyPreview"):
                response = self._ecr.get_lifecycle_policy_preview(**params)
            status = str(response.get("status", ""))
            if status == "IN_PROGRESS":
                pages.clear()
                params.pop("nextToken", None)
                if time.monotonic() + poll_seconds > deadline:
                    raise ServiceError(
                        f"The lifecycle preview of {name} was still in progress after {timeout:.0f} s",
                        operation="GetLifecyclePolicyPreview",
                    )
                if cancel is not None:
                    cancel.wait(poll_seconds)
                else:
                    time.sleep(poll_seconds)
                continue
            pages.append(response)
            token = response.get("nextToken")
            if not token:
                break
            params["nextToken"] = token
        return _preview(name, pages)

    def preview_lifecycle_policy(
        self,
        name: str,
        registry_id: str | None = None,
        *,
        policy_text: str | None = None,
        cancel: threading.Event | None = None,
        timeout: float = PREVIEW_TIMEOUT,
    ) -> LifecyclePreview:
        """Start a preview and wait for its results."""
        self.start_lifecycle_policy_preview(name, registry_id, policy_text=policy_text)
        return self.get_lifecycle_policy_preview(name, registry_id, cancel=cancel, timeout=timeout)


def _preview(name: str, pages: Sequence[Mapping[str, Any]]) -> LifecyclePreview:
    first = pages[0]
    summary: Mapping[str, Any] = first.get("summary") or {}
    transitioning = sum(
        int(t.get("imageTotalCount") or 0) for t in summary.get("transitioningImageTotalCounts") or ()
    )
    return LifecyclePreview(
        repository_name=name,
        policy_text=str(first.get("lifecyclePolicyText") or ""),
        status=str(first.get("status") or ""),
        results=tuple(PreviewResult.from_api(r) for page in pages for r in page.get("previewResults") or ()),
        expiring_count=int(summary.get("expiringImageTotalCount") or 0),
        transitioning_count=transitioning,
    )
