"""The row table of the Layers and Platforms tabs: ``home``/``end`` go to the first/last row, as in the lists.

Textual's ``DataTable`` binds them to horizontal scrolling, which made ``end`` scroll sideways in a tab whose
rows the README (and every other list in the app) says it moves through.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class RowTable(DataTable[str | Text]):
    """A ``DataTable`` with a row cursor where ``home``/``end`` mean first/last row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]
