"""Replication backfills in the sandbox, through plain boto3 over HTTP, exactly as botocore's model shapes them.

Two sandboxes: a fast one (20 ms per replication) for backfills that run to the end, and a slow one (1 s per
replication: preparing takes 1 s and the demo's 50-odd ``web/`` replications about a minute) for what can only be seen
while a backfill runs: progress counts, the second backfill refused, stopping, a change while preparing. Every
wait is on a condition with a deadline.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import start_sandbox
from tests.ecr.pushing import push_image, push_index
from tests.replication_counts import demo_web_replications
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
TERMINAL = ("COMPLETE", "FAILED", "STOPPED")
_names = itertools.count()


def _sandbox(tmp_path_factory: pytest.TempPathFactory, delay_ms: str) -> Iterator[SandboxProcess]:
    started = start_sandbox(
        tmp_path_factory.mktemp(f"backfills-{delay_ms}"), "--seed", "demo", "--replication-delay-ms", delay_ms
    )
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    yield from _sandbox(tmp_path_factory, "20")


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    yield from _sandbox(tmp_path_factory, "1000")


def rule(region: str, account: str, prefix: str) -> dict[str, Any]:
    return {
        "destinations": [{"region": region, "registryId": account}],
        "repositoryFilters": [{"filter": prefix, "filterType": "PREFIX_MATCH"}],
    }


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def start(client: Any, region: str, account: str) -> dict[str, Any]:
    return dict(client.start_replication_backfill(destination={"region": region, "registryId": account}))


def describe(client: Any, backfill_id: str, **kwargs: Any) -> dict[str, Any]:
    return dict(client.describe_replication_backfill_results(replicationBackfillId=backfill_id, **kwargs))


def ended(client: Any, backfill_id: str) -> dict[str, Any] | None:
    found = describe(client, backfill_id)
    return found if found["status"] in TERMINAL else None


def all_results(client: Any, backfill_id: str, **kwargs: Any) -> list[dict[str, Any]]:
    paginator = client.get_paginator("describe_replication_backfill_results")
    pages = paginator.paginate(replicationBackfillId=backfill_id, **kwargs)
    return [result for page in pages for result in page["results"]]


@pytest.fixture
def existing(fast: SandboxProcess) -> tuple[str, dict[str, Any]]:
    """A repository filled before any rule covers it: two tags on one image, an untagged image, an index."""
    dev = fast.session("demo-dev").client("ecr")
    repository = f"old/r{next(_names)}"
    dev.create_repository(repositoryName=repository)
    dev.put_replication_configuration(replicationConfiguration={"rules": []})
    tagged = push_image(dev, repository, "tagged", tag="v1")
    dev.put_image(repositoryName=repository, imageManifest=tagged.manifest.decode(), imageTag="v2")
    loose = push_image(dev, repository, "loose")
    amd, arm = push_image(dev, repository, "amd"), push_image(dev, repository, "arm", arch="arm64")
    index = push_index(dev, repository, [(amd, "amd64"), (arm, "arm64")], tag="multi")
    return repository, {"tagged": tagged, "loose": loose, "amd": amd, "arm": arm, "index": index}


class TestRunToTheEnd:
    def test_copies_existing_images_with_progress_and_per_image_results(
        self, fast: SandboxProcess, existing: tuple[str, dict[str, Any]]
    ) -> None:
        repository, pushed = existing
        dev = fast.session("demo-dev").client("ecr")
        west = fast.session("demo-dev").client("ecr", region_name="us-west-2")
        dev.put_replication_configuration(
            replicationConfiguration={"rules": [rule("us-west-2", DEV, repository)]}
        )
        started = start(dev, "us-west-2", DEV)
        assert started["status"] == "PREPARING"
        assert started["destination"] == {"region": "us-west-2", "registryId": DEV}
        done = wait_until(lambda: ended(dev, started["replicationBackfillId"]), "the backfill")
        assert done["status"] == "COMPLETE"
        assert done["endedAt"] >= done["startedAt"]
        assert done["progress"] == {
            "totalReplicationCount": 4,
            "completedReplicationCount": 4,
            "failedReplicationCount": 0,
            "failureCodes": [],
        }
        results = {
            (r["imageId"]["imageDigest"], r["imageId"].get("imageTag")): r
            for r in all_results(dev, started["replicationBackfillId"])
        }
        tagged, loose, index = pushed["tagged"].digest, pushed["loose"].digest, pushed["index"].digest
        assert set(results) == {(tagged, "v1"), (tagged, "v2"), (loose, None), (index, "multi")}
        assert all(r["status"] == "COMPLETE" and r["repositoryName"] == repository for r in results.values())
        assert results[(index, "multi")]["subImageFailureCodes"] == []  # present only for a manifest list
        assert "subImageFailureCodes" not in results[(tagged, "v1")]
        copied = {
            d["imageDigest"]: set(d.get("imageTags", ()))
            for d in west.describe_images(repositoryName=repository)["imageDetails"]
        }
        assert copied == {
            tagged: {"v1", "v2"},
            loose: set(),
            pushed["amd"].digest: set(),
            pushed["arm"].digest: set(),
            index: {"multi"},
        }
        status = dev.describe_image_replication_status(
            repositoryName=repository, imageId={"imageTag": "multi"}
        )
        assert status["replicationStatuses"] == [
            {"region": "us-west-2", "registryId": DEV, "status": "COMPLETE"}
        ]

    def test_failures_are_counted_with_their_codes_and_filtered(
        self, fast: SandboxProcess, existing: tuple[str, dict[str, Any]]
    ) -> None:
        repository, _ = existing
        dev = fast.session("demo-dev").client("ecr")
        dev.put_replication_configuration(
            replicationConfiguration={"rules": [rule("eu-west-1", ELSEWHERE, repository)]}
        )
        backfill_id = start(dev, "eu-west-1", ELSEWHERE)["replicationBackfillId"]
        done = wait_until(lambda: ended(dev, backfill_id), "the backfill")
        assert done["status"] == "COMPLETE"  # it ran: the counts say what failed
        assert done["progress"]["failedReplicationCount"] == done["progress"]["totalReplicationCount"] == 4
        assert done["progress"]["failureCodes"] == ["ReplicateImageAccessDenied"]
        failed = all_results(dev, backfill_id, resultStatusFilter="FAILED")
        assert {r["failureCode"] for r in failed} == {"ReplicateImageAccessDenied"}
        assert len(failed) == 4
        assert all_results(dev, backfill_id, resultStatusFilter="COMPLETE") == []

    def test_results_and_backfills_page(
        self, fast: SandboxProcess, existing: tuple[str, dict[str, Any]]
    ) -> None:
        repository, _ = existing
        dev = fast.session("demo-dev").client("ecr")
        dev.put_replication_configuration(
            replicationConfiguration={
                "rules": [rule("ap-south-1", DEV, repository), rule("ca-central-1", DEV, repository)]
            }
        )
        ids = [start(dev, region, DEV)["replicationBackfillId"] for region in ("ap-south-1", "ca-central-1")]
        for backfill_id in ids:
            wait_until(lambda b=backfill_id: ended(dev, b), "the backfill")
        one_page = describe(dev, ids[0], maxResults=1000)["results"]
        assert all_results(dev, ids[0], PaginationConfig={"PageSize": 1}) == one_page
        first = describe(dev, ids[0], maxResults=1)
        assert len(first["results"]) == 1
        assert first["nextToken"]
        listed = [
            b["replicationBackfillId"]
            for page in dev.get_paginator("list_replication_backfills").paginate(
                PaginationConfig={"PageSize": 1}
            )
            for b in page["backfills"]
        ]
        assert listed[:2] == [ids[1], ids[0]]  # newest first
        assert len(listed) == len(set(listed))
        with pytest.raises(ClientError) as too_many:
            dev.list_replication_backfills(maxResults=51)
        assert error_code(too_many) == "InvalidParameterException"

    def test_refusals(self, fast: SandboxProcess, existing: tuple[str, dict[str, Any]]) -> None:
        repository, _ = existing
        dev = fast.session("demo-dev").client("ecr")
        dev.put_replication_configuration(
            replicationConfiguration={"rules": [rule("us-west-1", DEV, repository)]}
        )
        with pytest.raises(ClientError) as unconfigured:
            start(dev, "sa-east-1", DEV)
        assert error_code(unconfigured) == "InvalidParameterException"
        backfill_id = start(dev, "us-west-1", DEV)["replicationBackfillId"]
        wait_until(lambda: ended(dev, backfill_id), "the backfill")
        with pytest.raises(ClientError) as finished:
            dev.stop_replication_backfill(replicationBackfillId=backfill_id)
        assert error_code(finished) == "ReplicationBackfillInvalidStatusException"
        with pytest.raises(ClientError) as unknown:
            describe(dev, "00000000-0000-4000-8000-000000000000")
        assert error_code(unknown) == "ReplicationBackfillNotFoundException"
        with pytest.raises(ClientError) as malformed:
            describe(dev, "not-a-backfill-id")
        assert error_code(malformed) == "ValidationException"


def _stop_and_end(client: Any, backfill_id: str) -> dict[str, Any]:
    """Stop a backfill if it still runs and wait until it has ended (so the next test finds none running)."""
    if describe(client, backfill_id)["status"] in ("PREPARING", "IN_PROGRESS"):
        client.stop_replication_backfill(replicationBackfillId=backfill_id)
    return wait_until(lambda: ended(client, backfill_id), "the backfill to end")


class TestWhileRunning:
    def test_progress_second_refused_stop_stopping_then_stopped(self, slow: SandboxProcess) -> None:
        dev = slow.session("demo-dev").client("ecr")
        backfill_id = start(dev, "eu-west-1", PROD)["replicationBackfillId"]  # the demo's own rule
        try:
            with pytest.raises(ClientError) as second:
                start(dev, "eu-west-1", PROD)
            assert error_code(second) == "ReplicationBackfillInProgressException"
            running = wait_until(
                lambda: (d := describe(dev, backfill_id))["status"] == "IN_PROGRESS" and d, "progress counts"
            )
            progress = running["progress"]
            expected = demo_web_replications(dev)
            assert progress["totalReplicationCount"] == expected
            assert progress["completedReplicationCount"] < expected
            assert running["results"] == []  # results come once the backfill has ended
            assert "endedAt" not in running
            stopping = dev.stop_replication_backfill(replicationBackfillId=backfill_id)
            assert stopping["status"] == "STOPPING"  # one replication is in flight: it completes first
            listed = dev.list_replication_backfills()["backfills"][0]
            assert (listed["replicationBackfillId"], listed["status"]) in (
                (backfill_id, "STOPPING"),
                (backfill_id, "STOPPED"),
            )
        finally:
            done = _stop_and_end(dev, backfill_id)
        assert done["status"] == "STOPPED"
        copied = done["progress"]["completedReplicationCount"] + done["progress"]["failedReplicationCount"]
        assert 0 < copied < demo_web_replications(dev)
        assert len(all_results(dev, backfill_id)) == copied

    def test_stopped_while_preparing_has_no_progress(self, slow: SandboxProcess) -> None:
        dev = slow.session("demo-dev").client("ecr")
        backfill_id = start(dev, "eu-west-1", PROD)["replicationBackfillId"]
        stopped = dev.stop_replication_backfill(replicationBackfillId=backfill_id)
        assert stopped["status"] == "STOPPED"  # at once: nothing was in flight yet
        done = describe(dev, backfill_id)
        assert done["status"] == "STOPPED"
        assert "progress" not in done  # it never finished preparing the set of images

    def test_a_destination_removed_while_preparing_fails_the_backfill(self, slow: SandboxProcess) -> None:
        dev = slow.session("demo-dev").client("ecr")
        demo = dev.describe_registry()["replicationConfiguration"]
        backfill_id = start(dev, "eu-west-1", PROD)["replicationBackfillId"]
        dev.put_replication_configuration(replicationConfiguration={"rules": []})
        try:
            done = wait_until(lambda: ended(dev, backfill_id), "the backfill to end")
        finally:
            dev.put_replication_configuration(replicationConfiguration=demo)
        assert (done["status"], done.get("failureCode")) == ("FAILED", "DestinationNotConfigured")

    def test_ten_in_progress_per_registry(self, slow: SandboxProcess) -> None:
        dev = slow.session("demo-dev").client("ecr")
        demo = dev.describe_registry()["replicationConfiguration"]
        regions = [
            "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
            "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1", "ap-northeast-1", "ap-southeast-2",
        ]  # fmt: skip
        dev.put_replication_configuration(
            replicationConfiguration={"rules": [rule(region, DEV, "web/") for region in regions]}
        )
        ids: list[str] = []
        try:
            ids = [start(dev, region, DEV)["replicationBackfillId"] for region in regions[:10]]
            with pytest.raises(ClientError) as eleventh:
                start(dev, regions[10], DEV)
            assert error_code(eleventh) == "LimitExceededException"
        finally:
            for backfill_id in ids:
                _stop_and_end(dev, backfill_id)
            dev.put_replication_configuration(replicationConfiguration=demo)
