"""Asking for a tag to point at an image, checked as it is typed (ECR's rules, with the reason)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from ecrtui.manage.plan import image_label
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.manage_input import tag_problem
from ecrtui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from ecrtui.ecr.models import ImageSummary

__all__ = ["TagPromptScreen"]


class TagPromptScreen(Dialog[str | None]):
    """Answers a valid tag (``enter``), or ``None`` (``esc``); what happens to a tag that moves is said next,
    in the review."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel")

    def __init__(self, repository_name: str, image: ImageSummary) -> None:
        super().__init__()
        self._repository_name = repository_name
        self._image = image

    @property
    def problem(self) -> str:
        """What is wrong with the tag typed so far (empty when it is fine)."""
        return str(self.query_one("#tag-problem", Static).content)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="tag-body") as body:
            body.border_title = f"Tag {self._repository_name} {image_label(self._image)}"
            yield Static("New or existing tag (an existing one moves to this image):", classes="dialog-label")
            yield Input(placeholder="e.g. v1.4.3 or stable", id="tag-input", max_length=128)
            yield Static(classes="dialog-problem -empty", id="tag-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Review", variant="primary", id="tag-ok", disabled=True)
                yield Button("Cancel", id="tag-cancel")

    def on_mount(self) -> None:
        self.query_one("#tag-input", Input).focus()

    @on(Input.Changed, "#tag-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value
        problem = tag_problem(text) if text else None
        label = self.query_one("#tag-problem", Static)
        label.update(problem or "")
        label.set_class(problem is None, "-empty")
        self.query_one("#tag-ok", Button).disabled = not text or problem is not None

    @on(Input.Submitted, "#tag-input")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "tag-ok":
            self._answer()
        else:
            self.dismiss(None)

    def _answer(self) -> None:
        text = self.query_one("#tag-input", Input).value
        if text and tag_problem(text) is None:
            self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
