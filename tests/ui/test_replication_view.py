"""The replication view, driven with keys against sandboxes over HTTP: opening it (``E``), what it shows, read-only
mode, every change to the rules (checked in the dialog, confirmed on a diff, sent, refused with ECR's reason, never
overwriting a change made elsewhere), backfills started as jobs (refused by ECR while one runs to the region,
stopped from the view, their per-image results), and the inspector's Replication tab with its watch (``w``).

The shared demo sandbox is only read (the view, read-only mode); every test that changes something runs on a
sandbox of its own that replicates after 20 ms. Waits are on conditions with deadlines.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.pilot import Pilot

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ecr.replication import BackfillStatus, ReplicationStatus
from ecrtui.jobs.model import JobKind, JobSnapshot, JobState
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.commands import app_commands
from ecrtui.ui.replication import ReplicationController
from ecrtui.ui.screens.backfill_report import BackfillReportScreen
from ecrtui.ui.screens.confirm import ConfirmScreen
from ecrtui.ui.screens.replication_backfill import BackfillStartScreen
from ecrtui.ui.screens.replication_change import ReplicationChangeScreen
from ecrtui.ui.screens.replication_input import ReplicationInputScreen
from ecrtui.ui.screens.replication_view import ReplicationScreen
from ecrtui.ui.widgets.inspector.replication_tab import ReplicationTab
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, open_repository_named, started
from tests.ui.conftest import fixed_clock

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.conftest import SandboxProcess

SIZE = (120, 36)
DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
QUICK = ("--seed", "demo", "--replication-delay-ms", "20")
EDIT_KEYS = {"a", "f", "d", "x", "b", "S"}


def app_on(sandbox: SandboxProcess, settings: Settings | None = None) -> EcrTuiApp:
    """An App on ``sandbox``'s demo-dev registry, with the fixed clock of the other UI tests."""
    files = AwsFiles(Path(sandbox.config_file), Path(sandbox.credentials_file))
    app = EcrTuiApp(
        settings or Settings(),
        aws_files=files,
        open_registry=RegistryEntry(profile="demo-dev"),
        clock=fixed_clock,
    )
    app.animation_level = "none"
    return app


def controller(app: EcrTuiApp) -> ReplicationController:
    replication = app.feature_controllers["replication"]
    assert isinstance(replication, ReplicationController)
    return replication


async def open_view(pilot: Pilot[Any], wait_for: WaitFor) -> ReplicationScreen:
    """From the start: ``E``, then wait until the view shows what it read."""
    app = await started(pilot, wait_for)
    await pilot.press("E")
    replication = controller(app)
    await wait_for(
        pilot, lambda: replication.view is not None and replication.view.overview is not None, "the view"
    )
    assert replication.view is not None
    assert app.screen is replication.view
    return replication.view


async def screen_of(pilot: Pilot[Any], kind: type, wait_for: WaitFor) -> Any:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, kind), kind.__name__)
    return app.screen


async def type_in(pilot: Pilot[Any], text: str) -> None:
    """Replace what the focused input holds with ``text`` and submit it."""
    await pilot.press("ctrl+u", *text, "enter")


def rules(sandbox: SandboxProcess) -> list[dict[str, Any]]:
    """The rules as ECR holds them (plain boto3: not the code under test)."""
    ecr = sandbox.session("demo-dev").client("ecr")
    return list(ecr.describe_registry()["replicationConfiguration"]["rules"])


def toasts(app: EcrTuiApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def move_to_line(pilot: Pilot[Any], view: ReplicationScreen, key: str) -> None:
    """Put the rules table's cursor on the row ``key`` with ``j``/``k``."""
    keys = [line.key for line in view.rule_lines]
    target = keys.index(key)
    view.rules_table.focus()
    await pilot.pause()
    while view.rules_table.cursor_row != target:
        await pilot.press("j" if view.rules_table.cursor_row < target else "k")


def jobs_of(app: EcrTuiApp, kind: JobKind) -> list[JobSnapshot]:
    return [s for s in app.jobs.board.snapshots() if s.kind is kind]


class TestTheView:
    @asynctest
    async def test_E_shows_the_rules_who_may_replicate_in_and_the_backfills(
        self, make_app: MakeApp, wait_for: WaitFor
    ) -> None:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            assert [(line.kind, line.value) for line in view.rule_lines] == [
                ("filter", "web/"),
                ("destination", "eu-west-1 (222222222222)"),
                ("deletions", "not replicated"),
            ]
            assert view.rule_lines[0].note == "web/api, web/checkout, web/frontend +1"
            assert "starts with 'web/'" in view.detail_text
            assert view.incoming_text == "none: no other account may replicate into this registry"
            assert view.backfill is None
            assert view.query_one("#replication-body").border_title == (
                "Replication · demo-dev · 111111111111 (us-east-1)"
            )
            assert EDIT_KEYS | {"r", "escape"} <= set(view.active_bindings)
            await move_to_line(pilot, view, "0:destination:eu-west-1:222222222222")
            assert "must allow account 111111111111 ecr:ReplicateImage" in view.detail_text
            await pilot.press("escape")
            await wait_for(pilot, lambda: controller(app).view is None, "the view to close")
            assert not isinstance(app.screen, ReplicationScreen)

    @asynctest
    async def test_the_palette_offers_it_and_a_prod_registry_shows_who_may_replicate_in(
        self, make_app: MakeApp, wait_for: WaitFor
    ) -> None:
        app = make_app("demo-prod")
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot, wait_for)
            command = next(c for c in app_commands(app) if c.title == "replication: view rules and backfills")
            command.callback()
            replication = controller(app)
            await wait_for(
                pilot,
                lambda: replication.view is not None and replication.view.overview is not None,
                "the view",
            )
            view = replication.view
            assert view is not None
            assert view.incoming_text == "account 111111111111 may replicate and create repositories"
            assert view.rule_lines == []
            assert "No rules: ECR replicates nothing from this registry" in view.detail_text
            assert "b" not in view.active_bindings or not view.active_bindings["b"].enabled, "no destination"

    @asynctest
    async def test_read_only_hides_every_change(self, make_app: MakeApp, wait_for: WaitFor) -> None:
        app = make_app(settings=Settings(read_only=True))
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            shown = set(view.active_bindings)
            assert not EDIT_KEYS & shown
            assert {"r", "escape"} <= shown
            await pilot.press("a", "b", "x")
            await pilot.pause()
            assert app.screen is view, "no dialog opens"


class TestChangingTheRules:
    @asynctest
    async def test_a_destination_is_checked_while_typed_confirmed_on_a_diff_and_sent(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            await pilot.press("a")
            ask = await screen_of(pilot, ReplicationInputScreen, wait_for)
            await type_in(pilot, "EU West")
            assert "'EU West' is not a region name" in ask.message
            await type_in(pilot, "eu-west-1:222222222222")
            assert ask.message == "eu-west-1 (222222222222) is already a destination of rule 1"
            await type_in(pilot, "us-east-1")
            assert "is this registry itself" in ask.message
            assert app.screen is ask, "nothing refused reaches the confirmation"
            await type_in(pilot, "eu-central-1:333333333333")
            confirm = await screen_of(pilot, ReplicationChangeScreen, wait_for)
            assert '+          "region": "eu-central-1",' in confirm.diff
            assert confirm.notes[0].startswith(
                "Another account: eu-central-1 (333333333333) must allow account"
            )
            assert rules(sandbox)[0]["destinations"] == [{"region": "eu-west-1", "registryId": PROD}]
            await pilot.press("y")
            await wait_for(pilot, lambda: len(rules(sandbox)[0]["destinations"]) == 2, "the rule to change")
            assert rules(sandbox)[0]["destinations"][1] == {"region": "eu-central-1", "registryId": ELSEWHERE}
            await wait_for(
                pilot,
                lambda: any(line.value == "eu-central-1 (333333333333)" for line in view.rule_lines),
                "the view to show the new destination",
            )
            assert any(
                t.startswith("Add eu-central-1 (333333333333) to rule 1: the registry has 1 rule")
                for t in toasts(app)
            )

    @asynctest
    async def test_filters_and_deletion_replication(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            await pilot.press("f")
            await screen_of(pilot, ReplicationInputScreen, wait_for)
            await type_in(pilot, "data/")
            confirm = await screen_of(pilot, ReplicationChangeScreen, wait_for)
            assert any('+          "filter": "data/",' in line for line in confirm.diff)
            await pilot.press("y")
            await wait_for(
                pilot, lambda: len(rules(sandbox)[0]["repositoryFilters"]) == 2, "the filter added"
            )
            await wait_for(pilot, lambda: len(view.rule_lines) == 4, "the view to show it")
            # The only filter left would make the rule replicate everything: said, and cancelled here.
            await move_to_line(pilot, view, "0:filter:data/")
            await pilot.press("d")
            confirm = await screen_of(pilot, ReplicationChangeScreen, wait_for)
            assert confirm.notes == [
                "Repositories matched only by 'data/' are no longer replicated by rule 1"
            ]
            await pilot.press("y")
            await wait_for(
                pilot,
                lambda: [f["filter"] for f in rules(sandbox)[0]["repositoryFilters"]] == ["web/"],
                "removed",
            )
            await wait_for(pilot, lambda: len(view.rule_lines) == 3, "the view to show it")
            await move_to_line(pilot, view, "0:filter:web/")
            await pilot.press("d")
            confirm = await screen_of(pilot, ReplicationChangeScreen, wait_for)
            assert "EVERY repository" in confirm.notes[0]
            await pilot.press("n")
            await wait_for(pilot, lambda: app.screen is view, "back to the view")
            assert [f["filter"] for f in rules(sandbox)[0]["repositoryFilters"]] == ["web/"], (
                "cancel sends nothing"
            )
            await pilot.press("x")
            confirm = await screen_of(pilot, ReplicationChangeScreen, wait_for)
            assert "delete it in eu-west-1 (222222222222) too" in confirm.notes[0]
            await pilot.press("y")
            await wait_for(
                pilot, lambda: rules(sandbox)[0].get("deleteReplication") == {"enabled": True}, "deletions on"
            )

    @asynctest
    async def test_removing_the_last_destination_removes_the_rule_and_a_first_rule_can_be_made(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            await move_to_line(pilot, view, "0:destination:eu-west-1:222222222222")
            await pilot.press("d")
            confirm = await screen_of(pilot, ReplicationChangeScreen, wait_for)
            assert confirm.notes[0] == "Rule 1 has no other destination: the whole rule is removed"
            await pilot.press("y")
            await wait_for(pilot, lambda: rules(sandbox) == [], "no rules")
            await wait_for(pilot, lambda: view.rule_lines == [], "the view to show none")
            await pilot.press("a")
            ask = await screen_of(pilot, ReplicationInputScreen, wait_for)
            assert (
                ask.query_one("#replication-input-body").border_title
                == "New rule: replicate every repository"
            )
            await type_in(pilot, "us-west-2")
            await screen_of(pilot, ReplicationChangeScreen, wait_for)
            await pilot.press("y")
            await wait_for(
                pilot,
                lambda: rules(sandbox) == [{"destinations": [{"region": "us-west-2", "registryId": DEV}]}],
                "a rule for every repository",
            )

    @asynctest
    async def test_a_region_ecr_does_not_serve_is_refused_as_typed_and_nothing_is_sent(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            await open_view(pilot, wait_for)
            await pilot.press("a")
            ask = await screen_of(pilot, ReplicationInputScreen, wait_for)
            await type_in(pilot, "xx-nowhere-1")  # a well-formed name ECR does not serve
            assert "ECR does not run in a region named 'xx-nowhere-1'" in ask.message
            assert app.screen is ask, "nothing refused reaches the confirmation"
            assert len(rules(sandbox)[0]["destinations"]) == 1

    @asynctest
    async def test_rules_changed_elsewhere_are_never_overwritten(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            elsewhere = [{"destinations": [{"region": "us-west-2", "registryId": DEV}]}]
            sandbox.session("demo-dev").client("ecr").put_replication_configuration(
                replicationConfiguration={"rules": elsewhere}
            )
            await pilot.press("a")
            await screen_of(pilot, ReplicationInputScreen, wait_for)
            await type_in(pilot, "eu-central-1")
            await screen_of(pilot, ReplicationChangeScreen, wait_for)
            await pilot.press("y")
            await wait_for(pilot, lambda: app.errors.log, "the refusal")
            assert (
                "The rules changed since the view read them: nothing was sent" in app.errors.log[-1].message
            )
            assert rules(sandbox) == elsewhere
            await wait_for(
                pilot,
                lambda: (
                    [line.value for line in view.rule_lines][:2]
                    == ["every repository", "us-west-2 (111111111111)"]
                ),
                "the view to show the rules as they are",
            )


class TestBackfills:
    @asynctest
    async def test_a_backfill_runs_as_a_job_and_its_results_open(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            await pilot.press("b")
            pick = await screen_of(pilot, BackfillStartScreen, wait_for)
            assert (
                "already in the repositories starting web/ (rule 1) to eu-west-1 (222222222222)" in pick.plan
            )
            await pilot.press("enter")
            await wait_for(pilot, lambda: jobs_of(app, JobKind.BACKFILL), "the job")
            await wait_for(pilot, lambda: jobs_of(app, JobKind.BACKFILL)[0].state.is_final, "the job to end")
            job = jobs_of(app, JobKind.BACKFILL)[0]
            assert job.state is JobState.DONE, job.error
            assert job.title == "backfill to eu-west-1 (222222222222)"
            await wait_for(
                pilot,
                lambda: view.backfill is not None and view.backfill.status is BackfillStatus.COMPLETE,
                "the view to list it complete",
            )
            backfill = view.backfill
            assert backfill is not None
            assert backfill.progress is not None
            assert (
                job.summary
                == f"eu-west-1 (222222222222): {backfill.progress.total} of {backfill.progress.total} replicated"
            )
            await pilot.press("tab")
            assert view.backfills_focused
            assert "S" not in view.active_bindings or not view.active_bindings["S"].enabled, "it has ended"
            await pilot.press("enter")
            report = await screen_of(pilot, BackfillReportScreen, wait_for)
            await wait_for(pilot, lambda: report.report is not None, "the results")
            assert report.report is not None
            assert len(report.report.results) == backfill.progress.total
            assert {r.status for r in report.report.results} == {ReplicationStatus.COMPLETE}
            assert report.table.row_count == backfill.progress.total
            assert report.note == "Per-image results, failures first (0 failed)"
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is view, "back to the view")

    @asynctest
    async def test_ecr_refuses_a_second_backfill_to_the_region_and_the_view_stops_the_first(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory("--seed", "demo", "--replication-delay-ms", "400")
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, wait_for)
            await pilot.press("b")
            await screen_of(pilot, BackfillStartScreen, wait_for)
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: view.backfill is not None and view.backfill.status is BackfillStatus.IN_PROGRESS,
                "the view to list the first backfill in progress",
            )
            await pilot.press("b")
            pick = await screen_of(pilot, BackfillStartScreen, wait_for)
            assert "ECR runs one per destination region at a time" in pick.plan
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: any(s.state is JobState.FAILED for s in jobs_of(app, JobKind.BACKFILL)),
                "a refusal",
            )
            refused = next(s for s in jobs_of(app, JobKind.BACKFILL) if s.state is JobState.FAILED)
            assert "A replication backfill to region 'eu-west-1' is already in progress" in (
                refused.error or ""
            )
            assert view.rules_focused, "S stops the highlighted backfill from either table"
            await pilot.press("S")
            stop = await screen_of(pilot, ConfirmScreen, wait_for)
            assert stop is not None
            await pilot.press("y")
            await wait_for(
                pilot,
                lambda: view.backfill is not None and view.backfill.status is BackfillStatus.STOPPED,
                "the backfill to stop",
            )
            await wait_for(
                pilot,
                lambda: any(s.state is JobState.CANCELLED for s in jobs_of(app, JobKind.BACKFILL)),
                "the job that ran it to end as cancelled",
            )


class TestInspector:
    @asynctest
    async def test_the_replication_tab_explains_no_status_then_shows_them_and_w_watches(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            await open_repository_named(pilot, "web/api", wait_for)
            await pilot.press("enter")  # into the inspector
            tab = app.inspector.query_one(ReplicationTab)
            await wait_for(pilot, lambda: app.inspector.details is not None, "the inspector")
            await pilot.press("left_square_bracket")  # from Summary back round to the last tab
            assert app.inspector.active_tab == "tab-replication"
            await wait_for(pilot, lambda: tab.replication is not None, "the status")
            assert tab.replication is not None
            assert tab.replication.statuses == ()
            assert (
                "the rules send web/api to eu-west-1 (222222222222), but this image was pushed before them"
                in (tab.notice)
            )
            # A backfill from the view; when its job ends, the tab reads the status again.
            await pilot.press("E")
            await wait_for(pilot, lambda: isinstance(app.screen, ReplicationScreen), "the view")
            await pilot.press("b")
            await screen_of(pilot, BackfillStartScreen, wait_for)
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: jobs_of(app, JobKind.BACKFILL) and jobs_of(app, JobKind.BACKFILL)[0].state.is_final,
                "the backfill job",
            )
            await pilot.press("escape")
            await wait_for(
                pilot, lambda: tab.replication is not None and tab.replication.statuses, "a status"
            )
            assert [(s.destination.label, s.status) for s in tab.replication.statuses] == [
                ("eu-west-1 (222222222222)", ReplicationStatus.COMPLETE)
            ]
            assert tab.table.row_count == 1
            assert tab.notice == "1 of 1 destination finished"
            # A destination added to the rule later: listed, and said why it has no status.
            await pilot.press("E")
            await wait_for(pilot, lambda: isinstance(app.screen, ReplicationScreen), "the view again")
            await pilot.press("a")
            await screen_of(pilot, ReplicationInputScreen, wait_for)
            await type_in(pilot, "us-west-2")
            await screen_of(pilot, ReplicationChangeScreen, wait_for)
            await pilot.press("y")
            await wait_for(pilot, lambda: len(rules(sandbox)[0]["destinations"]) == 2, "the new destination")
            await wait_for(pilot, lambda: isinstance(app.screen, ReplicationScreen), "back in the view")
            await pilot.press("escape")
            await wait_for(pilot, lambda: tab.table.row_count == 2, "both destinations in the tab")
            assert str(tab.table.get_row_at(1)[1]) == "not replicated"
            assert "1 more destination of the rules: added after this image was pushed" in tab.notice
            app.images.table.focus()  # w works on the highlighted image from the Images pane too
            await pilot.press("w")
            await wait_for(
                pilot,
                lambda: (
                    jobs_of(app, JobKind.REPLICATION) and jobs_of(app, JobKind.REPLICATION)[0].state.is_final
                ),
                "the watch",
            )
            watch = jobs_of(app, JobKind.REPLICATION)[0]
            assert watch.state is JobState.DONE, watch.error
            assert watch.title == f"replication of {tab.target.label if tab.target else ''}"
            assert "replicated to eu-west-1 (222222222222)" in watch.summary


class TestFailures:
    @asynctest
    async def test_rules_that_cannot_be_read_say_why_in_the_view(
        self, sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
    ) -> None:
        sandbox = sandbox_factory(*QUICK)
        app = app_on(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot, wait_for)
            sandbox.stop()  # ECR is unreachable from now on
            await pilot.press("E")
            replication = controller(app)
            await wait_for(
                pilot,
                lambda: (
                    replication.view is not None and replication.view.status_text.startswith("Could not read")
                ),
                "the view to say why",
            )
            view = replication.view
            assert view is not None
            assert view.status_text.endswith("(r retries)")
            assert view.overview is None
            # Other background reads (the Repositories pane's image counts) fail too, in any order.
            assert "reading the replication rules" in [entry.context for entry in app.errors.log]
            assert not {"a", "f", "d", "x", "b"} & {
                key for key, binding in view.active_bindings.items() if binding.enabled
            }, "nothing to change before the rules are known"
