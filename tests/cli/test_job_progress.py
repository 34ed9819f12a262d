"""The CLI's job progress on stderr, drawn from the jobs model: Rich bars on a terminal, plain lines otherwise."""

from __future__ import annotations

import io
import threading

from ecrtui.cli.job_progress import PlainDisplay, RichDisplay, format_eta, format_rate, job_display
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback
from ecrtui.jobs.model import JobBoard, JobKind, JobOutcome, JobRunner


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def copy_work(clock: FakeClock) -> JobRunner:
    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(ItemProgress("a", "layer 1/2 (2.0 MB)", ItemState.PENDING, 0, 2_000_000))
        report(
            ItemProgress("b", "layer 2/2 (1.0 MB)", ItemState.SKIPPED, 1_000_000, 1_000_000, "already there")
        )
        report(JobProgress("blobs", 0, 2_000_000, items_total=2))
        clock.now += 1
        report(ItemProgress("a", "layer 1/2 (2.0 MB)", ItemState.UPLOADING, 1_000_000, 2_000_000))
        report(JobProgress("blobs", 1_000_000, 2_000_000, items_total=2))
        clock.now += 1
        report(ItemProgress("a", "layer 1/2 (2.0 MB)", ItemState.DONE, 2_000_000, 2_000_000))
        report(
            JobProgress("manifests", 2_000_000, 2_000_000, items_done=2, items_total=2, message="put image")
        )
        report(JobProgress("done", 2_000_000, 2_000_000, items_done=2, items_total=2))
        return JobOutcome("copied")

    return work


def test_formatting() -> None:
    assert format_rate(2_500_000, "bytes") == "2.5 MB/s"
    assert format_rate(3, "images") == "3.0 images/s"
    assert format_rate(None, "bytes") == ""
    assert format_eta(65) == "1:05"
    assert format_eta(3723) == "1:02:03"
    assert format_eta(None) == ""


def test_plain_lines_when_not_a_terminal() -> None:
    clock = FakeClock()
    board = JobBoard(clock)
    job = board.add(JobKind.COPY, "web/api:v1", copy_work(clock))
    stream = io.StringIO()
    display = job_display(board, "copy", stream)
    assert isinstance(display, PlainDisplay)
    with display:
        job.run()
    assert stream.getvalue().splitlines() == [
        "ecrtui copy: blobs",
        "ecrtui copy: layer 1/2 (2.0 MB): done",
        "ecrtui copy: manifests: put image",
    ]


def test_rich_bars_on_a_terminal() -> None:
    clock = FakeClock()
    board = JobBoard(clock)
    seen: list[str] = []

    job = board.add(JobKind.COPY, "web/api:v1", copy_work(clock))
    stream = Terminal()
    display = job_display(board, "copy", stream)
    assert isinstance(display, RichDisplay)
    with display:
        board.subscribe(lambda snapshot: seen.append(snapshot.progress.phase if snapshot.progress else ""))
        job.run()
    output = stream.getvalue()
    assert "web/api:v1 [done]" in output
    assert "2.0/2.0 MB" in output
    assert "\x1b[" in output  # drawn with terminal control sequences, not plain lines
    assert "manifests" in seen


def backfill_work(clock: FakeClock) -> JobRunner:
    """What ``watch_backfill`` reports: ECR's sentences, then a failed image and the final counts."""
    where = "eu-west-1 (222222222222)"

    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(
            JobProgress(
                "planning", 0, 0, unit="images", message=f"ECR is listing the images to replicate to {where}"
            )
        )
        clock.now += 1
        report(
            JobProgress(
                "replicating",
                1,
                2,
                unit="images",
                items_done=1,
                items_total=2,
                message=f"1 of 2 replicated to {where}",
            )
        )
        report(
            JobProgress(
                "replicating",
                1,
                2,
                unit="images",
                items_done=1,
                items_total=2,
                message=f"1 of 2 replicated to {where}",
            )
        )
        report(
            ItemProgress(
                "web/api@sha256:1", "web/api:v1", ItemState.FAILED, 1, 1, "ReplicateImageAccessDenied: denied"
            )
        )
        report(
            JobProgress(
                "done",
                2,
                2,
                unit="images",
                items_done=2,
                items_total=2,
                items_failed=1,
                message=f"complete: 2 of 2 replicated to {where}, 1 failed",
            )
        )
        return JobOutcome("done")

    return work


def test_a_replication_says_what_ecr_says_one_line_per_change() -> None:
    clock = FakeClock()
    board = JobBoard(clock)
    job = board.add(JobKind.BACKFILL, "backfill", backfill_work(clock))
    stream = io.StringIO()
    with job_display(board, "replication", stream, prefix="backfill"):
        job.run()
    assert stream.getvalue().splitlines() == [
        "backfill: ECR is listing the images to replicate to eu-west-1 (222222222222)",
        "backfill: 1 of 2 replicated to eu-west-1 (222222222222)",
        "backfill: web/api:v1 failed: ReplicateImageAccessDenied: denied",
        "backfill: complete: 2 of 2 replicated to eu-west-1 (222222222222), 1 failed",
    ]


def test_a_replication_on_a_terminal_counts_images_and_prints_failures_above_the_bar() -> None:
    clock = FakeClock()
    board = JobBoard(clock)
    job = board.add(JobKind.BACKFILL, "backfill", backfill_work(clock))
    stream = Terminal()
    with job_display(board, "replication", stream, prefix="backfill"):
        job.run()
    output = stream.getvalue()
    assert "2/2" in output
    assert " B" not in output.replace("backfill", ""), "images are counted, not sized"
    assert "✗ web/api:v1 failed: ReplicateImageAccessDenied: denied" in output
    assert "complete: 2 of 2 replicated" in output
    assert "━" in output
