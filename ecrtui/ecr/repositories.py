"""Repository operations of ``EcrService``: listing in pages, create/delete, mutability, tags, policies."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from ecrtui.ecr.errors import NotFound, translating
from ecrtui.ecr.models import Repository
from ecrtui.ecr.replication import ReplicationConfiguration
from ecrtui.ecr.service_base import PAGE_SIZE, ServiceBase

__all__ = ["RepositoryOperations"]


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
        tag_mutability: Literal[
            "MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"
        ] = "MUTABLE",
        exclusion_filters: Sequence[str] = (),
        scan_on_push: bool = False,
        encryption_type: Literal["AES256", "KMS"] = "AES256",
        kms_key: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Repository:
        """Create a repository; ``Conflict`` if it exists. ``exclusion_filters``: the wildcard tag patterns of a
        ``*_WITH_EXCLUSION`` mutability."""
        self._guard("CreateRepository", name=name)
        encryption: dict[str, Any] = {"encryptionType": encryption_type}
        if kms_key:
            encryption["kmsKey"] = kms_key
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": name,
            "imageTagMutability": tag_mutability,
            "imageScanningConfiguration": {"scanOnPush": scan_on_push},
            "encryptionConfiguration": encryption,
        }
        if tags:
            params["tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        if exclusion_filters:
            params["imageTagMutabilityExclusionFilters"] = [
                {"filterType": "WILDCARD", "filter": f} for f in exclusion_filters
            ]
        with translating("CreateRepository"):
            response = self._ecr.create_repository(**params)
        return Repository.from_api(response["repository"])

    def delete_repository(self, name: str, registry_id: str | None = None, *, force: bool = False) -> None:
        """Delete a repository; without ``force`` ECR refuses one that still holds images (``Conflict``)."""
        self._guard("DeleteRepository")
        with translating("DeleteRepository"):
            self._ecr.delete_repository(registryId=self._rid(registry_id), repositoryName=name, force=force)

    def set_tag_mutability(
        self, name: str, mutability: Literal["MUTABLE", "IMMUTABLE"], registry_id: str | None = None
    ) -> None:
        """Make a repository's tags mutable or immutable."""
        self._guard("PutImageTagMutability")
        with translating("PutImageTagMutability"):
            self._ecr.put_image_tag_mutability(
                registryId=self._rid(registry_id), repositoryName=name, imageTagMutability=mutability
            )

    def get_resource_tags(self, arn: str) -> dict[str, str]:
        """A repository's resource tags (by ARN, which names its account)."""
        with translating("ListTagsForResource"):
            response = self._ecr.list_tags_for_resource(resourceArn=arn)
        return {t["Key"]: t["Value"] for t in response.get("tags", [])}

    def tag_resource(self, arn: str, tags: Mapping[str, str]) -> None:
        """Add or overwrite resource tags on a repository."""
        self._guard("TagResource")
        with translating("TagResource"):
            self._ecr.tag_resource(resourceArn=arn, tags=[{"Key": k, "Value": v} for k, v in tags.items()])

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
        """Replace the repository policy."""
        self._guard("SetRepositoryPolicy")
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
