"""Tag mutability with exclusion filters in ``CreateRepository`` and ``PutImageTagMutability``, checked as ECR does.

botocore's model: ``imageTagMutability`` is MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION;
``imageTagMutabilityExclusionFilters`` holds 1-5 filters, each ``{"filterType": "WILDCARD", "filter": F}`` with F
matching ``^[0-9a-zA-Z._*-]{1,128}$``. Filters go with the ``_WITH_EXCLUSION`` settings and only with them.
botocore checks none of this on the client (only the list's minimum length), and moto 5.2.5 accepts six filters,
filters with spaces, and IMMUTABLE with filters (quietly turning it into IMMUTABLE_WITH_EXCLUSION); its
``PutImageTagMutability`` answer also drops the filters. The sandbox refuses what ECR refuses, with
``InvalidParameterException``, and answers with the filters.
"""

from __future__ import annotations

import re
from typing import Any, cast

from moto.core.responses import ActionResult

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.handler_support import MOTO_HANDLERS, repository_for

MUTABILITIES = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
WITH_EXCLUSION = ("IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
MAX_FILTERS = 5
_FILTER = re.compile(r"^[0-9a-zA-Z._*-]{1,128}$")
_AT = "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: "


def check_mutability(mutability: object, filters: object) -> None:
    """Refuse a mutability setting and filter list ECR would refuse."""
    if mutability not in MUTABILITIES:
        raise InvalidParameterException(
            "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum "
            f"value set: [{', '.join(MUTABILITIES)}]' (got {mutability!r})"
        )
    if filters is None:
        if mutability in WITH_EXCLUSION:
            raise InvalidParameterException(
                f"{_AT}'ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as "
                f"{mutability}'"
            )
        return
    if mutability not in WITH_EXCLUSION:
        raise InvalidParameterException(
            f"{_AT}'ImageTagMutabilityExclusionFilters must be null when imageTagMutability is set as {mutability}'"
        )
    if not isinstance(filters, list) or not 1 <= len(filters) <= MAX_FILTERS:
        count = len(filters) if isinstance(filters, list) else filters
        raise InvalidParameterException(
            f"{_AT}'Member must have length between 1 and {MAX_FILTERS}' (got {count})"
        )
    for entry in filters:
        if not isinstance(entry, dict) or entry.get("filterType") != "WILDCARD":
            kind = entry.get("filterType") if isinstance(entry, dict) else entry
            raise InvalidParameterException(
                f"{_AT}'filterType must satisfy enum value set: [WILDCARD]' (got {kind!r})"
            )
        value = entry.get("filter")
        if not isinstance(value, str) or not _FILTER.match(value):
            raise InvalidParameterException(
                f"{_AT}'filter must satisfy regular expression '^[0-9a-zA-Z._*-]{{1,128}}$'' (got {value!r})"
            )


def create_repository(self: Any) -> ActionResult:
    """moto's ``CreateRepository`` once the mutability settings pass ECR's checks."""
    mutability = self._get_param("imageTagMutability") or "MUTABLE"
    check_mutability(mutability, self._get_param("imageTagMutabilityExclusionFilters"))
    return cast(ActionResult, MOTO_HANDLERS["create_repository"](self))


def put_image_tag_mutability(self: Any) -> ActionResult:
    """Set a repository's tag mutability and exclusion filters; the answer repeats both."""
    repository = repository_for(self)
    mutability = self._get_param("imageTagMutability")
    filters = self._get_param("imageTagMutabilityExclusionFilters")
    check_mutability(mutability, filters)
    repository.image_tag_mutability = mutability
    repository.image_tag_mutability_exclusion_filters = filters
    result: dict[str, Any] = {
        "registryId": repository.registry_id,
        "repositoryName": repository.name,
        "imageTagMutability": mutability,
    }
    if filters:
        result["imageTagMutabilityExclusionFilters"] = filters
    return ActionResult(result)
