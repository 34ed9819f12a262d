"""The table's row and column model: plain dataclasses with no Textual import.

Kept apart from the widget so the pure code that turns ECR listings into rows (``image_rows``) is testable and
benchmarkable without a running app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

ROW_STYLES = ("dim", "bold", "accent", "warning", "error", "success")
"""Style names a row or a cell may carry; each maps to a ``virtual-table--NAME`` component class."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column: a fixed ``width``, or a ``flex`` share of what is left (never under ``min_width``).

    When the table is too narrow, columns with the lowest ``priority`` are hidden first.
    """

    key: str
    label: str
    width: int | None = None
    min_width: int = 1
    flex: int = 0
    justify: Literal["left", "right"] = "left"
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Row:
    """One row: a stable ``key``, its cell texts, the text the filter searches and style names.

    ``classes`` style the whole row; ``cell_classes`` (aligned with ``cells``, ``""`` for none) style one cell,
    e.g. a dim ``<untagged>``. Names come from ``ROW_STYLES``. Instead of ``cells``, a row may carry a
    ``formatter`` that makes them when the row is first drawn: formatting 100,000 rows up front costs more than
    the listing's own parsing, and only a screenful is ever drawn at once.
    """

    key: str
    cells: tuple[str, ...] = ()
    search: str = ""
    classes: tuple[str, ...] = ()
    cell_classes: tuple[str, ...] = ()
    formatter: Callable[[], tuple[str, ...]] | None = field(default=None, compare=False)

    @property
    def cell_texts(self) -> tuple[str, ...]:
        """The cells, made by the ``formatter`` if there is one."""
        return self.cells if self.formatter is None else self.formatter()

    @property
    def search_text(self) -> str:
        """What the filter matches: ``search`` if given, else the cells."""
        return self.search or " ".join(self.cell_texts)


@dataclass(frozen=True, slots=True)
class SortOption:
    """A named order; ``key`` receives the row. Python's sort is stable, so ties keep arrival order."""

    label: str
    key: Callable[[Row], Any] = field(compare=False)
    reverse: bool = False
