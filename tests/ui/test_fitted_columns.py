"""Every column of the audit log and of the replication rules is on screen at 120x36 and at 80x24: a cell too
long for its column ends with ``…`` instead of pushing the columns after it off the screen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable

from ecrtui.manage import AuditEntry, AuditLog
from ecrtui.ui.fitted_columns import fitted_widths
from ecrtui.ui.screens.audit_log import COLUMNS, AuditLogScreen
from ecrtui.ui.screens.replication_view import ReplicationScreen
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, started
from tests.ui.manage_steps import manage, wait_screen

SIZES = [(120, 36), (80, 24)]
LONG_RESULT = "refused: ImageReferencedByManifestList, listed by index v2.1.0 (sha256:" + "4" * 64 + ")"


def test_natural_widths_are_kept_when_they_fit() -> None:
    assert fitted_widths([19, 8, 24], [19, 5, 6], 60) == [19, 8, 24]


def test_the_widest_columns_give_way_first_and_none_below_its_minimum() -> None:
    assert fitted_widths([19, 8, 24, 40], [19, 5, 6, 8], 60) == [
        19,
        8,
        17,
        16,
    ]  # the cap's remainder goes left to right
    assert fitted_widths([19, 8, 24, 40], [19, 5, 6, 8], 30) == [
        19,
        5,
        6,
        8,
    ]  # the floor, even past the width


def audit_log(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "audit.jsonl")
    rows = [
        ("tag", "web/api:stable", "ok", "image sha256:" + "1" * 64),
        ("delete-images", "web/gateway@sha256:" + "2" * 64, LONG_RESULT, ""),
    ]
    for minute, (action, target, result, detail) in enumerate(rows):
        when = datetime(2026, 6, 1, 9, minute, tzinfo=UTC)
        log.append(AuditEntry(when, "demo-dev", "111111111111", "us-east-1", action, target, result, detail))
    return log


def cells(table: DataTable[Any], row: int) -> list[str]:
    return [
        Text.from_markup(str(cell)).plain if isinstance(cell, str) else cell.plain
        for cell in table.get_row_at(row)
    ]


def all_columns_visible(table: DataTable[Any]) -> bool:
    """No sideways scrolling: the last column ends inside the table."""
    return table.virtual_size.width <= table.scrollable_content_region.width and table.max_scroll_x == 0


@pytest.mark.parametrize("size", SIZES)
@asynctest
async def test_the_audit_log_shows_every_column(
    make_app: MakeApp, tmp_path: Path, wait_for: WaitFor, size: tuple[int, int]
) -> None:
    app = make_app()
    manage(app).audit = audit_log(tmp_path)
    async with app.run_test(size=size) as pilot:
        await started(pilot, wait_for)
        await pilot.press("H")
        screen = await wait_screen(pilot, AuditLogScreen, wait_for)
        table = screen.table
        await wait_for(pilot, lambda: table.row_count == 2 and all_columns_visible(table), "all columns")
        assert [str(column.label) for column in table.ordered_columns][: len(COLUMNS) - 1] == list(
            COLUMNS[:-1]
        )
        newest = cells(table, 0)
        assert newest[0] == "2026-06-01 09:01:00"  # the time is never cut
        assert newest[5].endswith("…")
        assert LONG_RESULT.startswith(newest[5][:-1])
        assert LONG_RESULT in str(screen.query_one("#audit-detail").content)  # whole in the detail
        await pilot.press("j")
        await wait_for(pilot, lambda: table.cursor_row == 1, "j moves")
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: all_columns_visible(table) and table.cursor_row == 1, "refitted")


@asynctest
async def test_the_replication_rules_cut_their_notes_with_an_ellipsis_at_80_columns(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, wait_for)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplicationScreen), "the replication view")
        screen = app.screen
        assert isinstance(screen, ReplicationScreen)
        await wait_for(pilot, lambda: screen.overview is not None and screen.rule_lines, "the rules")
        table = screen.rules_table
        await wait_for(pilot, lambda: all_columns_visible(table), "all columns")
        notes = {line.key: line.note for line in screen.rule_lines}
        cut = [
            (shown, notes[str(key.value)])
            for key, shown in ((key, cells(table, table.get_row_index(key))[3]) for key in table.rows)
            if shown != notes[str(key.value)]
        ]
        assert cut, "a note of the demo's rules is longer than 80 columns leave it"
        assert all(shown.endswith("…") and note.startswith(shown[:-1]) for shown, note in cut)
