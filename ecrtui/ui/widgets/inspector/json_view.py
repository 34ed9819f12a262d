"""A scrollable, syntax-highlighted view of one JSON document.

A Line-API widget: the document is highlighted once and only the visible lines are rendered, so a long index
(hundreds of children) scrolls as cheaply as a short manifest, and long lines scroll sideways instead of wrapping.
"""

from __future__ import annotations

import json

from rich.segment import Segment
from textual.actions import SkipAction
from textual.content import Content
from textual.geometry import Size
from textual.highlight import highlight
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from ecrtui.ui.widgets.inspector.immediate_scroll import ImmediateScroll


def pretty_json(raw: bytes) -> str:
    """The document indented for reading; bytes that are not JSON are shown as text, never dropped."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return raw.decode("utf-8", errors="replace")
    return json.dumps(document, indent=2, ensure_ascii=False)


def _theme_style(style: str | VisualStyle) -> VisualStyle:
    """A highlighting style such as ``$text-accent``, resolved with the running app's theme variables."""
    return style if isinstance(style, VisualStyle) else VisualStyle.parse(style)


class JsonView(ImmediateScroll, ScrollView, can_focus=True):
    """Pretty, highlighted JSON; the bytes shown are a re-indented copy of what it was given."""

    DEFAULT_CSS = """
    JsonView {
        height: 1fr;
        background: $surface;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Content] = []
        """The highlighted document, one entry per line."""
        self._text = ""
        """The pretty-printed text (what a user would copy)."""

    @property
    def text(self) -> str:
        """The pretty-printed document as plain text."""
        return self._text

    @property
    def line_count(self) -> int:
        """How many lines the pretty document has."""
        return len(self._lines)

    def action_scroll_left(self) -> None:
        """``←`` scrolls back towards the left edge; at the edge it is skipped, so it means "back" as in the
        rest of the app."""
        if self.scroll_target_x <= 0:
            raise SkipAction()
        super().action_scroll_left()  # at once (``ImmediateScroll``)

    def set_document(self, raw: bytes) -> None:
        """Show ``raw`` (the exact stored bytes) pretty-printed and highlighted, scrolled to the top."""
        self._text = pretty_json(raw)
        self._lines = list(highlight(self._text, language="json").split("\n"))
        width = max((line.cell_length for line in self._lines), default=0)
        self.virtual_size = Size(width, len(self._lines))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def clear(self) -> None:
        """Show nothing."""
        self._text = ""
        self._lines = []
        self.virtual_size = Size(0, 0)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Render one visible line, cropped to the horizontal scroll position."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.visual_style
        rich_style = base.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, rich_style)
        segments = [
            Segment(text, style.rich_style)
            for text, style in self._lines[index].render(base, end="", parse_style=_theme_style)
        ]
        strip = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, rich_style)
