"""Who may call a repository of another account: its repository policy decides, as on ECR.

ECR serves a call that names another account's registry (``registryId``, or a repository ARN) only when the
target repository's policy (``SetRepositoryPolicy``) allows the caller's account, its root, the caller's own ARN
or ``*`` the call's action (``ecr:PutImage``; wildcards such as ``ecr:*`` and ``ecr:Batch*``); an explicit Deny
wins. Otherwise ``AccessDeniedException`` with ECR's message. Calls into the caller's own registry stay allowed:
the sandbox models no IAM identity policy. Registry-level calls (replication, registry policy, account settings,
creation templates, backfills) name no repository and are not affected. Evaluation is
``ecrtui.ecr.registry_policy.decide`` (conditions are not evaluated; see docs/ecr-behaviour.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from moto.ecr.models import Repository, ecr_backends
from moto.iam.models import iam_backends

from ecrtui.ecr.refs import partition_for_region
from ecrtui.ecr.registry_policy import decide
from ecrtui.sandbox.errors import AccessDeniedException

__all__ = ["Caller", "caller_of", "check_call", "denial", "visible_to"]

_REPOSITORY_ARN = re.compile(r"^arn:aws[a-z-]*:ecr:([a-z0-9-]+):([0-9]{12}):repository/(.+)$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_NAMED_BY_ARN = frozenset({"TagResource", "UntagResource", "ListTagsForResource"})
_NAMED_BY_LIST = frozenset({"DescribeRepositories", "BatchGetRepositoryScanningConfiguration"})


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal behind a request: its account and ARN (an IAM user's, else the account root's)."""

    account_id: str
    arn: str


def caller_of(response: Any) -> Caller:
    """The caller of a moto request, found from its access key as moto finds the account."""
    account = str(response.current_account)
    key = iam_backends[account]["aws"].access_keys.get(response.get_access_key())
    user = getattr(key, "user_name", None)
    return Caller(account, f"arn:aws:iam::{account}:user/{user}" if user else f"arn:aws:iam::{account}:root")


def repository_arn(account_id: str, region: str, name: str) -> str:
    return f"arn:{partition_for_region(region)}:ecr:{region}:{account_id}:repository/{name}"


def denial(
    caller: Caller, action: str, account_id: str, region: str, name: str
) -> AccessDeniedException | None:
    """The error ECR answers ``caller`` for ``ecr:ACTION`` on repository ``name`` of ``account_id``, or None
    when the call is allowed (same account, or the repository's policy grants it)."""
    if caller.account_id == account_id:
        return None
    registries = ecr_backends[account_id]
    repository: Repository | None = (
        registries[region].repositories.get(name) if region in registries else None
    )
    arn = repository_arn(account_id, region, name)
    policy = repository.policy if repository is not None else None
    verdict = decide(policy, caller.account_id, f"ecr:{action}", arn, principal_arn=caller.arn)
    if verdict == "allow":
        return None
    reason = (
        "with an explicit deny in a resource-based policy"
        if verdict == "deny"
        else f"because no resource-based policy allows the ecr:{action} action"
    )
    return AccessDeniedException(
        f"User: {caller.arn} is not authorized to perform: ecr:{action} on resource: {arn} {reason}"
    )


def visible_to(caller: Caller, account_id: str, region: str, names: Iterable[str]) -> list[str]:
    """The repositories of a listing the caller may describe (a cross-account listing shows only those)."""
    return [n for n in names if denial(caller, "DescribeRepositories", account_id, region, n) is None]


def _targets(response: Any, action: str) -> list[tuple[str, str, str]]:
    """(account, region, repository) each repository the call names; empty for a registry-level call."""
    if action in _NAMED_BY_ARN:
        match = _REPOSITORY_ARN.match(str(response._get_param("resourceArn") or ""))
        return [(match.group(2), match.group(1), match.group(3))] if match else []
    account = response._get_param("registryId") or response.current_account
    if not isinstance(account, str) or not _ACCOUNT.match(account):
        return []  # the handler answers a malformed registry id as it always has
    if action in _NAMED_BY_LIST:
        return [(account, response.region, str(n)) for n in response._get_param("repositoryNames") or []]
    name = response._get_param("repositoryName")
    return [(account, response.region, name)] if isinstance(name, str) else []


def check_call(response: Any) -> None:
    """Raise ``AccessDeniedException`` when a repository the call names is another account's and its policy
    does not let the caller in (call with the runtime lock held: it reads moto's state)."""
    action = response._get_action()
    targets = _targets(response, action)
    if not targets:
        return
    caller = caller_of(response)
    for account, region, name in targets:
        error = denial(caller, action, account, region, name)
        if error is not None:
            raise error
