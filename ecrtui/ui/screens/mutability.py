"""Changing a repository's tag mutability and its exclusion filters (the review says before → after)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select

from ecrtui.ecr.mutability import TagMutability, TagRules
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.screens.dialog import Dialog
from ecrtui.ui.widgets.mutability_fields import MutabilityFields

if TYPE_CHECKING:
    from ecrtui.ecr.models import Repository

__all__ = ["MutabilityScreen"]


class MutabilityScreen(Dialog[tuple[TagMutability, tuple[str, ...]] | None]):
    """Answers the new setting and filters, or ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel")

    def __init__(self, repository: Repository) -> None:
        super().__init__()
        self._repository = repository

    @property
    def fields(self) -> MutabilityFields:
        return self.query_one(MutabilityFields)

    def compose(self) -> ComposeResult:
        rules = TagRules.of(self._repository)
        with Vertical(classes="dialog-body", id="mutability-body") as body:
            body.border_title = f"Tag mutability of {self._repository.name}"
            body.border_subtitle = f"now: {rules.describe()}"
            yield MutabilityFields(rules.mutability, rules.exclusion_filters)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Review", variant="primary", id="mutability-ok")
                yield Button("Cancel", id="mutability-cancel")

    def on_mount(self) -> None:
        self.query_one(Select).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id != "mutability-ok":
            self.dismiss(None)
        elif self.fields.problem is None:
            self.dismiss(self.fields.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
