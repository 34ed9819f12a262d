"""The plan in the copy dialog: a heading, then labelled lines (``Transfer``, ``Tags``, a ``✗`` per problem) whose
long text wraps under itself, not under its label, so a problem of three lines still reads as one item."""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.widget import Widget

from ecrtui.ui.copy_preview import LineKind, PlanLine

__all__ = ["CopyPlanView"]

LABEL_WIDTH = 10
_STYLES: dict[LineKind, str] = {
    "fact": "",
    "problem": "$text-error",
    "warning": "$text-warning",
    "note": "$text-muted",
    "good": "$text-success",
}


class CopyPlanView(Widget):
    """Shows a plan (``show``) or one line instead of it (``say``: planning…, or why there is no plan)."""

    DEFAULT_CSS = """
    CopyPlanView {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._heading = ""
        self._lines: list[PlanLine] = [PlanLine("", "planning…", "note")]

    @property
    def text(self) -> str:
        """What it shows, unwrapped (tests read it)."""
        return "\n".join([self._heading, *(f"{line.label} {line.text}".strip() for line in self._lines)])

    def show(self, heading: str, lines: list[PlanLine]) -> None:
        self._heading = heading
        self._lines = lines
        self.refresh(layout=True)

    def say(self, text: str, kind: LineKind = "note") -> None:
        self._heading = ""
        self._lines = [PlanLine("✗" if kind == "problem" else "", text, kind)]
        self.refresh(layout=True)

    def render(self) -> Content:
        width = max(LABEL_WIDTH + 12, self.content_region.width or self.size.width or 80)
        rows: list[Content] = [Content.styled(self._heading, "bold")] if self._heading else []
        indent = " " * (LABEL_WIDTH + 3)
        for line in self._lines:
            style = _STYLES[line.kind]
            label = Content.styled(f"  {line.label:<{LABEL_WIDTH}} ", style or "$text-muted")
            wrapped = textwrap.wrap(line.text, width - len(indent)) or [""]
            rows.append(label + _styled(wrapped[0], style))
            rows += [Content(indent) + _styled(more, style) for more in wrapped[1:]]
        return Content("\n").join(rows)


def _styled(text: str, style: str) -> Content:
    return Content.styled(text, style) if style else Content(text)
