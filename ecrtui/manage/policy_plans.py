"""Repository policies and lifecycle policies: replacing and removing them.

A repository policy decides who else may pull or push: removing it can break another account's pulls, so it is
confirmed. A lifecycle policy acts on its own within 24 hours of being set: the plan carries the preview of the new
policy (what it would expire or archive now), and is confirmed when that is anything at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from ecrtui.ecr.lifecycle import LifecyclePreview, parse_lifecycle_policy
from ecrtui.ecr.models import Repository
from ecrtui.ecr.policy_text import require_json_object
from ecrtui.manage.plan import ItemResult, Plan, attempt

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = ["LifecyclePolicyPlan", "RepositoryPolicyPlan"]


def _statement_ids(text: str) -> list[str]:
    document = require_json_object(text, "repository policy")
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return [
        str(s.get("Sid") or f"statement {n + 1}") for n, s in enumerate(statements) if isinstance(s, dict)
    ]


@dataclass(frozen=True)
class RepositoryPolicyPlan(Plan):
    """Replace (``policy_text``) or remove (None) a repository's policy."""

    action: ClassVar[str] = "repository-policy"
    repository: Repository
    current: str | None
    policy_text: str | None

    @property
    def destructive(self) -> bool:
        return self.current is not None

    @property
    def title(self) -> str:
        verb = "Remove" if self.policy_text is None else "Set"
        return f"{verb} the repository policy of {self.repository.name}"

    @property
    def lines(self) -> tuple[str, ...]:
        lines = []
        if self.current is not None:
            lines.append(f"replaces: {', '.join(_statement_ids(self.current)) or 'no statements'}")
        if self.policy_text is not None:
            lines.append(f"new: {', '.join(_statement_ids(self.policy_text)) or 'no statements'}")
        else:
            lines.append("principals the policy let in (other accounts, services) lose their access")
        return tuple(lines)

    @property
    def nothing_to_do(self) -> bool:
        if self.policy_text is None:
            return self.current is None
        return self.current is not None and json.loads(self.current) == json.loads(self.policy_text)

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        name, rid = self.repository.name, self.repository.registry_id
        if self.nothing_to_do:
            return [ItemResult(name, "skipped", "no change")]
        if self.policy_text is None:
            result, _ = attempt(name, partial(ecr.delete_repository_policy, name, rid), "removed")
        else:
            detail = "statements: " + ", ".join(_statement_ids(self.policy_text))
            result, _ = attempt(name, partial(ecr.set_repository_policy, name, self.policy_text, rid), detail)
        return [result]


@dataclass(frozen=True)
class LifecyclePolicyPlan(Plan):
    """Replace (``policy_text``) or remove (None) a repository's lifecycle policy."""

    action: ClassVar[str] = "lifecycle-policy"
    repository: Repository
    current: str | None
    policy_text: str | None
    preview: LifecyclePreview | None = None
    """What the new policy would do now (None: not previewed, or removing)."""

    @property
    def destructive(self) -> bool:
        if self.policy_text is None:
            return False
        return self.preview is None or bool(self.preview.results)

    @property
    def title(self) -> str:
        verb = "Remove" if self.policy_text is None else "Set"
        return f"{verb} the lifecycle policy of {self.repository.name}"

    @property
    def lines(self) -> tuple[str, ...]:
        if self.policy_text is None:
            return ("ECR stops expiring and archiving images of this repository",)
        lines = [
            f"rule {r.priority}: {r.selection_text}, {r.condition_text} → {r.action_text}"
            for r in parse_lifecycle_policy(self.policy_text)
        ]
        if self.preview is not None:
            lines.append(
                f"now it would expire {self.preview.expiring_count} and archive "
                f"{self.preview.transitioning_count} images (ECR acts within 24 hours)"
            )
        else:
            lines.append("not previewed: ECR acts on it within 24 hours")
        return tuple(lines)

    @property
    def nothing_to_do(self) -> bool:
        if self.policy_text is None:
            return self.current is None
        return self.current is not None and json.loads(self.current) == json.loads(self.policy_text)

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        name, rid = self.repository.name, self.repository.registry_id
        if self.nothing_to_do:
            return [ItemResult(name, "skipped", "no change")]
        if self.policy_text is None:
            result, _ = attempt(name, partial(ecr.delete_lifecycle_policy, name, rid), "removed")
        else:
            rules = parse_lifecycle_policy(self.policy_text)
            detail = f"{len(rules)} rules"
            result, _ = attempt(name, partial(ecr.put_lifecycle_policy, name, self.policy_text, rid), detail)
        return [result]
