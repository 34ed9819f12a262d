"""Pure helpers of the virtual table: column widths, cell fitting, and merging a page into a sorted order.

No Textual import (Rich's cell widths only), so they are unit-tested directly and cost nothing to import.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from rich.cells import cell_len, set_cell_size

from ecrtui.ui.table_model import Column


def layout_columns(columns: Sequence[Column], width: int) -> list[tuple[int, int]]:
    """``(column index, width)`` pairs that fit ``width`` cells, one space between columns.

    Fixed columns keep their width, flexible ones share the rest by ``flex``; if even the minimums do not fit,
    the lowest-priority columns (rightmost first among equals) are dropped.
    """
    shown = list(range(len(columns)))

    def minimum(index: int) -> int:
        column = columns[index]
        return column.width if column.width is not None else column.min_width

    while len(shown) > 1 and sum(map(minimum, shown)) + len(shown) - 1 > width:
        drop = min(reversed(shown), key=lambda index: columns[index].priority)
        shown.remove(drop)
    if not shown:
        return []
    widths = {index: minimum(index) for index in shown}
    spare = width - sum(widths.values()) - (len(shown) - 1)
    flexible = [index for index in shown if columns[index].width is None and columns[index].flex > 0]
    if spare > 0 and flexible:
        total_flex = sum(columns[index].flex for index in flexible)
        given = 0
        for index in flexible[:-1]:
            share = spare * columns[index].flex // total_flex
            widths[index] += share
            given += share
        widths[flexible[-1]] += spare - given
    if spare < 0 and len(shown) == 1:
        widths[shown[0]] = max(0, width)
    return [(index, widths[index]) for index in shown]


def fit(text: str, width: int, justify: Literal["left", "right"] = "left") -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if justify == "right":
        return " " * (width - length) + text
    return text + " " * (width - length)


def merge_sorted(order: list[int], new: Iterable[int], key: Callable[[int], Any]) -> tuple[list[int], int]:
    """``order`` (sorted by ``key``) with ``new`` merged in, stably (a new item goes after equal keys).

    Returns the merged list and the position of the first new item (``len`` of the result if none), so the
    caller can skip a repaint when every new row lands below the screen. Equivalent to a stable sort of
    ``order + new`` but costs O(k log n) comparisons and O(n) copying for k new items, which keeps page
    appends cheap at 100,000 rows.
    """
    merged: list[int] = []
    taken = 0
    first = -1
    count = len(order)
    for index in sorted(new, key=key):
        value = key(index)
        # A run of new items before the next old one (a page of newer images above everything) needs no search.
        if taken >= count or not value < key(order[taken]):
            position = bisect_right(order, value, lo=taken, key=key)
            merged += order[taken:position]
            taken = position
        if first < 0:
            first = len(merged)
        merged.append(index)
    merged += order[taken:]
    return merged, first if first >= 0 else len(merged)
