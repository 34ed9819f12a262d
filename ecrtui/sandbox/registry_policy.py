"""Whether a registry's permissions policy lets another account replicate into it.

moto stores registry policies (``PutRegistryPolicy``, accepting only ``ecr:ReplicateImage`` and
``ecr:CreateRepository``, as ECR's replication policies do) but never evaluates them. Cross-account replication
needs the destination registry's policy to allow the source account ``ecr:ReplicateImage``, and
``ecr:CreateRepository`` when the repository must be created. This is IAM's evaluation reduced to what such a
policy holds: an explicit ``Deny`` wins, otherwise an ``Allow`` must match principal, action and resource.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any

__all__ = ["allows"]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _names_account(principal: Any, account_id: str) -> bool:
    """``"*"``, or an ``AWS`` principal naming the account: its id or its root ARN (any partition)."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for name in _as_list(principal.get("AWS")):
        if name in ("*", account_id):
            return True
        if isinstance(name, str) and re.fullmatch(rf"arn:aws[a-z-]*:iam::{account_id}:root", name):
            return True
    return False


def _matches(patterns: list[Any], value: str, *, ignore_case: bool) -> bool:
    wanted = value.lower() if ignore_case else value
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        if fnmatchcase(wanted, pattern.lower() if ignore_case else pattern):
            return True
    return False


def allows(policy_text: str | None, account_id: str, action: str, resource_arn: str) -> bool:
    """Whether the policy grants ``account_id`` ``action`` (``ecr:ReplicateImage``) on ``resource_arn``.

    Statements with a ``Condition`` are not evaluated: such an ``Allow`` does not count and such a ``Deny`` does,
    the safe reading when the condition cannot be known.
    """
    if not policy_text:
        return False
    try:
        policy = json.loads(policy_text)
    except ValueError:
        return False
    allowed = False
    for statement in _as_list(policy.get("Statement") if isinstance(policy, dict) else None):
        if not isinstance(statement, dict):
            continue
        applies = (
            _names_account(statement.get("Principal"), account_id)
            and _matches(_as_list(statement.get("Action")), action, ignore_case=True)
            and _matches(_as_list(statement.get("Resource", "*")), resource_arn, ignore_case=False)
        )
        if not applies:
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow" and "Condition" not in statement:
            allowed = True
    return allowed
