"""Moving the focus between the panes: ``tab``/``shift+tab``, ``esc``/``h`` back, ``p`` to the registries.

The focus moves at once (``Screen.set_focus``, not ``Widget.focus``, which waits for the next refresh), so the
keys typed right after in the same burst reach the pane that now has it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from ecrtui.ui.controller import Controller

if TYPE_CHECKING:
    from ecrtui.ui.app import EcrTuiApp


class PaneFocus(Controller):
    """The App's panes in tab order (``app.panes``) and which one has the focus; a feature controller too, so
    ``feature('panes.filter_repositories')`` reaches it."""

    def __init__(self, app: EcrTuiApp) -> None:
        super().__init__(app)

    def filter_repositories(self) -> None:
        """``/`` in the Registries pane (a short list, no filter of its own): the Repositories pane's filter, at
        once, so the keys typed next are its text and never run as commands."""
        if not self.app.panes_ready:
            return
        repositories = self.app.repositories
        self.focus(repositories)
        repositories.open_filter()

    def index(self) -> int | None:
        """Which pane holds the focus, if any."""
        node = self.app.focused
        panes = self.app.panes
        while node is not None:
            if node in panes:
                return panes.index(node)
            node = node.parent if isinstance(node.parent, Widget) else None
        return None

    def focus(self, pane: Widget) -> None:
        """Focus a pane (a list pane's table) and reveal the registries pane when the terminal is narrow."""
        app = self.app
        app.query_one("#main").set_class(pane is app.registries, "-show-registries")
        target = getattr(pane, "table", pane)
        if not target.focusable:
            target = next((child for child in pane.query("*") if child.focusable), None)
        if target is not None:
            target.screen.set_focus(target)  # the panes' screen, even while a dialog is over it

    def step(self, step: int) -> None:
        """The next (``1``) or previous (``-1``) pane; inside a dialog, its next or previous widget."""
        app = self.app
        if app.screen is not app.screen_stack[0]:
            if step > 0:
                app.screen.focus_next()
            else:
                app.screen.focus_previous()
            return
        index = self.index()
        panes = app.panes
        self.focus(panes[0] if index is None else panes[(index + step) % len(panes)])

    def back(self) -> None:
        """One pane back towards the registries."""
        index = self.index()
        if index is not None and index > 0:
            self.focus(self.app.panes[index - 1])
