"""The Platforms tab: the children of an index, real platforms first, attestations after and marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable, Static

from ecrtui.ui.format import human_size, short_digest
from ecrtui.ui.widgets.inspector.describe import media_type_short
from ecrtui.ui.widgets.inspector.layers_tab import CRAMPED_HEIGHT
from ecrtui.ui.widgets.inspector.row_table import RowTable
from ecrtui.ui.widgets.inspector.view import (
    attestation_note,
    child_platform,
    child_size,
    ordered_children,
    single_platform,
)

if TYPE_CHECKING:
    from ecrtui.ecr.details import ChildImage, ImageDetails

_COLUMNS = ("Platform", "Size", "Type", "Digest", "Note")


class PlatformsTab(Vertical):
    """A navigable table of an index's children; ``enter`` opens one."""

    class ChildChosen(Message):
        """A child row was chosen with ``enter`` (or a click)."""

        def __init__(self, child: ChildImage) -> None:
            self.child = child
            super().__init__()

    def __init__(self) -> None:
        super().__init__(classes="tab-body")
        self._children: list[ChildImage] = []
        """The rows, in display order (platforms, then attestations)."""
        self._index_cursor: tuple[str, int] = ("", 0)
        """The index last shown and the row its cursor was on, restored when the user comes back to it."""

    def compose(self) -> ComposeResult:
        yield Static(id="platforms-notice", classes="notice", markup=False)
        yield RowTable(id="platforms-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="platforms-totals", markup=False)
        yield Static(id="platforms-detail", markup=False)

    @property
    def table(self) -> DataTable[str | Text]:
        """The children table."""
        return self.query_one("#platforms-table", DataTable)

    @property
    def rows(self) -> list[ChildImage]:
        """The children in the order shown."""
        return list(self._children)

    @property
    def notice(self) -> str:
        """The message shown instead of the table for a single-platform image."""
        return str(self.query_one("#platforms-notice", Static).content)

    @property
    def detail(self) -> str:
        """The highlighted child in full, as plain text."""
        return str(self.query_one("#platforms-detail", Static).content)

    def show(self, details: ImageDetails) -> None:
        """Fill the table from an index, or say which single platform this image is."""
        table = self.table
        table.clear(columns=True)
        notice = self.query_one("#platforms-notice", Static)
        totals = self.query_one("#platforms-totals", Static)
        detail = self.query_one("#platforms-detail", Static)
        self._children = ordered_children(details)
        has_children = bool(self._children)
        notice.display = not has_children
        table.display = totals.display = has_children
        detail.set_class(not has_children, "-empty")
        if not has_children:
            notice.update(single_platform(details))
            return
        table.add_columns(*_COLUMNS)
        for index, child in enumerate(self._children):
            descriptor = child.descriptor
            note = attestation_note(child, self._children) if child.is_attestation else ""
            style = "dim" if child.is_attestation else ""
            table.add_row(
                Text(child_platform(child), style=style),
                Text(human_size(child_size(child)), style=style, justify="right"),
                Text(media_type_short(descriptor.media_type), style=style),
                Text(short_digest(descriptor.digest), style=style),
                Text(note, style="italic" if note else ""),
                key=str(index),
            )
        platforms = sum(1 for child in self._children if not child.is_attestation)
        attestations = len(self._children) - platforms
        summary = f"{platforms} platform" + ("" if platforms == 1 else "s")
        if attestations:
            summary += f", {attestations} attestation" + ("" if attestations == 1 else "s")
        totals.update(summary + " · enter: open")
        digest, row = self._index_cursor
        row = row if digest == details.summary.digest and row < len(self._children) else 0
        self._index_cursor = (details.summary.digest, row)
        table.move_cursor(row=row)
        self._show_detail(row)

    def _show_detail(self, number: int) -> None:
        if not 0 <= number < len(self._children):
            return
        child = self._children[number]
        descriptor = child.descriptor
        lines = [f"{child_platform(child)} · {descriptor.digest}", descriptor.media_type]
        if descriptor.platform is not None and (
            descriptor.platform.features or descriptor.platform.os_features
        ):
            features = (*descriptor.platform.os_features, *descriptor.platform.features)
            lines.append("features: " + ", ".join(features))
        if descriptor.artifact_type:
            lines.append(f"artifact type: {descriptor.artifact_type}")
        lines.extend(f"{key}: {value}" for key, value in sorted(descriptor.annotations.items()))
        if child.manifest is None:
            lines.append("manifest not fetched")
        self.query_one("#platforms-detail", Static).update("\n".join(lines))

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.height < CRAMPED_HEIGHT, "-cramped")

    @on(DataTable.RowHighlighted, "#platforms-table")
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self._children:
            self._index_cursor = (self._index_cursor[0], event.cursor_row)
        self._show_detail(event.cursor_row)

    @on(DataTable.RowSelected, "#platforms-table")
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key is None:
            return
        self.post_message(self.ChildChosen(self._children[int(key)]))
