"""Plain-text tables for the headless commands: aligned columns, two spaces apart, no colour (pipes stay clean)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

__all__ = ["print_table"]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], stream: TextIO) -> None:
    """Left-aligned columns sized to their widest cell; the last column is not padded."""
    widths = [max([len(h), *(len(r[n]) for r in rows)]) for n, h in enumerate(headers)]
    for row in (headers, *rows):
        cells = [cell.ljust(widths[n]) for n, cell in enumerate(row[:-1])] + [row[-1]]
        print("  ".join(cells).rstrip(), file=stream)
