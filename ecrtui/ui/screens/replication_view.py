"""The replication view of the open registry: its rules, who may replicate into it, and its recent backfills.

A thin layout over ``replication_text``: the controller (``ui/replication.py``) loads a ``ReplicationOverview`` in a
worker and calls ``show``; the keys (``replication.*`` in the action registry) reach the controller by name, and it
reads what is highlighted here (``rule_line``, ``backfill``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from ecrtui.ecr.registry_policy import ReplicationGrant
from ecrtui.ecr.replication import ReplicationBackfill, ReplicationConfiguration
from ecrtui.ui.actions import bindings_for
from ecrtui.ui.fitted_columns import fill_fitted
from ecrtui.ui.replication_text import (
    RuleLine,
    backfill_counts,
    backfill_detail,
    backfill_started,
    grant_lines,
    rule_lines,
    status_style,
)
from ecrtui.ui.widgets.inspector.row_table import RowTable

__all__ = ["ReplicationOverview", "ReplicationScreen"]


@dataclass(frozen=True, slots=True)
class ReplicationOverview:
    """Everything the view shows, read in one worker; a part that could not be read says why instead."""

    registry_id: str
    region: str
    config: ReplicationConfiguration
    grants: tuple[ReplicationGrant, ...] = ()
    policy_error: str = ""
    """Why the registry policy could not be read (empty when it was)."""
    backfills: tuple[ReplicationBackfill, ...] = ()
    backfills_error: str = ""
    """Why the backfills could not be listed (empty when they were)."""


_RULE_COLUMNS = ("Rule", "What", "Value", "Note")
_RULE_MINIMUM_WIDTHS = (4, 13, 16, 10)
"""Value and Note give way on a narrow terminal, cut with ``…`` (the line under the table says it all)."""
_BACKFILL_COLUMNS = ("Destination", "Status", "Started", "Progress")
_KINDS = {"filter": "filter", "every": "filter", "destination": "→ destination", "deletions": "deletions"}


class ReplicationScreen(ModalScreen[None]):
    """Rules, incoming replication and backfills of one registry; ``tab`` moves between the two tables."""

    CSS_PATH = "replication.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings_for("replication")]

    def __init__(
        self,
        title: str,
        repository_names: list[str],
        clock: Callable[[], datetime],
        *,
        on_change: Callable[[], None],
        on_open: Callable[[ReplicationBackfill], None],
    ) -> None:
        """``repository_names``: the loaded repositories, to say which ones a filter matches; ``on_change``: the
        cursor or focus moved (the controller's keys depend on what is highlighted); ``on_open``: a backfill was
        chosen (``enter``)."""
        super().__init__()
        self._title = title
        self._names = repository_names
        self._clock = clock
        self._on_change = on_change
        self._on_open = on_open
        self._lines: list[RuleLine] = []
        self._backfills: tuple[ReplicationBackfill, ...] = ()
        self.overview: ReplicationOverview | None = None
        """What is shown (None until the first load answered)."""
        self._early: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="replication-body") as body:
            body.border_title = self._title
            body.border_subtitle = "esc to close"
            yield Static("Loading the replication rules…", id="replication-status", markup=False)
            with Vertical(id="replication-content"):
                yield Static("Rules (replication of new pushes)", classes="replication-section")
                yield RowTable(id="replication-rules", cursor_type="row", zebra_stripes=False)
                yield Static(id="replication-detail", markup=False)
                yield Static("Incoming replication (this registry's policy)", classes="replication-section")
                yield Static(id="replication-incoming", markup=False)
                yield Static("Backfills (newest first)", classes="replication-section")
                yield RowTable(id="replication-backfills", cursor_type="row", zebra_stripes=False)
                yield Static(id="replication-backfills-note", markup=False)
        yield Footer()

    # Typed accessors ---------------------------------------------------------------------------------------

    @property
    def rules_table(self) -> DataTable[str | Text]:
        return self.query_one("#replication-rules", DataTable)

    @property
    def backfills_table(self) -> DataTable[str | Text]:
        return self.query_one("#replication-backfills", DataTable)

    @property
    def rule_lines(self) -> list[RuleLine]:
        """The rows of the rules table, in order."""
        return list(self._lines)

    @property
    def rule_line(self) -> RuleLine | None:
        """The highlighted row of the rules table (None when there are no rules)."""
        row = self.rules_table.cursor_row
        return self._lines[row] if self._lines and 0 <= row < len(self._lines) else None

    @property
    def rules_focused(self) -> bool:
        return self.focused is self.rules_table

    @property
    def backfill(self) -> ReplicationBackfill | None:
        """The highlighted backfill (None when there are none)."""
        row = self.backfills_table.cursor_row
        return self._backfills[row] if self._backfills and 0 <= row < len(self._backfills) else None

    @property
    def backfills_focused(self) -> bool:
        return self.focused is self.backfills_table

    @property
    def status_text(self) -> str:
        return str(self.query_one("#replication-status", Static).content)

    @property
    def detail_text(self) -> str:
        return str(self.query_one("#replication-detail", Static).content)

    @property
    def incoming_text(self) -> str:
        return str(self.query_one("#replication-incoming", Static).content)

    # Showing -----------------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.rules_table.add_columns(*_RULE_COLUMNS)
        self.backfills_table.add_columns(*_BACKFILL_COLUMNS)
        self.set_class(True, "-loading")
        if self._early is not None:  # an answer that came before the screen was composed
            self._early()

    def show_loading(self, message: str) -> None:
        """Say what is being read; what was shown stays until the answer."""
        if self.overview is None and self.is_mounted:
            self._set_status(message)

    def show_error(self, message: str) -> None:
        """The rules could not be read: say why in place of the content (what was shown before stays)."""
        if not self.is_mounted:
            self._early = lambda: self.show_error(message)
        elif self.overview is None:
            self._set_status(message, error=True)

    def _set_status(self, message: str, *, error: bool = False) -> None:
        self.query_one("#replication-status", Static).update(message)
        self.set_class(not error, "-loading")
        self.set_class(error, "-error")

    def show(self, overview: ReplicationOverview) -> None:
        """Fill the three sections; the cursors stay on the rows they were on."""
        if not self.is_mounted:
            self._early = lambda: self.show(overview)
            return
        self.overview = overview
        self.query_one(
            "#replication-body"
        ).border_title = f"{self._title} · {overview.registry_id} ({overview.region})"
        self.set_class(False, "-loading")
        self.set_class(False, "-error")
        self._fill_rules(overview)
        incoming = grant_lines(overview.grants) if not overview.policy_error else [overview.policy_error]
        self.query_one("#replication-incoming", Static).update("\n".join(incoming))
        self._fill_backfills(overview)
        if self.focused is None:
            self.rules_table.focus()
        self._on_change()

    def on_resize(self, _event: events.Resize) -> None:
        if self._lines:
            self.call_after_refresh(self._fit_rules)

    def _fit_rules(self) -> None:
        """The rules' rows, every column in the table's width (long values and notes cut with ``…``)."""
        rows = []
        previous_rule = -1
        for line in self._lines:
            number = str(line.rule + 1) if line.rule != previous_rule else ""
            previous_rule = line.rule
            dim = "dim" if line.kind == "deletions" and line.value == "not replicated" else ""
            cells = (
                Text(number, style="bold"),
                Text(_KINDS[line.kind], style="dim" if line.kind != "destination" else ""),
                Text(line.value, style=dim),
                Text(line.note, style="italic dim"),
            )
            rows.append((line.key, cells))
        fill_fitted(self.rules_table, _RULE_COLUMNS, rows, _RULE_MINIMUM_WIDTHS)

    def _fill_rules(self, overview: ReplicationOverview) -> None:
        table = self.rules_table
        kept = self.rule_line.key if self.rule_line is not None else None
        self._lines = rule_lines(overview.config, self._names)
        self._fit_rules()
        if self._lines:
            self.call_after_refresh(self._fit_rules)  # again once the table has its width, if it had none yet
        table.display = bool(self._lines)
        keys = [line.key for line in self._lines]
        if kept in keys:
            table.move_cursor(row=keys.index(kept))
        self._show_detail()

    def _show_detail(self) -> None:
        line = self.rule_line
        overview = self.overview
        if line is not None:
            text = line.detail
        elif overview is not None and not overview.config.rules:
            text = "No rules: ECR replicates nothing from this registry. Adding a destination makes a first rule."
        else:
            text = ""
        self.query_one("#replication-detail", Static).update(text)

    def _fill_backfills(self, overview: ReplicationOverview) -> None:
        table = self.backfills_table
        kept = self.backfill.backfill_id if self.backfill is not None else None
        self._backfills = overview.backfills
        table.clear()
        now = self._clock()
        for backfill in self._backfills:
            status = str(backfill.status)
            table.add_row(
                backfill.destination.label,
                Text(status, style=status_style(status)),
                backfill_started(backfill, now),
                backfill_counts(backfill, codes=False),
                key=backfill.backfill_id,
            )
        table.display = bool(self._backfills)
        ids = [b.backfill_id for b in self._backfills]
        if kept in ids:
            table.move_cursor(row=ids.index(kept))
        self._show_backfill_note()

    def _show_backfill_note(self) -> None:
        overview = self.overview
        if overview is None:
            return
        if overview.backfills_error:
            note = overview.backfills_error
        elif self.backfill is not None:
            note = backfill_detail(self.backfill) + "\nenter: per-image results"
        else:
            note = "None: rules replicate new pushes only; a backfill replicates the images already here."
        self.query_one("#replication-backfills-note", Static).update(note)

    # Events ------------------------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()
        self._show_backfill_note()
        self._on_change()

    @on(DataTable.RowSelected, "#replication-backfills")
    def _backfill_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.backfill is not None:
            self._on_open(self.backfill)

    def on_descendant_focus(self) -> None:
        self._on_change()
