"""Replication operations of ``EcrService``: rules, per-image status, backfills, registry policy, creation templates.

Every call that takes a ``registryId`` sends one (the caller's registry unless told otherwise); ``DescribeRegistry``,
``PutReplicationConfiguration``, the registry policy and the creation templates take none in ECR's API: they are
always the caller's own registry in the service's region. Every change is refused in read-only mode before any
request, and input is checked before it is sent (``InvalidInput`` names the problem). Listings page (backfills 50
at a time, results 1,000) and stop when a ``threading.Event`` is set.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from typing import Any, cast

from ecrtui.ecr.creation_templates import RepositoryCreationTemplate
from ecrtui.ecr.errors import Cancelled, InvalidInput, NotFound, translating
from ecrtui.ecr.refs import InvalidReference, check_digest, check_repository_name, check_tag
from ecrtui.ecr.registry_policy import RegistryPolicy
from ecrtui.ecr.replication import (
    BackfillReport,
    BackfillResult,
    ImageReplication,
    ReplicationBackfill,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationStatus,
)
from ecrtui.ecr.service_base import ServiceBase

__all__ = ["BACKFILL_PAGE", "RESULTS_PAGE", "ReplicationOperations"]

BACKFILL_PAGE = 50
"""ECR's maximum page for ListReplicationBackfills."""
RESULTS_PAGE = 1000
"""ECR's maximum page for DescribeReplicationBackfillResults and DescribeRepositoryCreationTemplates."""
_BACKFILL_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _check_backfill_id(backfill_id: str) -> None:
    if not _BACKFILL_ID.match(backfill_id):
        raise InvalidInput(f"{backfill_id!r} is not a replication backfill id (a UUID)")


def _image_id(reference: str) -> dict[str, str]:
    """A tag or a ``sha256:`` digest as an ``imageId``, checked before sending."""
    try:
        if reference.startswith("sha256:"):
            return {"imageDigest": check_digest(reference)}
        return {"imageTag": check_tag(reference)}
    except InvalidReference as error:
        raise InvalidInput(str(error)) from None


class ReplicationOperations(ServiceBase):
    """ECR's own replication of a registry (the caller's, or another account's where the API allows)."""

    region: str

    # -- rules ------------------------------------------------------------------------------------------------

    def put_replication_configuration(
        self, configuration: ReplicationConfiguration
    ) -> ReplicationConfiguration:
        """Replace the caller's registry's rules (all of them) after checking them; returns what ECR kept."""
        self._guard("PutReplicationConfiguration")
        source = ReplicationConfiguration(self.account_id, configuration.rules)
        source.validate(self.region)
        with translating("PutReplicationConfiguration"):
            response = self._ecr.put_replication_configuration(
                replicationConfiguration=cast(Any, source.to_api())  # stubs predate deleteReplication
            )
        return ReplicationConfiguration.from_api(
            {
                "registryId": self.account_id,
                "replicationConfiguration": response.get("replicationConfiguration"),
            }
        )

    # -- per-image status ---------------------------------------------------------------------------------------

    def get_image_replication(
        self, repository_name: str, reference: str, registry_id: str | None = None
    ) -> ImageReplication:
        """An image's replication to each destination (by tag or digest); ``NotFound`` for an unknown image."""
        try:
            check_repository_name(repository_name)
        except InvalidReference as error:
            raise InvalidInput(str(error)) from None
        with translating("DescribeImageReplicationStatus"):
            response = self._ecr.describe_image_replication_status(
                registryId=self._rid(registry_id),
                repositoryName=repository_name,
                imageId=cast(Any, _image_id(reference)),
            )
        return ImageReplication.from_api(dict(response))

    # -- backfills ----------------------------------------------------------------------------------------------

    def start_replication_backfill(
        self, destination: ReplicationDestination, registry_id: str | None = None
    ) -> ReplicationBackfill:
        """Start copying the registry's existing images to one destination of its rules (``PREPARING``).

        ECR refuses a second backfill to a region that has one in progress (``Conflict``).
        """
        self._guard("StartReplicationBackfill")
        destination.check()
        rid = self._rid(registry_id)
        with translating("StartReplicationBackfill"):
            response = self._ecr.start_replication_backfill(
                registryId=rid, destination=cast(Any, destination.to_api())
            )
        return ReplicationBackfill.from_api(dict(response), rid)

    def stop_replication_backfill(
        self, backfill_id: str, registry_id: str | None = None
    ) -> ReplicationBackfill:
        """Stop a backfill: ``STOPPED``, or ``STOPPING`` while replications in flight finish."""
        self._guard("StopReplicationBackfill")
        _check_backfill_id(backfill_id)
        rid = self._rid(registry_id)
        with translating("StopReplicationBackfill"):
            response = self._ecr.stop_replication_backfill(registryId=rid, replicationBackfillId=backfill_id)
        return ReplicationBackfill.from_api(dict(response), rid)

    def iter_replication_backfill_pages(
        self,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
        page_size: int = BACKFILL_PAGE,
    ) -> Iterator[list[ReplicationBackfill]]:
        """Pages of the registry's backfills, newest first; stops quietly when ``cancel`` is set."""
        rid = self._rid(registry_id)
        params: dict[str, Any] = {"registryId": rid, "maxResults": page_size}
        while not (cancel is not None and cancel.is_set()):
            with translating("ListReplicationBackfills"):
                response = self._ecr.list_replication_backfills(**params)
            yield [ReplicationBackfill.from_api(b, rid) for b in response.get("backfills", [])]
            if not response.get("nextToken"):
                return
            params["nextToken"] = response["nextToken"]

    def list_replication_backfills(
        self, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> list[ReplicationBackfill]:
        """Every backfill ECR still lists (ended ones for 90 days), newest first."""
        return [b for page in self.iter_replication_backfill_pages(registry_id, cancel=cancel) for b in page]

    def get_replication_backfill(
        self, backfill_id: str, registry_id: str | None = None
    ) -> ReplicationBackfill:
        """One backfill's status and progress (one small call: what a watcher polls)."""
        _check_backfill_id(backfill_id)
        rid = self._rid(registry_id)
        with translating("DescribeReplicationBackfillResults"):
            response = self._ecr.describe_replication_backfill_results(
                registryId=rid, replicationBackfillId=backfill_id, maxResults=1
            )
        return ReplicationBackfill.from_api(dict(response), rid)

    def iter_backfill_result_pages(
        self,
        backfill_id: str,
        registry_id: str | None = None,
        *,
        status: ReplicationStatus | None = None,
        cancel: threading.Event | None = None,
        page_size: int = RESULTS_PAGE,
    ) -> Iterator[tuple[ReplicationBackfill, list[BackfillResult]]]:
        """Pages of a backfill's per-image results (published once it has ended), each with the backfill as it
        was; ``status`` keeps only ``COMPLETE`` or ``FAILED`` results. Stops quietly on ``cancel``."""
        _check_backfill_id(backfill_id)
        rid = self._rid(registry_id)
        params: dict[str, Any] = {
            "registryId": rid,
            "replicationBackfillId": backfill_id,
            "maxResults": page_size,
        }
        if status is not None:
            params["resultStatusFilter"] = str(status)
        while not (cancel is not None and cancel.is_set()):
            with translating("DescribeReplicationBackfillResults"):
                response = self._ecr.describe_replication_backfill_results(**params)
            backfill = ReplicationBackfill.from_api(dict(response), rid)
            yield backfill, [BackfillResult.from_api(r) for r in response.get("results", [])]
            if not response.get("nextToken"):
                return
            params["nextToken"] = response["nextToken"]

    def get_backfill_report(
        self,
        backfill_id: str,
        registry_id: str | None = None,
        *,
        status: ReplicationStatus | None = None,
        cancel: threading.Event | None = None,
    ) -> BackfillReport:
        """A backfill with all its results; ``Cancelled`` rather than a partial report."""
        last: ReplicationBackfill | None = None
        results: list[BackfillResult] = []
        for backfill, page in self.iter_backfill_result_pages(
            backfill_id, registry_id, status=status, cancel=cancel
        ):
            last = backfill
            results.extend(page)
        if last is None or (cancel is not None and cancel.is_set()):
            raise Cancelled(
                "Cancelled while reading the backfill's results",
                operation="DescribeReplicationBackfillResults",
            )
        return BackfillReport(last, tuple(results))

    # -- registry policy ----------------------------------------------------------------------------------------

    def get_registry_policy(self) -> RegistryPolicy | None:
        """The caller's registry permissions policy, or None when there is none."""
        try:
            with translating("GetRegistryPolicy"):
                response = self._ecr.get_registry_policy()
        except NotFound as error:
            if error.code == "RegistryPolicyNotFoundException":
                return None
            raise
        return RegistryPolicy(
            str(response.get("registryId") or self.account_id), self.region, response["policyText"]
        )

    def put_registry_policy(self, policy_text: str) -> RegistryPolicy:
        """Replace the caller's registry policy (the JSON is checked before sending)."""
        self._guard("PutRegistryPolicy")
        _check_policy_json(policy_text)
        with translating("PutRegistryPolicy"):
            response = self._ecr.put_registry_policy(policyText=policy_text)
        return RegistryPolicy(str(response.get("registryId") or self.account_id), self.region, policy_text)

    def delete_registry_policy(self) -> None:
        self._guard("DeleteRegistryPolicy")
        with translating("DeleteRegistryPolicy"):
            self._ecr.delete_registry_policy()

    # -- repository creation templates --------------------------------------------------------------------------

    def list_creation_templates(
        self, prefixes: list[str] | None = None, *, cancel: threading.Event | None = None
    ) -> list[RepositoryCreationTemplate]:
        """The caller's registry's creation templates (all pages), or those of ``prefixes``."""
        params: dict[str, Any] = {"maxResults": RESULTS_PAGE}
        if prefixes:
            params = {"prefixes": prefixes}
        templates: list[RepositoryCreationTemplate] = []
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Cancelled while listing creation templates")
            with translating("DescribeRepositoryCreationTemplates"):
                response = self._ecr.describe_repository_creation_templates(**params)
            templates.extend(
                RepositoryCreationTemplate.from_api(t)
                for t in response.get("repositoryCreationTemplates", [])
            )
            if not response.get("nextToken"):
                return templates
            params["nextToken"] = response["nextToken"]

    def create_creation_template(self, template: RepositoryCreationTemplate) -> RepositoryCreationTemplate:
        self._guard("CreateRepositoryCreationTemplate")
        with translating("CreateRepositoryCreationTemplate"):
            response = self._ecr.create_repository_creation_template(**template.to_api())
        return RepositoryCreationTemplate.from_api(response["repositoryCreationTemplate"])

    def update_creation_template(self, template: RepositoryCreationTemplate) -> RepositoryCreationTemplate:
        self._guard("UpdateRepositoryCreationTemplate")
        with translating("UpdateRepositoryCreationTemplate"):
            response = self._ecr.update_repository_creation_template(**template.to_api())
        return RepositoryCreationTemplate.from_api(response["repositoryCreationTemplate"])

    def delete_creation_template(self, prefix: str) -> None:
        self._guard("DeleteRepositoryCreationTemplate")
        with translating("DeleteRepositoryCreationTemplate"):
            self._ecr.delete_repository_creation_template(prefix=prefix)


def _check_policy_json(policy_text: str) -> None:
    try:
        document = json.loads(policy_text)
    except ValueError as error:
        raise InvalidInput(f"The registry policy is not valid JSON: {error}") from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise InvalidInput('The registry policy must be a JSON object with a "Statement"')
