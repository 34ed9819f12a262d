"""The jobs panel's lines from real job snapshots (``JobBoard`` with a fixed clock): one per job with bar, amount,
rate, ETA and state, one per item in flight, failed items listed, how a finished job ended; any kind of job alike;
and the question asked before quitting with jobs running."""

from __future__ import annotations

import threading

from ecrtui.ecr.errors import AccessDenied
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback
from ecrtui.jobs.model import JobBoard, JobKind, JobOutcome, JobSnapshot
from ecrtui.ui.job_lines import MAX_IN_FLIGHT, WIDE, job_lines
from ecrtui.ui.jobs_view import quit_question


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def running_copy(board: JobBoard, clock: Clock, blobs: int = 2) -> JobSnapshot:
    """A copy halfway: 1 MB a second for 2 seconds, ``blobs`` blobs moving."""
    gate = threading.Event()

    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        for number in range(blobs):
            report(
                ItemProgress(
                    f"b{number}", f"layer {number + 1}/{blobs}", ItemState.UPLOADING, 500_000, 2_000_000
                )
            )
        report(JobProgress("blobs", 0, 6_000_000, items_total=blobs))
        clock.now += 2
        report(JobProgress("blobs", 2_000_000, 6_000_000, items_total=blobs))
        gate.set()
        return JobOutcome("never seen: the test reads the snapshot before")

    job = board.add(JobKind.COPY, "web/api:v1.4.1 → demo-prod web/api", work)
    seen: list[JobSnapshot] = []
    unsubscribe = board.subscribe(
        lambda s: seen.append(s) if s.progress and s.progress.done == 2_000_000 else None
    )
    job.run()
    unsubscribe()
    return next(s for s in seen if s.state.value == "running")


def test_a_running_copy_shows_its_bar_amount_rate_eta_and_blobs_in_flight() -> None:
    clock = Clock()
    board = JobBoard(clock)
    snapshot = running_copy(board, clock)
    lines = job_lines([snapshot], 116)
    header = lines[0].text
    assert lines[0].header
    assert header.startswith("▶ web/api:v1.4.1 → demo-prod web/api")
    assert "━" * 20 in header
    assert "2.0/6.0 MB" in header
    assert "1.0 MB/s" in header
    assert "ETA 0:04" in header
    assert header.rstrip().endswith("blobs")
    assert [line.text.split()[0:2] for line in lines[1:3]] == [["layer", "1/2"], ["layer", "2/2"]]
    assert all("0.5/2.0 MB" in line.text and "uploading" in line.text for line in lines[1:3])
    assert len({len(line.text) for line in lines[:3]}) == 1, "the columns line up"


def test_a_running_backfill_counts_images_and_its_rate_fits_its_column() -> None:
    """A backfill moving 19 images in 10 s: the amount names the unit, so the rate says ``1.9/s`` in full."""
    clock = Clock()
    board = JobBoard(clock)
    reported = threading.Event()

    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("replicating", 0, 55, unit="images", items_total=55))
        clock.now += 10
        report(JobProgress("replicating", 19, 55, unit="images", items_done=19, items_total=55))
        reported.set()
        return JobOutcome("never seen: the test reads the snapshot before")

    job = board.add(JobKind.BACKFILL, "backfill to eu-west-1 (222222222222)", work)
    seen: list[JobSnapshot] = []
    unsubscribe = board.subscribe(lambda s: seen.append(s) if s.progress and s.progress.done == 19 else None)
    job.run()
    unsubscribe()
    header = job_lines([next(s for s in seen if s.state.value == "running")], 116)[0].text
    assert "19/55 images" in header
    assert " 1.9/s " in header
    assert "…" not in header


def test_narrow_panels_drop_rate_and_eta() -> None:
    clock = Clock()
    snapshot = running_copy(JobBoard(clock), clock)
    narrow = job_lines([snapshot], WIDE - 1)[0].text
    assert "MB/s" not in narrow
    assert "ETA" not in narrow
    assert len(narrow) <= WIDE - 1


def test_items_in_flight_beyond_the_limit_are_counted() -> None:
    clock = Clock()
    snapshot = running_copy(JobBoard(clock), clock, blobs=MAX_IN_FLIGHT + 3)
    texts = [line.text for line in job_lines([snapshot], 116)]
    assert sum("uploading" in text for text in texts) == MAX_IN_FLIGHT
    assert "    and 3 more in flight" in texts


def test_finished_failed_and_backfill_jobs_newest_first() -> None:
    board = JobBoard(Clock())

    def copied(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("done", 3_000_000, 3_000_000))
        return JobOutcome("3.0 MB uploaded in 2 blobs · 4 already there")

    def denied(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        raise AccessDenied("access denied: PutImage on web/api")

    def backfill(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(ItemProgress("i1", "web/api:v1", ItemState.FAILED, 1, 1, "ReplicateImageAccessDenied: denied"))
        report(JobProgress("done", 45, 45, unit="images", items_done=45, items_total=45, items_failed=1))
        return JobOutcome("eu-west-1 (222222222222): 45 of 45 replicated, 1 failed", warnings=("web/api:v1",))

    for kind, title, work in (
        (JobKind.COPY, "copy one", copied),
        (JobKind.COPY, "copy two", denied),
        (JobKind.BACKFILL, "backfill to eu-west-1", backfill),
    ):
        board.add(kind, title, work).run()
    texts = [line.text.rstrip() for line in job_lines(board.snapshots(), 116)]
    assert texts[0].startswith("✓ backfill to eu-west-1")
    assert "45/45 images" in texts[0]
    assert texts[1] == "    ✗ web/api:v1: ReplicateImageAccessDenied: denied"
    assert texts[2] == "    eu-west-1 (222222222222): 45 of 45 replicated, 1 failed (1 warnings)"
    assert texts[3].startswith("✗ copy two")
    assert texts[3].endswith("failed")
    assert texts[4] == "    access denied: PutImage on web/api · r retries"
    assert texts[5].startswith("✓ copy one")
    assert "3.0/3.0 MB" in texts[5]
    assert texts[5].endswith("done")
    assert texts[6] == "    3.0 MB uploaded in 2 blobs · 4 already there"


def test_the_quit_question_names_the_jobs_and_what_cancelling_does() -> None:
    clock = Clock()
    board = JobBoard(clock)
    copy = running_copy(board, clock)
    backfill = board.add(
        JobKind.BACKFILL, "backfill to eu-west-1 (222222222222)", lambda r, c: JobOutcome()
    ).snapshot()
    title, message = quit_question([copy, backfill])
    assert title == "Quit with 2 jobs running?"
    assert "• web/api:v1.4.1 → demo-prod web/api (33%)" in message
    assert "• backfill to eu-west-1 (222222222222) (queued)" in message
    assert "no manifest or tag is written" in message
    assert "StopReplicationBackfill" in message


def failed_copy(board: JobBoard, reason: str, items: list[ItemProgress] | None = None) -> JobSnapshot:
    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        for item in items or []:
            report(item)
        raise AccessDenied(reason)

    job = board.add(JobKind.COPY, "web/api:v1.4.1 → demo-prod web/api", work)
    return job.run()


def test_a_failed_jobs_reason_wraps_in_full_when_expanded_and_is_cut_to_one_line_otherwise() -> None:
    reason = "access denied: " + " ".join(f"word{n}" for n in range(40))
    blob = ItemProgress("b1", "linux/arm64/v8 layer 2/2 e944ce14", ItemState.FAILED, 0, 10, detail=reason)
    snapshot = failed_copy(JobBoard(Clock()), reason, [blob])
    for width in (76, 116):
        full = job_lines([snapshot], width, expanded=snapshot.id)
        assert all(len(line.text) <= width for line in full), [line.text for line in full]
        texts = [line.text.strip() for line in full[1:]]
        assert " ".join(texts).startswith(f"✗ linux/arm64/v8 layer 2/2 e944ce14: {reason}")
        assert " ".join(texts).endswith(f"{reason} · r retries")
        cut = job_lines([snapshot], width)
        assert len(cut) == 3, "a header, the failed blob and the reason: one line each"
        assert all(len(line.text) <= width for line in cut)
        assert cut[2].text.endswith("… · r retries")


def test_narrow_rows_in_flight_give_the_bar_to_the_label_and_cut_it_in_the_middle() -> None:
    """Below ``WIDE`` an item row has no bar; a label still too long keeps both ends: which child, which blob."""
    long_label = "v2.1.0: linux/arm64/v8 attestation layer 1/2 cb4699ae"
    gate = threading.Event()

    def work(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(ItemProgress("b1", long_label, ItemState.UPLOADING, 207, 415))
        report(JobProgress("blobs", 207, 415, items_total=1))
        gate.set()
        return JobOutcome("done")

    board = JobBoard(Clock())
    seen: list[JobSnapshot] = []
    board.subscribe(lambda s: seen.append(s) if s.items and s.state.value == "running" else None)
    board.add(JobKind.COPY, "two images → demo-prod", work).run()
    snapshot = next(s for s in seen if s.items and s.items[0].done == 207)
    narrow = job_lines([snapshot], 76)[1].text
    assert "━" not in narrow, "no bar of its own when narrow"
    assert narrow.strip().startswith("v2.1.0: linux/arm64/v8…"), narrow
    assert "… layer 1/2 cb4699ae 207/415 B" in " ".join(narrow.split()), narrow
    assert len(narrow) <= 76
    wide = job_lines([snapshot], 116)[1].text
    assert "━" in wide
    assert wide.strip().startswith("v2.1.0: linux/arm64/")
    assert "… layer 1/2 cb4699ae ━" in wide, wide
    assert long_label in job_lines([snapshot], 140)[1].text
