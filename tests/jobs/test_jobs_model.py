"""The jobs model: states, items in order, errors, retry, rate and ETA on an injected clock, a thread-safe board."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from ecrtui.ecr.errors import Cancelled, NotFound
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback
from ecrtui.jobs.model import Job, JobBoard, JobKind, JobOutcome, JobSnapshot, JobState
from ecrtui.jobs.rate import RateMeter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_and_eta_over_a_window() -> None:
    clock = FakeClock()
    meter = RateMeter(clock, window=10)
    assert meter.rate() is None
    meter.add(0)
    clock.now += 2
    meter.add(200)
    assert meter.rate() == 100
    assert meter.eta(300) == 3
    assert meter.eta(0) == 0
    clock.now += 20  # a stall: the rate falls as time passes without progress
    assert meter.rate() == pytest.approx(200 / 22)
    for _ in range(5):
        clock.now += 5
        meter.add(1000)
    assert meter.rate() == 0  # the window forgot the early progress; nothing moved since
    assert meter.eta(10) is None
    meter.add(10)  # a smaller count restarts the timeline (a retried job)
    assert meter.rate() is None


def test_a_job_runs_reports_and_finishes() -> None:
    clock = FakeClock()
    board = JobBoard(clock)
    seen: list[JobSnapshot] = []
    board.subscribe(seen.append)

    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(ItemProgress("b", "layer 2", ItemState.PENDING, 0, 50))
        report(ItemProgress("a", "layer 1", ItemState.UPLOADING, 10, 50))
        report(JobProgress("blobs", 10, 100, items_total=2))
        clock.now += 2
        report(ItemProgress("a", "layer 1", ItemState.DONE, 50, 50))
        report(JobProgress("blobs", 50, 100, items_done=1, items_total=2))
        running = board.get("copy-1").snapshot()
        assert running.state is JobState.RUNNING
        assert running.rate == 20
        assert running.eta == 2.5
        assert running.fraction == 0.5
        assert [i.key for i in running.active_items] == ["b"]  # b still to do, a done
        return JobOutcome(summary="2 blobs copied", warnings=("a referrer was skipped",), result=42)

    job = board.add(JobKind.COPY, "web/api:v1", work)
    assert job.id == "copy-1"
    assert job.state is JobState.QUEUED
    clock.now += 1
    final = job.run()
    assert final.state is JobState.DONE
    assert [i.key for i in final.items] == ["b", "a"]  # first-seen order, latest state
    assert final.items[1].state is ItemState.DONE
    assert final.summary == "2 blobs copied"
    assert final.warnings == ("a referrer was skipped",)
    assert final.elapsed == 2
    assert final.rate is None  # only while running
    assert job.outcome is not None
    assert job.outcome.result == 42
    assert seen[0].state is JobState.QUEUED
    assert seen[-1].state is JobState.DONE
    assert {s.state for s in seen} == {JobState.QUEUED, JobState.RUNNING, JobState.DONE}


def test_failure_then_retry() -> None:
    attempts: list[int] = []

    def flaky(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        attempts.append(1)
        report(ItemProgress("a", "layer", ItemState.FAILED, 0, 5, "boom"))
        if len(attempts) == 1:
            raise NotFound("Repository 'x' not found\nsecond line")
        return JobOutcome("ok")

    board = JobBoard(FakeClock())
    job = board.add(JobKind.COPY, "x", flaky)
    failed = job.run()
    assert failed.state is JobState.FAILED
    assert failed.errors == ("Repository 'x' not found second line",)
    assert isinstance(job.exception, NotFound)
    with pytest.raises(RuntimeError):
        job.run()  # not queued
    retried = board.retry(job.id)
    assert retried is job
    snapshot = job.snapshot()
    assert (snapshot.state, snapshot.attempt, snapshot.errors, snapshot.items) == (JobState.QUEUED, 2, (), ())
    assert job.run().state is JobState.DONE
    with pytest.raises(RuntimeError):
        board.retry(job.id)  # a finished job is not retried


def test_cancel_a_running_job() -> None:
    started = threading.Event()

    def slow(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        started.set()
        if not cancel.wait(30):
            raise AssertionError("never cancelled")
        raise Cancelled("The copy was cancelled: 2 blob(s) were uploaded")

    board = JobBoard()
    job = board.add(JobKind.COPY, "slow", slow)
    result: list[JobSnapshot] = []
    thread = threading.Thread(target=lambda: result.append(job.run()))
    thread.start()
    assert started.wait(30)
    assert board.active() == [job]
    board.cancel_all()
    thread.join(30)
    assert result[0].state is JobState.CANCELLED
    assert result[0].errors == ("The copy was cancelled: 2 blob(s) were uploaded",)
    assert board.active() == []
    board.retry(job.id)
    assert job.cancel_event.is_set() is False  # a fresh event for the new attempt


def test_a_queued_job_cancelled_never_starts() -> None:
    ran: list[Any] = []
    board = JobBoard()
    job = board.add(JobKind.REPLICATION, "watch", lambda r, c: ran.append(1) or JobOutcome())
    job.cancel()
    assert job.state is JobState.CANCELLED
    assert job.run().state is JobState.CANCELLED
    assert ran == []


def test_board_is_thread_safe_and_unsubscribes() -> None:
    board = JobBoard()
    counts: list[int] = []
    unsubscribe = board.subscribe(lambda snapshot: counts.append(1))

    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        for n in range(200):
            report(ItemProgress(f"k{n % 7}", "item", ItemState.UPLOADING, n, 200))
        return JobOutcome()

    jobs = [board.add(JobKind.COPY, f"job {n}", work) for n in range(8)]
    threads = [threading.Thread(target=job.run) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [j.state for j in jobs] == [JobState.DONE] * 8
    assert [len(s.items) for s in board.snapshots()] == [7] * 8
    assert len(counts) == 8 * (1 + 1 + 200 + 1)  # added, running, each report, done
    unsubscribe()
    board.add(JobKind.COPY, "quiet", work)
    assert len(counts) == 8 * 203
    board.remove(jobs[0].id)
    assert jobs[0] not in board.jobs()
    with pytest.raises(RuntimeError):
        board.remove(board.jobs()[-1].id)  # still queued


def test_job_without_a_board() -> None:
    job = Job("j", JobKind.BACKFILL, "backfill", lambda r, c: JobOutcome("done"))
    assert job.run().summary == "done"
