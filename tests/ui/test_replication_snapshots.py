"""Snapshots of replication in the app: the view of demo-dev's replication, the same view with backfills, the
confirmation of a change (its diff and what a destination in another account needs), a backfill's per-image
results, and the inspector's Replication tab (statuses per destination, and why an image has none).

Deterministic: the demo seed, a fixed clock, animations off, toasts cleared. The view and the confirmation are read
from the shared demo sandbox, which they never change (the change is not sent). Backfills carry random ids and
the sandbox's real start times, so the two snapshots that show backfills draw records built here with fixed ids and
times (the tests of ``test_replication_view`` run real backfills through the same screens). The Replication tab's
statuses are real: a sandbox of this module's own, prepared once, replicated web/ to demo-prod (COMPLETE) and to an
account whose registry policy does not let demo-dev in (FAILED, with its code explained).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from textual.pilot import Pilot

from ecrtui.ecr.replication import (
    BackfillProgress,
    BackfillReport,
    BackfillResult,
    BackfillStatus,
    ReplicationBackfill,
    ReplicationDestination,
    ReplicationStatus,
)
from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.screens.backfill_report import BackfillReportScreen
from ecrtui.ui.screens.replication_change import ReplicationChangeScreen
from ecrtui.ui.screens.replication_view import ReplicationScreen
from ecrtui.ui.widgets.inspector.replication_tab import ReplicationTab
from tests.conftest import start_sandbox
from tests.ui.conftest import FIXED_NOW, fixed_clock
from tests.ui.test_replication_view import app_on, controller
from tests.ui.test_snapshots import repositories_listed, showing, until
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

MakeApp = Callable[..., EcrTuiApp]
Snap = Callable[..., bool]
WIDE = (120, 36)
SMALL = (80, 24)
DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
PROD_WEST = ReplicationDestination("eu-west-1", PROD)
ELSEWHERE_WEST = ReplicationDestination("us-west-2", ELSEWHERE)
DIGEST = "sha256:" + "4e" * 32


def backfill(
    number: int,
    destination: ReplicationDestination,
    status: BackfillStatus,
    progress: BackfillProgress | None,
) -> ReplicationBackfill:
    started = FIXED_NOW - timedelta(hours=number * 5 + 1)
    return ReplicationBackfill(
        f"{number:08d}-aaaa-4bbb-8ccc-{number:012d}",
        DEV,
        destination,
        status,
        started_at=started,
        ended_at=None if not status.is_final else started + timedelta(minutes=12),
        progress=progress,
    )


BACKFILLS = (
    backfill(0, PROD_WEST, BackfillStatus.PREPARING, None),
    backfill(
        1,
        ELSEWHERE_WEST,
        BackfillStatus.IN_PROGRESS,
        BackfillProgress(55, 30, 4, ("ReplicateImageAccessDenied",)),
    ),
    backfill(2, PROD_WEST, BackfillStatus.STOPPED, BackfillProgress(55, 12, 0)),
    backfill(3, PROD_WEST, BackfillStatus.COMPLETE, BackfillProgress(55, 55, 0)),
)
"""Records as ECR answers ``ListReplicationBackfills`` (newest first), with fixed ids and times."""


async def view_shown(pilot: Pilot[Any]) -> ReplicationScreen:
    """From the start: the panes settled, ``E``, the view filled, no toasts."""
    app = pilot.app
    assert isinstance(app, EcrTuiApp)
    await until(pilot, lambda: repositories_listed(app), "repos")
    await pilot.press("E")
    replication = controller(app)
    await until(
        pilot, lambda: replication.view is not None and replication.view.overview is not None, "the view"
    )
    assert replication.view is not None
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()
    return replication.view


@pytest.fixture(scope="module")
def replicated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """demo-dev's web/ backfilled to demo-prod (COMPLETE) and to account 333333333333, whose registry has no policy
    letting demo-dev in (FAILED); prepared with plain boto3, then only read."""
    sandbox = start_sandbox(
        tmp_path_factory.mktemp("replicated"), "--seed", "demo", "--replication-delay-ms", "20"
    )
    try:
        ecr = sandbox.session("demo-dev").client("ecr")
        rule = {
            "destinations": [PROD_WEST.to_api(), ELSEWHERE_WEST.to_api()],
            "repositoryFilters": [{"filter": "web/", "filterType": "PREFIX_MATCH"}],
        }
        ecr.put_replication_configuration(replicationConfiguration={"rules": [rule]})
        ids = [
            ecr.start_replication_backfill(destination=d.to_api())["replicationBackfillId"]
            for d in (PROD_WEST, ELSEWHERE_WEST)
        ]
        for backfill_id in ids:
            wait_until(
                lambda backfill_id=backfill_id: (
                    ecr.describe_replication_backfill_results(replicationBackfillId=backfill_id)["status"]
                    == "COMPLETE"
                ),
                f"backfill {backfill_id}",
            )
        yield sandbox
    finally:
        sandbox.stop()


class TestReplicationView:
    """``E``: the open registry's rules, who may replicate into it, and its backfills."""

    def test_view(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """demo-dev: one rule (web/ to demo-prod in eu-west-1, another account), no policy, no backfills yet."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await view_shown(pilot)

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_view_at_80_columns(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """The same at 80x24: the rule's long note cut with an ellipsis, every column on screen."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await view_shown(pilot)

        assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)

    def test_view_with_backfills(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """Backfills in each state, newest first, with progress; the cursor on a running one whose failures are
        explained under the table (and Stop backfill applies)."""

        async def run_before(pilot: Pilot[Any]) -> None:
            view = await view_shown(pilot)
            assert view.overview is not None
            view.show(replace(view.overview, backfills=BACKFILLS))
            await pilot.press("tab", "j")
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_edit_confirmation(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``a`` then a destination in another account: the diff, what that account must allow, Send/Cancel."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await view_shown(pilot)
            await pilot.press("a", *"eu-central-1:333333333333", "enter")
            await until(
                pilot, lambda: isinstance(pilot.app.screen, ReplicationChangeScreen), "the confirmation"
            )
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_backfill_results(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """A backfill's facts with its failure codes explained, then its results, failures first."""
        ended = backfill(
            1,
            PROD_WEST,
            BackfillStatus.COMPLETE,
            BackfillProgress(5, 3, 2, ("ImageTagImmutable", "ReferencedImagesNotReplicated")),
        )
        results = (
            BackfillResult("web/api", DIGEST, "latest", ReplicationStatus.FAILED, "ImageTagImmutable"),
            BackfillResult(
                "web/gateway",
                "sha256:" + "9a" * 32,
                "v2.1.0",
                ReplicationStatus.FAILED,
                "ReferencedImagesNotReplicated",
                ("ImageTagImmutable",),
            ),
            BackfillResult("web/api", DIGEST, "v1.4.2", ReplicationStatus.COMPLETE),
            BackfillResult("web/api", "sha256:" + "c9" * 32, None, ReplicationStatus.COMPLETE),
            BackfillResult("web/frontend", "sha256:" + "0f" * 32, "v3.0.1", ReplicationStatus.COMPLETE),
        )

        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            assert isinstance(app, EcrTuiApp)
            await until(pilot, lambda: repositories_listed(app), "repos")
            screen = BackfillReportScreen(ended, fixed_clock)
            await app.push_screen(screen)
            screen.show(BackfillReport(ended, results))
            await pilot.pause()
            app.clear_notifications()
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)


class TestInspectorReplication:
    """The inspector's Replication tab (the last tab)."""

    def test_statuses_per_destination(self, snap_compare: Snap, replicated: SandboxProcess) -> None:
        """web/api v1.4.2 after backfills: COMPLETE in demo-prod, FAILED in an account that does not let it in."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await showing(seed.API_REPOSITORY, seed.API_LATEST, tab_steps=7)(pilot)
            tab = pilot.app.query_one(ReplicationTab)
            await until(
                pilot, lambda: tab.replication is not None and len(tab.replication.statuses) == 2, "statuses"
            )
            await pilot.pause()

        assert snap_compare(app_on(replicated), terminal_size=WIDE, run_before=run_before)

    def test_no_status_says_why_at_80_columns(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """An image pushed before its rule: the rule's destination named, and how to replicate it."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await showing(seed.API_REPOSITORY, seed.API_LATEST, tab_steps=7)(pilot)
            tab = pilot.app.query_one(ReplicationTab)
            await until(pilot, lambda: tab.replication is not None, "the status")
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)
