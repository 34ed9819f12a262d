"""Snapshots of the whole app on the demo seed: main screen at two sizes, each inspector tab, an index with
platforms, the help screen and the error log.

Deterministic: the demo seed has fixed timestamps and content, the clock is fixed, animations are off, and
notifications are cleared before the capture. Update with ``--snapshot-update`` only after reading the report.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from ecrtui.ecr.errors import AccessDenied, NotFound
from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.screens.error_log import ErrorLogScreen
from ecrtui.ui.screens.help import HelpScreen

MakeApp = Callable[..., EcrTuiApp]
Snap = Callable[..., bool]
WIDE = (120, 36)
SMALL = (80, 24)
DEADLINE_SECONDS = 30.0


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str) -> None:
    """Run the app until the condition holds (bounded by a deadline)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause()


def repositories_listed(app: EcrTuiApp) -> bool:
    """The panes are mounted, the open registry's repositories are all listed and every profile's account is
    known (the background probes answered)."""
    return (
        app.panes_ready
        and bool(app.repositories.repositories)
        and not app.repositories.is_loading
        and app.sessions.accounts_settled
    )


def showing(repository: str, tag: str | None, tab_steps: int = 0) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before``: open ``repository``, put the cursor on ``tag`` (or keep the first row), wait for the
    inspector, press ``]`` ``tab_steps`` times, clear toasts."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, EcrTuiApp)
        await until(pilot, lambda: repositories_listed(app), "repos")
        target = next(r for r in app.repositories.repositories if r.name == repository)
        app.repositories.table.move_cursor_to_key(target.name)
        app.open_repository(target)
        await until(pilot, lambda: app.images.summaries and not app.images.is_loading, "images")
        if tag is not None:
            summary = next(s for s in app.images.summaries if tag in s.tags)
            key = next(k for k in app.images.table.visible_keys if k.endswith(summary.digest))
            app.images.table.move_cursor_to_key(key)
            await until(pilot, lambda: app.image == summary, "the image highlighted")
        await until(
            pilot,
            lambda: (
                app.image is not None
                and app.inspector.details is not None
                and app.inspector.details.summary.digest == app.image.digest
            ),
            "the inspector",
        )
        for _ in range(tab_steps):
            await pilot.press("right_square_bracket")
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


class TestMainScreen:
    """The browser: header, three panes, the inspector and the footer."""

    def test_main_screen_wide(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """120x36: registries, repositories, images of web/api with the latest release inspected."""
        assert snap_compare(
            make_app(), terminal_size=WIDE, run_before=showing(seed.API_REPOSITORY, seed.API_LATEST)
        )

    def test_main_screen_small(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """80x24: the registries pane collapses, the lists and the inspector share the height."""
        assert snap_compare(
            make_app(), terminal_size=SMALL, run_before=showing(seed.API_REPOSITORY, seed.API_LATEST)
        )


class TestInspectorInApp:
    """Each inspector tab as it appears inside the app."""

    @pytest.mark.parametrize(
        ("steps", "name"), [(0, "summary"), (1, "manifest"), (2, "config"), (3, "layers"), (4, "platforms")]
    )
    def test_inspector_tab(self, snap_compare: Snap, make_app: MakeApp, steps: int, name: str) -> None:
        """web/api latest release, one tab per snapshot."""
        assert snap_compare(
            make_app(), terminal_size=WIDE, run_before=showing(seed.API_REPOSITORY, seed.API_LATEST, steps)
        )

    def test_index_with_platforms(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """A multi-arch index: its children grouped in the images pane, its platforms in the inspector."""
        assert snap_compare(
            make_app(),
            terminal_size=WIDE,
            run_before=showing(seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG, tab_steps=4),
        )


class TestScreens:
    """Modal screens over the browser."""

    def test_help_screen(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``?``: every action with its keys and binding id."""

        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            assert isinstance(app, EcrTuiApp)
            await until(pilot, lambda: repositories_listed(app), "repos")
            await pilot.press("question_mark")
            await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
            app.clear_notifications()

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_error_log(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """``!`` after two failures: the list, newest first, and the details of the highlighted one.

        The errors are the data layer's own types with fixed request ids (a real sandbox error carries a random
        request id, which would make the capture unstable; ``test_app`` covers the real path).
        """

        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            assert isinstance(app, EcrTuiApp)
            await until(pilot, lambda: repositories_listed(app), "repos")
            app.post_message(
                EcrFailed(
                    AccessDenied(
                        "User arn:aws:iam::111111111111:user/dev-engineer is not authorized to perform "
                        "ecr:DescribeImages on web/secret",
                        operation="DescribeImages",
                        request_id="11111111-2222-3333-4444-555555555555",
                        code="AccessDeniedException",
                    ),
                    "listing images of web/secret",
                )
            )
            app.post_message(
                EcrFailed(
                    NotFound(
                        "The repository with name 'gone' does not exist in the registry with id '111111111111'",
                        operation="DescribeImages",
                        request_id="66666666-7777-8888-9999-000000000000",
                        code="RepositoryNotFoundException",
                    ),
                    "listing images of gone",
                )
            )
            await until(pilot, lambda: len(app.errors.log) == 2, "the errors")
            app.clear_notifications()
            await pilot.press("exclamation_mark")
            await until(pilot, lambda: isinstance(app.screen, ErrorLogScreen), "the error log")

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_error_notification(self, snap_compare: Snap, make_app: MakeApp) -> None:
        """The titled toast an error raises (80x24): the open repository is gone, said once."""

        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            assert isinstance(app, EcrTuiApp)
            await until(pilot, lambda: repositories_listed(app), "repos")
            real = app.repositories.repositories[0]
            app.open_repository(real.model_copy(update={"name": "deleted-meanwhile"}))
            await until(pilot, lambda: app.errors.log, "the error")
            await until(pilot, lambda: not app.images.is_loading, "the images pane to settle")
            await until(pilot, lambda: not app.repositories.is_loading, "the repositories listed again")

        assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)
