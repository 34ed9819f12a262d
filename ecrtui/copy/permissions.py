"""Whether the destination will take the copy's writes, learnt before any write.

A push into another account's repository needs that repository's policy to allow the caller's account the push
actions; ECR refuses each call otherwise. The planner finds out without writing, in this order:

- its reads of the destination (``DescribeRepositories``, ``DescribeImages``, ``BatchCheckLayerAvailability``) are
  refused: ``AccessDeniedException`` names the action, so the plan says which one the policy must allow;
- ``GetRepositoryPolicy`` is readable (the policy grants ``ecr:GetRepositoryPolicy``): the policy is evaluated
  for each push action the copy needs (``ecrtui.ecr.registry_policy.decide``);
- otherwise nothing short of a write can tell, and the plan notes it: a refusal during the copy then stops it at
  the first upload, before any manifest or tag is written.

Calls into the caller's own account are not checked: IAM identity policies cannot be read or simulated with
ECR's API alone. See docs/ecr-behaviour.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecrtui.copy.request import Side
from ecrtui.ecr.errors import AccessDenied, EcrError
from ecrtui.ecr.refs import partition_for_region
from ecrtui.ecr.registry_policy import decide

__all__ = [
    "PULL_ACTIONS",
    "PUSH_ACTIONS",
    "AccessCheck",
    "caller_account",
    "check_access",
    "push_actions",
    "refusal",
]

UPLOAD_ACTIONS = ("ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload")
PUSH_ACTIONS = (*UPLOAD_ACTIONS, "ecr:PutImage")
PULL_ACTIONS = ("ecr:GetDownloadUrlForLayer",)
"""What pulling the blobs needs beyond the manifest reads the plan has already made (``BatchGetImage``)."""

_REFUSED_ACTION = re.compile(r"not authorized to perform: (ecr:[A-Za-z]+)")


@dataclass(frozen=True, slots=True)
class AccessCheck:
    """What the permission check found: a problem that blocks the copy, or a note that it could not tell."""

    problem: str | None = None
    note: str | None = None


def _where(side: Side) -> str:
    return f"{side.registry_id}/{side.repository}"


def _grant_hint(side: Side, account: str, actions: list[str]) -> str:
    return (
        f"add a statement to the repository policy of {_where(side)} that allows "
        f"arn:aws:iam::{account}:root {', '.join(actions)}"
    )


def refusal(side: Side, error: AccessDenied, caller_account: str | None, doing: str) -> str:
    """A refused call at ``side`` as a plan problem that says what to fix (``doing``: "read", "push to")."""
    match = _REFUSED_ACTION.search(str(error))
    if match is None or caller_account is None or caller_account == side.registry_id:
        return f"access denied when trying to {doing} {side.uri}: {error}"
    action = match.group(1)
    unknown = (
        " (ECR answers the same when the repository does not exist)"
        if action == "ecr:DescribeRepositories"
        else ""
    )
    return (
        f"no permission to {doing} {_where(side)}: the repository policy does not allow {action} for account "
        f"{caller_account} ({_grant_hint(side, caller_account, [action])}){unknown}"
    )


def caller_account(side: Side) -> str | None:
    """The account of the side's credentials (cached by the service), None when it cannot be learnt."""
    try:
        return side.service.account_id
    except EcrError:
        return None


def check_access(side: Side, actions: tuple[str, ...], doing: str) -> AccessCheck:
    """Whether the caller may do ``actions`` at ``side`` (``doing``: "push to", "pull from"), from its policy."""
    account = caller_account(side)
    if account is None or account == side.registry_id or not actions:
        return AccessCheck()
    try:
        policy = side.service.get_repository_policy(side.repository, side.registry_id)
    except AccessDenied:
        return AccessCheck(
            note=(
                f"permission to {doing} {_where(side)} not checked: its repository policy is not readable by "
                f"account {account} (allowing ecr:GetRepositoryPolicy lets the plan check it); a refusal stops "
                "the copy before any manifest or tag is written"
            )
        )
    except EcrError as error:
        return AccessCheck(note=f"permission to {doing} {_where(side)} not checked: {error}")
    region = side.region
    arn = f"arn:{partition_for_region(region)}:ecr:{region}:{side.registry_id}:repository/{side.repository}"
    identity_arn = side.service.identity().arn
    verdicts = {a: decide(policy, account, a, arn, principal_arn=identity_arn) for a in actions}
    denied = [a for a, v in verdicts.items() if v == "deny"]
    if denied:
        return AccessCheck(
            problem=(
                f"no permission to {doing} {_where(side)}: the repository policy denies {', '.join(denied)} to "
                f"account {account} (remove or narrow that Deny statement)"
            )
        )
    missing = [a for a, v in verdicts.items() if v is None]
    if not missing:
        return AccessCheck()
    why = (
        f"the repository has no policy, so account {account} may not {', '.join(missing)}"
        if policy is None
        else f"the repository policy does not allow {', '.join(missing)} for account {account}"
    )
    return AccessCheck(
        problem=f"no permission to {doing} {_where(side)}: {why} ({_grant_hint(side, account, missing)})"
    )


def push_actions(uploads: bool) -> tuple[str, ...]:
    """What a push needs: the upload actions when blobs go up, ``PutImage`` for manifests and tags."""
    return PUSH_ACTIONS if uploads else ("ecr:PutImage",)
