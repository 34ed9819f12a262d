"""Picking one of a few values (which tag to remove): a short list, ``enter`` picks, ``esc`` cancels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static

from ecrtui.ui.actions import bindings_of
from ecrtui.ui.screens.dialog import Dialog

__all__ = ["ChoiceScreen"]


class ChoiceScreen(Dialog[str | None]):
    """Answers the chosen value, or ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel", "view.down", "view.up")

    def __init__(self, title: str, values: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._values = list(values)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="choice-body") as body:
            body.border_title = self._title
            yield OptionList(*self._values, id="choice-list")
            yield Static("enter picks · esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._values[event.option_index])

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
