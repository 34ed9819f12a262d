"""Confirm a change to the replication rules: the configuration before and after as a diff, and what it means.

``PutReplicationConfiguration`` replaces every rule of the registry, so the dialog shows the whole change as a
unified diff of the JSON ECR takes, then the consequences in words (a destination in another account needs that
registry's policy to let this account in; a rule left without filters replicates every repository). ``y`` sends
it, ``n``/``esc`` cancels; the focus starts on Cancel so ``enter`` is safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ecrtui.ui.actions import bindings_of

__all__ = ["ReplicationChangeScreen", "diff_text"]

_LINE_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def diff_text(lines: Sequence[str]) -> Text:
    """A unified diff with added lines green, removed lines red and hunk headers cyan."""
    text = Text()
    for number, line in enumerate(lines):
        style = next((style for start, style in _LINE_STYLES if line.startswith(start)), "")
        text.append(line, style=style)
        if number < len(lines) - 1:
            text.append("\n")
    return text


class ReplicationChangeScreen(ModalScreen[bool]):
    """The diff and the notes of one edit; answers ``True`` only on an explicit yes."""

    CSS_PATH = "replication.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_of("review.confirm", "review.cancel")

    def __init__(self, title: str, diff: Sequence[str], notes: Sequence[str], where: str) -> None:
        """``where``: the registry the rules belong to (``111111111111 (us-east-1)``)."""
        super().__init__()
        self._title = title
        self._diff = list(diff)
        self._notes = list(notes)
        self._where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="replication-change-body") as body:
            body.border_title = self._title
            body.border_subtitle = f"replaces every rule of {self._where}"
            with VerticalScroll(id="replication-change-diff"):
                yield Static(diff_text(self._diff), id="replication-change-lines")
            yield Static(
                "\n".join(f"• {note}" for note in self._notes), id="replication-change-notes", markup=False
            )
            with Horizontal(id="replication-change-buttons"):
                yield Button("Send to ECR (y)", variant="warning", id="replication-change-yes")
                yield Button("Cancel (n)", variant="primary", id="replication-change-no")

    @property
    def diff(self) -> list[str]:
        return list(self._diff)

    @property
    def notes(self) -> list[str]:
        return list(self._notes)

    def on_mount(self) -> None:
        self.query_one("#replication-change-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "replication-change-yes")

    def action_confirm(self) -> None:
        """``y``: yes."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """``n`` or ``esc``: no."""
        self.dismiss(False)
