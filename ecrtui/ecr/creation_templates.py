"""Repository creation templates: the settings ECR gives repositories it creates itself (replication,
pull-through cache, create-on-push), as frozen records shaped like botocore's ``RepositoryCreationTemplate``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["APPLIED_FOR", "RepositoryCreationTemplate"]

APPLIED_FOR = ("REPLICATION", "PULL_THROUGH_CACHE", "CREATE_ON_PUSH")


@dataclass(frozen=True, slots=True)
class RepositoryCreationTemplate:
    """One template: the namespace ``prefix`` it applies to (``ROOT``: every repository without a more specific
    template), the scenarios it applies for, and the settings it gives."""

    prefix: str
    applied_for: tuple[str, ...]
    description: str = ""
    image_tag_mutability: str = "MUTABLE"
    mutability_exclusion_filters: tuple[str, ...] = ()
    encryption_type: str = "AES256"
    kms_key: str | None = None
    resource_tags: Mapping[str, str] = field(default_factory=dict)
    repository_policy: str | None = None
    lifecycle_policy: str | None = None
    custom_role_arn: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> RepositoryCreationTemplate:
        encryption: Mapping[str, Any] = data.get("encryptionConfiguration") or {}
        return cls(
            prefix=str(data.get("prefix") or ""),
            applied_for=tuple(str(a) for a in data.get("appliedFor") or ()),
            description=str(data.get("description") or ""),
            image_tag_mutability=str(data.get("imageTagMutability") or "MUTABLE"),
            mutability_exclusion_filters=tuple(
                str(f.get("filter")) for f in data.get("imageTagMutabilityExclusionFilters") or ()
            ),
            encryption_type=str(encryption.get("encryptionType") or "AES256"),
            kms_key=encryption.get("kmsKey") or None,
            resource_tags={str(t["Key"]): str(t["Value"]) for t in data.get("resourceTags") or ()},
            repository_policy=data.get("repositoryPolicy") or None,
            lifecycle_policy=data.get("lifecyclePolicy") or None,
            custom_role_arn=data.get("customRoleArn") or None,
            created_at=data.get("createdAt"),
            updated_at=data.get("updatedAt"),
        )

    def to_api(self) -> dict[str, Any]:
        """The members of ``CreateRepositoryCreationTemplate`` / ``UpdateRepositoryCreationTemplate``."""
        request: dict[str, Any] = {
            "prefix": self.prefix,
            "appliedFor": list(self.applied_for),
            "imageTagMutability": self.image_tag_mutability,
            "encryptionConfiguration": {"encryptionType": self.encryption_type},
        }
        if self.description:
            request["description"] = self.description
        if self.mutability_exclusion_filters:
            request["imageTagMutabilityExclusionFilters"] = [
                {"filterType": "WILDCARD", "filter": f} for f in self.mutability_exclusion_filters
            ]
        if self.kms_key:
            request["encryptionConfiguration"]["kmsKey"] = self.kms_key
        if self.resource_tags:
            request["resourceTags"] = [{"Key": k, "Value": v} for k, v in self.resource_tags.items()]
        for key, value in (
            ("repositoryPolicy", self.repository_policy),
            ("lifecyclePolicy", self.lifecycle_policy),
            ("customRoleArn", self.custom_role_arn),
        ):
            if value:
                request[key] = value
        return request
