"""Repository changes: create, delete, tag mutability and its exclusion filters, resource tags.

Creating checks every setting before the call (name, mutability with filters, KMS key only with KMS encryption,
resource tags). Deleting says how many images and tags go with the repository, is refused without ``force`` when it
holds images (ECR: ``RepositoryNotEmptyException``), and is confirmed by typing the repository's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Literal

from ecrtui.ecr.errors import InvalidInput
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.ecr.mutability import TagMutability, TagRules, mutability_params
from ecrtui.ecr.refs import InvalidReference, check_repository_name
from ecrtui.ecr.repositories import resource_tag_list
from ecrtui.manage.plan import ItemResult, Plan, attempt, joined

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = [
    "CreateRepositoryPlan",
    "DeleteRepositoryPlan",
    "MutabilityPlan",
    "RepositorySpec",
    "ResourceTagsPlan",
]


@dataclass(frozen=True)
class RepositorySpec:
    """Everything a new repository can be created with."""

    name: str
    tag_mutability: TagMutability = "MUTABLE"
    exclusion_filters: tuple[str, ...] = ()
    scan_on_push: bool = False
    encryption: Literal["AES256", "KMS"] = "AES256"
    kms_key: str | None = None
    resource_tags: Mapping[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """``InvalidInput`` for anything ECR would refuse."""
        try:
            check_repository_name(self.name)
        except InvalidReference as exc:
            raise InvalidInput(str(exc)) from None
        mutability_params(self.tag_mutability, self.exclusion_filters)
        if self.kms_key and self.encryption != "KMS":
            raise InvalidInput("a KMS key needs KMS encryption")
        resource_tag_list(self.resource_tags)

    @property
    def rules(self) -> TagRules:
        params = mutability_params(self.tag_mutability, self.exclusion_filters)
        filters = tuple(f["filter"] for f in params.get("imageTagMutabilityExclusionFilters", ()))
        return TagRules(params["imageTagMutability"], filters)


@dataclass(frozen=True)
class CreateRepositoryPlan(Plan):
    action: ClassVar[str] = "create-repository"
    registry_id: str
    spec: RepositorySpec
    exists: bool = False

    @property
    def title(self) -> str:
        return f"Create repository {self.spec.name}"

    @property
    def lines(self) -> tuple[str, ...]:
        spec = self.spec
        encryption = "KMS" + (f" ({spec.kms_key})" if spec.kms_key else " (the AWS managed key)")
        lines = [
            f"tags: {spec.rules.describe()}",
            f"scan on push: {'yes' if spec.scan_on_push else 'no'}",
            f"encryption: {encryption if spec.encryption == 'KMS' else 'AES256'} (cannot be changed later)",
        ]
        if spec.resource_tags:
            lines.append("resource tags: " + ", ".join(f"{k}={v}" for k, v in spec.resource_tags.items()))
        return tuple(lines)

    @property
    def refusals(self) -> tuple[ItemResult, ...]:
        if self.exists:
            return (
                ItemResult(
                    self.spec.name,
                    "refused",
                    "the repository already exists",
                    "RepositoryAlreadyExistsException",
                ),
            )
        return ()

    @property
    def nothing_to_do(self) -> bool:
        return self.exists

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        if self.exists:
            return list(self.refusals)
        spec = self.spec
        call = partial(
            ecr.create_repository,
            spec.name,
            self.registry_id,
            tag_mutability=spec.tag_mutability,
            exclusion_filters=spec.exclusion_filters,
            scan_on_push=spec.scan_on_push,
            encryption_type=spec.encryption,
            kms_key=spec.kms_key,
            tags=dict(spec.resource_tags),
        )
        result, _ = attempt(spec.name, call, "; ".join(self.lines))
        return [result]


@dataclass(frozen=True)
class DeleteRepositoryPlan(Plan):
    action: ClassVar[str] = "delete-repository"
    repository: Repository
    images: tuple[ImageSummary, ...]
    force: bool = False

    @property
    def destructive(self) -> bool:
        return True

    @property
    def confirm_word(self) -> str:
        return self.repository.name

    @property
    def title(self) -> str:
        return f"Delete repository {self.repository.name}"

    @property
    def tag_count(self) -> int:
        return sum(len(i.tags) for i in self.images)

    @property
    def archived_count(self) -> int:
        return sum(i.status == "ARCHIVED" for i in self.images)

    @property
    def lines(self) -> tuple[str, ...]:
        if not self.images:
            return ("the repository is empty", "its policies and resource tags go with it")
        archived = f" ({self.archived_count} archived)" if self.archived_count else ""
        return (
            f"{len(self.images)} images{archived} and {self.tag_count} tags go with it",
            "its policies and resource tags go with it",
        )

    @property
    def refusals(self) -> tuple[ItemResult, ...]:
        if self.images and not self.force:
            return (
                ItemResult(
                    self.repository.name,
                    "refused",
                    f"it holds {len(self.images)} images: ECR refuses without force (RepositoryNotEmptyException)",
                    "RepositoryNotEmptyException",
                ),
            )
        return ()

    @property
    def notes(self) -> tuple[str, ...]:
        if self.archived_count:
            return (f"{self.archived_count} archived images are charged for at least 90 days in archive",)
        return ()

    @property
    def nothing_to_do(self) -> bool:
        return bool(self.refusals)

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        if self.refusals:
            return list(self.refusals)
        call = partial(
            ecr.delete_repository, self.repository.name, self.repository.registry_id, force=self.force
        )
        detail = f"{len(self.images)} images, {self.tag_count} tags" + (", forced" if self.force else "")
        result, _ = attempt(self.repository.name, call, detail)
        return [result]


@dataclass(frozen=True)
class MutabilityPlan(Plan):
    action: ClassVar[str] = "set-tag-mutability"
    repository: Repository
    mutability: TagMutability
    exclusion_filters: tuple[str, ...] = ()

    @property
    def new_rules(self) -> TagRules:
        params = mutability_params(self.mutability, self.exclusion_filters)
        filters = tuple(f["filter"] for f in params.get("imageTagMutabilityExclusionFilters", ()))
        return TagRules(params["imageTagMutability"], filters)

    @property
    def title(self) -> str:
        return f"Set tag mutability of {self.repository.name}"

    @property
    def lines(self) -> tuple[str, ...]:
        old, new = TagRules.of(self.repository), self.new_rules
        if old == new:
            return (f"tags stay {old.describe()}",)
        return (f"tags: {old.describe()} → {new.describe()}",)

    @property
    def nothing_to_do(self) -> bool:
        return TagRules.of(self.repository) == self.new_rules

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        if self.nothing_to_do:
            return [ItemResult(self.repository.name, "skipped", "no change")]
        rules = self.new_rules
        call = partial(
            ecr.set_tag_mutability,
            self.repository.name,
            self.mutability,
            self.repository.registry_id,
            exclusion_filters=self.exclusion_filters,
        )
        result, _ = attempt(self.repository.name, call, rules.describe())
        return [result]


@dataclass(frozen=True)
class ResourceTagsPlan(Plan):
    action: ClassVar[str] = "set-resource-tags"
    repository: Repository
    current: Mapping[str, str]
    set_tags: Mapping[str, str] = field(default_factory=dict)
    remove_keys: tuple[str, ...] = ()

    @property
    def changes(self) -> dict[str, str]:
        return {k: v for k, v in self.set_tags.items() if self.current.get(k) != v}

    @property
    def removals(self) -> tuple[str, ...]:
        return tuple(k for k in self.remove_keys if k in self.current and k not in self.set_tags)

    @property
    def title(self) -> str:
        return f"Change the resource tags of {self.repository.name}"

    @property
    def lines(self) -> tuple[str, ...]:
        lines = []
        for key, value in self.changes.items():
            old = self.current.get(key)
            lines.append(f"{key}={value}" + (f" (was {old})" if old is not None else " (new)"))
        lines += [f"remove {k} (was {self.current[k]})" for k in self.removals]
        return tuple(lines) or ("no change",)

    @property
    def nothing_to_do(self) -> bool:
        return not self.changes and not self.removals

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        if self.nothing_to_do:
            return [ItemResult(self.repository.name, "skipped", "no change")]
        results = []
        arn = self.repository.arn
        if self.changes:
            changes = self.changes
            detail = "set " + joined([f"{k}={v}" for k, v in changes.items()], 20)
            result, _ = attempt(self.repository.name, partial(ecr.tag_resource, arn, changes), detail)
            results.append(result)
        if self.removals:
            detail = "removed " + joined(list(self.removals), 20)
            result, _ = attempt(self.repository.name, partial(ecr.untag_resource, arn, self.removals), detail)
            results.append(result)
        return results
