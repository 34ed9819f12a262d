"""``r`` and opening the shown repository again keep the Images cursor and marks (issue 7, item 3).

The real App against the read-only demo sandbox, driven by keys: the rows stay on screen while the repository
is listed again, then the new listing takes their place with the cursor and the marks on the same images.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from tests.conftest import SandboxProcess
from tests.ui.conftest import MakeApp, WaitFor
from tests.ui.copy_steps import app_on, highlight

SIZE = (120, 36)


def asynctest(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


def describe_calls(app: EcrTuiApp) -> int:
    service = app.sessions.current
    assert service is not None
    return service.call_counts.get("DescribeImages", 0)


async def big_repository_with_a_cursor_and_marks(pilot: Any, wait_for: WaitFor) -> EcrTuiApp:
    """Open the demo's 320-image repository, move down and mark three images, with keys."""
    app = pilot.app
    assert isinstance(app, EcrTuiApp)
    await wait_for(
        pilot,
        lambda: app.panes_ready and not app.repositories.is_loading and app.repositories.repositories,
        "the repositories",
    )
    assert app.repositories.table.move_cursor_to_key(seed.BIG_REPOSITORY)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.images.summaries) > 300 and not app.images.is_loading, "images")
    assert app.focused is app.images.table
    await pilot.press(*["j"] * 30, "space", "space", "j", "space")
    await pilot.press(*["j"] * 12)
    await wait_for(pilot, lambda: len(app.images.table.marked_keys) == 3, "three marks")
    return app


@asynctest
async def test_r_keeps_the_cursor_and_the_marks(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app = await big_repository_with_a_cursor_and_marks(pilot, wait_for)
        table = app.images.table
        cursor, marks = table.highlighted_key, table.marked_keys
        assert cursor is not None
        assert table.cursor == 46
        calls = describe_calls(app)

        await pilot.press("r")
        assert table.row_count > 300, "the rows stay on screen while the repository is listed again"
        await wait_for(
            pilot, lambda: describe_calls(app) > calls and not app.images.is_loading, "the refresh"
        )
        assert table.highlighted_key == cursor
        assert table.marked_keys == marks
        assert app.images.border_subtitle.endswith("3 marked")
        assert app.image is not None
        assert app.image.digest == cursor, "the inspector follows the kept cursor"

        await pilot.press("j")
        assert table.cursor == 47, "keys go on from the kept position"


@asynctest
async def test_opening_the_shown_repository_again_keeps_the_cursor_and_the_marks(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app = await big_repository_with_a_cursor_and_marks(pilot, wait_for)
        table = app.images.table
        cursor, marks = table.highlighted_key, table.marked_keys

        await pilot.press("shift+tab")  # back to the Repositories pane, still on the same repository
        assert app.focused is app.repositories.table
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.images.is_loading, "the repository opened again")
        assert app.focused is app.images.table
        assert table.highlighted_key == cursor
        assert table.marked_keys == marks

        await pilot.press("shift+tab", "j", "enter")  # another repository starts afresh
        await wait_for(pilot, lambda: not app.images.is_loading and app.images.summaries, "another one")
        assert app.repository is not None
        assert app.repository.name != seed.BIG_REPOSITORY
        assert table.marked_keys == ()
        assert table.cursor == 0


@asynctest
async def test_r_on_a_repository_deleted_outside_says_it_is_gone_once_and_lists_the_rest(
    rw_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    app = app_on(rw_sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.ETL_REPOSITORY, "latest")
        rw_sandbox.session("demo-dev").client("ecr").delete_repository(
            repositoryName=seed.ETL_REPOSITORY, force=True
        )
        app.images.table.focus()
        before = len(app._notifications)
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: seed.ETL_REPOSITORY not in {r.name for r in app.repositories.repositories},
            "the repositories listed again without it",
        )
        await wait_for(pilot, lambda: app.images.table.row_count == 0, "the images cleared")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.images.table.empty_text.startswith(f"{seed.ETL_REPOSITORY} no longer exists")
        assert app.images.border_title == "Images (0)"
        gone = [n for n in list(app._notifications)[before:] if n.severity != "information"]
        assert [n.title for n in gone] == ["Repository gone"], [(n.title, n.message) for n in gone]
