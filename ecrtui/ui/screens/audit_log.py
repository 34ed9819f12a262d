"""The audit log in the app: every change ecrtui made or tried (here or with the headless commands), newest
first, with its result and detail. Read-only; the file is read in the screen's worker."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from ecrtui.manage.audit import AuditEntry, AuditLog
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.fitted_columns import fill_fitted
from ecrtui.ui.screens.dialog import Dialog
from ecrtui.ui.screens.plan_review import short_target

__all__ = ["AUDIT_LIMIT", "AuditLogScreen"]

AUDIT_LIMIT = 1000
"""Entries the screen shows (the newest); ``ecrtui audit --all`` prints every one."""
COLUMNS = ("Time (UTC)", "Profile", "Registry", "Action", "Target", "Result")
MINIMUM_WIDTHS = (19, 5, 6, 6, 6, 6)
"""Below these a column is not cut (the time never is); every column shows at 80x24, the detail says it all."""


def entry_detail(entry: AuditEntry) -> str:
    """Everything about one entry, for the line under the table."""
    lines = [
        f"{entry.time:%Y-%m-%d %H:%M:%S} UTC · {entry.profile or '-'} · {entry.account}/{entry.region}",
        f"{entry.action} {entry.target}",
        f"result: {entry.result}",
    ]
    if entry.detail:
        lines.append(f"detail: {entry.detail}")
    return "\n".join(lines)


def entry_cells(entry: AuditEntry) -> tuple[str, ...]:
    """One entry's row, before fitting."""
    return (
        f"{entry.time:%Y-%m-%d %H:%M:%S}",
        entry.profile or "-",
        f"{entry.account}/{entry.region}",
        entry.action,
        short_target(entry.target),
        entry.result,
    )


class AuditLogScreen(Dialog[None]):
    """A table of the latest entries, newest first; the highlighted one in full below it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("view.close", "view.down", "view.up")

    class _Read(Message):
        def __init__(self, entries: list[AuditEntry]) -> None:
            super().__init__()
            self.entries = entries

    def __init__(self, log: AuditLog) -> None:
        super().__init__()
        self._log = log
        self._entries: list[AuditEntry] = []

    @property
    def entries(self) -> list[AuditEntry]:
        """The entries shown, newest first."""
        return list(self._entries)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#audit-table", DataTable)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body -view", id="audit-body") as body:
            body.border_title = "Audit log"
            body.border_subtitle = "esc closes"
            yield Static("Reading the audit log…", id="audit-status", classes="dialog-hint", markup=False)
            yield DataTable(id="audit-table", cursor_type="row", classes="dialog-table")
            yield Static(id="audit-detail", classes="dialog-detail", markup=False)

    def on_mount(self) -> None:
        self.table.add_columns(*COLUMNS)
        self._read()

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Every column in the table's width, long cells cut with ``…`` (the detail below shows them whole)."""
        rows = [
            (str(index), list(map(Text, entry_cells(entry)))) for index, entry in enumerate(self._entries)
        ]
        fill_fitted(self.table, COLUMNS, rows, MINIMUM_WIDTHS)  # Text: a result is never read as markup

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _read(self) -> None:
        self.post_message(self._Read(list(reversed(self._log.read(AUDIT_LIMIT)))))

    @on(_Read)
    def _shown(self, message: _Read) -> None:
        self._entries = message.entries
        table = self.table
        self._fit()
        self.call_after_refresh(self._fit)  # again once the table has its width, if it had none yet
        status = self.query_one("#audit-status", Static)
        if not self._entries:
            status.update("No changes recorded yet.")
            self.query_one("#audit-detail", Static).display = False
            return
        count = len(self._entries)
        status.update(
            f"{count} change{'s' * (count != 1)}, newest first"
            + (" (the latest)" if count == AUDIT_LIMIT else "")
        )
        table.focus()
        self._detail(0)

    def _detail(self, row: int) -> None:
        if 0 <= row < len(self._entries):
            self.query_one("#audit-detail", Static).update(entry_detail(self._entries[row]))

    @on(DataTable.RowHighlighted, "#audit-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail(event.cursor_row)

    def action_move(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
