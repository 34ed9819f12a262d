"""``Manager``: the one door through which the headless commands and the app change ECR.

Plans are read-only (they may run in a worker while a dialog waits); ``execute`` makes the change and appends one
audit entry per target. The same methods serve ``ecrtui rm`` and the app's delete dialog, so both say the same
thing before a change and do the same thing after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from ecrtui.ecr.errors import EcrError, InvalidInput, NotFound
from ecrtui.ecr.image_lookup import resolve_query
from ecrtui.ecr.login import login_command, pull_command
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.ecr.mutability import TagMutability
from ecrtui.ecr.policy_text import require_json_object
from ecrtui.ecr.refs import ImageRef, InvalidReference, RegistryRef, check_tag, parse_image_query
from ecrtui.ecr.repositories import resource_tag_list
from ecrtui.manage.audit import AuditEntry, AuditLog
from ecrtui.manage.deletion import DeleteImagesPlan, plan_deletion
from ecrtui.manage.inventory import Inventory, load_inventory
from ecrtui.manage.plan import ItemResult, Outcome, Plan
from ecrtui.manage.policy_plans import LifecyclePolicyPlan, RepositoryPolicyPlan
from ecrtui.manage.repository_plans import (
    CreateRepositoryPlan,
    DeleteRepositoryPlan,
    MutabilityPlan,
    RepositorySpec,
    ResourceTagsPlan,
)
from ecrtui.manage.scanning import ScanPlan
from ecrtui.manage.storage import StorageClassPlan, plan_storage_class
from ecrtui.manage.tagging import TagPlan, UntagPlan

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = ["Manager", "ResolvedImage"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ResolvedImage:
    """An image reference the user typed, found: its repository and its summary (any status)."""

    text: str
    ref: ImageRef
    repository: Repository
    summary: ImageSummary


class Manager:
    """Plans and executes changes in one registry session (a ``CachedEcr``), recording each in the audit log."""

    def __init__(
        self,
        ecr: CachedEcr,
        *,
        audit: AuditLog | None = None,
        profile: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.ecr = ecr
        self.audit = audit if audit is not None else AuditLog()
        self.profile = profile if profile is not None else ecr.service.profile
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def read_only(self) -> bool:
        return self.ecr.read_only

    @property
    def region(self) -> str:
        return self.ecr.service.region

    @cached_property
    def account_id(self) -> str:
        return self.ecr.identity().account_id

    @property
    def default_registry(self) -> RegistryRef:
        """What partial references (``team/api:v1``) resolve against: the caller's own registry."""
        return RegistryRef(self.account_id, self.region)

    # -- finding what the user named ---------------------------------------------------------------------------

    def repository(self, name: str, registry_id: str | None = None) -> Repository:
        return self.ecr.get_repository(name, registry_id, refresh=True)

    def resolve_image(self, text: str) -> ResolvedImage:
        """``NAME:TAG``, ``NAME@DIGEST`` (a short ``sha256:`` prefix too) or a full URI, found in ECR
        (``InvalidReference``, ``NotFound``)."""
        query = parse_image_query(text, self.default_registry)
        ref = query.ref
        if ref.tag is None and ref.digest is None and query.digest_prefix is None:
            raise InvalidReference(f"'{text}' names a repository, not an image (add :TAG or @DIGEST)")
        registry = ref.registry
        assert registry is not None  # resolved against the default registry
        if registry.region != self.region:
            raise InvalidInput(
                f"'{text}' is in region {registry.region}, this session is in {self.region} "
                f"(use --region {registry.region})"
            )
        repository = self.repository(ref.name, registry.account_id)
        ref = resolve_query(self.ecr, query)
        reference = ref.digest or ref.tag
        assert reference is not None
        found = self.ecr.describe_images(ref.name, [reference], registry.account_id)
        if not found:
            raise NotFound(f"{text}: no such image", operation="DescribeImages")
        summary = found[0]
        if ref.tag is not None and ref.digest is not None and ref.tag not in summary.tags:
            raise NotFound(
                f"{text}: tag {ref.tag} does not point at {ref.digest}", operation="DescribeImages"
            )
        return ResolvedImage(text, ref, repository, summary)

    def resolve_images(self, texts: Sequence[str]) -> list[ResolvedImage]:
        """Every reference resolved, in order; the first that cannot be is raised."""
        return [self.resolve_image(text) for text in texts]

    def inventory(self, repository: Repository, *, cancel: threading.Event | None = None) -> Inventory:
        return load_inventory(self.ecr, repository, cancel=cancel)

    # -- plans (reads only) ------------------------------------------------------------------------------------

    def plan_tag(self, repository: Repository, image: ImageSummary, tag: str) -> TagPlan:
        """Point ``tag`` at ``image``: new, moved (saying from which image), or refused with the reason."""
        try:
            check_tag(tag)
        except InvalidReference as exc:
            raise InvalidInput(str(exc)) from None
        try:
            holders = self.ecr.describe_images(repository.name, [tag], repository.registry_id)
        except NotFound:
            holders = []
        return TagPlan(repository, image, tag, holders[0] if holders else None)

    def plan_untag(
        self, repository: Repository, image: ImageSummary, tag: str, *, cancel: threading.Event | None = None
    ) -> UntagPlan:
        """Remove ``tag``; removing the last tag deletes the image, so the plan then reads the repository."""
        if tag not in image.tags:
            raise InvalidInput(f"{repository.name}@{image.digest} has no tag {tag}")
        if image.tags != (tag,):
            return UntagPlan(repository, image, tag)
        inventory = self.inventory(repository, cancel=cancel)
        return UntagPlan(
            repository,
            image,
            tag,
            parents=tuple(inventory.labels(inventory.parents.get(image.digest, ()))),
            referrers=tuple(inventory.labels(inventory.referrers.get(image.digest, ()))),
        )

    def plan_delete_images(
        self, repository: Repository, images: Sequence[ImageSummary], *, cancel: threading.Event | None = None
    ) -> DeleteImagesPlan:
        """Delete images by digest (every tag they carry goes with them)."""
        return plan_deletion(self.inventory(repository, cancel=cancel), images)

    def plan_archive(
        self, repository: Repository, images: Sequence[ImageSummary], *, cancel: threading.Event | None = None
    ) -> StorageClassPlan:
        return plan_storage_class(self.inventory(repository, cancel=cancel), images, archive=True)

    def plan_restore(
        self, repository: Repository, images: Sequence[ImageSummary], *, cancel: threading.Event | None = None
    ) -> StorageClassPlan:
        return plan_storage_class(self.inventory(repository, cancel=cancel), images, archive=False)

    def plan_scan(self, repository: Repository, images: Sequence[ImageSummary]) -> ScanPlan:
        return ScanPlan(repository, tuple({i.digest: i for i in images}.values()))

    def plan_create_repository(
        self, spec: RepositorySpec, registry_id: str | None = None
    ) -> CreateRepositoryPlan:
        spec.check()
        rid = registry_id or self.account_id
        try:
            self.ecr.get_repository(spec.name, rid, refresh=True)
            exists = True
        except NotFound:
            exists = False
        return CreateRepositoryPlan(rid, spec, exists)

    def plan_delete_repository(
        self, repository: Repository, *, force: bool = False, cancel: threading.Event | None = None
    ) -> DeleteRepositoryPlan:
        images = self.ecr.service.list_images(
            repository.name, repository.registry_id, cancel=cancel, image_status="ANY"
        )
        return DeleteRepositoryPlan(repository, tuple(images), force)

    def plan_set_tag_mutability(
        self, repository: Repository, mutability: TagMutability, exclusion_filters: Sequence[str] = ()
    ) -> MutabilityPlan:
        plan = MutabilityPlan(repository, mutability, tuple(exclusion_filters))
        plan.new_rules  # noqa: B018 - checks the setting now (InvalidInput), not at execution
        return plan

    def plan_resource_tags(
        self,
        repository: Repository,
        set_tags: Mapping[str, str] | None = None,
        remove_keys: Sequence[str] = (),
    ) -> ResourceTagsPlan:
        current = self.ecr.get_resource_tags(repository.arn, refresh=True)
        merged = {**{k: v for k, v in current.items() if k not in remove_keys}, **(set_tags or {})}
        resource_tag_list(merged)  # the result must be a valid set of tags
        return ResourceTagsPlan(repository, current, dict(set_tags or {}), tuple(remove_keys))

    def plan_repository_policy(self, repository: Repository, policy_text: str | None) -> RepositoryPolicyPlan:
        if policy_text is not None:
            require_json_object(policy_text, "repository policy")
        current = self.ecr.get_repository_policy(repository.name, repository.registry_id, refresh=True)
        return RepositoryPolicyPlan(repository, current, policy_text)

    def plan_lifecycle_policy(
        self,
        repository: Repository,
        policy_text: str | None,
        *,
        preview: bool = True,
        cancel: threading.Event | None = None,
    ) -> LifecyclePolicyPlan:
        """Set (with a preview of what the new policy would do now) or remove the lifecycle policy."""
        current = self.ecr.get_lifecycle_policy(repository.name, repository.registry_id, refresh=True)
        result = None
        if policy_text is not None and preview:
            result = self.ecr.preview_lifecycle_policy(
                repository.name, repository.registry_id, policy_text=policy_text, cancel=cancel
            )
        return LifecyclePolicyPlan(repository, current, policy_text, result)

    # -- lines to copy -----------------------------------------------------------------------------------------

    def login_line(self, registry_id: str | None = None, *, endpoint_url: str | None = None) -> str:
        """``aws ecr get-login-password … | docker login … HOST`` for the registry (HOST from ECR itself)."""
        endpoint = self.ecr.registry_endpoint(registry_id)
        return login_command(endpoint, self.region, self.profile, endpoint_url)

    def pull_line(self, repository: Repository, image: ImageSummary, *, by_tag: bool = False) -> str:
        """``docker pull HOST/NAME@DIGEST`` (or ``:TAG`` with ``by_tag`` when the image has a tag)."""
        endpoint = self.ecr.registry_endpoint(repository.registry_id)
        if by_tag and image.tags:
            return pull_command(endpoint, repository.name, tag=image.tags[0])
        return pull_command(endpoint, repository.name, digest=image.digest)

    # -- execution ---------------------------------------------------------------------------------------------

    def execute(self, plan: Plan) -> Outcome:
        """Make the change; every target's result is appended to the audit log (refusals included)."""
        try:
            items = plan.run(self.ecr)
        except EcrError as error:  # a plan's own reads failed: nothing was sent
            items = [ItemResult.from_error(plan.title, error)]
        with self._lock:
            for item in items:
                self.audit.append(
                    AuditEntry(
                        time=self._clock(),
                        profile=self.profile,
                        account=self.account_id,
                        region=self.region,
                        action=plan.action,
                        target=item.target,
                        result=item.result_text,
                        detail=item.detail,
                    )
                )
        return Outcome(plan.action, plan.title, tuple(items))
