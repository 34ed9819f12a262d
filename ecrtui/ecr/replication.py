"""A registry's replication configuration (``DescribeRegistry``) as frozen records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ReplicationConfiguration", "ReplicationDestination", "ReplicationRule"]


@dataclass(frozen=True, slots=True)
class ReplicationDestination:
    """Where a rule copies images to: a region, in this or another account."""

    region: str
    registry_id: str


@dataclass(frozen=True, slots=True)
class ReplicationRule:
    """One rule: destinations, and the repository-name prefixes it applies to (empty: every repository)."""

    destinations: tuple[ReplicationDestination, ...]
    repository_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReplicationConfiguration:
    """ECR's own replication for a registry; it copies only images pushed after it was configured."""

    registry_id: str
    rules: tuple[ReplicationRule, ...] = ()

    @classmethod
    def from_api(cls, response: Mapping[str, Any]) -> ReplicationConfiguration:
        config: Mapping[str, Any] = response.get("replicationConfiguration") or {}
        rules = tuple(
            ReplicationRule(
                destinations=tuple(
                    ReplicationDestination(region=str(d.get("region")), registry_id=str(d.get("registryId")))
                    for d in rule.get("destinations") or ()
                ),
                repository_prefixes=tuple(
                    str(f.get("filter")) for f in rule.get("repositoryFilters") or () if f.get("filter")
                ),
            )
            for rule in config.get("rules") or ()
        )
        return cls(registry_id=str(response.get("registryId") or ""), rules=rules)
