"""Column widths for a ``DataTable`` that must show every column in the width it has (the audit log, the
replication rules): the widest columns give way first, none below its minimum, and a cut cell ends with ``…``.

Textual's ``DataTable`` sizes a column to its widest cell and scrolls sideways when the columns do not fit, which
pushed the audit log's Result column off a 120-column screen; here a narrow terminal truncates instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

__all__ = ["fill_fitted", "fitted_widths"]


def fitted_widths(natural: Sequence[int], minimum: Sequence[int], width: int) -> list[int]:
    """Widths summing to at most ``width``: the natural ones when they fit, else the widest cut first (one
    cap for all, as high as fits) but none below its minimum (then the sum may exceed ``width``)."""
    floor = [min(n, m) for n, m in zip(natural, minimum, strict=True)]
    if sum(natural) <= width:
        return list(natural)

    def capped(cap: int) -> list[int]:
        return [max(low, min(n, cap)) for n, low in zip(natural, floor, strict=True)]

    cap = max(natural, default=0)
    while cap > 0 and sum(capped(cap)) > width:
        cap -= 1
    widths = capped(cap)
    spare = width - sum(widths)
    for index, wanted in enumerate(natural):  # the cap's remainder, left to right
        if spare <= 0:
            break
        extra = min(spare, wanted - widths[index])
        widths[index] += extra
        spare -= extra
    return widths


def _cut(cell: Text, width: int) -> Text:
    """``cell`` in at most ``width`` cells, ending with ``…`` when it was longer."""
    if cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


def fill_fitted(
    table: DataTable[Any],
    headers: Sequence[str],
    rows: Sequence[tuple[str, Sequence[Text]]],
    minimum: Sequence[int],
) -> None:
    """Fill ``table`` with ``rows`` (key, cells), its columns as wide as ``fitted_widths`` allows in the table's
    width now (never narrower than ``minimum`` or their header); the cursor stays on the row it was on. Call again
    when the width changes."""
    row = table.cursor_row
    padding = 2 * table.cell_padding * len(headers)
    # The vertical scrollbar's room is always kept (a stable gutter): guessing whether the rows will overflow from
    # the table's height read before the layout settles gave widths one column apart from run to run.
    table.styles.scrollbar_gutter = "stable"
    scrollbar = table.styles.scrollbar_size_vertical
    natural = [
        max([cell_len(header), *(cells[index].cell_len for _, cells in rows)])
        for index, header in enumerate(headers)
    ]
    floors = [
        max(low, cell_len(header)) for low, header in zip(minimum, headers, strict=True)
    ]  # headers whole
    widths = fitted_widths(natural, floors, max(0, table.size.width - padding - scrollbar))
    table.clear(columns=True)
    for header, width in zip(headers, widths, strict=True):
        table.add_column(_cut(Text(header), width), width=width)
    for key, cells in rows:
        table.add_row(*(_cut(cell, width) for cell, width in zip(cells, widths, strict=True)), key=key)
    if rows:
        table.move_cursor(row=min(row, len(rows) - 1))
