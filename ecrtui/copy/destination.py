"""Read what the destination already has: the repository and its tag rules, the manifests, the tags, the blobs.

Reads only, and few of them: one ``DescribeRepositories``, one ``DescribeImages`` for every manifest digest and tag
of the copy at once (only when something is missing does ECR refuse the whole call, and then each is asked alone),
and one ``BatchCheckLayerAvailability`` per 100 blobs, only for manifests the destination lacks. ``DescribeImages``
rather than ``BatchGetImage``: asking never counts as a pull, so a re-copy does not keep destination images from
ageing out under a lifecycle rule on pull time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ecrtui.copy.permissions import caller_account, refusal
from ecrtui.copy.reachability import EndpointUnreachable, ReachBudget, reached
from ecrtui.copy.request import Side
from ecrtui.ecr.errors import AccessDenied, EcrError, NotFound
from ecrtui.ecr.models import Repository
from ecrtui.ecr.transfers import LayerAvailability

__all__ = ["DestinationImages", "read_images", "read_layers", "read_repository", "tag_is_immutable"]


def tag_is_immutable(repository: Repository, tag: str) -> bool:
    """Whether ``tag`` may not move in ``repository``, with ECR's wildcard exclusion filters taken into account."""
    mode = repository.image_tag_mutability
    excluded = any(fnmatchcase(tag, pattern) for pattern in repository.tag_mutability_exclusion_filters)
    if mode == "IMMUTABLE_WITH_EXCLUSION":
        return not excluded
    if mode == "MUTABLE_WITH_EXCLUSION":
        return excluded
    return mode == "IMMUTABLE"


def read_repository(side: Side, reach: ReachBudget | None = None) -> tuple[Repository | None, str | None]:
    """The repository, or None when it does not exist; the second value is a problem (access denied, ...).
    ``reach``: the job's budget for an endpoint that does not answer (this is the first call to the destination)."""
    try:
        return reached(
            reach, side, lambda: side.service.get_repository(side.repository, side.registry_id)
        ), None
    except NotFound:
        return None, None
    except AccessDenied as error:
        account = caller_account(side)
        if account is not None and account != side.registry_id:
            return None, refusal(side, error, account, "read")
        return None, (
            f"access denied reading {side.uri}: {error} (the destination profile needs "
            "ecr:DescribeRepositories, ecr:DescribeImages, ecr:BatchCheckLayerAvailability and the push actions)"
        )
    except EndpointUnreachable as error:
        return None, str(error)
    except EcrError as error:
        return None, f"cannot read {side.uri}: {error}"


@dataclass(frozen=True, slots=True)
class DestinationImages:
    """Which of the asked digests the destination has, and where the asked tags point now."""

    present: frozenset[str] = frozenset()
    archived: frozenset[str] = frozenset()
    tags: dict[str, str] = field(default_factory=dict)


def read_images(side: Side, digests: Sequence[str], tags: Sequence[str]) -> DestinationImages:
    """One ``DescribeImages`` for everything asked; when some are missing, one call each (ECR refuses the lot)."""
    references = list(dict.fromkeys([*digests, *tags]))
    if not references:
        return DestinationImages()
    try:
        found = side.service.describe_images(side.repository, references, side.registry_id)
    except NotFound:
        found = []
        for reference in references:
            try:
                found += side.service.describe_images(side.repository, [reference], side.registry_id)
            except NotFound:
                continue
    asked_tags = set(tags)
    where = {tag: summary.digest for summary in found for tag in summary.tags if tag in asked_tags}
    return DestinationImages(
        present=frozenset(s.digest for s in found),
        archived=frozenset(s.digest for s in found if s.status in ("ARCHIVED", "ACTIVATING")),
        tags=where,
    )


def read_layers(side: Side, digests: Iterable[str]) -> dict[str, LayerAvailability]:
    """Availability of each blob (``BatchCheckLayerAvailability``, 100 per call)."""
    wanted = list(dict.fromkeys(digests))
    if not wanted:
        return {}
    return side.service.check_layers(side.repository, wanted, side.registry_id)
