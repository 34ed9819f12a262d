"""The image inspector widget and its tabs."""

from ecrtui.ui.widgets.inspector.inspector import TAB_IDS, DetailsSource, Inspector

__all__ = ["TAB_IDS", "DetailsSource", "Inspector"]
