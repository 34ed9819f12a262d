"""Pilot tests of VirtualTable: navigation, filter, sort, marks, paging and the messages it posts."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot

from ecrtui.ui.widgets.virtual_table import (
    Column,
    Row,
    SortOption,
    VirtualTable,
    fit,
    layout_columns,
    merge_sorted,
)

COLUMNS = (
    Column("name", "Name", flex=1, min_width=8),
    Column("size", "Size", width=8, justify="right"),
)


def make_rows(start: int, stop: int) -> list[Row]:
    """Rows ``row-00000``... with a size that is not monotonic in the index, so sorting moves rows."""
    return [
        Row(key=f"row-{n:05d}", cells=(f"row-{n:05d}", str((n * 7919) % 1000)), search=f"row-{n:05d}")
        for n in range(start, stop)
    ]


BY_SIZE = SortOption("size ↓", key=lambda row: -int(row.cells[1]))
BY_NAME = SortOption("name", key=lambda row: row.key)


class TableApp(App[None]):
    """A harness: one table, every message it posts recorded."""

    def __init__(self, table: VirtualTable) -> None:
        super().__init__()
        self.table = table
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.focus()

    def on_virtual_table_row_highlighted(self, message: VirtualTable.RowHighlighted) -> None:
        self.messages.append(message)

    def on_virtual_table_row_selected(self, message: VirtualTable.RowSelected) -> None:
        self.messages.append(message)

    def on_virtual_table_back_requested(self, message: VirtualTable.BackRequested) -> None:
        self.messages.append(message)

    def on_virtual_table_filter_requested(self, message: VirtualTable.FilterRequested) -> None:
        self.messages.append(message)

    def on_virtual_table_marks_changed(self, message: VirtualTable.MarksChanged) -> None:
        self.messages.append(message)

    def of_type(self, kind: type[Message]) -> list[Message]:
        return [message for message in self.messages if isinstance(message, kind)]


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 200) -> None:
    """Let the app process messages until ``condition`` holds (bounded, no sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


def screen_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())  # type: ignore[attr-defined]


def pilot_test(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (the project has no async pytest plugin)."""

    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


def test_layout_columns_fixed_and_flex_fill_the_width() -> None:
    layout = layout_columns(COLUMNS, 40)
    assert layout == [(0, 31), (1, 8)]
    assert sum(width for _, width in layout) + len(layout) - 1 == 40


def test_layout_columns_drops_lowest_priority_when_narrow() -> None:
    columns = (
        Column("a", "A", min_width=10, flex=1, priority=5),
        Column("b", "B", width=10, priority=0),
        Column("c", "C", width=10, priority=3),
    )
    assert [index for index, _ in layout_columns(columns, 25)] == [0, 2]
    assert [index for index, _ in layout_columns(columns, 12)] == [0]


def test_fit_pads_cuts_and_justifies() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abc", 5, "right") == "  abc"
    assert fit("abcdef", 4) == "abc…"
    assert fit("abc", 0) == ""


@pilot_test
async def test_navigation_keys_and_highlight_messages() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(0, 100))
        await wait_until(pilot, lambda: table.highlighted_key == "row-00000")
        await pilot.press("j", "down", "j")
        assert table.highlighted_key == "row-00003"
        await pilot.press("k")
        assert table.highlighted_key == "row-00002"
        await pilot.press("G")
        assert table.highlighted_key == "row-00099"
        assert table.scroll_offset.y > 0, "the cursor row must be scrolled into view"
        await pilot.press("g")
        assert table.highlighted_key == "row-00000"
        assert table.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert table.cursor == table.scrollable_content_region.height - 2
        await pilot.press("end", "pageup", "home")
        assert table.cursor == 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.of_type(VirtualTable.RowSelected)))
        selected = app.of_type(VirtualTable.RowSelected)[-1]
        assert isinstance(selected, VirtualTable.RowSelected)
        assert selected.key == "row-00000"
        highlighted = [m.key for m in app.of_type(VirtualTable.RowHighlighted)]  # type: ignore[attr-defined]
        assert highlighted[:4] == ["row-00000", "row-00001", "row-00002", "row-00003"]


@pilot_test
async def test_renders_only_header_and_visible_rows() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(50, 8)) as pilot:
        table.append_rows(make_rows(0, 1000))
        await pilot.pause()
        text = screen_text(app)
        lines = text.splitlines()
        assert lines[0].startswith("Name")
        assert "row-00000" in lines[1]
        assert "row-00006" in lines[7]
        assert "row-00007" not in text


@pilot_test
async def test_empty_and_loading_messages() -> None:
    table = VirtualTable(COLUMNS, empty_text="No images")
    app = TableApp(table)
    async with app.run_test(size=(50, 8)) as pilot:
        table.set_loading(True)
        await pilot.pause()
        assert "Loading…" in screen_text(app)
        table.set_loading(False)
        await pilot.pause()
        assert "No images" in screen_text(app)
        await pilot.press("enter", "j", "space")
        assert not app.of_type(VirtualTable.RowSelected)


@pilot_test
async def test_filter_substring_fuzzy_and_clear_keep_cursor_row() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(0, 300))
        table.move_cursor_to_key("row-00123")
        table.set_filter("row-0012")
        assert table.visible_keys == [f"row-{n:05d}" for n in range(120, 130)]
        assert table.highlighted_key == "row-00123"
        table.set_filter("~r0123")
        assert table.visible_keys == ["row-00123"]
        table.set_filter("00 12 3")
        assert "row-00123" in table.visible_keys
        assert all("12" in key and "3" in key for key in table.visible_keys)
        table.set_filter("zzz")
        assert table.visible_count == 0
        await pilot.pause()
        assert "No rows match" in screen_text(app)
        table.set_filter("row-0012")
        await pilot.press("escape")  # the first esc clears the filter, not "back"
        assert table.filter_query == ""
        assert table.visible_count == 300
        await pilot.pause()
        assert not app.of_type(VirtualTable.BackRequested)
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(app.of_type(VirtualTable.BackRequested)))
        await pilot.press("slash")
        await wait_until(pilot, lambda: bool(app.of_type(VirtualTable.FilterRequested)))


@pilot_test
async def test_filter_applies_to_rows_appended_later() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)):
        table.set_filter("~r9")
        table.append_rows(make_rows(0, 10))
        assert table.visible_keys == ["row-00009"]
        table.append_rows(make_rows(10, 20))
        assert table.visible_keys == ["row-00009", "row-00019"]
        assert table.row_count == 20


@pilot_test
async def test_sort_is_stable_keeps_cursor_and_cycles() -> None:
    rows = make_rows(0, 200)
    table = VirtualTable(COLUMNS, sort_options=())
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(rows)
        table.move_cursor_to_key("row-00042")
        table.set_sort_options([BY_SIZE, BY_NAME], position=1)
        assert table.visible_keys == sorted(row.key for row in rows)
        await pilot.press("s")
        assert table.sort_label == "size ↓"
        expected = sorted(rows, key=lambda row: -int(row.cells[1]))  # sorted() is stable: ties by arrival
        assert table.visible_keys == [row.key for row in expected]
        assert table.highlighted_key == "row-00042"
        assert table.visible_keys[table.cursor] == "row-00042"
        await pilot.press("s")
        assert table.sort_label == "name"
        assert table.highlighted_key == "row-00042"


@pilot_test
async def test_append_while_sorted_merges_and_keeps_cursor() -> None:
    table = VirtualTable(COLUMNS, sort_options=[BY_SIZE])
    app = TableApp(table)
    async with app.run_test(size=(60, 12)):
        table.append_rows(make_rows(0, 50))
        table.move_cursor_to_key("row-00010")
        table.append_rows(make_rows(50, 120))
        everything = make_rows(0, 120)
        assert table.visible_keys == [row.key for row in sorted(everything, key=lambda r: -int(r.cells[1]))]
        assert table.highlighted_key == "row-00010"


@pilot_test
async def test_marks_toggle_with_space_and_render_a_marker() -> None:
    table = VirtualTable(COLUMNS, markable=True)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(0, 10))
        await pilot.press("space", "space", "k", "space")
        assert table.marked_keys == ("row-00000",)
        assert table.highlighted_key == "row-00002", "marking moves down, so holding space marks a run"
        await pilot.press("space")
        assert table.marked_keys == ("row-00000", "row-00002")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[1].startswith("● row-00000")
        assert lines[2].startswith("  row-00001")
        await wait_until(pilot, lambda: len(app.of_type(VirtualTable.MarksChanged)) == 4)
        table.set_rows(make_rows(1, 10))
        assert table.marked_keys == ("row-00002",), "marks on rows that are gone are dropped"


@pilot_test
async def test_space_does_nothing_when_not_markable() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(0, 10))
        await pilot.press("space")
        assert table.marked_keys == ()


@pilot_test
async def test_appending_pages_while_navigating() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.set_loading(True)
        for page in range(5):
            table.append_rows(make_rows(page * 100, page * 100 + 100))
            await pilot.press("j", "j", "G")
            assert table.highlighted_key == f"row-{page * 100 + 99:05d}"
        table.set_loading(False)
        assert table.row_count == 500
        assert table.virtual_size.height == 501
        table.append_rows(make_rows(0, 10))  # a repeated page changes nothing
        assert table.row_count == 500


@pilot_test
async def test_click_highlights_then_opens() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(0, 10))
        await pilot.pause()
        await pilot.click(VirtualTable, offset=(2, 3))
        assert table.highlighted_key == "row-00002"
        assert not app.of_type(VirtualTable.RowSelected)
        await pilot.click(VirtualTable, offset=(2, 3))
        await wait_until(pilot, lambda: bool(app.of_type(VirtualTable.RowSelected)))


@pilot_test
async def test_set_rows_keeps_cursor_key_and_update_row_redraws() -> None:
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(0, 10))
        table.move_cursor_to_key("row-00005")
        table.set_rows(list(reversed(make_rows(0, 10))))
        assert table.highlighted_key == "row-00005"
        assert table.cursor == 4
        table.update_row(Row("row-00009", ("renamed", "1")))
        await pilot.pause()
        assert "renamed" in screen_text(app).splitlines()[1]


@pytest.mark.parametrize("width", [20, 44, 120])
@pilot_test
async def test_lines_fill_the_width_exactly(width: int) -> None:
    table = VirtualTable(COLUMNS, markable=True)
    app = TableApp(table)
    async with app.run_test(size=(width, 6)) as pilot:
        table.append_rows(make_rows(0, 3))
        await pilot.pause()
        content_width = table.scrollable_content_region.width
        for y in range(4):
            assert table.render_line(y).cell_length == content_width


@given(
    keys=st.lists(st.integers(min_value=0, max_value=20), max_size=60),
    split=st.integers(min_value=0, max_value=60),
)
def test_merge_sorted_equals_a_stable_sort(keys: list[int], split: int) -> None:
    split = min(split, len(keys))
    key = keys.__getitem__
    order = sorted(range(split), key=key)
    merged, first = merge_sorted(order, range(split, len(keys)), key)
    assert merged == sorted(range(len(keys)), key=key)
    new_positions = [position for position, index in enumerate(merged) if index >= split]
    assert first == (new_positions[0] if new_positions else len(merged))


@pilot_test
async def test_sorted_and_filtered_appends_match_a_full_rebuild() -> None:
    table = VirtualTable(COLUMNS, sort_options=[BY_SIZE])
    app = TableApp(table)
    async with app.run_test(size=(60, 12)):
        table.set_filter("row-000")
        for start in range(0, 300, 37):
            table.append_rows(make_rows(start, min(start + 37, 300)))
        incremental = table.visible_keys
        table.set_rows(make_rows(0, 300))
        assert incremental == table.visible_keys
        assert len(incremental) == 100


@pilot_test
async def test_a_cursor_at_the_top_stays_at_the_top_as_sorted_pages_arrive() -> None:
    table = VirtualTable(COLUMNS, sort_options=[BY_NAME])
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(50, 60))
        assert table.highlighted_key == "row-00050"
        table.append_rows(make_rows(0, 10))  # earlier names sort above
        assert table.cursor == 0
        assert table.highlighted_key == "row-00000"
        await pilot.press("j")
        table.append_rows(make_rows(20, 30))  # once the user moved, the cursor follows its row
        assert table.highlighted_key == "row-00001"
        await wait_until(pilot, lambda: len(app.of_type(VirtualTable.RowHighlighted)) == 3)
        first, arrived, moved = app.of_type(VirtualTable.RowHighlighted)
        assert isinstance(first, VirtualTable.RowHighlighted)
        assert isinstance(arrived, VirtualTable.RowHighlighted)
        assert isinstance(moved, VirtualTable.RowHighlighted)
        assert (first.key, first.replaced) == ("row-00050", False), "the first row is not a replacement"
        assert (arrived.key, arrived.replaced) == ("row-00000", True), "rows arrived under a resting cursor"
        assert (moved.key, moved.replaced) == ("row-00001", False), "the user moved the cursor"


@pilot_test
async def test_appends_and_filters_keep_the_scrollbar_in_step_without_a_layout_pass() -> None:
    """Page appends update the scrollbar through its public attributes (no screen-wide layout): if Textual
    changed what those attributes mean, the thumb would stop following the rows and this fails."""
    table = VirtualTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        table.append_rows(make_rows(0, 100))
        await pilot.pause()
        assert table.show_vertical_scrollbar
        for stop in (1000, 5000):
            table.append_rows(make_rows(stop - 900 if stop == 1000 else 1000, stop))
            await pilot.pause()
            assert table.virtual_size.height == stop + 1  # the header line plus every row
            assert table.vertical_scrollbar.window_virtual_size == stop + 1
        table.action_cursor_bottom()
        await pilot.pause()
        assert table.scroll_offset.y == table.max_scroll_y > 0
        table.set_filter("row-0004")  # 10 rows: the list shrinks below the scroll position
        await pilot.pause()
        assert table.virtual_size.height == 11
        assert table.scroll_offset.y <= table.max_scroll_y
        assert "row-00049" in screen_text(app)
