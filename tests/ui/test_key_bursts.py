"""Keys that arrive together (a paste, a fast typist, a slow SSH link) go where the user meant them to go.

A burst is simulated the way a terminal delivers it: every key event is queued before the App handles the first,
so nothing the first key triggers has run when the next arrives. Keys held down are the same: several presses per
frame.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, inspected, open_repository_named, started

SIZE = (120, 36)


def burst(app: EcrTuiApp, *keys: str) -> None:
    """Queue key events all at once, as a terminal read delivers them."""
    for key in keys:
        character = {"slash": "/", "enter": "\r", "full_stop": "."}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def on_repository(pilot: Pilot[Any], name: str, wait_for: WaitFor) -> EcrTuiApp:
    """Started, with the Repositories cursor on ``name`` and the focus in that list."""
    app = await started(pilot, wait_for)
    app.repositories.table.move_cursor_to_key(name)
    assert app.focused is app.repositories.table
    return app


@asynctest
async def test_enter_then_slash_filters_the_images_just_opened(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_repository(pilot, seed.API_REPOSITORY, wait_for)
        burst(app, "enter", "slash", "v", "1", "full_stop", "4")
        await wait_for(pilot, lambda: app.images.table.filter_query == "v1.4", "the filter on the images")
        await wait_for(pilot, lambda: not app.images.is_loading, "the images")
        assert app.repositories.table.filter_query == ""
        assert app.repositories.table.highlighted_key == seed.API_REPOSITORY
        assert app.images.repository is not None
        assert app.images.repository.name == seed.API_REPOSITORY
        shown = [
            summary for summary in app.images.summaries if any(t.startswith("v1.4") for t in summary.tags)
        ]
        assert 0 < app.images.table.visible_count < len(app.images.summaries)
        assert len(shown) <= app.images.table.visible_count


@asynctest
async def test_enter_then_jjj_moves_the_images_cursor(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_repository(pilot, seed.API_REPOSITORY, wait_for)
        burst(app, "enter", "j", "j", "j")
        await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, "the images")
        await wait_for(pilot, lambda: app.images.table.cursor == 3, "the images cursor on the 4th row")
        assert app.repositories.table.highlighted_key == seed.API_REPOSITORY, "the panes agree"
        assert app.focused is app.images.table


@asynctest
async def test_list_keys_typed_before_enter_run_before_it(make_app: MakeApp, wait_for: WaitFor) -> None:
    """``enter`` runs as it arrives (it must move the focus before the keys after it); the list keys typed before
    it in the same read used to be only queued for the table, so ``enter`` overtook them and opened the top row
    (tmux, ``ecrtui --demo``, ``G k k k enter`` right after start: the wrong repository 10 runs in 12)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_repository(pilot, seed.API_REPOSITORY, wait_for)
        table = app.repositories.table
        table.move_cursor(0)
        keys = table.visible_keys
        burst(app, "G", "k", "k", "k", "enter", "j")
        expected = keys[len(keys) - 4]
        await wait_for(pilot, lambda: app.images.repository is not None, "a repository to open")
        assert app.images.repository is not None
        assert app.images.repository.name == expected
        assert table.highlighted_key == expected
        await wait_for(pilot, lambda: not app.images.is_loading, "its images")
        await wait_for(pilot, lambda: app.images.table.cursor == 1, "the j after enter in the images")


@pytest.mark.parametrize("key", ["j", "down"])
@pytest.mark.parametrize("tab", ["tab-summary", "tab-config"])
@asynctest
async def test_holding_a_key_in_the_inspector_scrolls_once_per_press(
    make_app: MakeApp, wait_for: WaitFor, tab: str, key: str
) -> None:
    """At 80x24 Summary and Config scroll; six presses in one frame scroll six lines (or to the end)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await inspected(pilot, app, wait_for)
        await pilot.press("enter")
        while app.inspector.active_tab != tab:
            await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.max_scroll_y > 0, "a tall tab")
        view = app.focused
        assert view is not None
        assert app.inspector in view.ancestors
        expected = min(6, view.max_scroll_y)
        burst(app, *[key] * 6)
        await wait_for(pilot, lambda: view.scroll_y == expected, f"{expected} lines scrolled")
        burst(app, *[{"j": "k", "down": "up"}[key]] * 6)
        await wait_for(pilot, lambda: view.scroll_y == 0, "back at the top")
