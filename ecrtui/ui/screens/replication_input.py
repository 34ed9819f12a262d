"""Ask for one value of a replication edit (a destination, a filter), checked before the dialog lets it go.

``check`` returns why a value would be refused (by ECR's rules or because it makes no sense here), or None; the
screen stays open and says why until the value is acceptable, so nothing refused is ever shown as a change to
confirm. ``enter`` submits, ``esc`` cancels (``None``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ecrtui.ui.actions import bindings_of

__all__ = ["ReplicationInputScreen"]


class ReplicationInputScreen(ModalScreen[str | None]):
    """One line of input with an explanation above it and the reason for a refusal below it."""

    CSS_PATH = "replication.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel")

    def __init__(
        self, title: str, explanation: str, placeholder: str, check: Callable[[str], str | None]
    ) -> None:
        super().__init__()
        self._title = title
        self._explanation = explanation
        self._placeholder = placeholder
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="replication-input-body") as body:
            body.border_title = self._title
            body.border_subtitle = "enter: next · esc: cancel"
            yield Static(self._explanation, id="replication-input-explanation", markup=False)
            yield Input(placeholder=self._placeholder, id="replication-input")
            yield Static(id="replication-input-message", markup=False)

    @property
    def message(self) -> str:
        """Why the value typed would be refused (empty while nothing is wrong)."""
        return str(self.query_one("#replication-input-message", Static).content)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self._say("Type a value, or esc to cancel")
            return
        refusal = self._check(value)
        if refusal:
            self._say(refusal)
            return
        self.dismiss(value)

    def _say(self, message: str) -> None:
        line = self.query_one("#replication-input-message", Static)
        line.update(message)
        line.display = bool(message)

    def action_cancel(self) -> None:
        """Leave the rules as they are."""
        self.dismiss(None)
