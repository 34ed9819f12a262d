"""One change to a registry's replication rules at a time, as a record that says what it does and what it means.

``PutReplicationConfiguration`` replaces every rule at once, so an edit made in the app is the whole configuration
with one thing changed: ``apply`` returns it, refusing with ``InvalidInput`` what makes no sense (a destination the
rule already has, a filter it lacks, a rule that does not exist); ``consequences`` says in words what the diff alone
does not (a rule left without filters applies to every repository, a rule left without destinations is removed,
deletions start to follow); ``configuration_diff`` shows the change as a unified diff of the JSON ECR takes. What ECR
itself refuses is ``ReplicationConfiguration.validate``'s job, checked after ``apply``. No AWS SDK here.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, replace

from ecrtui.ecr.errors import InvalidInput
from ecrtui.ecr.replication import (
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationRule,
    check_repository_prefix,
)

__all__ = [
    "AddDestination",
    "AddFilter",
    "RemoveDestination",
    "RemoveFilter",
    "ReplicationEdit",
    "SetDeleteReplication",
    "configuration_diff",
]

NEW_PUSHES_ONLY = "ECR replicates pushes made from now on; images already in the registry reach a new destination only by a backfill"


def _rule(config: ReplicationConfiguration, index: int) -> ReplicationRule:
    if not 0 <= index < len(config.rules):
        raise InvalidInput(f"there is no rule {index + 1} (the registry has {len(config.rules)})")
    return config.rules[index]


def _with_rule(
    config: ReplicationConfiguration, index: int, rule: ReplicationRule | None
) -> ReplicationConfiguration:
    """The configuration with rule ``index`` replaced (or removed when ``rule`` is None)."""
    rules = list(config.rules)
    if rule is None:
        del rules[index]
    else:
        rules[index] = rule
    return replace(config, rules=tuple(rules))


def _cross_account_note(config: ReplicationConfiguration, destination: ReplicationDestination) -> list[str]:
    requirement = config.requirement(destination)
    return [f"Another account: {requirement}"] if requirement else []


@dataclass(frozen=True, slots=True)
class AddDestination:
    """Send rule ``rule``'s repositories to one more destination; ``rule=None`` starts a new rule that covers
    every repository."""

    rule: int | None
    destination: ReplicationDestination

    def apply(self, config: ReplicationConfiguration) -> ReplicationConfiguration:
        self.destination.check()
        if self.rule is None:
            return replace(config, rules=(*config.rules, ReplicationRule((self.destination,))))
        rule = _rule(config, self.rule)
        if self.destination in rule.destinations:
            raise InvalidInput(f"{self.destination.label} is already a destination of rule {self.rule + 1}")
        return _with_rule(
            config, self.rule, replace(rule, destinations=(*rule.destinations, self.destination))
        )

    def describe(self, config: ReplicationConfiguration) -> str:
        if self.rule is None:
            return f"Add rule {len(config.rules) + 1}: every repository to {self.destination.label}"
        return f"Add {self.destination.label} to rule {self.rule + 1}"

    def consequences(self, config: ReplicationConfiguration) -> list[str]:
        return [*_cross_account_note(config, self.destination), NEW_PUSHES_ONLY]


@dataclass(frozen=True, slots=True)
class RemoveDestination:
    """Stop sending rule ``rule``'s repositories to one destination (a rule left with none is removed)."""

    rule: int
    destination: ReplicationDestination

    def apply(self, config: ReplicationConfiguration) -> ReplicationConfiguration:
        rule = _rule(config, self.rule)
        if self.destination not in rule.destinations:
            raise InvalidInput(f"{self.destination.label} is not a destination of rule {self.rule + 1}")
        left = tuple(d for d in rule.destinations if d != self.destination)
        return _with_rule(config, self.rule, replace(rule, destinations=left) if left else None)

    def describe(self, config: ReplicationConfiguration) -> str:
        return f"Remove {self.destination.label} from rule {self.rule + 1}"

    def consequences(self, config: ReplicationConfiguration) -> list[str]:
        notes = []
        if len(_rule(config, self.rule).destinations) == 1:
            notes.append(f"Rule {self.rule + 1} has no other destination: the whole rule is removed")
        notes.append(
            f"Images already replicated stay in {self.destination.label}; new pushes no longer go there"
            + (" by this rule" if self.destination in _other_rules_destinations(config, self.rule) else "")
        )
        return notes


def _other_rules_destinations(config: ReplicationConfiguration, index: int) -> set[ReplicationDestination]:
    return {d for number, rule in enumerate(config.rules) if number != index for d in rule.destinations}


@dataclass(frozen=True, slots=True)
class AddFilter:
    """Narrow rule ``rule`` to repositories whose name starts with ``prefix`` too (ECR's ``PREFIX_MATCH``)."""

    rule: int
    prefix: str

    def apply(self, config: ReplicationConfiguration) -> ReplicationConfiguration:
        check_repository_prefix(self.prefix)
        rule = _rule(config, self.rule)
        if self.prefix in rule.repository_prefixes:
            raise InvalidInput(f"rule {self.rule + 1} already has the filter {self.prefix!r}")
        return _with_rule(
            config, self.rule, replace(rule, repository_prefixes=(*rule.repository_prefixes, self.prefix))
        )

    def describe(self, config: ReplicationConfiguration) -> str:
        return f"Add the filter {self.prefix!r} to rule {self.rule + 1}"

    def consequences(self, config: ReplicationConfiguration) -> list[str]:
        if not _rule(config, self.rule).repository_prefixes:
            return [
                f"Rule {self.rule + 1} applied to every repository; from now on only to names starting with "
                f"{self.prefix!r}"
            ]
        return [
            f"Rule {self.rule + 1} also covers repositories whose name starts with {self.prefix!r}",
            NEW_PUSHES_ONLY,
        ]


@dataclass(frozen=True, slots=True)
class RemoveFilter:
    """Drop one of rule ``rule``'s filters (a rule left with none covers every repository)."""

    rule: int
    prefix: str

    def apply(self, config: ReplicationConfiguration) -> ReplicationConfiguration:
        rule = _rule(config, self.rule)
        if self.prefix not in rule.repository_prefixes:
            raise InvalidInput(f"rule {self.rule + 1} has no filter {self.prefix!r}")
        left = tuple(p for p in rule.repository_prefixes if p != self.prefix)
        return _with_rule(config, self.rule, replace(rule, repository_prefixes=left))

    def describe(self, config: ReplicationConfiguration) -> str:
        return f"Remove the filter {self.prefix!r} from rule {self.rule + 1}"

    def consequences(self, config: ReplicationConfiguration) -> list[str]:
        if len(_rule(config, self.rule).repository_prefixes) == 1:
            return [
                f"Rule {self.rule + 1} has no other filter: it will replicate EVERY repository of the registry"
            ]
        return [
            f"Repositories matched only by {self.prefix!r} are no longer replicated by rule {self.rule + 1}"
        ]


@dataclass(frozen=True, slots=True)
class SetDeleteReplication:
    """Turn the replication of deletions and tag removals on or off for rule ``rule``."""

    rule: int
    enabled: bool

    def apply(self, config: ReplicationConfiguration) -> ReplicationConfiguration:
        rule = _rule(config, self.rule)
        if rule.delete_replication == self.enabled:
            state = "already replicates" if self.enabled else "already does not replicate"
            raise InvalidInput(f"rule {self.rule + 1} {state} deletions")
        return _with_rule(config, self.rule, replace(rule, delete_replication=self.enabled))

    def describe(self, config: ReplicationConfiguration) -> str:
        verb = "Replicate" if self.enabled else "Stop replicating"
        return f"{verb} deletions and tag removals for rule {self.rule + 1}"

    def consequences(self, config: ReplicationConfiguration) -> list[str]:
        destinations = ", ".join(d.label for d in _rule(config, self.rule).destinations) or "no destination"
        if self.enabled:
            return [
                f"Deleting an image or removing a tag here will delete it in {destinations} too (images deleted "
                "before now are not)"
            ]
        return [f"Images deleted here from now on stay in {destinations}"]


ReplicationEdit = AddDestination | RemoveDestination | AddFilter | RemoveFilter | SetDeleteReplication
"""One change to the rules, as the replication view makes them."""


def _pretty(config: ReplicationConfiguration) -> list[str]:
    return (json.dumps(config.to_api(), indent=2) + "\n").splitlines(keepends=True)


def configuration_diff(
    before: ReplicationConfiguration,
    after: ReplicationConfiguration,
    before_name: str = "current",
    after_name: str = "new",
) -> list[str]:
    """The change as a unified diff of ``PutReplicationConfiguration``'s JSON, one line per item (no newlines);
    empty when nothing changes."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(_pretty(before), _pretty(after), before_name, after_name, n=2)
    ]
