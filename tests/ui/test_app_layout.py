"""The layout follows the terminal: one resize is enough, and every inspector tab keeps rows at 80x24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.widgets.inspector.layers_tab import LayersTab
from ecrtui.ui.widgets.inspector.platforms_tab import PlatformsTab
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, inspected, open_repository_named

MIN_ROWS = 3
""""A few rows": what a table must show below its header."""


def inspector_beside(app: EcrTuiApp) -> bool:
    inspector, images = app.inspector.region, app.images.region
    return inspector.x >= images.right and inspector.y == images.y


def inspector_below(app: EcrTuiApp) -> bool:
    return app.inspector.region.y >= app.images.region.bottom


@asynctest
async def test_one_resize_is_enough_both_ways(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        assert inspector_below(app)

        await pilot.resize_terminal(220, 50)
        await wait_for(pilot, lambda: app.size.width == 220, "the new size")
        await pilot.pause()
        assert inspector_beside(app), "220 columns: the inspector beside the lists"

        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: app.size.width == 80, "the new size")
        await pilot.pause()
        assert inspector_below(app), "80 columns: the inspector below the lists"
        assert app.images.region.width >= 30, "the Images pane keeps its room"
        assert app.registries.region.width == 0, "the registries pane hides until asked for"


async def open_tab(pilot: Pilot[Any], app: EcrTuiApp, tab: str) -> None:
    while app.inspector.active_tab != tab:
        await pilot.press("right_square_bracket")
    await pilot.pause()


def rows_shown(table: DataTable[Any]) -> int:
    """Data rows the table has room for (its content height, scrollbars excluded, less the header)."""
    return table.scrollable_content_region.height - 1


@pytest.mark.parametrize(
    ("repository", "tab", "tab_type"),
    [
        (seed.API_REPOSITORY, "tab-layers", LayersTab),
        (seed.MULTIARCH_REPOSITORY, "tab-platforms", PlatformsTab),
    ],
)
@asynctest
async def test_at_80x24_tables_keep_a_few_rows(
    make_app: MakeApp, wait_for: WaitFor, repository: str, tab: str, tab_type: Any
) -> None:
    """With the focus in the Images list (the inspector is small) and inside the inspector (it takes the room)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_repository_named(pilot, repository, wait_for)
        await inspected(pilot, app, wait_for)
        await open_tab(pilot, app, tab)
        table = app.inspector.query_one(tab_type).table
        assert app.focused is app.images.table
        await wait_for(pilot, lambda: rows_shown(table) >= MIN_ROWS, "rows with the focus in the list")

        await pilot.press("enter")  # into the inspector: its table gets the keys and more room
        await wait_for(pilot, lambda: app.focused is table, "the tab's table focused")
        await wait_for(pilot, lambda: rows_shown(table) >= MIN_ROWS + 1, "more rows with the focus inside")
        await pilot.press("end")  # and it scrolls to its last row
        assert table.cursor_row == table.row_count - 1


@asynctest
async def test_at_80x24_an_empty_jobs_panel_takes_three_rows_and_the_inspector_most(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await inspected(pilot, app, wait_for)
        await pilot.press("enter")  # into the inspector: it takes the room
        await pilot.press("J")
        panel = app.query_one("#jobs")
        await wait_for(pilot, lambda: panel.display and panel.region.height > 0, "the jobs panel")
        assert panel.region.height == 3, "No jobs yet: one line in its border"
        await pilot.press("escape")  # back into the inspector, the panel stays shown
        await wait_for(pilot, lambda: app.inspector.has_focus_within, "the inspector focused")
        await pilot.pause()
        assert panel.display
        assert app.inspector.region.height >= 24 // 2, app.inspector.region
