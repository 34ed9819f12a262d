"""Aligned "label  value" rows, the layout of the Summary and Config tabs.

Values longer than the space left of the label column wrap under the value column (a hanging indent), so a
digest URI on an 80-column terminal stays readable and aligned instead of being cut or wrapping to column 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

LABEL_STYLE = "$text-muted"
"""Labels are quieter than values: the eye should land on the data."""

Fact = tuple[str, str | Content]
"""One row: a label and its value; an empty label continues the row above."""


MIN_VALUE_WIDTH = 12
"""Narrower than this, values are not wrapped (the view scrolls instead)."""


def fact_lines(rows: Sequence[Fact], width: int | None = None) -> Content:
    """The rows laid out for ``width`` cells (no wrapping when ``None``).

    The label column is as wide as the longest label, up to half the width: a longer label (an image label
    such as ``org.opencontainers.image.source``) folds onto more lines rather than pushing the values out.
    """
    label_width = max((len(label) for label, _ in rows), default=0)
    if width is not None:
        label_width = min(label_width, max(MIN_VALUE_WIDTH, width // 2))
    indent = label_width + 2
    lines: list[Content] = []
    for label, value in rows:
        value_content = value if isinstance(value, Content) else Content(value)
        if width is None or width - indent < MIN_VALUE_WIDTH:
            pieces = value_content.split("\n")
        else:
            pieces = [
                piece
                for part in value_content.split("\n")
                for piece in (part.wrap(width - indent, overflow="fold") or [Content("")])
            ]
        heads = [label[start : start + label_width] for start in range(0, len(label), label_width or 1)]
        for number in range(max(len(pieces), len(heads))):
            head = (heads[number] if number < len(heads) else "").ljust(label_width)
            piece = pieces[number] if number < len(pieces) else Content("")
            lines.append(Content.assemble(Content.styled(head, LABEL_STYLE), "  ", piece).rstrip())
    return Content("\n").join(lines)


class FactList(Widget):
    """Rows of facts that re-wrap to the widget's width."""

    DEFAULT_CSS = """
    FactList {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Fact] = []

    @property
    def rows(self) -> list[Fact]:
        """The rows shown."""
        return list(self._rows)

    @property
    def text(self) -> str:
        """The rows as plain text, one ``label  value`` per line (unwrapped)."""
        return fact_lines(self._rows).plain

    def set_rows(self, rows: Sequence[Fact]) -> None:
        """Replace the rows."""
        self._rows = list(rows)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(fact_lines(self._rows, width).split("\n")) if self._rows else 0

    def render(self) -> Content:
        return fact_lines(self._rows, self.content_region.width or None)
