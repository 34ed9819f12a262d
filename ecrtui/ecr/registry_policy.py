"""A registry's permissions policy (``GetRegistryPolicy``) and what it lets other accounts do by replication.

Cross-account replication needs the destination registry's policy to allow the source account
``ecr:ReplicateImage``, and ``ecr:CreateRepository`` for repositories the destination lacks. ``allows`` is IAM's
evaluation reduced to what such a policy holds: an explicit ``Deny`` wins, otherwise an ``Allow`` must match
principal, action and resource; a statement with a ``Condition`` is not evaluated (such an ``Allow`` does not
count, such a ``Deny`` does: the safe reading when the condition cannot be known). The app and the CLI use it to
say who may replicate into a registry; the sandbox uses it to decide. A repository policy (``GetRepositoryPolicy``)
has the same grammar: ``decide`` tells an explicit Deny from a missing Allow, for the sandbox's cross-account
repository calls and the copy planner's permission check. No AWS SDK here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Literal

from ecrtui.ecr.refs import partition_for_region

__all__ = ["REPLICATION_ACTIONS", "Decision", "RegistryPolicy", "ReplicationGrant", "allows", "decide"]

REPLICATION_ACTIONS = ("ecr:ReplicateImage", "ecr:CreateRepository")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _statements(policy_text: str | None) -> list[dict[str, Any]]:
    if not policy_text:
        return []
    try:
        policy = json.loads(policy_text)
    except ValueError:
        return []
    raw = _as_list(policy.get("Statement")) if isinstance(policy, dict) else []
    return [s for s in raw if isinstance(s, dict)]


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if not isinstance(principal, dict):
        return []
    return [str(p) for p in _as_list(principal.get("AWS"))]


def account_of(principal: str) -> str:
    """The account a principal names: its id, or the account of an ARN (``*`` stays ``*``)."""
    match = re.fullmatch(r"arn:aws[a-z-]*:iam::([0-9]{12}):.+", principal)
    return match.group(1) if match else principal


def _names_account(statement: dict[str, Any], account_id: str, principal_arn: str | None = None) -> bool:
    """``"*"``, the account id, the account's root ARN (in any partition), or the caller's own ARN."""
    for name in _principals(statement):
        if name in ("*", account_id) or re.fullmatch(rf"arn:aws[a-z-]*:iam::{account_id}:root", name):
            return True
        if principal_arn is not None and name == principal_arn:
            return True
    return False


def _matches(patterns: list[Any], value: str, *, ignore_case: bool) -> bool:
    wanted = value.lower() if ignore_case else value
    return any(fnmatchcase(wanted, p.lower() if ignore_case else p) for p in patterns if isinstance(p, str))


Decision = Literal["allow", "deny"] | None
"""``deny``: an explicit Deny matches; ``allow``: an Allow matches and no Deny does; None: no statement grants."""


def decide(
    policy_text: str | None,
    account_id: str,
    action: str,
    resource_arn: str,
    *,
    principal_arn: str | None = None,
) -> Decision:
    """What the policy says to ``account_id`` (or to the principal ``principal_arn`` of that account) about
    ``action`` on ``resource_arn``; the three answers make different AccessDenied messages."""
    allowed = False
    for statement in _statements(policy_text):
        applies = (
            _names_account(statement, account_id, principal_arn)
            and _matches(_as_list(statement.get("Action")), action, ignore_case=True)
            and _matches(_as_list(statement.get("Resource", "*")), resource_arn, ignore_case=False)
        )
        if not applies:
            continue
        if statement.get("Effect") == "Deny":
            return "deny"
        if statement.get("Effect") == "Allow" and "Condition" not in statement:
            allowed = True
    return "allow" if allowed else None


def allows(policy_text: str | None, account_id: str, action: str, resource_arn: str) -> bool:
    """Whether the policy grants ``account_id`` ``action`` on ``resource_arn``."""
    return decide(policy_text, account_id, action, resource_arn) == "allow"


@dataclass(frozen=True, slots=True)
class ReplicationGrant:
    """An account the policy lets replicate into the registry, and whether it may create repositories."""

    account_id: str
    """An account id, or ``*`` for everyone."""
    replicate: bool
    create_repository: bool

    @property
    def summary(self) -> str:
        """What the grant lets the account do, in one line (``account 111111111111 may replicate and create
        repositories``)."""
        who = "every account" if self.account_id == "*" else f"account {self.account_id}"
        if not self.replicate:
            return f"{who} is named but may not replicate (ecr:ReplicateImage is not granted)"
        create = "and create repositories" if self.create_repository else "into existing repositories only"
        return f"{who} may replicate {create}"


@dataclass(frozen=True, slots=True)
class RegistryPolicy:
    """A registry's permissions policy text, and its effect on incoming replication."""

    registry_id: str
    region: str
    text: str

    def allows(self, account_id: str, action: str, repository_name: str = "*") -> bool:
        partition = partition_for_region(self.region)
        arn = f"arn:{partition}:ecr:{self.region}:{self.registry_id}:repository/{repository_name}"
        return allows(self.text, account_id, action, arn)

    def incoming_replication(self) -> tuple[ReplicationGrant, ...]:
        """Every account a statement names for a replication action, with what the whole policy grants it
        (for any repository: a statement limited to some repositories counts as not granting)."""
        accounts: dict[str, None] = {}
        for statement in _statements(self.text):
            if _matches(
                _as_list(statement.get("Action")), "ecr:ReplicateImage", ignore_case=True
            ) or _matches(_as_list(statement.get("Action")), "ecr:CreateRepository", ignore_case=True):
                accounts.update(dict.fromkeys(account_of(p) for p in _principals(statement)))
        return tuple(
            ReplicationGrant(
                account,
                replicate=self.allows(account, "ecr:ReplicateImage"),
                create_repository=self.allows(account, "ecr:CreateRepository"),
            )
            for account in accounts
        )
