"""The App's jobs controller: App-owned workers, changes delivered on the UI thread, one announcement per end,
cancel and retry; and the keys that reach feature controllers by name (``feature('jobs.cancel')``)."""

from __future__ import annotations

import threading
from typing import Any

from ecrtui.ecr.errors import NetworkError
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback
from ecrtui.jobs.model import JobKind, JobOutcome, JobSnapshot, JobState
from ecrtui.ui.controller import Controller
from tests.ui.app_steps import MakeApp, WaitFor, asynctest

SIZE = (120, 36)


def counting_runner(total: int) -> Any:
    def run(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        for done in range(1, total + 1):
            report(ItemProgress(f"item-{done}", f"item {done}", ItemState.DONE, done, total))
            report(JobProgress("blobs", done, total, unit="items", items_done=done, items_total=total))
        return JobOutcome(summary=f"{total} items")

    return run


@asynctest
async def test_a_job_runs_in_an_app_worker_and_listeners_hear_on_the_ui_thread(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    toasts: list[str] = []
    notify = app.notify

    def record(message: str, **options: Any) -> None:
        toasts.append(str(options.get("title", "")))
        notify(message, **options)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        heard: list[tuple[str, list[JobSnapshot]]] = []
        app.jobs.subscribe(lambda snapshots: heard.append((threading.current_thread().name, snapshots)))
        ended: list[JobSnapshot] = []
        job = app.jobs.start(JobKind.COPY, "copy web/api:v1", counting_runner(50), on_done=ended.append)
        await wait_for(pilot, lambda: bool(ended), "the job's end")
        assert job.state is JobState.DONE
        assert {thread for thread, _ in heard} == {threading.main_thread().name}
        assert len(heard) < 100, "changes are coalesced, not one UI call per event"
        final = heard[-1][1][-1]
        assert final.state is JobState.DONE
        assert final.progress is not None
        assert (final.progress.done, final.progress.total) == (50, 50)
        assert len(final.items) == 50
        assert [s.summary for s in ended] == ["50 items"]
        await wait_for(
            pilot, lambda: any("copy web/api:v1" in n.title for n in app._notifications), "a toast"
        )
        assert not app.jobs.active


@asynctest
async def test_cancel_stops_a_running_job_and_retry_runs_it_again(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        started = threading.Event()
        attempts: list[int] = []

        def until_cancelled(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
            attempts.append(len(attempts) + 1)
            if len(attempts) > 1:
                return JobOutcome(summary="second time lucky")
            started.set()
            cancel.wait(60)
            raise NetworkError("stopped between parts")

        ended: list[JobSnapshot] = []
        job = app.jobs.start(JobKind.COPY, "slow copy", until_cancelled, on_done=ended.append)
        await wait_for(pilot, started.is_set, "the job running")
        assert [s.id for s in app.jobs.active] == [job.id]
        app.jobs.cancel(job.id)
        await wait_for(pilot, lambda: len(ended) == 1, "the cancelled end")
        assert ended[0].state is JobState.CANCELLED
        assert app.jobs.retry(job.id)
        await wait_for(pilot, lambda: len(ended) == 2, "the retried end")
        assert ended[1].state is JobState.DONE
        assert ended[1].attempt == 2
        assert not app.jobs.retry(job.id), "a finished job is not retried"


@asynctest
async def test_feature_keys_reach_controllers_by_name(make_app: MakeApp) -> None:
    app = make_app()
    calls: list[str] = []

    class Probe(Controller):
        def poke(self) -> None:
            calls.append("poke")

        def check(self, method: str) -> bool | None:
            return {"poke": True, "greyed": None}.get(method, False)

    async with app.run_test(size=SIZE):
        app.feature_controllers["probe"] = Probe(app)
        await app.run_action("feature('probe.poke')")
        assert calls == ["poke"]
        assert app.check_action("feature", ("probe.poke",)) is True
        assert app.check_action("feature", ("probe.greyed",)) is None
        assert app.check_action("feature", ("probe.hidden",)) is False
        assert app.check_action("feature", ("nobody.poke",)) is False
        assert app.check_action("quit", ()) is True
