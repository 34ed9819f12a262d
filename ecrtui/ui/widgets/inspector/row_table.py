"""The row table of the inspector's tabs and the replication screens: ``home``/``end`` (and ``g``/``G``) go to the
first/last row, ``j``/``k`` move like the arrows.

Textual's ``DataTable`` binds ``home``/``end`` to horizontal scrolling, which made ``end`` scroll sideways in a
tab whose rows every other list in the app moves through. The keys come from the action registry
(``table.top``/``table.bottom``, ``table.down``/``table.up``), so a user keymap applies here too.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from ecrtui.ui.actions import ACTIONS

_ROW_KEYS = ("table.top", "table.bottom", "table.down", "table.up")


class RowTable(DataTable[str | Text]):
    """A ``DataTable`` with a row cursor whose first/last-row keys are the lists' ones."""

    BINDINGS: ClassVar[list[BindingType]] = [spec.binding() for spec in ACTIONS if spec.id in _ROW_KEYS]

    def action_cursor_top(self) -> None:
        """The first row."""
        self.action_scroll_top()

    def action_cursor_bottom(self) -> None:
        """The last row."""
        self.action_scroll_bottom()
