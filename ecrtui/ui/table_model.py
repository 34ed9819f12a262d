"""The table's row and column model: plain dataclasses and the ``RowSource`` the table reads, no Textual import.

Kept apart from the widget so the pure code that turns ECR listings into rows (``image_rows``) is testable and
benchmarkable without a running app. The table never holds rows itself: it asks a ``RowSource`` for a row's key,
for the ``Row`` of a line it draws, for the rows a filter keeps and for sort keys. ``RowList`` is the source for
short lists given as ``Row`` objects (repositories, registries); the Images pane gives a source over the
repository's ``ImageListing`` that builds a ``Row`` only for the lines on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ecrtui.ui.text_filter import Matcher, filter_indices

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
    """A named order; ``key`` receives the row. Python's sort is stable, so ties keep arrival order.

    A source that sorts without ``Row`` objects (the Images pane's) recognises its options by ``label`` and
    leaves ``key`` unset.
    """

    label: str
    key: Callable[[Row], Any] | None = field(default=None, compare=False)
    reverse: bool = False


class RowSource(Protocol):
    """What the table reads its rows from; rows are numbered in arrival order (their index)."""

    def __len__(self) -> int: ...

    def key(self, index: int) -> str:
        """The stable key of row ``index``."""
        ...

    def index_of(self, key: str) -> int | None:
        """The index of the row with this key, ``None`` if absent."""
        ...

    def row(self, index: int) -> Row:
        """Row ``index`` with its cells, to draw it."""
        ...

    def select(self, matcher: Matcher, indices: Iterable[int]) -> list[int]:
        """The subset of ``indices`` whose rows match, in the given order."""
        ...

    def sort_key(self, option: SortOption) -> Callable[[int], Any]:
        """Row index -> sort key under ``option`` (valid for every row the source holds now)."""
        ...


class RowList:
    """A ``RowSource`` over ``Row`` objects: for lists short enough that a ready row per entry costs nothing."""

    __slots__ = ("_positions", "_rows", "_search", "_sort_keys")

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self._rows: list[Row] = []
        self._search: list[str] = []
        self._positions: dict[str, int] = {}
        self._sort_keys: dict[Callable[[Row], Any], list[Any]] = {}
        self.extend(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def extend(self, rows: Iterable[Row]) -> range:
        """Add rows (a key already held is ignored: a page may repeat after a retry); the new indices."""
        start = len(self._rows)
        for row in rows:
            if row.key in self._positions:
                continue
            self._positions[row.key] = len(self._rows)
            self._rows.append(row)
            self._search.append(row.search_text.lower())
        return range(start, len(self._rows))

    def replace(self, row: Row) -> bool:
        """Replace the row with the same key; ``False`` if there is none."""
        position = self._positions.get(row.key)
        if position is None:
            return False
        self._rows[position] = row
        self._search[position] = row.search_text.lower()
        self._sort_keys.clear()
        return True

    def key(self, index: int) -> str:
        return self._rows[index].key

    def index_of(self, key: str) -> int | None:
        return self._positions.get(key)

    def row(self, index: int) -> Row:
        return self._rows[index]

    def select(self, matcher: Matcher, indices: Iterable[int]) -> list[int]:
        return filter_indices(self._search, matcher, indices)

    def sort_key(self, option: SortOption) -> Callable[[int], Any]:
        key = option.key
        if key is None:  # an order for another kind of source (the table is empty until it gets one)
            return int
        keys = self._sort_keys.setdefault(key, [])
        if len(keys) < len(self._rows):
            keys.extend(map(key, self._rows[len(keys) :]))
        return keys.__getitem__
