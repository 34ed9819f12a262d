"""ECR's replication calls: the configuration (validated as ECR does), per-image status, and backfills.

moto implements only ``PutReplicationConfiguration`` (one rule at most) and ``DescribeRegistry``; the rest is the
sandbox's (see ``replication``, ``backfills`` and ``docs/ecr-behaviour.md``).
"""

from __future__ import annotations

import re
from typing import Any

from moto.core.responses import ActionResult

from ecrtui.sandbox import backfills
from ecrtui.sandbox.errors import ImageNotFoundException, InvalidParameterException
from ecrtui.sandbox.handler_support import backend_for, find_image, repository_for, with_token
from ecrtui.sandbox.model_checks import check_enum, check_length, check_pattern, expect_object, expect_string
from ecrtui.sandbox.paging import paginate
from ecrtui.sandbox.replication import state_of
from ecrtui.sandbox.replication_rules import REGION, REGISTRY_ID, Destination, validate_configuration

__all__ = [
    "describe_image_replication_status",
    "describe_replication_backfill_results",
    "list_replication_backfills",
    "put_replication_configuration",
    "start_replication_backfill",
    "stop_replication_backfill",
]

BACKFILL_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
LIST_DEFAULT_PAGE = 25
LIST_MAX_PAGE = 50


def put_replication_configuration(self: Any) -> ActionResult:
    """Replace the registry's rules (up to 25 of up to 100 destinations), validated before anything is kept."""
    backend = backend_for(self)
    config = validate_configuration(
        self._get_param("replicationConfiguration"), account_id=backend.account_id, region=backend.region_name
    )
    backend.replication_config = config
    return ActionResult({"replicationConfiguration": config})


def describe_image_replication_status(self: Any) -> ActionResult:
    """Per destination: ``IN_PROGRESS``, then ``COMPLETE`` or ``FAILED`` with a failure code."""
    repository = repository_for(self)
    image_id = expect_object(self._get_param("imageId"), "imageId")
    image = find_image(repository, image_id)
    if image is None:
        raise ImageNotFoundException(
            f"The image with imageId {image_id} does not exist within the repository with name "
            f"'{repository.name}' in the registry with id '{repository.registry_id}'"
        )
    statuses = state_of(backend_for(self)).statuses.get((repository.name, image.image_digest), {})
    replied = {"imageDigest": image.image_digest}
    if image_id.get("imageTag"):
        replied["imageTag"] = image_id["imageTag"]
    entries: list[dict[str, str]] = []
    for destination, (status, code) in statuses.items():
        entry = {"region": destination.region, "registryId": destination.registry_id, "status": status}
        if code:
            entry["failureCode"] = code
        entries.append(entry)
    return ActionResult(
        {"repositoryName": repository.name, "imageId": replied, "replicationStatuses": entries}
    )


def _destination(self: Any) -> Destination:
    raw = expect_object(self._get_param("destination"), "destination")
    region = expect_string(raw.get("region"), "destination.region")
    check_length(region, "destination.region", 2, 25)
    check_pattern(region, "destination.region", REGION)
    registry_id = expect_string(raw.get("registryId"), "destination.registryId")
    check_pattern(registry_id, "destination.registryId", REGISTRY_ID)
    return Destination(region, registry_id)


def _backfill_id(self: Any) -> str:
    backfill_id = expect_string(self._get_param("replicationBackfillId"), "replicationBackfillId")
    check_pattern(backfill_id, "replicationBackfillId", BACKFILL_ID)
    return backfill_id


def _started(backfill: backfills.Backfill) -> dict[str, Any]:
    return {
        "replicationBackfillId": backfill.backfill_id,
        "registryId": backfill.registry_id,
        "destination": backfill.destination.to_api(),
        "status": backfill.status,
        "startedAt": backfill.started_at,
    }


def start_replication_backfill(self: Any) -> ActionResult:
    return ActionResult(_started(backfills.start(backend_for(self), _destination(self))))


def stop_replication_backfill(self: Any) -> ActionResult:
    return ActionResult(_started(backfills.stop(backend_for(self), _backfill_id(self))))


def _list_page_size(value: Any) -> int:
    """``ListReplicationBackfills`` pages hold 1-50 backfills, 25 by default."""
    if value is None:
        return LIST_DEFAULT_PAGE
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= LIST_MAX_PAGE:
        raise InvalidParameterException(
            f"Invalid parameter at 'maxResults' failed to satisfy constraint: "
            f"'Member must have value between 1 and {LIST_MAX_PAGE}' (got {value!r})"
        )
    return value


def list_replication_backfills(self: Any) -> ActionResult:
    """The registry's backfills, newest first, with status and progress."""
    backend = backend_for(self)
    newest_first = list(reversed(state_of(backend).backfills.values()))
    page, token = paginate(
        newest_first,
        lambda b: b.backfill_id,
        "backfills",
        _list_page_size(self._get_param("maxResults")),
        self._get_param("nextToken"),
    )
    return with_token({"registryId": backend.account_id, "backfills": [b.summary() for b in page]}, token)


def describe_replication_backfill_results(self: Any) -> ActionResult:
    """Status and progress, and the per-image results once the backfill has ended (paged, 100 by default)."""
    backend = backend_for(self)
    backfill = backfills.find(backend, _backfill_id(self))
    wanted = self._get_param("resultStatusFilter")
    if wanted is not None:
        check_enum(wanted, "resultStatusFilter", ("COMPLETE", "FAILED"))
    results = backfill.results if backfill.status in backfills.TERMINAL else []
    if wanted is not None:
        results = [r for r in results if r["status"] == wanted]
    page, token = paginate(
        results,
        lambda r: f"{r['repositoryName']}@{r['imageId']['imageDigest']}:{r['imageId'].get('imageTag', '')}",
        f"backfill-results:{backfill.backfill_id}:{wanted or ''}",
        self._get_param("maxResults"),
        self._get_param("nextToken"),
    )
    return with_token({"registryId": backend.account_id, **backfill.summary(), "results": list(page)}, token)
