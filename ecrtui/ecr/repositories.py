"""Repository operations of ``EcrService``: listing in pages, create/delete, mutability, tags, policies."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ecrtui.ecr.errors import InvalidInput, NotFound, translating
from ecrtui.ecr.models import Repository
from ecrtui.ecr.mutability import TagMutability, mutability_params
from ecrtui.ecr.policy_text import require_json_object
from ecrtui.ecr.replication import ReplicationConfiguration
from ecrtui.ecr.service_base import PAGE_SIZE, ServiceBase

if TYPE_CHECKING:
    from mypy_boto3_ecr.type_defs import TagTypeDef

__all__ = ["RepositoryOperations", "resource_tag_list"]

MAX_RESOURCE_TAGS = 50


def resource_tag_list(tags: Mapping[str, str]) -> list[TagTypeDef]:
    """Resource tags as ECR takes them, checked: keys 1-128 characters, values up to 256, at most 50 tags."""
    if len(tags) > MAX_RESOURCE_TAGS:
        raise InvalidInput(f"{len(tags)} resource tags; a repository takes at most {MAX_RESOURCE_TAGS}")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise InvalidInput(f"resource tag key '{key[:40]}' must be 1-128 characters")
        if key.lower().startswith("aws:"):
            raise InvalidInput(f"resource tag key '{key}' uses the reserved prefix 'aws:'")
        if len(value) > 256:
            raise InvalidInput(
                f"the value of resource tag '{key}' is {len(value)} characters; the limit is 256"
            )
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _encryption(encryption_type: str, kms_key: str | None) -> dict[str, str]:
    if encryption_type not in ("AES256", "KMS"):
        raise InvalidInput(f"encryption '{encryption_type}' is not AES256 or KMS")
    if kms_key and encryption_type != "KMS":
        raise InvalidInput("a KMS key needs KMS encryption")
    encryption = {"encryptionType": encryption_type}
    if kms_key:
        encryption["kmsKey"] = kms_key
    return encryption


class RepositoryOperations(ServiceBase):
    """Repositories of a registry (the caller's, or another account's by ``registry_id``)."""

    def iter_repository_pages(
        self,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[list[Repository]]:
        """Pages of repositories (``maxResults`` up to 1000); stops quietly when ``cancel`` is set."""
        params: dict[str, Any] = {"registryId": self._rid(registry_id), "maxResults": page_size}
        while True:
            if cancel is not None and cancel.is_set():
                return
            with translating("DescribeRepositories"):
                response = self._ecr.describe_repositories(**params)
            yield [Repository.from_api(r) for r in response.get("repositories", [])]
            token = response.get("nextToken")
            if not token:
                return
            params["nextToken"] = token

    def list_repositories(
        self, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> list[Repository]:
        """Every repository (all pages)."""
        return [r for page in self.iter_repository_pages(registry_id, cancel=cancel) for r in page]

    def get_repository(self, name: str, registry_id: str | None = None) -> Repository:
        """One repository by name; ``NotFound`` if it does not exist."""
        with translating("DescribeRepositories"):
            response = self._ecr.describe_repositories(
                registryId=self._rid(registry_id), repositoryNames=[name]
            )
        repositories = response.get("repositories", [])
        if not repositories:
            raise NotFound(f"Repository '{name}' not found", operation="DescribeRepositories")
        return Repository.from_api(repositories[0])

    def create_repository(
        self,
        name: str,
        registry_id: str | None = None,
        *,
        tag_mutability: TagMutability = "MUTABLE",
        exclusion_filters: Sequence[str] = (),
        scan_on_push: bool = False,
        encryption_type: Literal["AES256", "KMS"] = "AES256",
        kms_key: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Repository:
        """Create a repository; ``Conflict`` if it exists.

        Exclusion filters with MUTABLE or IMMUTABLE mean the ``_WITH_EXCLUSION`` setting; a KMS key needs the KMS
        encryption type. Everything is checked before the call (``InvalidInput``).
        """
        self._guard("CreateRepository", name=name)
        params: dict[str, Any] = {
            "repositoryName": name,
            **mutability_params(tag_mutability, exclusion_filters),
            "imageScanningConfiguration": {"scanOnPush": scan_on_push},
            "encryptionConfiguration": _encryption(encryption_type, kms_key),
        }
        if tags:
            params["tags"] = resource_tag_list(tags)
        params["registryId"] = self._rid(registry_id)  # after the checks: it may ask STS for the account
        with translating("CreateRepository"):
            response = self._ecr.create_repository(**params)
        return Repository.from_api(response["repository"])

    def delete_repository(self, name: str, registry_id: str | None = None, *, force: bool = False) -> None:
        """Delete a repository; without ``force`` ECR refuses one that still holds images (``Conflict``)."""
        self._guard("DeleteRepository", name=name)
        with translating("DeleteRepository"):
            self._ecr.delete_repository(registryId=self._rid(registry_id), repositoryName=name, force=force)

    def set_tag_mutability(
        self,
        name: str,
        mutability: TagMutability,
        registry_id: str | None = None,
        *,
        exclusion_filters: Sequence[str] = (),
    ) -> None:
        """Make a repository's tags mutable or immutable, with exclusion filters (checked before the call)."""
        self._guard("PutImageTagMutability", name=name)
        params = mutability_params(mutability, exclusion_filters)
        with translating("PutImageTagMutability"):
            self._ecr.put_image_tag_mutability(
                registryId=self._rid(registry_id), repositoryName=name, **params
            )

    def get_resource_tags(self, arn: str) -> dict[str, str]:
        """A repository's resource tags (by ARN, which names its account)."""
        with translating("ListTagsForResource"):
            response = self._ecr.list_tags_for_resource(resourceArn=arn)
        return {t["Key"]: t["Value"] for t in response.get("tags", [])}

    def tag_resource(self, arn: str, tags: Mapping[str, str]) -> None:
        """Add or overwrite resource tags on a repository."""
        self._guard("TagResource")
        tag_list = resource_tag_list(tags)
        with translating("TagResource"):
            self._ecr.tag_resource(resourceArn=arn, tags=tag_list)

    def untag_resource(self, arn: str, keys: Iterable[str]) -> None:
        """Remove resource tags from a repository."""
        self._guard("UntagResource")
        with translating("UntagResource"):
            self._ecr.untag_resource(resourceArn=arn, tagKeys=list(keys))

    def get_repository_policy(self, name: str, registry_id: str | None = None) -> str | None:
        """The repository policy JSON, or ``None`` when there is none."""
        try:
            with translating("GetRepositoryPolicy"):
                response = self._ecr.get_repository_policy(
                    registryId=self._rid(registry_id), repositoryName=name
                )
        except NotFound as exc:
            if exc.code == "RepositoryPolicyNotFoundException":
                return None
            raise
        return response.get("policyText")

    def set_repository_policy(self, name: str, policy_text: str, registry_id: str | None = None) -> None:
        """Replace the repository policy (a JSON object, checked before the call)."""
        self._guard("SetRepositoryPolicy", name=name)
        require_json_object(policy_text, "repository policy")
        with translating("SetRepositoryPolicy"):
            self._ecr.set_repository_policy(
                registryId=self._rid(registry_id), repositoryName=name, policyText=policy_text
            )

    def delete_repository_policy(self, name: str, registry_id: str | None = None) -> None:
        """Remove the repository policy."""
        self._guard("DeleteRepositoryPolicy")
        with translating("DeleteRepositoryPolicy"):
            self._ecr.delete_repository_policy(registryId=self._rid(registry_id), repositoryName=name)

    def get_lifecycle_policy(self, name: str, registry_id: str | None = None) -> str | None:
        """The lifecycle policy JSON, or ``None`` when there is none."""
        try:
            with translating("GetLifecyclePolicy"):
                response = self._ecr.get_lifecycle_policy(
                    registryId=self._rid(registry_id), repositoryName=name
                )
        except NotFound as exc:
            if exc.code == "LifecyclePolicyNotFoundException":
                return None
            raise
        return response.get("lifecyclePolicyText")

    def get_replication_configuration(self) -> ReplicationConfiguration:
        """The caller's registry replication rules (DescribeRegistry)."""
        with translating("DescribeRegistry"):
            response = self._ecr.describe_registry()
        return ReplicationConfiguration.from_api(dict(response))
