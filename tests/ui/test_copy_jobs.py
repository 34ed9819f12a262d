"""Copies and backfills started from the dialog run as App jobs, shown in the jobs panel, driven by keys: a copy
finishes and its destination is listed again, byte-identical; a copy is cancelled with ``x`` (nothing half-written)
and retried with ``r``; quitting with a job running asks first and cancels cleanly; "let ECR replicate" runs a
backfill; the panel redraws at a bounded rate however fast a job reports. Sandboxes of their own: these write."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from ecrtui.copy import CopyEngine, CopyPlan, CopyRequest
from ecrtui.copy.reachability import ReachBudget
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback
from ecrtui.jobs.model import JobKind, JobOutcome, JobState
from ecrtui.sandbox import seed
from ecrtui.sandbox.scale_layer import LARGE_LAYER_REPOSITORY, LARGE_LAYER_TAG
from ecrtui.ui.screens.confirm import ConfirmScreen
from ecrtui.ui.screens.copy_dialog import CopyDialog
from ecrtui.ui.widgets.jobs_panel import REDRAW_INTERVAL
from tests.conftest import SandboxProcess, start_sandbox
from tests.replication_counts import demo_web_replications
from tests.ui.app_steps import MakeApp, WaitFor, asynctest
from tests.ui.copy_steps import SIZE, app_on, dialog_of, highlight, open_dialog, panel_of

DEV, PROD = "111111111111", "222222222222"


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A 4 MiB layer behind a 8 Mbit/s link: a copy of it runs for seconds, long enough to cancel or quit."""
    sandbox = start_sandbox(
        tmp_path_factory.mktemp("slow"), "--seed", "demo", "--scale-layer-mib", "4", "--bandwidth-mbps", "8"
    )
    try:
        yield sandbox
    finally:
        sandbox.stop()


def footer(app: Any) -> dict[str, bool]:
    """The jobs-related keys in the footer now (description: enabled), from its drawn keys."""
    keys = {key.description: not key.disabled for key in app.query(FooterKey)}
    return {name: on for name, on in keys.items() if name in ("Cancel job", "Retry", "Jobs")}


def manifest(ecr: Any, repository: str, tag: str) -> tuple[str, str] | None:
    """(digest, exact manifest text) of ``repository:tag``, or None when there is no such image."""
    found = ecr.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": tag}])["images"]
    if not found:
        return None
    return found[0]["imageId"]["imageDigest"], found[0]["imageManifest"]


async def choose_destination(pilot: Any, wait_for: WaitFor, steps: str, name: str) -> None:
    """Move the registry list ``steps`` (``up``/``down``) and pick; wait for its plan."""
    dialog = dialog_of(pilot.app)
    dialog.query_one("#copy-registry").focus()
    await pilot.press("enter", steps, "enter")
    await wait_for(
        pilot,
        lambda: dialog.preview is not None and dialog.preview.destination_name.startswith(f"{name} ("),
        f"the plan for {name}",
    )


async def rename(pilot: Any, wait_for: WaitFor, old: str, new: str) -> None:
    dialog = dialog_of(pilot.app)
    await pilot.click("#copy-repository")
    await pilot.press("end", *["backspace"] * len(old), *new, "enter")
    await wait_for(
        pilot,
        lambda: dialog.preview is not None and dialog.preview.plans[0].request.destination.repository == new,
        f"the plan for {new}",
    )


@asynctest
async def test_a_copy_runs_as_a_job_and_the_destination_shown_is_listed_again(
    rw_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    app = app_on(rw_sandbox)
    dev = rw_sandbox.session("demo-dev").client("ecr")
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
        await open_dialog(pilot, wait_for)
        await choose_destination(pilot, wait_for, "up", "demo-dev")
        await rename(pilot, wait_for, seed.API_REPOSITORY, "copies/api")
        await pilot.click("#copy-create")
        dialog = dialog_of(app)
        await wait_for(pilot, lambda: not dialog.query_one("#copy-start").disabled, "Copy enabled")
        assert "copies/api" not in {r.name for r in app.repositories.repositories}
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, CopyDialog), "the dialog closed")
        (job,) = app.jobs.board.jobs()
        assert job.kind is JobKind.COPY
        assert job.title == "web/api:v1.4.1 → demo-dev (us-east-1) copies/api"
        assert panel_of(app).display, "starting a job shows the panel"
        await wait_for(pilot, lambda: job.state.is_final, "the copy to end")
        assert job.state is JobState.DONE, job.snapshot().errors
        assert manifest(dev, "copies/api", "v1.4.1") == manifest(dev, seed.API_REPOSITORY, "v1.4.1")
        await wait_for(
            pilot,
            lambda: "copies/api" in {r.name for r in app.repositories.repositories},
            "the new repository listed",
        )
        await wait_for(
            pilot,
            lambda: any(n.title.startswith("Finished: web/api:v1.4.1") for n in app._notifications),
            "the toast",
        )
        await wait_for(
            pilot, lambda: panel_of(app).shown and panel_of(app).shown[-1].state is JobState.DONE, "drawn"
        )
        assert "uploaded in" in panel_of(app).shown[-1].summary


@asynctest
async def test_a_copy_across_accounts_puts_byte_identical_manifests(
    rw_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    app = app_on(rw_sandbox)
    dev = rw_sandbox.session("demo-dev").client("ecr")
    prod = rw_sandbox.session("demo-prod").client("ecr")
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
        dialog = await open_dialog(pilot, wait_for)
        assert dialog.preview is not None
        assert dialog.preview.destination_name == "demo-prod (eu-west-1)"
        assert manifest(prod, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG) is None
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: app.jobs.board.jobs() and app.jobs.board.jobs()[0].state.is_final, "the copy"
        )
        (job,) = app.jobs.board.jobs()
        assert job.state is JobState.DONE, job.snapshot().errors
        copied = manifest(prod, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
        assert copied == manifest(dev, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)


async def start_slow_copy(pilot: Any, wait_for: WaitFor, target: str) -> Any:
    """Copy the 4 MiB layer image into ``target`` (created) in the same registry; return the job once bytes move."""
    app = pilot.app
    await highlight(pilot, wait_for, LARGE_LAYER_REPOSITORY, LARGE_LAYER_TAG)
    await open_dialog(pilot, wait_for)
    await choose_destination(pilot, wait_for, "up", "demo-dev")
    await rename(pilot, wait_for, LARGE_LAYER_REPOSITORY, target)
    await pilot.click("#copy-create")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: bool(app.jobs.board.jobs()), "the job")
    job = app.jobs.board.jobs()[-1]

    def moving() -> bool:
        progress = job.snapshot().progress
        return progress is not None and progress.done > 0

    await wait_for(pilot, moving, "bytes moving")
    assert not job.state.is_final, "the copy must still be running to be cancelled (4 MiB at 1 MB/s)"
    return job


@asynctest
async def test_x_cancels_a_copy_between_parts_and_r_runs_it_again(
    slow: SandboxProcess, wait_for: WaitFor
) -> None:
    app = app_on(slow)
    dev = slow.session("demo-dev").client("ecr")
    async with app.run_test(size=SIZE) as pilot:
        job = await start_slow_copy(pilot, wait_for, "copied/cancelled")
        await pilot.press("J")
        await wait_for(pilot, lambda: panel_of(app).has_focus, "the panel focused")
        assert panel_of(app).selected is not None
        assert panel_of(app).selected.id == job.id
        await pilot.press("x")
        await wait_for(pilot, lambda: job.state.is_final, "the cancel")
        assert job.state is JobState.CANCELLED
        assert "no manifest or tag was written" in job.snapshot().error
        assert dev.list_images(repositoryName="copied/cancelled")["imageIds"] == [], "nothing half-written"
        await pilot.press("r")
        await wait_for(pilot, lambda: job.snapshot().attempt == 2 and job.state.is_final, "the retry to end")
        assert job.state is JobState.DONE, job.snapshot().errors
        assert manifest(dev, "copied/cancelled", LARGE_LAYER_TAG) == manifest(
            dev, LARGE_LAYER_REPOSITORY, LARGE_LAYER_TAG
        )
        await pilot.press("J")
        await wait_for(pilot, lambda: not panel_of(app).display, "the panel hidden")
        assert app.focused is app.images.table, "J gives the focus back"


@asynctest
async def test_quitting_with_a_copy_running_asks_then_cancels_it_cleanly(
    slow: SandboxProcess, wait_for: WaitFor
) -> None:
    app = app_on(slow)
    dev = slow.session("demo-dev").client("ecr")
    async with app.run_test(size=SIZE) as pilot:
        job = await start_slow_copy(pilot, wait_for, "copied/quit")
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question = app.screen.query_one("#confirm-message").render()
        assert "scale/large-layer:latest → demo-dev (us-east-1) copied/quit" in str(question)
        assert app.screen.query_one("#confirm-body").border_title == "Quit with 1 job running?"
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "the question answered")
        assert app.is_running, "no: the app goes on"
        assert not job.state.is_final, "no: the copy goes on"
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question again")
        await pilot.press("y")
        deadline = time.monotonic() + 30
        while not job.state.is_final or app.is_running:
            assert time.monotonic() < deadline, "the app to stop the job and exit"
            await pilot.pause()
    assert job.state is JobState.CANCELLED
    assert dev.list_images(repositoryName="copied/quit")["imageIds"] == [], "never a half-written image"


@asynctest
async def test_letting_ecr_replicate_runs_a_backfill_job(
    tmp_path_factory: pytest.TempPathFactory, wait_for: WaitFor
) -> None:
    sandbox = start_sandbox(
        tmp_path_factory.mktemp("backfill"), "--seed", "demo", "--replication-delay-ms", "5"
    )
    try:
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
            dialog = await open_dialog(pilot, wait_for)
            assert dialog.preview is not None
            assert dialog.preview.replication is not None
            await pilot.click("#route-ecr")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: bool(app.jobs.board.jobs()), "the job")
            (job,) = app.jobs.board.jobs()
            assert (job.kind, job.title) == (JobKind.BACKFILL, "backfill to eu-west-1 (222222222222)")
            await wait_for(pilot, lambda: job.state.is_final, "the backfill to end")
            assert job.state is JobState.DONE, job.snapshot().errors
            expected = demo_web_replications(sandbox.session("demo-dev").client("ecr"))
            assert job.snapshot().summary == f"eu-west-1 (222222222222): {expected} of {expected} replicated"
            prod = sandbox.session("demo-prod").client("ecr")
            assert manifest(prod, seed.API_REPOSITORY, "v1.4.1") is not None, "ECR copied it"
    finally:
        sandbox.stop()


@asynctest
async def test_the_panel_keys_cancel_and_retry_any_job(make_app: MakeApp, wait_for: WaitFor) -> None:
    """Scripted work (no AWS): ``x`` on a job waiting for its cancel, ``r`` runs it again; ``x`` on a finished one
    changes nothing."""
    app = make_app()
    attempts: list[int] = []

    def waits_for_cancel(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        attempts.append(len(attempts) + 1)
        report(JobProgress("replicating", 0, 3, unit="items", message="waiting"))
        if len(attempts) == 1:
            cancel.wait(30)
            raise RuntimeError("stopped watching")
        return JobOutcome(summary="3 of 3 destinations")

    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.panes_ready, "the panes")
        job = app.jobs.start(JobKind.REPLICATION, "replication of web/api:v1", waits_for_cancel)
        await pilot.press("J")
        panel = panel_of(app)
        await wait_for(pilot, lambda: panel.has_focus and panel.selected is not None, "the panel")
        await wait_for(pilot, lambda: job.snapshot().progress is not None, "running")
        await wait_for(pilot, lambda: panel.border_subtitle == "x cancel · J hide", "the cancel hint")
        assert footer(app)["Cancel job"]
        assert "Retry" not in footer(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not panel.has_focus, "back to the panes")
        assert panel.border_subtitle == "J hide", "x and r only act in the focused panel"
        assert "Cancel job" not in footer(app)
        await pilot.press("J")
        await wait_for(pilot, lambda: panel.has_focus, "the panel again")
        await pilot.press("x")
        await wait_for(pilot, lambda: job.state is JobState.CANCELLED, "cancelled")
        await pilot.press("r")
        await wait_for(pilot, lambda: job.state is JobState.DONE, "retried")
        assert attempts == [1, 2]
        await wait_for(pilot, lambda: panel.shown[-1].state is JobState.DONE, "drawn done")
        assert footer(app) == {"Jobs": True}, (
            "x and r hidden: a finished job is neither cancelled nor retried"
        )
        assert panel.border_subtitle == "J hide"
        notes = len(app._notifications)
        await pilot.press("x", "r")
        await pilot.pause()
        assert job.state is JobState.DONE
        assert attempts == [1, 2]
        assert len(app._notifications) == notes, "r in the panel is not Refresh"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not panel.has_focus, "back to the panes")
        assert panel.display, "esc leaves the panel on screen"


@asynctest
async def test_a_fast_reporting_job_redraws_the_panel_at_a_bounded_rate(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """2,000 events of 100,000 bytes (a 200 MB copy): the panel draws a few frames, not 2,000."""
    app = make_app()
    events = 2_000
    step = 100_000

    def fast(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        total = events * step
        for number in range(1, events + 1):
            report(ItemProgress("blob", "layer 1/1 (200 MB)", ItemState.UPLOADING, number * step, total))
            report(JobProgress("blobs", number * step, total, items_total=1))
        return JobOutcome(summary="200 MB")

    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.panes_ready, "the panes")
        panel = panel_of(app)
        panel.display = True
        before = panel.redraws
        started = time.monotonic()
        job = app.jobs.start(JobKind.COPY, "200 MB", fast)
        await wait_for(pilot, lambda: panel.shown and panel.shown[-1].state is JobState.DONE, "the end drawn")
        elapsed = time.monotonic() - started
        redraws = panel.redraws - before
        assert job.state is JobState.DONE
        assert redraws <= elapsed / REDRAW_INTERVAL + 2, (redraws, elapsed)
        assert redraws < events / 20
        final = panel.shown[-1].progress
        assert final is not None
        assert final.done == events * step


@asynctest
async def test_the_panel_scrolls_to_the_selected_job(make_app: MakeApp, wait_for: WaitFor) -> None:
    """More jobs than the panel has lines: moving the cursor down brings the oldest job's lines on screen."""
    app = make_app()

    def done(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("done", 1_000, 1_000))
        return JobOutcome(summary="1 kB uploaded in 1 blob")

    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.panes_ready, "the panes")
        jobs = [app.jobs.start(JobKind.COPY, f"copy number {n}", done) for n in range(1, 9)]
        await wait_for(pilot, lambda: all(job.state is JobState.DONE for job in jobs), "eight jobs done")
        await pilot.press("J")
        panel = panel_of(app)
        await wait_for(
            pilot,
            lambda: (
                panel.has_focus
                and len(panel.shown) == 8
                and all(s.state is JobState.DONE for s in panel.shown)
            ),
            "the panel with eight jobs done",
        )
        shown = panel.render().plain
        assert "copy number 8" in shown, "newest first"
        assert "copy number 1" not in shown, "16 lines do not fit in 10"
        await pilot.press(*["j"] * 7)
        assert panel.selected is not None
        assert panel.selected.title == "copy number 1"
        shown = panel.render().plain
        assert "copy number 1" in shown
        assert "copy number 8" not in shown


class GatedEngine(CopyEngine):
    """The real engine whose planning waits for ``gate``: a plan still being computed, for as long as a test says."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def plan(
        self, request: CopyRequest, *, cancel: threading.Event | None = None, reach: ReachBudget | None = None
    ) -> CopyPlan:
        assert self.gate.wait(60), "the test never opened the gate"
        return super().plan(request, cancel=cancel, reach=reach)


@asynctest
async def test_ctrl_s_while_planning_starts_when_the_plan_is_ready_and_an_image_already_there_says_so(
    rw_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    app = app_on(rw_sandbox)
    prod = rw_sandbox.session("demo-prod").client("ecr")
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, seed.API_LATEST)
        engine = app.copying._engine = GatedEngine()
        try:
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(app.screen, CopyDialog), "the copy dialog")
            dialog = dialog_of(app)
            await pilot.click("#copy-tags")
            await pilot.press("end", *" again", "ctrl+s")
            await wait_for(
                pilot,
                lambda: any(n.message.startswith("Still planning") for n in app._notifications),
                "the notification",
            )
            assert "the copy starts when the plan is ready" in str(dialog.query_one("#copy-blocked").render())
            assert not app.jobs.board.jobs()
            assert app.screen is dialog
        finally:
            engine.gate.set()
        await wait_for(pilot, lambda: bool(app.jobs.board.jobs()), "the job started once planned")
        (job,) = app.jobs.board.jobs()
        await wait_for(pilot, lambda: job.state.is_final, "the copy to end")
        assert job.state is JobState.DONE, job.snapshot().errors
        summary = job.snapshot().summary
        assert summary.startswith("nothing to copy: already there · "), summary
        assert summary.endswith("tags written"), summary
        assert "manifest" not in summary, summary
        assert manifest(prod, seed.API_REPOSITORY, "again") == manifest(
            prod, seed.API_REPOSITORY, seed.API_LATEST
        )
