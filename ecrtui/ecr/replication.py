"""ECR's own replication as frozen records: a registry's rules, an image's status per destination, backfills.

Shapes follow botocore's ECR model (``DescribeRegistry``, ``DescribeImageReplicationStatus``,
``ListReplicationBackfills``, ``DescribeReplicationBackfillResults``). ``ReplicationConfiguration.from_document``
reads what a person writes (the ``replicationConfiguration`` of ``PutReplicationConfiguration``) and ``validate``
refuses, before anything is sent, what ECR would refuse: more than 25 rules or 100 destinations, a bad filter or
region (one ECR does not run in, from botocore's endpoint data: ``regions.py``), a destination that is the source
registry itself. No call to AWS here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from ecrtui.ecr.errors import InvalidInput, ServiceError
from ecrtui.ecr.refs import partition_for_region
from ecrtui.ecr.regions import is_ecr_region

__all__ = [
    "MAX_DESTINATIONS",
    "MAX_FILTERS",
    "MAX_RULES",
    "BackfillProgress",
    "BackfillReport",
    "BackfillResult",
    "BackfillStatus",
    "ImageReplication",
    "ImageReplicationStatus",
    "ReplicationBackfill",
    "ReplicationConfiguration",
    "ReplicationDestination",
    "ReplicationRule",
    "ReplicationStatus",
    "check_repository_prefix",
    "explain_failure",
]

MAX_RULES = 25
MAX_DESTINATIONS = 100
MAX_FILTERS = 100
_REGION = re.compile(r"^[0-9a-z-]{2,25}$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_FILTER = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$")

_EXPLANATIONS = {
    "ReplicateImageAccessDenied": (
        "the destination registry's permissions policy does not allow the source account ecr:ReplicateImage"
    ),
    "CreateRepositoryAccessDenied": (
        "the repository does not exist at the destination and its registry policy does not allow "
        "ecr:CreateRepository (create the repository there, or allow it)"
    ),
    "ImageTagImmutable": "the destination's tags are immutable and the tag already names another image there",
    "ReferencedImagesNotReplicated": "images this index refers to could not be replicated",
    "ImageNotFound": "the image was deleted before it could be replicated",
    "DestinationNotConfigured": "the destination left the replication rules before the backfill started",
    "InternalError": "ECR could not replicate it (an internal error)",
}


def explain_failure(code: str | None) -> str:
    """``CODE: what it means`` for the failure codes known here (ECR documents no list), else the code as is."""
    if not code:
        return ""
    explanation = _EXPLANATIONS.get(code)
    return f"{code}: {explanation}" if explanation else code


def check_repository_prefix(prefix: str, where: str = "") -> None:
    """Refuse what ECR refuses as a ``PREFIX_MATCH`` filter (``InvalidInput``, prefixed with ``where``)."""
    if not 2 <= len(prefix) <= 256 or not _FILTER.match(prefix):
        raise _invalid(
            f"{where + ': ' if where else ''}filter {prefix!r} is not a repository-name prefix (2-256 characters: "
            "lowercase letters, digits, '.', '_', '-' and '/')"
        )


def _invalid(message: str) -> InvalidInput:
    """Refused before sending: the person's input, not the service (no operation: exit code 2 in the CLI)."""
    return InvalidInput(message)


@dataclass(frozen=True, slots=True)
class ReplicationDestination:
    """Where a rule copies images to: a region, in this or another account."""

    region: str
    registry_id: str

    @property
    def key(self) -> str:
        """``REGION:ACCOUNT``, stable: the id of a destination in progress events and on the command line."""
        return f"{self.region}:{self.registry_id}"

    @property
    def label(self) -> str:
        return f"{self.region} ({self.registry_id})"

    def to_api(self) -> dict[str, str]:
        return {"region": self.region, "registryId": self.registry_id}

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ReplicationDestination:
        return cls(region=str(data.get("region") or ""), registry_id=str(data.get("registryId") or ""))

    @classmethod
    def parse(cls, text: str, default_registry_id: str) -> ReplicationDestination:
        """``REGION`` (the caller's account) or ``REGION:ACCOUNT``, checked."""
        region, _, account = text.strip().partition(":")
        destination = cls(region, account or default_registry_id)
        destination.check(f"destination {text.strip()!r}")
        return destination

    def check(self, where: str = "destination") -> None:
        if not _REGION.match(self.region):
            raise _invalid(f"{where}: {self.region!r} is not a region name (like eu-west-1)")
        if not is_ecr_region(self.region):
            raise _invalid(f"{where}: ECR does not run in a region named {self.region!r}")
        if not _ACCOUNT.match(self.registry_id):
            raise _invalid(f"{where}: {self.registry_id!r} is not an account id (12 digits)")


@dataclass(frozen=True, slots=True)
class ReplicationRule:
    """One rule: destinations, the repository-name prefixes it applies to (none: every repository), and whether
    deletions and tag removals are replicated too."""

    destinations: tuple[ReplicationDestination, ...]
    repository_prefixes: tuple[str, ...] = ()
    delete_replication: bool = False

    def applies_to(self, repository_name: str) -> bool:
        """``PREFIX_MATCH``: the repository name starts with one of the prefixes."""
        return not self.repository_prefixes or any(
            repository_name.startswith(p) for p in self.repository_prefixes
        )

    def to_api(self) -> dict[str, Any]:
        rule: dict[str, Any] = {"destinations": [d.to_api() for d in self.destinations]}
        if self.repository_prefixes:
            rule["repositoryFilters"] = [
                {"filter": p, "filterType": "PREFIX_MATCH"} for p in self.repository_prefixes
            ]
        if self.delete_replication:
            rule["deleteReplication"] = {"enabled": True}
        return rule

    @classmethod
    def from_api(cls, rule: Mapping[str, Any]) -> ReplicationRule:
        return cls(
            destinations=tuple(ReplicationDestination.from_api(d) for d in rule.get("destinations") or ()),
            repository_prefixes=tuple(
                str(f.get("filter")) for f in rule.get("repositoryFilters") or () if f.get("filter")
            ),
            delete_replication=bool((rule.get("deleteReplication") or {}).get("enabled")),
        )


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}
        raise _invalid(f"{where} must be {names.get(kind, kind.__name__)}, not {type(value).__name__}")
    return value


def _known_keys(data: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise _invalid(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(allowed)})")


def _rule_from_document(raw: Any, where: str) -> ReplicationRule:
    rule = _expect(raw, dict, where)
    _known_keys(rule, ("destinations", "repositoryFilters", "deleteReplication"), where)
    destinations = []
    for number, entry in enumerate(_expect(rule.get("destinations"), list, f"{where}.destinations")):
        at = f"{where}.destinations[{number}]"
        item = _expect(entry, dict, at)
        _known_keys(item, ("region", "registryId"), at)
        destinations.append(
            ReplicationDestination(
                _expect(item.get("region"), str, f"{at}.region"),
                _expect(item.get("registryId"), str, f"{at}.registryId"),
            )
        )
    prefixes = []
    if "repositoryFilters" in rule:
        for number, entry in enumerate(
            _expect(rule["repositoryFilters"], list, f"{where}.repositoryFilters")
        ):
            at = f"{where}.repositoryFilters[{number}]"
            item = _expect(entry, dict, at)
            _known_keys(item, ("filter", "filterType"), at)
            if item.get("filterType") != "PREFIX_MATCH":
                raise _invalid(f"{at}.filterType must be PREFIX_MATCH (the only type ECR has)")
            prefixes.append(_expect(item.get("filter"), str, f"{at}.filter"))
        if not prefixes:
            raise _invalid(
                f"{where}.repositoryFilters must not be empty (leave it out to match every repository)"
            )
    delete = False
    if "deleteReplication" in rule:
        flag = _expect(rule["deleteReplication"], dict, f"{where}.deleteReplication")
        _known_keys(flag, ("enabled",), f"{where}.deleteReplication")
        delete = _expect(flag.get("enabled"), bool, f"{where}.deleteReplication.enabled")
    return ReplicationRule(tuple(destinations), tuple(prefixes), delete)


@dataclass(frozen=True, slots=True)
class ReplicationConfiguration:
    """A registry's replication rules (``DescribeRegistry``). Rules added later copy only new pushes; a backfill
    copies what was there before."""

    registry_id: str
    rules: tuple[ReplicationRule, ...] = ()

    @classmethod
    def from_api(cls, response: Mapping[str, Any]) -> ReplicationConfiguration:
        """From ``DescribeRegistry``'s answer."""
        config: Mapping[str, Any] = response.get("replicationConfiguration") or {}
        rules = tuple(ReplicationRule.from_api(rule) for rule in config.get("rules") or ())
        return cls(registry_id=str(response.get("registryId") or ""), rules=rules)

    @classmethod
    def from_document(cls, document: Any, registry_id: str) -> ReplicationConfiguration:
        """What a person wrote: ``{"rules": [...]}``, or ``DescribeRegistry``'s answer (``ecrtui replication show
        --json``), with every field checked; ``InvalidInput`` names the first problem and where it is."""
        data = _expect(document, dict, "the configuration")
        if "replicationConfiguration" in data:
            data = _expect(data["replicationConfiguration"], dict, "replicationConfiguration")
        _known_keys(data, ("rules",), "the configuration")
        if "rules" not in data:
            raise _invalid('the configuration has no "rules" (write {"rules": []} to turn replication off)')
        rules = _expect(data["rules"], list, "rules")
        return cls(registry_id, tuple(_rule_from_document(r, f"rules[{i}]") for i, r in enumerate(rules)))

    def to_api(self) -> dict[str, Any]:
        """The ``replicationConfiguration`` of ``PutReplicationConfiguration``."""
        return {"rules": [rule.to_api() for rule in self.rules]}

    def validate(self, source_region: str) -> None:
        """Refuse what ECR would refuse, before sending (``InvalidInput`` with the first problem)."""
        if len(self.rules) > MAX_RULES:
            raise _invalid(f"{len(self.rules)} rules: ECR allows at most {MAX_RULES} per registry")
        partition = partition_for_region(source_region)
        for number, rule in enumerate(self.rules):
            where = f"rules[{number}]"
            if len(rule.destinations) > MAX_DESTINATIONS:
                raise _invalid(f"{where}: {len(rule.destinations)} destinations, at most {MAX_DESTINATIONS}")
            if len(rule.repository_prefixes) > MAX_FILTERS:
                raise _invalid(f"{where}: {len(rule.repository_prefixes)} filters, at most {MAX_FILTERS}")
            for prefix in rule.repository_prefixes:
                check_repository_prefix(prefix, where)
            for index, destination in enumerate(rule.destinations):
                at = f"{where}.destinations[{index}]"
                destination.check(at)
                if destination == ReplicationDestination(source_region, self.registry_id):
                    raise _invalid(f"{at}: {destination.label} is this registry itself")
                if partition_for_region(destination.region) != partition:
                    raise _invalid(
                        f"{at}: {destination.region} is in another AWS partition than {source_region}; "
                        "replication stays within one partition"
                    )

    @property
    def destinations(self) -> tuple[ReplicationDestination, ...]:
        """Every destination of every rule, once, in rule order."""
        return tuple(dict.fromkeys(d for rule in self.rules for d in rule.destinations))

    def destinations_for(self, repository_name: str) -> tuple[ReplicationDestination, ...]:
        """Where a push to ``repository_name`` is replicated."""
        return tuple(
            dict.fromkeys(
                d for rule in self.rules if rule.applies_to(repository_name) for d in rule.destinations
            )
        )

    def cross_account_destinations(self) -> tuple[ReplicationDestination, ...]:
        """Destinations in other accounts: each needs that registry's policy to let this account in."""
        return tuple(d for d in self.destinations if d.registry_id != self.registry_id)

    def requirement(self, destination: ReplicationDestination) -> str:
        """What a destination in another account needs, in one sentence (empty for this account's own)."""
        if destination.registry_id == self.registry_id:
            return ""
        return (
            f"{destination.label} must allow account {self.registry_id} ecr:ReplicateImage (and "
            f"ecr:CreateRepository to create missing repositories) in its registry policy in {destination.region}"
        )


class ReplicationStatus(StrEnum):
    """An image's replication to one destination (also a backfill result's status: COMPLETE or FAILED)."""

    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self is not ReplicationStatus.IN_PROGRESS


class BackfillStatus(StrEnum):
    """A backfill's lifecycle: PREPARING, IN_PROGRESS (STOPPING), then COMPLETE, FAILED or STOPPED."""

    PREPARING = "PREPARING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"

    @property
    def is_final(self) -> bool:
        return self in (BackfillStatus.COMPLETE, BackfillStatus.FAILED, BackfillStatus.STOPPED)


E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], value: Any, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise ServiceError(f"ECR answered an unknown {what} {value!r}") from None


@dataclass(frozen=True, slots=True)
class ImageReplicationStatus:
    """One destination of one image: in progress, complete, or failed with a code."""

    destination: ReplicationDestination
    status: ReplicationStatus
    failure_code: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ImageReplicationStatus:
        return cls(
            destination=ReplicationDestination.from_api(data),
            status=_enum(ReplicationStatus, data.get("status"), "replication status"),
            failure_code=data.get("failureCode") or None,
        )


@dataclass(frozen=True, slots=True)
class ImageReplication:
    """An image's replication to each destination (``DescribeImageReplicationStatus``). Empty for an image no
    rule covers, and for one pushed before its rule existed (a backfill replicates those)."""

    repository_name: str
    digest: str
    tag: str | None
    statuses: tuple[ImageReplicationStatus, ...] = ()

    @classmethod
    def from_api(cls, response: Mapping[str, Any]) -> ImageReplication:
        image_id: Mapping[str, Any] = response.get("imageId") or {}
        return cls(
            repository_name=str(response.get("repositoryName") or ""),
            digest=str(image_id.get("imageDigest") or ""),
            tag=image_id.get("imageTag") or None,
            statuses=tuple(
                ImageReplicationStatus.from_api(s) for s in response.get("replicationStatuses") or ()
            ),
        )

    @property
    def is_final(self) -> bool:
        """No destination is still in progress."""
        return all(s.status.is_final for s in self.statuses)

    @property
    def failed(self) -> tuple[ImageReplicationStatus, ...]:
        return tuple(s for s in self.statuses if s.status is ReplicationStatus.FAILED)

    @property
    def label(self) -> str:
        return (
            f"{self.repository_name}:{self.tag}" if self.tag else f"{self.repository_name}@{self.digest[:19]}"
        )


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    """Counts of a backfill's replications (one per image and tag); known once preparation ended."""

    total: int
    completed: int
    failed: int
    failure_codes: tuple[str, ...] = ()

    @property
    def done(self) -> int:
        return self.completed + self.failed

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> BackfillProgress:
        return cls(
            total=int(data.get("totalReplicationCount") or 0),
            completed=int(data.get("completedReplicationCount") or 0),
            failed=int(data.get("failedReplicationCount") or 0),
            failure_codes=tuple(str(c) for c in data.get("failureCodes") or ()),
        )


@dataclass(frozen=True, slots=True)
class ReplicationBackfill:
    """One backfill: where to, where it is, how far (``progress`` is None while preparing)."""

    backfill_id: str
    registry_id: str
    destination: ReplicationDestination
    status: BackfillStatus
    started_at: datetime | None = None
    ended_at: datetime | None = None
    failure_code: str | None = None
    progress: BackfillProgress | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any], registry_id: str = "") -> ReplicationBackfill:
        """From a ``ReplicationBackfillSummary`` or the answer of Start/Stop/DescribeReplicationBackfillResults."""
        progress = data.get("progress")
        return cls(
            backfill_id=str(data.get("replicationBackfillId") or ""),
            registry_id=str(data.get("registryId") or registry_id),
            destination=ReplicationDestination.from_api(data.get("destination") or {}),
            status=_enum(BackfillStatus, data.get("status"), "backfill status"),
            started_at=data.get("startedAt"),
            ended_at=data.get("endedAt"),
            failure_code=data.get("failureCode") or None,
            progress=BackfillProgress.from_api(progress) if progress else None,
        )

    @property
    def failed(self) -> bool:
        """The backfill failed, or some of its replications did."""
        return self.status is BackfillStatus.FAILED or bool(self.progress and self.progress.failed)


@dataclass(frozen=True, slots=True)
class BackfillResult:
    """One replication of a backfill: an image and one of its tags (or the image alone when untagged)."""

    repository_name: str
    digest: str
    tag: str | None
    status: ReplicationStatus
    failure_code: str | None = None
    sub_image_failure_codes: tuple[str, ...] | None = None
    """For a manifest list: the distinct failure codes of the images it refers to (None for other images)."""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> BackfillResult:
        image_id: Mapping[str, Any] = data.get("imageId") or {}
        sub = data.get("subImageFailureCodes")
        return cls(
            repository_name=str(data.get("repositoryName") or ""),
            digest=str(image_id.get("imageDigest") or ""),
            tag=image_id.get("imageTag") or None,
            status=_enum(ReplicationStatus, data.get("status"), "backfill result status"),
            failure_code=data.get("failureCode") or None,
            sub_image_failure_codes=tuple(str(c) for c in sub) if sub is not None else None,
        )

    @property
    def key(self) -> str:
        return f"{self.repository_name}@{self.digest}#{self.tag or ''}"

    @property
    def label(self) -> str:
        return (
            f"{self.repository_name}:{self.tag}" if self.tag else f"{self.repository_name}@{self.digest[:19]}"
        )

    @property
    def detail(self) -> str:
        """Why it failed, in words, with the children's codes for an index (empty when it did not fail)."""
        if self.status is not ReplicationStatus.FAILED:
            return ""
        text = explain_failure(self.failure_code) or "failed"
        if self.sub_image_failure_codes:
            text += f" (referenced images: {', '.join(self.sub_image_failure_codes)})"
        return text


@dataclass(frozen=True, slots=True)
class BackfillReport:
    """A backfill and its per-image results (ECR publishes results once the backfill has ended)."""

    backfill: ReplicationBackfill
    results: tuple[BackfillResult, ...] = ()

    @property
    def failures(self) -> tuple[BackfillResult, ...]:
        return tuple(r for r in self.results if r.status is ReplicationStatus.FAILED)
