"""The Layers tab: each layer with its size, type and the build step that made it, in build order.

Metadata-only steps (ENV, CMD, LABEL...) have no layer; they are shown dim between the layers so the build reads
like its Dockerfile. A long command is cut in the table and shown whole in the detail line under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.widgets import DataTable, Static

from ecrtui.ui.format import exact_time, human_size
from ecrtui.ui.widgets.inspector.describe import (
    clean_created_by,
    exact_bytes,
    layer_type_label,
    one_line,
    truncate,
)
from ecrtui.ui.widgets.inspector.row_table import RowTable
from ecrtui.ui.widgets.inspector.view import no_layers_reason

if TYPE_CHECKING:
    from datetime import datetime

    from ecrtui.ecr.config import HistoryEntry
    from ecrtui.ecr.details import ImageDetails

_FIXED_WIDTHS = {"#": 3, "Size": 9}
CRAMPED_HEIGHT = 10
"""Below this many rows the detail line is hidden so the table keeps a few rows (80x24 with the focus in a list)."""
_MIN_COMMAND_WIDTH = 16
_SCHEMA1_LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
"""Schema 1 names no layer types; its blobs are always gzipped tars."""


@dataclass(frozen=True)
class LayerRow:
    """One row of the tab: a layer (with its step, if known) or a metadata-only step."""

    index: int | None
    """Layer number from 0, or ``None`` for a step that made no layer."""
    size: int | None
    media_type: str
    digest: str
    command: str
    """The cleaned build step (may span lines)."""
    created: datetime | None = None

    @property
    def is_layer(self) -> bool:
        return self.index is not None


def layer_rows(details: ImageDetails) -> list[LayerRow]:
    """Layers and metadata-only steps interleaved in build order (the config history's order)."""
    manifest = details.manifest
    layers = getattr(manifest, "layers", None)
    if layers is None:
        return _schema1_rows(details)
    history: tuple[HistoryEntry, ...] = details.config.history if details.config is not None else ()
    rows: list[LayerRow] = []
    next_layer = 0
    for entry in history:
        command = clean_created_by(entry.created_by or "")
        if entry.empty_layer or next_layer >= len(layers):
            rows.append(LayerRow(None, None, "", "", command or "(no command)", entry.created))
            continue
        layer = layers[next_layer]
        rows.append(LayerRow(next_layer, layer.size, layer.media_type, layer.digest, command, entry.created))
        next_layer += 1
    for index in range(next_layer, len(layers)):
        layer = layers[index]
        # Artifacts have no build history; their layers are files named by an annotation.
        command = f"file {layer.title}" if layer.title else ""
        rows.append(LayerRow(index, layer.size, layer.media_type, layer.digest, command))
    return rows


def _schema1_rows(details: ImageDetails) -> list[LayerRow]:
    """Schema 1 keeps each step's container config (with its command) in v1Compatibility, top layer first."""
    digests: tuple[str, ...] = getattr(details.manifest, "layer_digests", ())
    history = list(reversed(getattr(details.manifest, "history", ())))
    rows: list[LayerRow] = []
    for index, digest in enumerate(digests):
        parsed = history[index].parsed if index < len(history) else None
        command = ""
        if parsed is not None:
            argv = (parsed.get("container_config") or {}).get("Cmd") or ()
            if isinstance(argv, list):
                command = clean_created_by(" ".join(str(part) for part in argv))
        rows.append(LayerRow(index, None, _SCHEMA1_LAYER_TYPE, digest, command))
    return rows


class LayersTab(Vertical):
    """Table of layers and steps, totals, and the selected row in full."""

    def __init__(self) -> None:
        super().__init__(classes="tab-body")
        self._rows: list[LayerRow] = []
        self._filled_width = -1
        """The command column width the table was last filled for (refilled only when it changes)."""

    def compose(self) -> ComposeResult:
        yield Static(id="layers-notice", classes="notice", markup=False)
        yield RowTable(id="layers-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="layers-totals", markup=False)
        yield Static(id="layers-detail", markup=False)

    @property
    def table(self) -> DataTable[str | Text]:
        """The layers table."""
        return self.query_one("#layers-table", DataTable)

    @property
    def rows(self) -> list[LayerRow]:
        """The rows shown, in order."""
        return list(self._rows)

    @property
    def totals(self) -> str:
        """The totals line as plain text."""
        return str(self.query_one("#layers-totals", Static).content)

    @property
    def detail(self) -> str:
        """The detail line (the selected row in full) as plain text."""
        return str(self.query_one("#layers-detail", Static).content)

    def show(self, details: ImageDetails) -> None:
        """Show the layers of ``details`` (or why it has none)."""
        self._rows = layer_rows(details)
        notice = self.query_one("#layers-notice", Static)
        reason = no_layers_reason(details) if not any(row.is_layer for row in self._rows) else None
        notice.display = reason is not None
        notice.update(reason or "")
        layers = [row for row in self._rows if row.is_layer]
        sizes = [row.size for row in layers if row.size is not None]
        total = f"{len(layers)} layer" + ("" if len(layers) == 1 else "s")
        if sizes and len(sizes) == len(layers):
            total += f" · {human_size(sum(sizes))} compressed ({exact_bytes(sum(sizes))})"
        steps = len(self._rows) - len(layers)
        if steps:
            total += f" · {steps} metadata-only step" + ("" if steps == 1 else "s")
        totals = self.query_one("#layers-totals", Static)
        totals.update(total)
        totals.display = bool(self._rows)
        self.table.display = bool(self._rows)
        self._fill_table()
        self._show_detail(0)

    def _type_width(self) -> int:
        labels = [layer_type_label(row.media_type) for row in self._rows if row.is_layer]
        return max([4, *(len(label) for label in labels)])

    def _command_width(self, type_width: int) -> int:
        # Every column has one cell of padding each side; 2 more for the vertical scrollbar.
        fixed = sum(_FIXED_WIDTHS.values()) + type_width + 2 * (len(_FIXED_WIDTHS) + 2) + 2
        return max(_MIN_COMMAND_WIDTH, self.table.size.width - fixed)

    def _fill_table(self) -> None:
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        for label, width in _FIXED_WIDTHS.items():
            table.add_column(label, width=width, key=label)
        type_width = self._type_width()
        table.add_column("Type", width=type_width, key="type")
        width = self._command_width(type_width)
        self._filled_width = width
        table.add_column("Created by", width=width, key="command")
        for number, row in enumerate(self._rows):
            command = truncate(one_line(row.command), width)
            if row.is_layer:
                table.add_row(
                    Text(str(row.index), justify="right"),
                    Text(human_size(row.size), justify="right"),
                    Text(layer_type_label(row.media_type)),
                    Text(command),
                    key=str(number),
                )
            else:
                table.add_row("", "", Text("—", style="dim"), Text(command, style="dim"), key=str(number))
        if self._rows:
            table.move_cursor(row=min(max(cursor, 0), len(self._rows) - 1))

    def _show_detail(self, number: int) -> None:
        detail = self.query_one("#layers-detail", Static)
        detail.set_class(not 0 <= number < len(self._rows), "-empty")
        if not 0 <= number < len(self._rows):
            return
        row = self._rows[number]
        if row.is_layer:
            head = f"layer {row.index} · {layer_type_label(row.media_type)}"
        else:
            head = "metadata-only step (no layer)"
        if row.created is not None:
            head += f" · {exact_time(row.created)}"
        if row.digest:
            head += f"\n{row.digest}"
        detail.update(
            Content.assemble(Content.styled(head, "$text-muted"), "\n", row.command or "(no command)")
        )

    @on(DataTable.RowHighlighted, "#layers-table")
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail(event.cursor_row)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.height < CRAMPED_HEIGHT, "-cramped")
        if self._rows and self._command_width(self._type_width()) != self._filled_width:
            self._fill_table()
