"""A registry's replication configuration: validated as ``PutReplicationConfiguration`` validates it, then read.

moto stores one rule at most ("This feature is disabled" beyond) and checks little else. ECR takes up to 25 rules of
up to 100 destinations each, ``PREFIX_MATCH`` repository filters and ``deleteReplication``; it refuses a destination
that is the source registry itself and a region it does not serve. The configuration is kept, normalised, where moto
keeps it (``ECRBackend.replication_config``), so moto's ``DescribeRegistry`` answers with it unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from moto.ecr.models import ECRBackend, ecr_backends
from moto.utilities.utils import get_partition

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.model_checks import (
    check_enum,
    check_length,
    check_pattern,
    expect_bool,
    expect_list,
    expect_object,
    expect_string,
)

__all__ = ["Destination", "Rule", "destinations_for", "rules_of", "validate_configuration"]

MAX_RULES = 25
MAX_DESTINATIONS = 100
MAX_FILTERS = 100
REGION = re.compile(r"[0-9a-z-]{2,25}")
REGISTRY_ID = re.compile(r"[0-9]{12}")
FILTER_VALUE = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$")


@dataclass(frozen=True, slots=True)
class Destination:
    """A registry images are replicated to: an account's registry in a region."""

    region: str
    registry_id: str

    def to_api(self) -> dict[str, str]:
        return {"region": self.region, "registryId": self.registry_id}


@dataclass(frozen=True, slots=True)
class Rule:
    """One replication rule: where to, for which repositories, and whether deletions follow."""

    destinations: tuple[Destination, ...]
    prefixes: tuple[str, ...] = ()
    delete_replication: bool = False

    def applies_to(self, repository_name: str) -> bool:
        """``PREFIX_MATCH``: the name starts with one of the filters (no filter: every repository)."""
        return not self.prefixes or any(repository_name.startswith(p) for p in self.prefixes)


def _destination(raw: Any, where: str, source: Destination) -> Destination:
    item = expect_object(raw, where)
    region = expect_string(item.get("region"), f"{where}.region")
    check_length(region, f"{where}.region", 2, 25)
    check_pattern(region, f"{where}.region", REGION)
    registry_id = expect_string(item.get("registryId"), f"{where}.registryId")
    check_pattern(registry_id, f"{where}.registryId", REGISTRY_ID)
    destination = Destination(region, registry_id)
    if destination == source:
        raise InvalidParameterException(
            "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            "'Replication destination cannot be the same as the source registry'"
        )
    if region not in ecr_backends[registry_id]:
        raise InvalidParameterException(
            f"Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            f"'Region {region} is not a region Amazon ECR serves'"
        )
    if get_partition(region) != get_partition(source.region):
        raise InvalidParameterException(
            f"Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            f"'Region {region} is in another partition than {source.region}; replication stays in one partition'"
        )
    return destination


def _filters(raw: Any, where: str) -> list[dict[str, str]]:
    filters = expect_list(raw, where)
    check_length(filters, where, 1, MAX_FILTERS)
    result = []
    for number, entry in enumerate(filters, 1):
        at = f"{where}.{number}.member"
        item = expect_object(entry, at)
        value = expect_string(item.get("filter"), f"{at}.filter")
        check_length(value, f"{at}.filter", 2, 256)
        check_pattern(value, f"{at}.filter", FILTER_VALUE)
        kind = check_enum(item.get("filterType"), f"{at}.filterType", ("PREFIX_MATCH",))
        result.append({"filter": value, "filterType": kind})
    return result


def validate_configuration(raw: Any, *, account_id: str, region: str) -> dict[str, Any]:
    """The configuration as ECR stores it; ``ValidationException`` / ``InvalidParameterException`` otherwise."""
    config = expect_object(raw, "replicationConfiguration")
    rules = expect_list(config.get("rules"), "replicationConfiguration.rules")
    check_length(rules, "replicationConfiguration.rules", 0, MAX_RULES)
    source = Destination(region, account_id)
    stored: list[dict[str, Any]] = []
    for number, raw_rule in enumerate(rules, 1):
        where = f"replicationConfiguration.rules.{number}.member"
        rule = expect_object(raw_rule, where)
        destinations = expect_list(rule.get("destinations"), f"{where}.destinations")
        check_length(destinations, f"{where}.destinations", 0, MAX_DESTINATIONS)
        entry: dict[str, Any] = {
            "destinations": [
                _destination(d, f"{where}.destinations.{i}.member", source).to_api()
                for i, d in enumerate(destinations, 1)
            ]
        }
        if rule.get("repositoryFilters") is not None:
            entry["repositoryFilters"] = _filters(rule["repositoryFilters"], f"{where}.repositoryFilters")
        if rule.get("deleteReplication") is not None:
            flag = expect_object(rule["deleteReplication"], f"{where}.deleteReplication")
            entry["deleteReplication"] = {
                "enabled": expect_bool(flag.get("enabled"), f"{where}.deleteReplication.enabled")
            }
        stored.append(entry)
    return {"rules": stored}


def rules_of(backend: ECRBackend) -> list[Rule]:
    """The rules of a registry, read from its stored (already validated) configuration."""
    return [
        Rule(
            destinations=tuple(Destination(d["region"], d["registryId"]) for d in rule["destinations"]),
            prefixes=tuple(f["filter"] for f in rule.get("repositoryFilters") or ()),
            delete_replication=bool((rule.get("deleteReplication") or {}).get("enabled")),
        )
        for rule in backend.replication_config.get("rules") or ()
    ]


def destinations_for(
    rules: list[Rule], repository_name: str, *, deletions: bool = False
) -> list[Destination]:
    """Where a change in ``repository_name`` goes, once per destination; ``deletions``: only rules that replicate
    deletions and tag removals."""
    found: dict[Destination, None] = {}
    for rule in rules:
        if rule.applies_to(repository_name) and (rule.delete_replication or not deletions):
            found.update(dict.fromkeys(rule.destinations))
    return list(found)
