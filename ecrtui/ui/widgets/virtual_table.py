"""A virtual table: a Line-API ``ScrollView`` that renders only the rows on screen.

Textual's ``DataTable`` builds every row up front (about 13 s with the UI frozen at 100,000 rows, the most images
an ECR repository may hold). This table holds no rows: it reads them from a ``RowSource`` (``table_model``), asks
for a ``Row`` only when its line is drawn (with a small line cache), takes in rows appended to the source without
touching rows already shown (a sorted page is merged in, not re-sorted), and filters and sorts index arrays
rather than the rows themselves, so a key press stays cheap while pages keep arriving. Pure helpers live in
``table_layout``.

Everything about *what* a row means (images, repositories) belongs to the panes; this widget knows keys, cells,
search texts, style names and sort keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ecrtui.ui.actions import bindings_for
from ecrtui.ui.table_layout import fit, layout_columns, merge_sorted
from ecrtui.ui.table_model import ROW_STYLES, Column, Row, RowList, RowSource, SortOption
from ecrtui.ui.text_filter import Matcher, compile_query

__all__ = [
    "ROW_STYLES",
    "Column",
    "Row",
    "RowList",
    "RowSource",
    "SortOption",
    "TableMessage",
    "VirtualTable",
    "fit",
    "layout_columns",
    "merge_sorted",
]

MARKER_WIDTH = 2
"""Cells taken by the mark column when marks are enabled."""
MARK = "●"


class TableMessage(Message):
    """Base of the table's messages: which table posted it (``control``, for ``@on(..., "#id")``)."""

    def __init__(self, table: VirtualTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> VirtualTable:
        """The table that posted the message."""
        return self.table


class VirtualTable(ScrollView, can_focus=True):
    """A keyboard-first table for very long lists (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("table"))
    """All priority (see ``actions.py``): a list's keys run in the order typed, before an ``enter`` after them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--marker",
        "virtual-table--message",
        *(f"virtual-table--{name}" for name in ROW_STYLES),
    }

    DEFAULT_CSS = """
    VirtualTable {
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        height: 1fr;
        & > .virtual-table--header { text-style: bold; color: $text-accent; background: $panel; }
        & > .virtual-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--marker { color: $text-accent; text-style: bold; }
        & > .virtual-table--message { color: $text-muted; text-style: italic; }
        & > .virtual-table--dim { color: $text-muted; }
        & > .virtual-table--bold { text-style: bold; }
        & > .virtual-table--accent { color: $text-accent; }
        & > .virtual-table--warning { color: $text-warning; }
        & > .virtual-table--error { color: $text-error; }
        & > .virtual-table--success { color: $text-success; }
    }
    """

    class RowHighlighted(TableMessage):
        """The cursor moved onto another row (``key`` is ``None`` when the table is empty).

        ``replaced``: the cursor did not move, another row took its place (rows arrived above it, or were sorted
        or filtered), as opposed to the user moving it.
        """

        def __init__(self, table: VirtualTable, key: str | None, *, replaced: bool = False) -> None:
            super().__init__(table)
            self.key = key
            self.replaced = replaced

    class RowSelected(TableMessage):
        """The user opened a row (enter, ``l``, right, or a click on the highlighted row)."""

        def __init__(self, table: VirtualTable, key: str) -> None:
            super().__init__(table)
            self.key = key

    class BackRequested(TableMessage):
        """The user asked to go back (esc, ``h``, left) with no filter left to clear."""

    class FilterRequested(TableMessage):
        """The user pressed ``/``: the pane that owns the table opens its filter input."""

    class FilterChanged(TableMessage):
        """The applied filter query changed (``""`` when cleared)."""

        def __init__(self, table: VirtualTable, query: str) -> None:
            super().__init__(table)
            self.query = query

    class SortChanged(TableMessage):
        """The order changed (``label`` is ``None`` for arrival order)."""

        def __init__(self, table: VirtualTable, label: str | None) -> None:
            super().__init__(table)
            self.label = label

    class MarksChanged(TableMessage):
        """The set of marked rows changed."""

        def __init__(self, table: VirtualTable, keys: tuple[str, ...]) -> None:
            super().__init__(table)
            self.keys = keys

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        markable: bool = False,
        sort_options: Sequence[SortOption] = (),
        empty_text: str = "Nothing here",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: tuple[Column, ...] = tuple(columns)
        self.markable = markable
        """Whether ``space`` marks rows (a mark column is shown)."""
        self.empty_text = empty_text
        """What an empty table says once loading is over."""
        self.filter_opener: Callable[[], None] | None = None
        """Set by an owner with a filter line: called at once on ``/`` (instead of posting ``FilterRequested``)
        so keys typed right after it, in the same burst (a paste, a slow SSH link), land in the filter."""
        self.row_opener: Callable[[str], None] | None = None
        """Set by an owner that opens rows itself: called at once with the highlighted key on ``enter`` (instead of
        posting ``RowSelected``), so the owner can move the focus before the next keys of a burst are handled."""
        self._early_cursor = 0
        """Where cursor keys pressed before the first rows arrived asked to go (applied when rows come)."""
        self._sort_options: tuple[SortOption, ...] = tuple(sort_options)
        self._sort_position = 0 if self._sort_options else -1
        self._source: RowSource = RowList()
        self._held = 0
        """Rows of the source the table has taken in (a source may grow before the table is told)."""
        self._order: list[int] = []
        """Every row index in display order, filter aside."""
        self._flags = bytearray()
        """Whether each row matches the filter (empty when no filter)."""
        self._view: list[int] = self._order
        """The rows shown: ``_order`` itself without a filter, else the matching part of it."""
        self._query = ""
        self._matcher: Matcher | None = None
        self._cursor = 0
        self._highlighted: str | None = None
        self._marked: dict[str, None] = {}
        self._loading = False
        self._line_cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        self._column_layout: tuple[int, list[tuple[int, int]]] | None = None
        self._base_style = Style()
        """The widget's own style, refreshed at the start of each render pass."""

    # ------------------------------------------------------------------ read-only state

    @property
    def source(self) -> RowSource:
        """Where the rows come from."""
        return self._source

    @property
    def row_count(self) -> int:
        """Rows held, whether or not the filter shows them."""
        return self._held

    @property
    def visible_count(self) -> int:
        """Rows the filter lets through."""
        return len(self._view)

    @property
    def visible_keys(self) -> list[str]:
        """Keys in display order (a copy: O(n), for tests and exports, not for rendering)."""
        key = self._source.key
        return [key(index) for index in self._view]

    @property
    def cursor(self) -> int:
        """Position of the cursor among the visible rows."""
        return self._cursor

    @property
    def highlighted_key(self) -> str | None:
        """Key of the row under the cursor."""
        if not self._view:
            return None
        return self._source.key(self._view[self._cursor])

    @property
    def filter_query(self) -> str:
        """The query currently applied (``""`` for none)."""
        return self._query

    @property
    def sort_label(self) -> str | None:
        """Name of the current order, ``None`` for arrival order."""
        sort = self._current_sort
        return sort.label if sort else None

    @property
    def marked_keys(self) -> tuple[str, ...]:
        """Marked rows, in the order they were marked."""
        return tuple(self._marked)

    @property
    def is_loading(self) -> bool:
        """Whether the owner said more rows are on their way."""
        return self._loading

    def get_row(self, key: str) -> Row | None:
        """The row with this key, if held."""
        position = self._source.index_of(key)
        return None if position is None else self._source.row(position)

    # ------------------------------------------------------------------ commands from the owner

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the columns (rows must have as many cells)."""
        self._columns = tuple(columns)
        self._column_layout = None
        self._invalidate()

    def set_loading(self, loading: bool) -> None:
        """Say whether more rows are coming; an empty table then reads "Loading…" instead of empty."""
        if loading != self._loading:
            self._loading = loading
            if not self._view:
                self.refresh()

    def clear(self) -> None:
        """Drop every row, the filter result and the marks (the query and sort order stay)."""
        self._source = RowList()
        self._held = 0
        self._order = []
        self._flags = bytearray()
        self._view = self._order if self._matcher is None else []
        self._cursor = 0
        self._early_cursor = 0
        had_marks = bool(self._marked)
        self._marked = {}
        self._invalidate()
        self._after_change(scroll_home=True)
        if had_marks:
            self.post_message(self.MarksChanged(self, ()))

    def append_rows(self, rows: Iterable[Row]) -> None:
        """Add a page of ``Row`` objects (the table must be showing a ``RowList``: the default, or ``set_rows``).

        Rows whose key is already held are ignored (a page may repeat after a retry).
        """
        source = self._source
        if not isinstance(source, RowList):
            raise TypeError("append_rows needs a RowList source; call source_grew after growing your own")
        source.extend(rows)
        self.source_grew()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row with these ``Row`` objects (see ``set_source``)."""
        self.set_source(RowList(rows))

    def set_source(self, source: RowSource) -> None:
        """Show another source's rows, keeping the cursor on the same key (or at the very top, if it was there)
        and marks on rows that remain."""
        at_top = self._cursor == 0 and int(self.scroll_offset.y) == 0
        keep = None if at_top else self.highlighted_key
        marks_before = tuple(self._marked)
        self._source = source
        self._held = len(source)
        self._marked = {key: None for key in marks_before if source.index_of(key) is not None}
        self._rebuild_order()
        self._rebuild_view(keep)
        if tuple(self._marked) != marks_before:
            self.post_message(self.MarksChanged(self, tuple(self._marked)))

    def source_grew(self) -> None:
        """Take in the rows the source gained since the table last looked; only rows that land on screen are
        drawn.

        Sorted, the new rows are merged into the order (binary search per new row, then slice copies) rather
        than re-sorting every row, so a page costs about the same at 100,000 rows as at 1,000.
        """
        start, stop = self._held, len(self._source)
        if stop <= start:
            return
        self._held = stop
        new = range(start, stop)
        sort = self._current_sort
        matcher = self._matcher
        if matcher is not None:
            flags = bytearray(len(new))
            for index in self._source.select(matcher, new):
                flags[index - start] = 1
            self._flags += flags
        if sort is None:
            self._order.extend(new)
            if matcher is None:
                self._after_append(len(self._view) - len(new))
                return
            accepted = [index for index in new if self._flags[index]]
            if accepted:
                self._view.extend(accepted)
                self._after_append(len(self._view) - len(accepted))
            return
        key = self._source.sort_key(sort)
        # At the very top, stay there (the first row is the first in the order, e.g. the newest image);
        # anywhere else, stay on the row the user moved to.
        at_top = self._cursor == 0 and int(self.scroll_offset.y) == 0
        keep = None if at_top else self.highlighted_key
        first_new = 0
        if sort.reverse:
            self._order.extend(new)
            self._order.sort(key=key, reverse=True)
        else:
            self._order, first_new = merge_sorted(self._order, new, key)
        if matcher is None:
            self._view = self._order
            if first_new > self._cursor and first_new >= int(self.scroll_offset.y) + self.size.height:
                # Everything new landed below the screen and the cursor: only the scrollbar changes.
                self._update_virtual_size()
                return
        elif any(self._flags[index] for index in new):
            self._view = [index for index in self._order if self._flags[index]]
        else:
            return
        # The line cache stays: it is keyed by row index, and rows already held did not change, only moved.
        self._restore_cursor(keep)
        self._after_change()

    def update_row(self, row: Row) -> None:
        """Replace one row in place (same key), e.g. when a count becomes known (``RowList`` sources only)."""
        source = self._source
        if not isinstance(source, RowList) or not source.replace(row):
            return
        if self._matcher is not None or self._current_sort is not None:
            keep = self.highlighted_key
            self._rebuild_order()
            self._rebuild_view(keep)
            return
        self._line_cache.clear()
        self.refresh()

    def set_filter(self, query: str) -> None:
        """Show only rows matching ``query`` (see ``ecrtui.ui.text_filter`` for the syntax)."""
        if query == self._query:
            return
        keep = self.highlighted_key
        self._query = query
        self._matcher = compile_query(query)
        self._rebuild_view(keep)
        self.post_message(self.FilterChanged(self, query))

    def set_sort_options(self, options: Sequence[SortOption], position: int = 0) -> None:
        """Offer these orders to ``s`` and apply the one at ``position``."""
        self._sort_options = tuple(options)
        self._sort_position = position if options else -1
        self._resort()

    def cycle_sort(self) -> None:
        """Apply the next order (wrapping around)."""
        if not self._sort_options:
            return
        self._sort_position = (self._sort_position + 1) % len(self._sort_options)
        self._resort()

    def move_cursor(self, position: int) -> None:
        """Put the cursor on a visible row (clamped) and scroll it into view; while the first rows are still
        loading, remember the position and go there when they arrive (``enter`` then ``jjj`` in one burst)."""
        if not self._view:
            self._cursor = 0
            self._early_cursor = max(0, position) if self._loading else 0
            self._sync_highlight(moved=True)
            return
        position = max(0, min(position, len(self._view) - 1))
        previous = self._cursor
        self._cursor = position
        if previous != position:
            self.refresh_line(previous + 1)
            self.refresh_line(position + 1)
        self._scroll_to_cursor()
        self._sync_highlight(moved=True)

    def move_cursor_to_key(self, key: str) -> bool:
        """Put the cursor on the row with this key; ``False`` if it is filtered out or absent."""
        index = self._source.index_of(key)
        if index is None:
            return False
        try:
            position = self._view.index(index)
        except ValueError:
            return False
        self.move_cursor(position)
        return True

    def toggle_mark(self, key: str) -> None:
        """Mark or unmark one row."""
        if key in self._marked:
            del self._marked[key]
        elif self._source.index_of(key) is not None:
            self._marked[key] = None
        else:
            return
        self._line_cache.clear()
        self.refresh()
        self.post_message(self.MarksChanged(self, tuple(self._marked)))

    def clear_marks(self) -> None:
        """Unmark every row."""
        if self._marked:
            self._marked = {}
            self._line_cache.clear()
            self.refresh()
            self.post_message(self.MarksChanged(self, ()))

    # ------------------------------------------------------------------ actions (keys from actions.py)

    @property
    def _cursor_base(self) -> int:
        """Where relative moves start: the cursor, or where early keys asked to go while rows load."""
        return self._cursor if self._view else self._early_cursor

    def action_cursor_down(self) -> None:
        """Move down one row."""
        self.move_cursor(self._cursor_base + 1)

    def action_cursor_up(self) -> None:
        """Move up one row."""
        self.move_cursor(self._cursor_base - 1)

    def action_cursor_top(self) -> None:
        """Jump to the first row."""
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        """Jump to the last row loaded so far."""
        self.move_cursor(len(self._view) - 1)

    def action_page_down(self) -> None:
        """Move down one screen."""
        self.move_cursor(self._cursor_base + self._page_height)

    def action_page_up(self) -> None:
        """Move up one screen."""
        self.move_cursor(self._cursor_base - self._page_height)

    def action_select_row(self) -> None:
        """Open the highlighted row (through ``row_opener`` when the owner set one)."""
        key = self.highlighted_key
        if key is None:
            return
        if self.row_opener is not None:
            self.row_opener(key)
        else:
            self.post_message(self.RowSelected(self, key))

    def action_go_back(self) -> None:
        """Clear an applied filter first; otherwise ask the owner to go back."""
        if self._query:
            self.set_filter("")
            return
        self.post_message(self.BackRequested(self))

    def action_start_filter(self) -> None:
        """Open the owner's filter line now, or ask for it with ``FilterRequested``."""
        if self.filter_opener is not None:
            self.filter_opener()
        else:
            self.post_message(self.FilterRequested(self))

    def action_cycle_sort(self) -> None:
        """Apply the next sort order."""
        self.cycle_sort()

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted row, then move down (so holding space marks a run)."""
        key = self.highlighted_key
        if not self.markable or key is None:
            return
        self.toggle_mark(key)
        self.move_cursor(self._cursor + 1)

    # ------------------------------------------------------------------ events

    def on_click(self, event: events.Click) -> None:
        """A click highlights a row; a click on the highlighted row (or a double click) opens it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        position = int(self.scroll_offset.y) + offset.y - 1
        if position >= len(self._view):
            return
        event.stop()
        if position == self._cursor or event.chain >= 2:
            self.move_cursor(position)
            self.action_select_row()
        else:
            self.move_cursor(position)

    def on_resize(self, event: events.Resize) -> None:
        """Column widths depend on the width."""
        self._column_layout = None
        self._line_cache.clear()
        self._update_virtual_size()

    def notify_style_update(self) -> None:
        """Theme, focus or CSS changed: cached lines hold old styles."""
        super().notify_style_update()
        self._line_cache.clear()

    def on_focus(self) -> None:
        """The cursor colour depends on focus."""
        self._line_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        """The cursor colour depends on focus."""
        self._line_cache.clear()
        self.refresh()

    # ------------------------------------------------------------------ rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        """Work out the widget's base style once per render pass, not once per line (it is costly)."""
        self._base_style = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Line 0 is the header; the rest show rows from the scroll offset."""
        region = self.scrollable_content_region
        width = region.width
        if y == 0:
            return self._render_header(width)
        position = int(self.scroll_offset.y) + y - 1
        if position >= len(self._view):
            if y == 1 and not self._view:
                return self._render_message(width)
            return Strip.blank(width, self._base_style)
        index = self._view[position]
        is_cursor = position == self._cursor
        is_marked = bool(self._marked) and self._source.key(index) in self._marked
        cache_key = (index, width, is_cursor, is_marked)
        strip = self._line_cache.get(cache_key)
        if strip is None:
            strip = self._render_row(self._source.row(index), width, is_cursor, is_marked)
            self._line_cache.set(cache_key, strip)
        return strip

    def _render_header(self, width: int) -> Strip:
        style = self._base_style + self.get_component_rich_style("virtual-table--header")
        marker = " " * MARKER_WIDTH if self.markable else ""
        labels = " ".join(
            fit(self._columns[index].label, column_width, self._columns[index].justify)
            for index, column_width in self._layout(width)
        )
        text = fit(marker + labels, width)
        return Strip([Segment(text, style)], width)

    def _render_message(self, width: int) -> Strip:
        if self._loading:
            text = " Loading…"
        elif self._query and self._held:
            text = f" No rows match {self._query!r} (esc clears the filter)"
        else:
            text = f" {self.empty_text}"
        style = self._base_style + self.get_component_rich_style("virtual-table--message")
        return Strip([Segment(fit(text, width), style)], width)

    def _render_row(self, row: Row, width: int, is_cursor: bool, is_marked: bool) -> Strip:
        row_style = self._base_style
        for name in row.classes:
            row_style += self._style(name)
        cursor_style = self.get_component_rich_style("virtual-table--cursor") if is_cursor else None
        segments: list[Segment] = []
        used = 0
        if self.markable:
            marker_style = row_style + self._style("marker")
            if cursor_style:
                marker_style += cursor_style
            segments.append(Segment(f"{MARK} " if is_marked else "  ", marker_style))
            used += MARKER_WIDTH
        gap_style = row_style + cursor_style if cursor_style else row_style
        cells = row.cell_texts
        cell_classes = row.cell_classes
        for number, (index, column_width) in enumerate(self._layout(width)):
            if number:
                segments.append(Segment(" ", gap_style))
                used += 1
            column = self._columns[index]
            text = cells[index] if index < len(cells) else ""
            style = row_style
            if index < len(cell_classes) and cell_classes[index]:
                style += self._style(cell_classes[index])
            if cursor_style:
                style += cursor_style
            segments.append(Segment(fit(text, column_width, column.justify), style))
            used += column_width
        if used < width:
            segments.append(Segment(" " * (width - used), gap_style))
        return Strip(segments).crop(0, width)

    @property
    def shown_columns(self) -> list[str]:
        """Names of the columns that fit the table's current width (narrow panes drop low-priority ones)."""
        return [self._columns[index].key for index, _ in self._layout(self.scrollable_content_region.width)]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"virtual-table--{name}", default=Style())

    def _layout(self, width: int) -> list[tuple[int, int]]:
        available = width - (MARKER_WIDTH if self.markable else 0)
        cached = self._column_layout
        if cached is None or cached[0] != available:
            cached = (available, layout_columns(self._columns, available))
            self._column_layout = cached
        return cached[1]

    # ------------------------------------------------------------------ internals

    @property
    def _current_sort(self) -> SortOption | None:
        if 0 <= self._sort_position < len(self._sort_options):
            return self._sort_options[self._sort_position]
        return None

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def _resort(self) -> None:
        keep = self.highlighted_key
        self._rebuild_order()
        self._rebuild_view(keep)
        self.post_message(self.SortChanged(self, self.sort_label))

    def _rebuild_order(self) -> None:
        """Sort keys and display order of every row (filter-independent, so filtering never re-sorts)."""
        sort = self._current_sort
        if sort is None:
            self._order = list(range(self._held))
            return
        key = self._source.sort_key(sort)
        self._order = sorted(range(self._held), key=key, reverse=sort.reverse)

    def _rebuild_view(self, keep: str | None) -> None:
        """Apply the filter to the order, then put the cursor back on ``keep``."""
        matcher = self._matcher
        if matcher is None:
            self._flags = bytearray()
            self._view = self._order
        else:
            matched = self._source.select(matcher, range(self._held))
            flags = bytearray(self._held)
            for index in matched:
                flags[index] = 1
            self._flags = flags
            self._view = (
                matched
                if self._current_sort is None
                else list(compress(self._order, map(flags.__getitem__, self._order)))
            )
        self._invalidate()
        self._restore_cursor(keep)
        self._after_change()

    def _restore_cursor(self, keep: str | None) -> None:
        position = 0
        if keep is not None:
            index = self._source.index_of(keep)
            if index is not None:
                try:
                    position = self._view.index(index)
                except ValueError:
                    position = 0
        self._cursor = max(0, min(position, len(self._view) - 1))

    def _after_append(self, first_new: int) -> None:
        """Cheap path for unsorted appends: redraw rows only if new ones land on screen."""
        self._update_virtual_size()
        if first_new - int(self.scroll_offset.y) < self.scrollable_content_region.height:
            self.refresh()
        self._sync_highlight()

    def _after_change(self, scroll_home: bool = False) -> None:
        self._update_virtual_size()
        if scroll_home:
            self.scroll_to(y=0, animate=False)
        else:
            self._scroll_to_cursor()
        self.refresh()
        self._sync_highlight()

    def _update_virtual_size(self) -> None:
        """Resize the scrollable area; skip the screen-wide layout pass when the scrollbar stays as it is.

        Setting ``virtual_size`` re-lays out the whole screen (tens of milliseconds on a big terminal, on every
        page of a load); when the scrollbar was shown and stays shown only its thumb changes, so the size is set
        without the layout (``set_reactive``) and the scrollbar told directly, through public attributes.
        """
        size = Size(self.scrollable_content_region.width, len(self._view) + 1)
        if size == self.virtual_size:
            return
        needs_scrollbar = size.height > self.container_size.height
        if (
            not self.is_mounted
            or not self.virtual_size.height
            or needs_scrollbar != self.show_vertical_scrollbar
        ):
            self.virtual_size = size
        elif not needs_scrollbar or not self.styles.scrollbar_size_vertical:
            self.set_reactive(VirtualTable.virtual_size, size)
        else:
            shrinking = size.height < self.virtual_size.height
            self.set_reactive(VirtualTable.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            if shrinking and self.scroll_offset.y > self.max_scroll_y:
                self.scroll_to(y=self.max_scroll_y, animate=False)

    def _scroll_to_cursor(self) -> None:
        rows_on_screen = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + rows_on_screen:
            self.scroll_to(y=self._cursor - rows_on_screen + 1, animate=False)

    def _sync_highlight(self, *, moved: bool = False) -> None:
        if self._early_cursor and self._view:
            early, self._early_cursor = self._early_cursor, 0
            self.move_cursor(early)  # highlights through here again
            return
        key = self.highlighted_key
        if key != self._highlighted:
            replaced = not moved and key is not None and self._highlighted is not None
            self._highlighted = key
            self.post_message(self.RowHighlighted(self, key, replaced=replaced))

    def _invalidate(self) -> None:
        self._line_cache.clear()
        self.refresh()
