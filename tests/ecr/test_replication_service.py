"""``EcrService``'s replication operations and the watchers, against sandboxes over real HTTP.

The fast sandbox replicates after 20 ms; the slow one takes 100 ms per replication, so a backfill of the demo's
50-odd ``web/`` replications runs for about 5 s: long enough to see it move, stop it, or stop watching it. Waits are
on conditions (events received, statuses reached) with deadlines.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from ecrtui.ecr.creation_templates import RepositoryCreationTemplate
from ecrtui.ecr.errors import Conflict, InvalidInput, NotFound, ReadOnlyError
from ecrtui.ecr.registry_policy import ReplicationGrant
from ecrtui.ecr.replication import (
    BackfillStatus,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationRule,
    ReplicationStatus,
)
from ecrtui.ecr.replication_watch import PollSchedule, watch_backfill, watch_image_replication
from ecrtui.ecr.service import EcrService
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressEvent
from tests.conftest import start_sandbox
from tests.ecr.pushing import push_image
from tests.replication_counts import demo_web_replications
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
QUICK = PollSchedule(first=0.02, factor=1.5, longest=0.2)
DEMO_DESTINATION = ReplicationDestination("eu-west-1", PROD)
_names = itertools.count()


def _sandbox(tmp_path_factory: pytest.TempPathFactory, delay_ms: str) -> Iterator[SandboxProcess]:
    started = start_sandbox(
        tmp_path_factory.mktemp(f"replication-service-{delay_ms}"),
        "--seed",
        "demo",
        "--replication-delay-ms",
        delay_ms,
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
    yield from _sandbox(tmp_path_factory, "100")


@pytest.fixture(scope="module")
def dev(fast: SandboxProcess) -> EcrService:
    return EcrService(session=fast.session("demo-dev"))


@pytest.fixture(scope="module")
def ecr(fast: SandboxProcess) -> Any:
    """Plain boto3, to set up content independently of the code under test."""
    return fast.session("demo-dev").client("ecr")


class Recorder:
    """Collects progress events from the watcher's thread."""

    def __init__(self) -> None:
        self.events: list[ProgressEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            self.events.append(event)

    def jobs(self) -> list[JobProgress]:
        with self._lock:
            return [e for e in self.events if isinstance(e, JobProgress)]

    def items(self) -> list[ItemProgress]:
        with self._lock:
            return [e for e in self.events if isinstance(e, ItemProgress)]


def rule_for(
    repository: str, *destinations: ReplicationDestination, deletes: bool = False
) -> ReplicationConfiguration:
    return ReplicationConfiguration(DEV, (ReplicationRule(destinations, (repository,), deletes),))


def new_repository(ecr: Any) -> str:
    name = f"svc/r{next(_names)}"
    ecr.create_repository(repositoryName=name)
    return name


class TestConfigurationAndStatus:
    def test_put_and_read_back_through_the_service(self, dev: EcrService) -> None:
        config = ReplicationConfiguration(
            DEV,
            (
                ReplicationRule((DEMO_DESTINATION,), ("web/",)),
                ReplicationRule(
                    (ReplicationDestination("us-west-2", DEV),), ("svc/",), delete_replication=True
                ),
            ),
        )
        kept = dev.put_replication_configuration(config)
        assert kept == config
        assert dev.get_replication_configuration() == config

    def test_invalid_rules_are_refused_before_any_request(self, dev: EcrService) -> None:
        dev.identity()
        dev.reset_call_counts()
        itself = ReplicationConfiguration(
            DEV, (ReplicationRule((ReplicationDestination("us-east-1", DEV),)),)
        )
        with pytest.raises(InvalidInput, match="this registry itself"):
            dev.put_replication_configuration(itself)
        with pytest.raises(InvalidInput, match="not a replication backfill id"):
            dev.get_replication_backfill("42")
        with pytest.raises(InvalidInput, match="tag"):
            dev.get_image_replication("web/api", "v1 beta")
        assert dev.call_counts == {}

    def test_watch_an_image_to_complete(self, dev: EcrService, ecr: Any) -> None:
        repository = new_repository(ecr)
        west = ReplicationDestination("us-west-2", DEV)
        dev.put_replication_configuration(rule_for(repository, west))
        push_image(ecr, repository, "watched", tag="v1")
        recorder = Recorder()
        watch = watch_image_replication(dev, repository, "v1", on_progress=recorder, schedule=QUICK)
        assert not watch.cancelled
        assert not watch.failed
        assert [(s.destination, s.status) for s in watch.replication.statuses] == [
            (west, ReplicationStatus.COMPLETE)
        ]
        assert recorder.items()[-1] == ItemProgress(west.key, west.label, ItemState.DONE, 1, 1, "")
        final = recorder.jobs()[-1]
        assert (final.phase, final.done, final.total, final.items_failed) == ("done", 1, 1, 0)

    def test_watch_an_image_that_fails_across_accounts(self, dev: EcrService, ecr: Any) -> None:
        repository = new_repository(ecr)
        elsewhere = ReplicationDestination("eu-west-1", ELSEWHERE)
        dev.put_replication_configuration(rule_for(repository, elsewhere))
        pushed = push_image(ecr, repository, "denied", tag="v1")
        recorder = Recorder()
        watch = watch_image_replication(dev, repository, pushed.digest, on_progress=recorder, schedule=QUICK)
        assert watch.failed
        (failed,) = watch.replication.failed
        assert failed.failure_code == "ReplicateImageAccessDenied"
        last_item = recorder.items()[-1]
        assert last_item.state is ItemState.FAILED
        assert last_item.detail.startswith("ReplicateImageAccessDenied: ")
        assert recorder.jobs()[-1].items_failed == 1

    def test_an_image_nothing_replicates_ends_the_watch_at_once(self, dev: EcrService) -> None:
        recorder = Recorder()
        watch = watch_image_replication(dev, "data/etl", "1.8.0", on_progress=recorder, schedule=QUICK)
        assert watch.replication.statuses == ()
        assert "no replication recorded" in recorder.jobs()[-1].message

    def test_an_unknown_image_is_not_found(self, dev: EcrService) -> None:
        with pytest.raises(NotFound):
            dev.get_image_replication("web/api", "no-such-tag")


class TestBackfills:
    def test_watch_a_backfill_to_the_end_with_per_image_failures(self, dev: EcrService, ecr: Any) -> None:
        repository = new_repository(ecr)
        ecr.put_replication_configuration(replicationConfiguration={"rules": []})
        push_image(ecr, repository, "one", tag="v1")
        push_image(ecr, repository, "two", tag="v2")
        elsewhere = ReplicationDestination("eu-west-2", ELSEWHERE)
        dev.put_replication_configuration(rule_for(repository, elsewhere))
        started = dev.start_replication_backfill(elsewhere)
        assert started.status is BackfillStatus.PREPARING
        with pytest.raises(Conflict) as second:
            dev.start_replication_backfill(elsewhere)
        assert second.value.code == "ReplicationBackfillInProgressException"
        recorder = Recorder()
        watch = watch_backfill(dev, started.backfill_id, on_progress=recorder, schedule=QUICK)
        assert watch.ended
        assert watch.failed
        assert watch.report.backfill.status is BackfillStatus.COMPLETE
        assert {(r.label, r.failure_code) for r in watch.report.results} == {
            (f"{repository}:v1", "ReplicateImageAccessDenied"),
            (f"{repository}:v2", "ReplicateImageAccessDenied"),
        }
        failed_items = [e for e in recorder.items() if e.state is ItemState.FAILED]
        assert {e.label for e in failed_items} == {f"{repository}:v1", f"{repository}:v2"}
        final = recorder.jobs()[-1]
        assert (final.phase, final.done, final.total, final.items_failed, final.unit) == (
            "done",
            2,
            2,
            2,
            "images",
        )
        with pytest.raises(Conflict):
            dev.stop_replication_backfill(started.backfill_id)
        with pytest.raises(NotFound):
            dev.get_replication_backfill("00000000-0000-4000-8000-000000000000")

    def test_listing_pages_newest_first(self, dev: EcrService, ecr: Any) -> None:
        repository = new_repository(ecr)
        regions = ("ap-south-1", "ca-central-1")
        dev.put_replication_configuration(
            rule_for(repository, *(ReplicationDestination(r, DEV) for r in regions))
        )
        ids = [dev.start_replication_backfill(ReplicationDestination(r, DEV)).backfill_id for r in regions]
        for backfill_id in ids:
            watch_backfill(dev, backfill_id, schedule=QUICK)
        pages = list(dev.iter_replication_backfill_pages(page_size=1))
        assert len(pages) >= 2
        assert all(len(page) == 1 for page in pages)
        assert [b.backfill_id for b in dev.list_replication_backfills()][:2] == [ids[1], ids[0]]

    def test_progress_then_stop_on_request(self, slow: SandboxProcess) -> None:
        service = EcrService(session=slow.session("demo-dev"))
        backfill = service.start_replication_backfill(DEMO_DESTINATION)  # the demo's own rule, zero setup
        recorder = Recorder()
        outcome: list[Any] = []
        watcher = threading.Thread(
            target=lambda: outcome.append(
                watch_backfill(service, backfill.backfill_id, on_progress=recorder, schedule=QUICK)
            )
        )
        watcher.start()
        try:
            wait_until(
                lambda: any(j.phase == "replicating" and j.done >= 2 for j in recorder.jobs()),
                "progress counts",
            )
            stopping = service.stop_replication_backfill(backfill.backfill_id)
            assert stopping.status in (BackfillStatus.STOPPING, BackfillStatus.STOPPED)
        finally:
            watcher.join(timeout=60)
        (watch,) = outcome
        assert watch.report.backfill.status is BackfillStatus.STOPPED
        progress = watch.report.backfill.progress
        assert progress is not None
        assert (
            2
            <= progress.done
            < progress.total
            == demo_web_replications(slow.session("demo-dev").client("ecr"))
        )
        assert len(watch.report.results) == progress.done
        jobs = recorder.jobs()
        assert jobs[0].phase in ("planning", "replicating")
        done_counts = [j.done for j in jobs]
        assert done_counts == sorted(done_counts)  # progress only moves forward
        assert jobs[-1].phase == "done"
        assert jobs[-1].message.startswith("stopped: ")

    def test_cancelling_the_watch_leaves_the_backfill_running(self, slow: SandboxProcess) -> None:
        service = EcrService(session=slow.session("demo-dev"))
        backfill = service.start_replication_backfill(DEMO_DESTINATION)
        cancel = threading.Event()
        recorder = Recorder()

        def cancel_on_first_event(event: ProgressEvent) -> None:
            recorder(event)
            cancel.set()

        try:
            watch = watch_backfill(
                service,
                backfill.backfill_id,
                on_progress=cancel_on_first_event,
                cancel=cancel,
                schedule=QUICK,
            )
            assert watch.cancelled
            assert not watch.ended
            assert not service.get_replication_backfill(backfill.backfill_id).status.is_final
        finally:
            service.stop_replication_backfill(backfill.backfill_id)
            watch_backfill(service, backfill.backfill_id, schedule=QUICK)


class TestPolicyTemplatesAndReadOnly:
    def test_the_registry_policy_says_who_may_replicate_in(self, fast: SandboxProcess) -> None:
        prod = EcrService(session=fast.session("demo-prod"))
        policy = prod.get_registry_policy()
        assert policy is not None
        assert policy.incoming_replication() == (
            ReplicationGrant(DEV, replicate=True, create_repository=True),
        )
        assert EcrService(session=fast.session("demo-dev")).get_registry_policy() is None

    def test_creation_templates_round_trip(self, dev: EcrService) -> None:
        template = RepositoryCreationTemplate(
            prefix="svc-tpl",
            applied_for=("REPLICATION",),
            description="made by a test",
            image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
            mutability_exclusion_filters=("latest",),
            resource_tags={"team": "svc"},
        )
        created = dev.create_creation_template(template)
        assert (created.prefix, created.mutability_exclusion_filters, created.resource_tags) == (
            "svc-tpl",
            ("latest",),
            {"team": "svc"},
        )
        assert created.created_at is not None
        updated = dev.update_creation_template(
            RepositoryCreationTemplate(prefix="svc-tpl", applied_for=("REPLICATION", "CREATE_ON_PUSH"))
        )
        assert updated.applied_for == ("REPLICATION", "CREATE_ON_PUSH")
        assert [t.prefix for t in dev.list_creation_templates(["svc-tpl"])] == ["svc-tpl"]
        dev.delete_creation_template("svc-tpl")
        with pytest.raises(NotFound):
            dev.delete_creation_template("svc-tpl")

    def test_read_only_refuses_every_write_before_sending(self, fast: SandboxProcess) -> None:
        service = EcrService(session=fast.session("demo-dev"), read_only=True)
        service.identity()
        service.reset_call_counts()
        backfill_id = "00000000-0000-4000-8000-000000000000"
        template = RepositoryCreationTemplate(prefix="ro", applied_for=("REPLICATION",))
        writes = [
            lambda: service.put_replication_configuration(ReplicationConfiguration(DEV)),
            lambda: service.start_replication_backfill(DEMO_DESTINATION),
            lambda: service.stop_replication_backfill(backfill_id),
            lambda: service.put_registry_policy('{"Statement": []}'),
            lambda: service.delete_registry_policy(),
            lambda: service.create_creation_template(template),
            lambda: service.update_creation_template(template),
            lambda: service.delete_creation_template("ro"),
        ]
        for write in writes:
            with pytest.raises(ReadOnlyError, match="Read-only"):
                write()
        assert service.call_counts == {}
        service.list_replication_backfills()  # reads still work
        assert service.call_counts == {"ListReplicationBackfills": 1}
