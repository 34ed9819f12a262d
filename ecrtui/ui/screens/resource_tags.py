"""Editing a repository's resource tags as ``key=value`` lines (the review says what is set, changed, removed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from ecrtui.ecr.errors import InvalidInput
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.manage_input import parse_resource_tags, resource_tags_text
from ecrtui.ui.screens.dialog import Dialog

__all__ = ["ResourceTagsScreen"]


class ResourceTagsScreen(Dialog[dict[str, str] | None]):
    """Answers every tag the repository should have (removed keys are the ones left out), or ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel")

    def __init__(self, repository_name: str, current: Mapping[str, str]) -> None:
        super().__init__()
        self._repository_name = repository_name
        self._current = dict(current)

    @property
    def problem(self) -> str | None:
        try:
            parse_resource_tags(self.query_one(TextArea).text)
        except InvalidInput as exc:
            return str(exc)
        return None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="resource-tags-body") as body:
            body.border_title = f"Resource tags of {self._repository_name}"
            yield Static("One key=value per line; delete a line to remove that tag.", classes="dialog-hint")
            yield TextArea(resource_tags_text(self._current), id="resource-tags-text", soft_wrap=False)
            yield Static(classes="dialog-problem -empty", id="resource-tags-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Review", variant="primary", id="resource-tags-ok")
                yield Button("Cancel", id="resource-tags-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        problem = self.problem
        label = self.query_one("#resource-tags-problem", Static)
        label.update(problem or "")
        label.set_class(problem is None, "-empty")
        self.query_one("#resource-tags-ok", Button).disabled = problem is not None

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id != "resource-tags-ok":
            self.dismiss(None)
        elif self.problem is None:
            self.dismiss(parse_resource_tags(self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)
