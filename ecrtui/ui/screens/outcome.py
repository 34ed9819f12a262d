"""How a change ended, target by target: shown when anything failed or was refused (a clean run is a toast)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from ecrtui.ui.actions import bindings_of
from ecrtui.ui.screens.dialog import Dialog
from ecrtui.ui.screens.plan_review import short_target

if TYPE_CHECKING:
    from ecrtui.manage import Outcome

__all__ = ["OutcomeScreen", "outcome_text"]

STATUS_STYLES = {
    "ok": "$text-success",
    "skipped": "$text-muted",
    "refused": "$text-warning",
    "failed": "$text-error",
}


def outcome_text(outcome: Outcome) -> Content:
    """One line per target: its status (coloured), the target and ECR's reason with its error code."""
    lines = []
    for item in outcome.items:
        reason = f": {item.message}" if item.message else ""
        if item.code and item.code not in reason:
            reason += f" ({item.code})"
        lines.append(
            Content.assemble(
                (f"{item.status:<8}", f"bold {STATUS_STYLES.get(item.status, '')}".strip()),
                f"{short_target(item.target)}{reason}",
            )
        )
    return Content("\n").join(lines) if lines else Content("Nothing was sent.")


class OutcomeScreen(Dialog[None]):
    """The results of one executed plan; ``esc`` or ``enter`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("view.close")

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self._outcome = outcome

    @property
    def text(self) -> str:
        return outcome_text(self._outcome).plain

    def compose(self) -> ComposeResult:
        outcome = self._outcome
        with Vertical(classes="dialog-body", id="outcome-body") as body:
            body.border_title = f"{outcome.title}: {outcome.summary()}"
            body.set_class(not outcome.ok, "-danger")
            with VerticalScroll(classes="dialog-text"):
                yield Static(outcome_text(outcome), id="outcome-text")
            yield Static("The audit log (H) keeps every result.", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", variant="primary", id="outcome-close")

    def on_mount(self) -> None:
        self.query_one("#outcome-close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
