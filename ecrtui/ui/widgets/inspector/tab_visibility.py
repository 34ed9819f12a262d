"""Whether a tab's content is what the user sees, for tabs that fetch only when shown (Scan, Referrers)."""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane


def tab_shown(widget: Widget) -> bool:
    """On screen and in the active tab. ``is_on_screen`` alone lags: it reads the last layout, so right after the
    inspector switched tabs (a child opens on its Summary) the tab it left still counts as on screen, and fetched
    for an image nobody was looking at."""
    if not widget.is_on_screen:
        return False
    try:
        pane = widget.query_ancestor(TabPane)
        tabs = pane.query_ancestor(TabbedContent)
    except NoMatches:
        return True  # not inside tabs: on screen is shown
    return tabs.active == pane.id
