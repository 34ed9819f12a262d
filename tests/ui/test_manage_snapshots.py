"""Snapshots of every management dialog and view on the demo registry: the reviews (delete, tag move, refused
tag, archive, delete repository), the outcome, the tag prompt, the tag choice, the repository forms, the policy,
lifecycle and audit views, the inspector's Scan and Referrers tabs, and archived images in the Images list.

Deterministic: the demo seed is fixed, the clock is fixed, animations are off, notifications are cleared before
the capture. Reviews are only shown, never confirmed, so the shared demo registry is never changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from ecrtui.manage import AuditEntry, AuditLog, ItemResult, Outcome
from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_copy_cases import CHECKOUT_SIGNED_TAG
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.screens.audit_log import AuditLogScreen
from ecrtui.ui.screens.choice import ChoiceScreen
from ecrtui.ui.screens.create_repository import CreateRepositoryScreen
from ecrtui.ui.screens.lifecycle import LifecycleScreen
from ecrtui.ui.screens.mutability import MutabilityScreen
from ecrtui.ui.screens.outcome import OutcomeScreen
from ecrtui.ui.screens.plan_review import PlanReviewScreen
from ecrtui.ui.screens.repository_policy import RepositoryPolicyScreen
from ecrtui.ui.screens.resource_tags import ResourceTagsScreen
from ecrtui.ui.screens.tag_prompt import TagPromptScreen
from ecrtui.ui.widgets.inspector.referrers_tab import ReferrersTab
from ecrtui.ui.widgets.inspector.scan_tab import ScanTab
from tests.ui.manage_steps import manage
from tests.ui.test_snapshots import repositories_listed, until

MakeApp = Callable[..., EcrTuiApp]
Snap = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]
SIZE = (120, 36)


def scenario(*steps: Step) -> Step:
    """A ``run_before``: the steps in order, then toasts cleared."""

    async def run_before(pilot: Pilot[Any]) -> None:
        for step in steps:
            await step(pilot)
        app = pilot.app
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


def app_of(pilot: Pilot[Any]) -> EcrTuiApp:
    app = pilot.app
    assert isinstance(app, EcrTuiApp)
    return app


def open_images(repository: str, *tags: str) -> Step:
    """Open ``repository`` and put the cursor on the image tagged ``tags[0]``; with more than one tag, every
    image named is marked (``space``)."""

    async def step(pilot: Pilot[Any]) -> None:
        app = app_of(pilot)
        await until(pilot, lambda: repositories_listed(app), "repositories")
        target = next(r for r in app.repositories.repositories if r.name == repository)
        app.repositories.table.move_cursor_to_key(target.name)
        app.open_repository(target)
        await until(pilot, lambda: app.images.summaries and not app.images.is_loading, "images")
        app.focus_pane(app.images)
        marking = len(tags) > 1
        for tag in (*tags, tags[0]) if marking else tags:
            summary = next(s for s in app.images.summaries if tag in s.tags)
            app.images.table.move_cursor_to_key(summary.digest)
            await until(pilot, lambda s=summary: app.image == s, "the image highlighted")
            if marking and len(app.images.marked_images) < len(tags):
                await pilot.press("space")

    return step


def on_repository(repository: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        app = app_of(pilot)
        await until(pilot, lambda: repositories_listed(app), "repositories")
        app.repositories.show_repository(repository)
        app.focus_pane(app.repositories)
        await pilot.pause()

    return step


def press(*keys: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)

    return step


def shown(kind: type[Screen[Any]], ready: Callable[[Any], object] = lambda screen: True) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await until(pilot, lambda: isinstance(app.screen, kind) and ready(app.screen), kind.__name__)
        await pilot.app.workers.wait_for_complete()

    return step


def inspector_tab(tab: str, ready: Callable[[EcrTuiApp], object]) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        app = app_of(pilot)
        await until(
            pilot,
            lambda: (
                app.image is not None
                and app.inspector.details is not None
                and app.inspector.details.summary.digest == app.image.digest
            ),
            "the inspector",
        )
        while app.inspector.active_tab != tab:
            await pilot.press("right_square_bracket")
        await until(pilot, lambda: ready(app), tab)

    return step


class TestReviews:
    """What each change says before it is made (never confirmed here)."""

    def test_delete_an_index(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``d`` on a multi-arch index: its tags go, its platform images stay behind untagged."""
        steps = scenario(
            open_images(seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG), press("d"), shown(PlanReviewScreen)
        )
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_move_a_tag(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``t`` then ``latest`` on an older release: the review says which image loses it."""
        steps = scenario(
            open_images(seed.API_REPOSITORY, "v1.4.1"),
            press("t"),
            shown(TagPromptScreen),
            press(*"latest", "enter"),
            shown(PlanReviewScreen),
        )
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_a_refused_tag(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """A release tag in a repository immutable except ``latest``: refused, with the reason; Close only."""
        base = "platform/base"
        steps = scenario(
            open_images(base, "latest"), press("t"), shown(TagPromptScreen), press(*"python-3.12.10", "enter")
        )
        steps = scenario(steps, shown(PlanReviewScreen))
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_archive_marked_images(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``a`` on two marked releases: the 90-day minimum charge and what archived images cannot do."""
        steps = scenario(
            open_images(seed.API_REPOSITORY, "v1.3.0", "v1.2.0"), press("a"), shown(PlanReviewScreen)
        )
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_delete_a_repository_that_holds_images(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``d`` in Repositories: how many images go, refused without force, confirmed by typing the name."""
        steps = scenario(on_repository(seed.FRONTEND_REPOSITORY), press("d"), shown(PlanReviewScreen))
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_choose_the_tag_to_remove(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``u`` on an image with three tags asks which."""
        steps = scenario(open_images(seed.API_REPOSITORY, seed.API_LATEST), press("u"), shown(ChoiceScreen))
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_tag_prompt_with_a_bad_tag(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """The tag is checked as it is typed."""
        steps = scenario(
            open_images(seed.API_REPOSITORY, seed.API_LATEST),
            press("t"),
            shown(TagPromptScreen),
            press(*"v1", "space", *"beta"),
        )
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


class OutcomeApp(App[None]):
    def on_mount(self) -> None:
        outcome = Outcome(
            "delete-images",
            "Delete 3 images from web/api",
            (
                ItemResult("web/api@sha256:" + "a" * 64, "ok", detail="tags: v1.0.0"),
                ItemResult(
                    "web/api@sha256:" + "b" * 64,
                    "failed",
                    "Requested image not found",
                    "ImageNotFound",
                ),
                ItemResult(
                    "web/api@sha256:" + "c" * 64,
                    "refused",
                    "<untagged> (sha256:cccccccccccc) is listed by index v2 (sha256:dddddddddddd), which stays",
                    "ImageReferencedByManifestList",
                ),
            ),
        )
        self.push_screen(OutcomeScreen(outcome))


class TestForms:
    """The dialogs that ask for input, and the outcome of a change that partly failed."""

    def test_outcome_with_failures(self, snap_compare: Snap) -> None:
        """Per target: ok, failed with ECR's code, refused with the reason."""
        app = OutcomeApp()
        app.animation_level = "none"
        assert snap_compare(app, terminal_size=(100, 20))

    def test_new_repository(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``n``: a name ECR would refuse is explained as it is typed."""
        steps = scenario(
            on_repository(seed.API_REPOSITORY), press("n"), shown(CreateRepositoryScreen), press(*"Team/api")
        )
        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=steps)

    def test_tag_mutability(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``m`` on a repository that is immutable except ``latest``."""
        steps = scenario(on_repository("platform/base"), press("m"), shown(MutabilityScreen))
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_resource_tags(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``T``: the current tags, one per line."""
        steps = scenario(
            on_repository(seed.ETL_REPOSITORY),
            press("T"),
            shown(ResourceTagsScreen),
        )
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)


class TestViews:
    """The read-only views."""

    def test_repository_policy(self, snap_compare: Snap, make_app: MakeApp) -> None:
        steps = scenario(
            on_repository(seed.API_REPOSITORY),
            press("P"),
            shown(RepositoryPolicyScreen, lambda screen: screen.view.display),
        )
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=steps)

    def test_lifecycle_rules_and_preview(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """The rules of web/api and the images rule 1 would archive now."""
        steps = scenario(
            on_repository(seed.API_REPOSITORY),
            press("L"),
            shown(LifecycleScreen, lambda screen: screen.preview is not None),
        )
        assert snap_compare(make_app(), terminal_size=(130, 40), run_before=steps)

    def test_audit_log(self, snap_compare: Snap, make_app: MakeApp, tmp_path: Path) -> None:
        """Every column on screen at 120x36: the long ones cut with an ellipsis, whole in the detail."""
        self.audit_log_at(SIZE, snap_compare, make_app, tmp_path)

    def test_audit_log_at_80_columns(self, snap_compare: Snap, make_app: MakeApp, tmp_path: Path) -> None:
        """Every column still on screen at 80x24, narrower, cut with an ellipsis."""
        self.audit_log_at((80, 24), snap_compare, make_app, tmp_path)

    @staticmethod
    def audit_log_at(size: tuple[int, int], snap_compare: Snap, make_app: MakeApp, tmp_path: Path) -> None:
        log = AuditLog(tmp_path / "audit.jsonl")
        rows = [
            ("tag", "web/api:stable", "ok", "image sha256:" + "1" * 64),
            ("delete-images", "web/gateway@sha256:" + "2" * 64, "refused: listed by index v2.1.0", ""),
            ("archive", "web/api@sha256:" + "3" * 64, "ok: now ARCHIVED", "tags: v1.0.0"),
        ]
        for minute, (action, target, result, detail) in enumerate(rows):
            when = datetime(2026, 6, 1, 9, minute, tzinfo=UTC)
            log.append(
                AuditEntry(when, "demo-dev", "111111111111", "us-east-1", action, target, result, detail)
            )
        app = make_app()
        manage(app).audit = log
        steps = scenario(
            on_repository(seed.API_REPOSITORY),
            press("H"),
            shown(AuditLogScreen, lambda screen: screen.entries),
        )
        assert snap_compare(app, terminal_size=size, run_before=steps)

    def test_scan_findings_in_the_inspector(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """Enhanced findings of a data/etl image: severity, fix and exploit availability."""
        steps = scenario(
            open_images(seed.ETL_REPOSITORY, "1.8.0"),
            inspector_tab("tab-scan", lambda app: app.inspector.query_one(ScanTab).findings is not None),
        )
        assert snap_compare(make_app(), terminal_size=(140, 40), run_before=steps)

    def test_referrers_in_the_inspector(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """The signature and SBOM of a signed image."""
        steps = scenario(
            open_images(seed.CHECKOUT_REPOSITORY, CHECKOUT_SIGNED_TAG),
            inspector_tab("tab-referrers", lambda app: app.inspector.query_one(ReferrersTab).referrers),
        )
        assert snap_compare(make_app(), terminal_size=(140, 40), run_before=steps)

    def test_archived_images_in_the_list(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """Oldest first (``s``): the archived web/api releases lead, coloured, with their State and findings;
        the inspector says since when the highlighted one is archived."""
        steps = scenario(open_images(seed.API_REPOSITORY, seed.API_LATEST), press("s", "g"))
        assert snap_compare(make_app(), terminal_size=(169, 40), run_before=steps)
