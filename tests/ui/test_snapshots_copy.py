"""Snapshots of copying in the app: the copy dialog with its plan (and ECR's replication offered), the dialog
refusing a conflict, the jobs panel with a running, a finished and a failed job, and the jobs panel with ECR's
backfill in progress beside a client copy and a replication watch.

Deterministic: the demo seed and the clock are fixed; the dialogs only plan (the shared demo sandbox is never
written); the jobs are scripted runners whose reports the test drives, on a fixed job clock, so bars, amounts, rate
and ETA are the same every run. Toasts are cleared before each capture.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from ecrtui.copy import CopyEngine, CopyPlan, CopyRequest, Side
from ecrtui.copy.progress import CopyProgress, blob_key
from ecrtui.ecr.errors import AccessDenied
from ecrtui.ecr.replication import (
    BackfillProgress,
    BackfillStatus,
    ImageReplication,
    ImageReplicationStatus,
    ReplicationBackfill,
    ReplicationDestination,
    ReplicationStatus,
)
from ecrtui.ecr.replication_watch import backfill_progress
from ecrtui.ecr.service import EcrService
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback
from ecrtui.jobs.model import JobKind, JobOutcome, JobState
from ecrtui.jobs.replication_runners import ImageNotReplicated
from ecrtui.sandbox import seed
from ecrtui.sandbox.profiles import DEV_PROFILE, PROD_PROFILE
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.job_lines import job_lines
from ecrtui.ui.screens.copy_dialog import CopyDialog
from ecrtui.ui.widgets.jobs_panel import JobsPanel
from tests.ui.test_snapshots import SMALL, WIDE, showing, until

MakeApp = Callable[..., EcrTuiApp]
Snap = Callable[..., bool]


def dialog_for(repository: str, tag: str, new_tags: str | None = None) -> Callable[[Pilot[Any]], Any]:
    """A ``run_before``: highlight ``repository:tag``, ``c``, optionally type other tags, wait for the plan."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, EcrTuiApp)
        await showing(repository, tag)(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CopyDialog), "the dialog")
        dialog = app.screen
        assert isinstance(dialog, CopyDialog)
        await until(pilot, lambda: dialog.preview is not None, "the first plan")
        if new_tags is not None:
            await pilot.click("#copy-tags")
            await pilot.press("end", *["backspace"] * len(tag), *new_tags, "enter")
            await until(
                pilot,
                lambda: dialog.preview is not None and dialog.preview.plans[0].request.tags == (new_tags,),
                "the plan for the new tags",
            )
            dialog.query_one("#copy-registry").focus()
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


class FixedClock:
    """The jobs' clock: moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def jobs_on_clock(pilot: Pilot[Any], clock: FixedClock) -> EcrTuiApp:
    """The app showing web/api's latest image, its jobs timed by ``clock`` (rates and ETAs on screen fixed)."""
    app = pilot.app
    assert isinstance(app, EcrTuiApp)
    await showing(seed.API_REPOSITORY, seed.API_LATEST)(pilot)
    app.jobs.board.clock = clock
    return app


def scripted_jobs(clock: FixedClock) -> Callable[[Pilot[Any]], Any]:
    """A ``run_before``: a finished copy, a failed copy and a running one (2 of 6 MB at 1 MB/s, two blobs in
    flight), the panel focused on the running one."""

    def finished(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("done", 2_540_000, 2_540_000, items_done=6, items_total=6))
        return JobOutcome("2.5 MB uploaded in 2 blobs · 4 already there · 1 manifest put · 1 tag written")

    def failed(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("blobs", 0, 1_220_000, items_total=3))
        raise AccessDenied("access denied: PutImage on 222222222222/platform/base (ecr:PutImage not allowed)")

    reported = threading.Event()

    def running(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(ItemProgress("b1", "layer 3/5 (2.0 MB)", ItemState.UPLOADING, 1_200_000, 2_000_000))
        report(ItemProgress("b2", "layer 4/5 (3.0 MB)", ItemState.DOWNLOADING, 800_000, 3_000_000))
        report(ItemProgress("b3", "layer 5/5 (1.0 MB)", ItemState.PENDING, 0, 1_000_000))
        report(JobProgress("blobs", 0, 6_000_000, items_total=8))
        clock.now += 2
        report(JobProgress("blobs", 2_000_000, 6_000_000, items_done=3, items_total=8))
        reported.set()
        cancel.wait(60)  # the App cancels it when the test ends
        raise AccessDenied("cancelled")

    async def run_before(pilot: Pilot[Any]) -> None:
        app = await jobs_on_clock(pilot, clock)
        done = app.jobs.start(JobKind.COPY, "web/api:v1.4.2 → demo-prod web/api", finished)
        broken = app.jobs.start(JobKind.COPY, "platform/base:python-3.12.10 → demo-prod", failed)
        await until(pilot, lambda: done.state.is_final and broken.state.is_final, "two jobs ended")
        app.jobs.start(JobKind.COPY, "web/gateway:v2.1.0 → demo-prod web/gateway", running)
        await until(pilot, reported.is_set, "the running job's reports")
        await pilot.press("J")
        panel = app.query_one("#jobs", JobsPanel)
        await until(
            pilot,
            lambda: (
                panel.has_focus
                and len(panel.shown) == 3
                and panel.shown[-1].state is JobState.RUNNING
                and panel.shown[-1].progress is not None
                and panel.shown[-1].progress.done == 2_000_000
            ),
            "the panel drawn with all three",
        )
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


class TestCopying:
    """The copy dialog and the jobs panel over the browser."""

    def test_copy_dialog_with_its_plan(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``c`` on web/api:v1.4.1 in demo-dev: to demo-prod, what moves, what is there, the tag created, and the
        choice between a client copy and ECR's replication (a rule sends web/ to demo-prod's eu-west-1)."""
        assert snap_compare(
            make_app(), terminal_size=WIDE, run_before=dialog_for(seed.API_REPOSITORY, "v1.4.1")
        )

    def test_copy_dialog_with_a_conflict(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """platform/base:debian-bookworm-20260513 to demo-prod (IMMUTABLE) under the tag alpine-3.20.3, which points
        at another image there: refused in the plan, Copy disabled, nothing written."""
        assert snap_compare(
            make_app(),
            terminal_size=WIDE,
            run_before=dialog_for(seed.IMMUTABLE_REPOSITORY, "debian-bookworm-20260513", "alpine-3.20.3"),
        )

    def test_copy_dialog_compact_at_80x24_with_copy_focused(
        self, snap_compare: Snap, make_app: MakeApp
    ) -> None:
        """80x24, ``c`` on the index web/gateway:v2.1.0, then tab to Copy: the compact layout (no blank lines,
        the full width), its platforms, ECR's replication offered, the whole plan, and Copy drawn focused."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await dialog_for(seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)(pilot)
            dialog = pilot.app.screen
            for _ in range(10):
                if dialog.focused is not None and dialog.focused.id == "copy-start":
                    break
                await pilot.press("tab")
            assert dialog.focused is not None
            assert dialog.focused.id == "copy-start"
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)

    def test_jobs_panel_running_finished_failed(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``J``: a running copy (bar, 2.0/6.0 MB, 1.0 MB/s, ETA 0:04, two blobs in flight), a failed one with its
        reason and ``r retries``, a finished one with its summary; newest first, the cursor on the running one."""
        assert snap_compare(make_app(), terminal_size=WIDE, run_before=scripted_jobs(FixedClock()))


def backfill_in_progress(clock: FixedClock) -> Callable[[Pilot[Any]], Any]:
    """A ``run_before``: ECR's backfill to demo-prod's eu-west-1 at 19 of 55 with 2 failed (the events its real
    watcher reports, from ``backfill_progress``), under a finished client copy and a replication watch that failed."""
    destination = ReplicationDestination("eu-west-1", PROD_PROFILE.account_id)
    backfill = ReplicationBackfill(
        backfill_id="bf-0001",
        registry_id=DEV_PROFILE.account_id,
        destination=destination,
        status=BackfillStatus.IN_PROGRESS,
        progress=BackfillProgress(
            total=55, completed=17, failed=2, failure_codes=("ReplicateImageAccessDenied",)
        ),
    )
    reported = threading.Event()

    def copied(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("done", 2_540_000, 2_540_000, items_done=6, items_total=6))
        return JobOutcome("2.5 MB uploaded in 2 blobs · 4 already there · 1 manifest put · 1 tag written")

    def watched(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        other = ReplicationDestination("eu-west-1", "333333333333")
        status = ImageReplicationStatus(other, ReplicationStatus.FAILED, "ReplicateImageAccessDenied")
        raise ImageNotReplicated(
            "web/api:v1.4.2 did not replicate to eu-west-1 (333333333333): the destination registry's"
            " permissions policy does not allow the source account ecr:ReplicateImage",
            ImageReplication("web/api", "sha256:" + "2" * 64, (status,)),
        )

    def backfilling(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(
            backfill_progress(
                ReplicationBackfill(
                    backfill.backfill_id, backfill.registry_id, destination, BackfillStatus.PREPARING
                )
            )
        )
        clock.now += 10
        report(backfill_progress(backfill))
        reported.set()
        cancel.wait(60)  # the App cancels it when the test ends
        raise AccessDenied("cancelled")

    async def run_before(pilot: Pilot[Any]) -> None:
        app = await jobs_on_clock(pilot, clock)
        done = app.jobs.start(JobKind.COPY, "web/api:v1.4.2 → demo-prod web/api", copied)
        failed = app.jobs.start(JobKind.REPLICATION, "replication of web/api:v1.4.2", watched)
        await until(pilot, lambda: done.state.is_final and failed.state.is_final, "two jobs ended")
        app.jobs.start(JobKind.BACKFILL, f"backfill to {destination.label}", backfilling)
        await until(pilot, reported.is_set, "the backfill's reports")
        await pilot.press("J")
        panel = app.query_one("#jobs", JobsPanel)
        await until(
            pilot,
            lambda: (
                panel.has_focus
                and len(panel.shown) == 3
                and panel.shown[-1].kind is JobKind.BACKFILL
                and panel.shown[-1].progress is not None
                and panel.shown[-1].progress.items_done == 19
            ),
            "the panel drawn with the backfill",
        )
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


class TestReplicationJobs:
    """ECR's replication in the jobs panel, beside client copies (issue 10)."""

    def test_jobs_panel_with_a_backfill_in_progress(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``J``: the backfill's bar counted in images (19 of 55, 2 failed with their code explained), a finished
        copy, and a replication watch that failed with the destination's failure code explained."""
        assert snap_compare(make_app(), terminal_size=WIDE, run_before=backfill_in_progress(FixedClock()))


def gateway_plan(demo_sandbox: Any) -> CopyPlan:
    """The real plan of web/gateway:v2.1.0 (an index: two platforms, an attestation for each) from demo-dev to
    demo-prod: reads only, so the shared demo sandbox is not changed."""
    dev = EcrService(session=demo_sandbox.session("demo-dev"))
    prod = EcrService(session=demo_sandbox.session("demo-prod"))
    request = CopyRequest(
        Side(dev, DEV_PROFILE.account_id, seed.MULTIARCH_REPOSITORY),
        seed.MULTIARCH_TAG,
        Side(prod, PROD_PROFILE.account_id, seed.MULTIARCH_REPOSITORY),
        tags=(seed.MULTIARCH_TAG,),
        create_repository=True,
    )
    with CopyEngine() as engine:
        plan = engine.plan(request)
    assert plan.ok, plan.problems
    return plan


def index_copy_in_flight(plan: CopyPlan, clock: FixedClock) -> Callable[[Pilot[Any]], Any]:
    """A ``run_before``: the gateway copy running with its four attestation layers in flight (half sent each),
    reported through the engine's own ``CopyProgress`` (the labels the engine gives), the panel focused. Checks
    that no two rows in flight read alike on screen."""
    attestation_layers = [b for b in plan.uploads if "attestation layer" in b.label]
    assert len(attestation_layers) == 4, [b.label for b in plan.uploads]
    reported = threading.Event()

    def running(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        progress = CopyProgress(report, [plan])
        progress.start()
        clock.now += 2
        for blob in attestation_layers:
            size = blob.size or 0
            progress.item(blob_key(plan, blob), ItemState.UPLOADING, size // 2, size)
        reported.set()
        cancel.wait(60)  # the App cancels it when the test ends
        raise AccessDenied("cancelled")

    async def run_before(pilot: Pilot[Any]) -> None:
        app = await jobs_on_clock(pilot, clock)
        app.jobs.start(JobKind.COPY, "web/gateway:v2.1.0 → demo-prod web/gateway", running)
        await until(pilot, reported.is_set, "the copy's reports")
        await pilot.press("J")
        panel = app.query_one("#jobs", JobsPanel)
        await until(
            pilot,
            lambda: (
                panel.has_focus
                and len(panel.shown) == 1
                and sum(1 for i in panel.shown[0].items if i.state is ItemState.UPLOADING) == 4
            ),
            "the panel drawn with the four layers in flight",
        )
        await pilot.pause()
        rows = [line.text for line in job_lines(panel.shown, panel.content_region.width)[1:5]]
        assert all("uploading" in row for row in rows), rows
        assert len(set(rows)) == 4, rows
        labels = [row.strip().split("  ")[0] for row in rows]
        assert len(set(labels)) == 4, f"two rows in flight read alike: {labels}"
        for platform in ("linux/amd64", "linux/arm64/v8"):
            assert sum(label.startswith(platform) for label in labels) == 2, labels
        assert all(len(row) <= panel.content_region.width for row in rows), rows
        app.clear_notifications()
        await pilot.pause()

    return run_before


LONG_REASON = (
    "access denied: ecr:PutImage on platform/base in 222222222222 (eu-west-1): "
    "arn:aws:iam::222222222222:role/ci-publisher is allowed it by no identity-based policy and not by the "
    "repository policy"
)


def failed_with_a_long_reason(clock: FixedClock) -> Callable[[Pilot[Any]], Any]:
    """A ``run_before``: an older failed copy and a newer one whose reason is three lines long at 80 columns; the
    cursor on the newer. Checks that its reason is on screen in full, every line within the panel."""

    def failed(reason: str) -> Callable[[ProgressCallback, threading.Event], JobOutcome]:
        def run(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
            report(JobProgress("blobs", 0, 1_220_000, items_total=3))
            raise AccessDenied(reason)

        return run

    async def run_before(pilot: Pilot[Any]) -> None:
        app = await jobs_on_clock(pilot, clock)
        older = app.jobs.start(JobKind.COPY, "web/api:v1.4.1 → demo-prod", failed(LONG_REASON))
        await until(pilot, lambda: older.state.is_final, "the older copy failed")
        newer = app.jobs.start(JobKind.COPY, "platform/base:python-3.12.10 → demo-prod", failed(LONG_REASON))
        await until(pilot, lambda: newer.state.is_final, "the newer copy failed")
        await pilot.press("J")
        panel = app.query_one("#jobs", JobsPanel)
        await until(
            pilot,
            lambda: panel.has_focus and len(panel.shown) == 2 and panel.selected is not None,
            "the panel drawn with both",
        )
        assert panel.selected is not None
        assert panel.selected.id == newer.id
        await pilot.pause()
        width = panel.content_region.width
        shown = str(panel.render()).splitlines()
        assert all(len(line) <= width for line in shown), shown
        other = next(n for n, line in enumerate(shown) if line.startswith("✗ web/api"))
        said = " ".join(line.strip() for line in shown[1:other])
        assert said == f"{LONG_REASON} · r retries", shown
        assert other > 2, "the reason takes more than one line"
        assert shown[other + 1].endswith("… · r retries"), "the other job's reason is cut to one line"
        app.clear_notifications()
        await pilot.pause()

    return run_before


class TestJobsPanelSmall:
    """The jobs panel at 80x24: rows in flight that say which blob they are, reasons readable in full."""

    def test_index_copy_rows_in_flight_name_their_platform_and_blob(
        self, snap_compare: Snap, make_app: MakeApp, demo_sandbox: Any
    ) -> None:
        """``J`` during a copy of the index web/gateway:v2.1.0 with its four attestation layers moving: each row
        names the platform its attestation describes, the layer and the blob's digest, cut in the middle if
        needed; no bar per row at 80 columns (the job's bar is above)."""
        plan = gateway_plan(demo_sandbox)
        assert snap_compare(
            make_app(), terminal_size=SMALL, run_before=index_copy_in_flight(plan, FixedClock())
        )

    def test_a_failed_jobs_reason_wraps_in_full_under_the_cursor(
        self, snap_compare: Snap, make_app: MakeApp
    ) -> None:
        """``J`` with two failed copies: the selected one's reason is wrapped in full with ``r retries`` after it,
        the other's is cut to one line; the panel keeps its size."""
        assert snap_compare(
            make_app(), terminal_size=SMALL, run_before=failed_with_a_long_reason(FixedClock())
        )
