"""A bordered list pane: a ``VirtualTable`` plus the one-line filter input the pane owns.

The Repositories and Images panes share this: ``/`` in the table opens the filter at the bottom of the pane,
typing filters live, ``enter`` keeps the filter and returns to the table, ``esc`` clears it. The border subtitle
says what is applied (sort, filter, marks) so a filtered list is never mistaken for the whole repository.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from ecrtui.ui.format import count
from ecrtui.ui.text_filter import FUZZY_PREFIX
from ecrtui.ui.widgets.virtual_table import VirtualTable


class FilterInput(Input):
    """The pane's filter line; ``enter`` keeps the filter, ``esc`` clears it (the table's ``esc`` means "back").

    Both are priority bindings that hand the focus back at once: the App runs them as the key arrives, so keys
    typed right after in the same burst (``enter`` then ``s``, over a slow SSH link) reach the list, not the line.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", show=False, id="filter.clear", priority=True),
        Binding("enter", "keep_filter", "Keep filter", show=False, id="filter.keep", priority=True),
    ]

    class Cleared(Message):
        """The user dismissed the filter with ``esc``."""

    def __init__(self, *, placeholder: str, classes: str) -> None:
        super().__init__(placeholder=placeholder, classes=classes)
        self.leave: Callable[[], None] | None = None
        """Set by the pane: hide the line and focus the list, synchronously."""

    def action_clear_filter(self) -> None:
        """Empty the line, tell the pane, and go back to the list."""
        self.value = ""
        self.post_message(self.Cleared())
        if self.leave is not None:
            self.leave()

    def action_keep_filter(self) -> None:
        """Keep the filter and go back to the list."""
        self.post_message(self.Submitted(self, self.value))
        if self.leave is not None:
            self.leave()


class TablePane(Vertical):
    """Base of the list panes: owns the table, the filter line and the border title/subtitle."""

    def __init__(self, table: VirtualTable, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._table = table
        self._filter = FilterInput(
            placeholder=f"filter: words to find, or {FUZZY_PREFIX}fuzzy · enter keeps · esc clears",
            classes="pane-filter",
        )
        self._filter.display = False
        table.filter_opener = self.open_filter
        self._filter.leave = self._close_filter

    @property
    def table(self) -> VirtualTable:
        """The pane's table."""
        return self._table

    @property
    def filter_input(self) -> FilterInput:
        """The pane's filter line (hidden until ``/``)."""
        return self._filter

    def compose(self) -> ComposeResult:
        yield self._table
        yield self._filter

    def focus(self, scroll_visible: bool = True) -> TablePane:
        """Focusing the pane focuses its table."""
        self._table.focus(scroll_visible)
        return self

    def counts_text(self) -> str:
        """``1,234`` or ``12 of 1,234`` when a filter hides rows."""
        shown, held = self._table.visible_count, self._table.row_count
        if self._table.filter_query and shown != held:
            return f"{count(shown)} of {count(held)}"
        return count(held)

    def update_subtitle(self) -> None:
        """Show the applied sort, filter and marks under the pane."""
        table = self._table
        parts = []
        if table.sort_label:
            parts.append(f"sort: {table.sort_label}")
        if table.filter_query:
            parts.append(f"filter: {table.filter_query}")
        if table.marked_keys:
            parts.append(f"{count(len(table.marked_keys))} marked")
        self.border_subtitle = " · ".join(parts)

    def open_filter(self) -> None:
        """Show the filter line with the current query and focus it at once (not on the next refresh), so the
        keys that follow ``/`` in the same burst are typed into it rather than run as list keys."""
        self._filter.value = self._table.filter_query
        self._filter.display = True
        self.screen.set_focus(self._filter)

    def _close_filter(self) -> None:
        """Focus the table now (not on the next refresh) and hide the filter line."""
        self.screen.set_focus(self._table)
        self._filter.display = False

    @on(VirtualTable.FilterRequested)
    def _open_filter(self, event: VirtualTable.FilterRequested) -> None:
        event.stop()
        self.open_filter()

    @on(FilterInput.Changed)
    def _filter_typed(self, event: FilterInput.Changed) -> None:
        event.stop()
        if event.input is self._filter:
            self._table.set_filter(event.value)

    @on(FilterInput.Submitted)
    def _filter_kept(self, event: FilterInput.Submitted) -> None:
        event.stop()  # the line already handed the focus back (``_close_filter``); a later ``/`` may reopen it

    @on(FilterInput.Cleared)
    def _filter_cleared(self, event: FilterInput.Cleared) -> None:
        event.stop()
        self._table.set_filter("")

    @on(VirtualTable.FilterChanged)
    @on(VirtualTable.SortChanged)
    @on(VirtualTable.MarksChanged)
    def _applied_changed(self, event: Message) -> None:
        event.stop()
        self.update_subtitle()
        self.update_title()

    def update_title(self) -> None:
        """Subclasses say what they list and how many."""
