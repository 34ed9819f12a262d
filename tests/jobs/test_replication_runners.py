"""Replication as jobs, against the sandbox: a backfill job runs to its end and cancelling it stops the backfill;
a wait for one image ends when every destination is COMPLETE, fails naming the destination that failed, and ends
at once for an image no rule covers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from ecrtui.ecr.replication import ReplicationConfiguration, ReplicationDestination, ReplicationRule
from ecrtui.ecr.replication_watch import PollSchedule
from ecrtui.ecr.service import EcrService
from ecrtui.jobs.events import ItemState, JobProgress
from ecrtui.jobs.model import JobBoard, JobKind, JobState
from ecrtui.jobs.replication_runners import backfill_runner, image_replication_runner
from tests.conftest import start_sandbox
from tests.ecr.pushing import push_image
from tests.replication_counts import demo_web_replications
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
QUICK = PollSchedule(first=0.02, factor=1.5, longest=0.2)
DEMO_DESTINATION = ReplicationDestination("eu-west-1", PROD)


def _sandbox(tmp_path_factory: pytest.TempPathFactory, delay_ms: str) -> Iterator[SandboxProcess]:
    started = start_sandbox(
        tmp_path_factory.mktemp(f"runners-{delay_ms}"), "--seed", "demo", "--replication-delay-ms", delay_ms
    )
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    yield from _sandbox(tmp_path_factory, "20")


@pytest.fixture
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A quick sandbox of the test's own (its replication rules are replaced)."""
    yield from _sandbox(tmp_path_factory, "20")


@pytest.fixture
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    yield from _sandbox(tmp_path_factory, "200")


def test_a_backfill_job_runs_to_complete_with_the_images_counted(fast: SandboxProcess) -> None:
    service = EcrService(session=fast.session("demo-dev"))
    board = JobBoard()
    job = board.add(
        JobKind.BACKFILL, "backfill eu-west-1", backfill_runner(service, DEMO_DESTINATION, schedule=QUICK)
    )
    snapshot = job.run()
    assert snapshot.state is JobState.DONE, snapshot.errors
    expected = demo_web_replications(fast.session("demo-dev").client("ecr"))
    assert snapshot.progress is not None
    assert (snapshot.progress.done, snapshot.progress.total, snapshot.progress.unit) == (
        expected,
        expected,
        "images",
    )
    assert snapshot.summary == f"{DEMO_DESTINATION.label}: {expected} of {expected} replicated"
    prod = fast.session("demo-prod").client("ecr", region_name="eu-west-1")
    assert prod.describe_images(repositoryName="web/api", maxResults=1000)["imageDetails"]


def test_cancelling_a_backfill_job_stops_the_backfill(slow: SandboxProcess) -> None:
    service = EcrService(session=slow.session("demo-dev"))
    board = JobBoard()
    job = board.add(JobKind.BACKFILL, "backfill", backfill_runner(service, DEMO_DESTINATION, schedule=QUICK))
    ended: list[Any] = []
    runner = threading.Thread(target=lambda: ended.append(job.run()))
    runner.start()
    try:
        wait_until(
            lambda: (p := job.snapshot().progress) is not None and p.phase == "replicating" and p.done >= 1,
            "the backfill replicating",
        )
        job.cancel()
    finally:
        runner.join(timeout=120)
    (snapshot,) = ended
    assert snapshot.state is JobState.CANCELLED
    assert "stopped" in snapshot.error
    (backfill,) = service.list_replication_backfills()
    assert backfill.status.value == "STOPPED"
    assert backfill.progress is not None
    assert backfill.progress.done < backfill.progress.total


def _rule(repository: str, destination: ReplicationDestination) -> ReplicationConfiguration:
    return ReplicationConfiguration(DEV, (ReplicationRule((destination,), (repository,)),))


def test_waiting_for_an_image_completes_or_fails_naming_the_destination(own: SandboxProcess) -> None:
    service = EcrService(session=own.session("demo-dev"))
    ecr = own.session("demo-dev").client("ecr")
    ecr.create_repository(repositoryName="runners/ok")
    ecr.create_repository(repositoryName="runners/denied")
    west = ReplicationDestination("us-west-2", DEV)
    elsewhere = ReplicationDestination("eu-west-1", ELSEWHERE)
    service.put_replication_configuration(
        ReplicationConfiguration(
            DEV,
            (
                ReplicationRule((west,), ("runners/ok",)),
                ReplicationRule((elsewhere,), ("runners/denied",)),
            ),
        )
    )
    push_image(ecr, "runners/ok", "ok", tag="v1")
    push_image(ecr, "runners/denied", "denied", tag="v1")
    board = JobBoard()
    ok = board.add(
        JobKind.REPLICATION, "ok", image_replication_runner(service, "runners/ok", "v1", schedule=QUICK)
    )
    done = ok.run()
    assert done.state is JobState.DONE
    assert done.summary == f"runners/ok:v1 replicated to {west.label}"
    assert [(i.key, i.state) for i in done.items] == [(west.key, ItemState.DONE)]
    denied = board.add(
        JobKind.REPLICATION,
        "denied",
        image_replication_runner(service, "runners/denied", "v1", schedule=QUICK),
    )
    failed = denied.run()
    assert failed.state is JobState.FAILED
    assert elsewhere.label in failed.error
    assert "ReplicateImageAccessDenied" in failed.error


def test_waiting_for_an_image_no_rule_covers_ends_at_once(fast: SandboxProcess) -> None:
    service = EcrService(session=fast.session("demo-dev"))
    job = JobBoard().add(
        JobKind.REPLICATION, "etl", image_replication_runner(service, "data/etl", "1.8.1", schedule=QUICK)
    )
    snapshot = job.run()
    assert snapshot.state is JobState.DONE
    assert snapshot.summary == (
        "data/etl:1.8.1: no replication recorded: no rule covers it, or it was pushed before the rules that cover"
        " it (a backfill replicates it)"
    )
    assert isinstance(snapshot.progress, JobProgress)
    assert snapshot.progress.total == 0


def test_an_image_watched_by_digest_is_named_with_an_at(fast: SandboxProcess) -> None:
    """``w`` in the inspector watches by digest: ``web/api@sha256:…``, never ``web/api:sha256:…``."""
    service = EcrService(session=fast.session("demo-dev"))
    digest = service.describe_images("data/etl", ["1.8.1"])[0].digest
    job = JobBoard().add(
        JobKind.REPLICATION, "etl", image_replication_runner(service, "data/etl", digest, schedule=QUICK)
    )
    assert job.run().summary.startswith(f"data/etl@{digest}: no replication recorded")
