"""``CachedEcr``'s replication reads against a sandbox over HTTP: what is kept (the rules, the registry policy, final
statuses, an ended backfill's results), what is always asked (backfills, statuses still in progress), and what each
change forgets. API call counts are the evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.replication import (
    BackfillStatus,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationRule,
    ReplicationStatus,
)
from ecrtui.ecr.service import EcrService
from tests.conftest import start_sandbox
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
PROD_WEST = ReplicationDestination("eu-west-1", PROD)
ELSEWHERE_WEST = ReplicationDestination("us-west-2", ELSEWHERE)
API_TAG = "v1.4.2"


@pytest.fixture
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    started = start_sandbox(
        tmp_path_factory.mktemp("cache-replication"), "--seed", "demo", "--replication-delay-ms", "20"
    )
    try:
        yield started
    finally:
        started.stop()


def cached(sandbox: SandboxProcess) -> CachedEcr:
    return CachedEcr(EcrService(session=sandbox.session("demo-dev")))


def calls(cache: CachedEcr, operation: str) -> int:
    return cache.call_counts.get(operation, 0)


def api_digest(cache: CachedEcr) -> str:
    return next(i.digest for i in cache.list_images("web/api") if API_TAG in i.tags)


def test_rules_and_policy_are_kept_until_the_rules_change(sandbox: SandboxProcess) -> None:
    cache = cached(sandbox)
    first = cache.get_replication_configuration()
    assert first.rules[0].destinations == (PROD_WEST,)
    assert cache.get_replication_configuration() == first
    assert cache.get_registry_policy() is None  # demo-dev has none
    cache.get_registry_policy()
    assert (calls(cache, "DescribeRegistry"), calls(cache, "GetRegistryPolicy")) == (1, 1)
    wider = ReplicationConfiguration(DEV, (ReplicationRule((PROD_WEST, ELSEWHERE_WEST), ("web/",)),))
    cache.put_replication_configuration(wider)
    assert cache.get_replication_configuration().rules == wider.rules
    assert calls(cache, "DescribeRegistry") == 2
    prod = CachedEcr(EcrService(session=sandbox.session("demo-prod")))
    grants = prod.get_registry_policy()
    assert grants is not None
    assert [g.summary for g in grants.incoming_replication()] == [
        "account 111111111111 may replicate and create repositories"
    ]


def test_backfills_are_always_asked_and_an_ended_ones_results_are_kept(sandbox: SandboxProcess) -> None:
    cache = cached(sandbox)
    assert cache.recent_replication_backfills() == []
    started = cache.start_replication_backfill(PROD_WEST)

    def ended() -> bool:
        listed = cache.recent_replication_backfills()
        return bool(listed) and listed[0].status is BackfillStatus.COMPLETE

    wait_until(ended, "the backfill to complete")
    listings = calls(cache, "ListReplicationBackfills")
    cache.recent_replication_backfills()
    assert calls(cache, "ListReplicationBackfills") == listings + 1, "never cached: progress moves at ECR"
    report = cache.get_backfill_results(started.backfill_id, limit=5)
    assert len(report.results) == 5
    assert report.backfill.progress is not None
    assert report.backfill.progress.total > 5
    asked = calls(cache, "DescribeReplicationBackfillResults")
    assert cache.get_backfill_results(started.backfill_id, limit=5) == report
    assert calls(cache, "DescribeReplicationBackfillResults") == asked, "an ended backfill's results are kept"


def test_results_list_failures_first_within_the_limit(sandbox: SandboxProcess) -> None:
    cache = cached(sandbox)
    # Another account without a registry policy: every image of the backfill fails there.
    cache.put_replication_configuration(
        ReplicationConfiguration(DEV, (ReplicationRule((ELSEWHERE_WEST,), ("web/api",)),))
    )
    failing = cache.start_replication_backfill(ELSEWHERE_WEST)
    wait_until(lambda: cache.recent_replication_backfills()[0].status.is_final, "the failing backfill to end")
    cache.put_replication_configuration(
        ReplicationConfiguration(
            DEV, (ReplicationRule((ELSEWHERE_WEST,), ("web/api",)), ReplicationRule((PROD_WEST,), ("web/",)))
        )
    )
    mixed = cache.start_replication_backfill(PROD_WEST)
    wait_until(lambda: cache.recent_replication_backfills()[0].status.is_final, "the second backfill to end")
    report = cache.get_backfill_results(failing.backfill_id, limit=3)
    assert [r.status for r in report.results] == [ReplicationStatus.FAILED] * 3
    assert report.results[0].failure_code == "ReplicateImageAccessDenied"
    assert "does not allow the source account ecr:ReplicateImage" in report.results[0].detail
    complete = cache.get_backfill_results(mixed.backfill_id, limit=2)
    assert [r.status for r in complete.results] == [ReplicationStatus.COMPLETE] * 2


def test_an_images_status_is_kept_only_once_final_and_forgotten_by_a_backfill(
    sandbox: SandboxProcess,
) -> None:
    cache = cached(sandbox)
    digest = api_digest(cache)
    before = cache.get_image_replication("web/api", digest)
    assert before.statuses == ()  # pushed before the rule
    cache.get_image_replication("web/api", digest)
    assert calls(cache, "DescribeImageReplicationStatus") == 2, (
        "no status yet is not kept: a backfill gives one"
    )
    cache.start_replication_backfill(PROD_WEST)
    final = wait_until(
        lambda: (
            (r := cache.get_image_replication("web/api", digest, refresh=True)).statuses and r.is_final and r
        ),
        "the image's replication to finish",
    )
    assert [(s.destination, s.status) for s in final.statuses] == [(PROD_WEST, ReplicationStatus.COMPLETE)]
    asked = calls(cache, "DescribeImageReplicationStatus")
    assert cache.get_image_replication("web/api", digest) == final
    assert calls(cache, "DescribeImageReplicationStatus") == asked
    cache.add_tag("web/api", digest, "replicated-again")  # the repository's images changed
    cache.get_image_replication("web/api", digest)
    assert calls(cache, "DescribeImageReplicationStatus") == asked + 1


def test_a_status_in_progress_is_asked_again(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Replication takes 5 s here, so the status read right after the push is IN_PROGRESS.
    slow = start_sandbox(
        tmp_path_factory.mktemp("cache-replication-slow"), "--seed", "demo", "--replication-delay-ms", "5000"
    )
    try:
        cache = cached(slow)
        ecr = slow.session("demo-dev").client("ecr")
        digest = api_digest(cache)
        image = ecr.batch_get_image(repositoryName="web/api", imageIds=[{"imageDigest": digest}])["images"][0]
        ecr.put_image(
            repositoryName="web/api",
            imageManifest=image["imageManifest"],
            imageManifestMediaType=json.loads(image["imageManifest"])["mediaType"],
            imageTag="pushed-now",
        )
        seen = cache.get_image_replication("web/api", "pushed-now")
        assert [(s.destination, s.status) for s in seen.statuses] == [
            (PROD_WEST, ReplicationStatus.IN_PROGRESS)
        ]
        cache.get_image_replication("web/api", "pushed-now")
        assert calls(cache, "DescribeImageReplicationStatus") == 2
    finally:
        slow.stop()
