"""A yes/no question that says exactly what will happen; answers ``True`` only on an explicit yes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ecrtui.ui.actions import bindings_of


class ConfirmScreen(ModalScreen[bool]):
    """``y`` confirms, ``n``/``esc`` cancels; the default focus is on Cancel so ``enter`` is safe."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("review.confirm", "review.cancel")

    def __init__(self, title: str, message: str, confirm_label: str = "Yes") -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body") as body:
            body.border_title = self._title
            yield Static(self._message, id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(self._confirm_label, variant="error", id="confirm-yes")
                yield Button("Cancel", variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_confirm(self) -> None:
        """``y``: yes."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """``n`` or ``esc``: no."""
        self.dismiss(False)
