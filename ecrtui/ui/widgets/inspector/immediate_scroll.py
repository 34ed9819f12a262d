"""Keyboard scrolling that takes effect at once, for the inspector's scrollable tabs.

Textual's scroll actions scroll on the next refresh, from the offset the view has then: a key held down sends
several presses per frame, and all but one were lost (holding ``j`` or ``↓`` in Summary moved one line in six).
These do the same moves immediately and without animation, so every press counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.actions import SkipAction

if TYPE_CHECKING:
    from textual.widget import Widget

    _Scrollable = Widget
else:
    _Scrollable = object


class ImmediateScroll(_Scrollable):
    """Mix in before a scrollable base (``class View(ImmediateScroll, VerticalScroll)``). A plain class at run
    time, so Textual still takes the CSS type, defaults and ``can_focus`` from the widget base."""

    def _vertical(self) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()

    def _horizontal(self) -> None:
        if not self.allow_horizontal_scroll:
            raise SkipAction()

    def action_scroll_down(self) -> None:
        self._vertical()
        self.scroll_down(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self._vertical()
        self.scroll_up(animate=False, immediate=True)

    def action_page_down(self) -> None:
        self._vertical()
        page = self.scrollable_content_region.height
        self.scroll_to(y=self.scroll_target_y + page, animate=False, immediate=True)

    def action_page_up(self) -> None:
        self._vertical()
        page = self.scrollable_content_region.height
        self.scroll_to(y=self.scroll_target_y - page, animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self._vertical()
        self.scroll_home(animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        self._vertical()
        self.scroll_end(animate=False, immediate=True)

    def action_scroll_left(self) -> None:
        self._horizontal()
        self.scroll_left(animate=False, immediate=True)

    def action_scroll_right(self) -> None:
        self._horizontal()
        self.scroll_right(animate=False, immediate=True)
