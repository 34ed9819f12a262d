"""The review of a change before it is made: what will happen, what is lost, what ECR would refuse, what it costs.

It shows an ``ecrtui.manage`` plan as the headless commands print it (the same lines), and answers the plan to
execute, or ``None``. Where something is lost or charged the focus starts on Cancel, so ``enter`` is safe, and
``y`` or the button confirms; deleting a repository is confirmed by typing its name, and one that holds images is
refused unless "force" is ticked (which says how many images go with it). A plan with nothing to send shows its
refusals and can only be closed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Static

from ecrtui.ecr.refs import short_digest
from ecrtui.manage.repository_plans import DeleteRepositoryPlan
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from ecrtui.manage import Plan

__all__ = ["CONFIRM_LABELS", "PlanReviewScreen", "plan_text"]

CONFIRM_LABELS = {
    "tag": "Tag",
    "untag": "Remove tag",
    "delete-images": "Delete",
    "archive": "Archive",
    "restore": "Restore",
    "start-scan": "Scan",
    "create-repository": "Create",
    "delete-repository": "Delete",
    "set-tag-mutability": "Apply",
    "set-resource-tags": "Apply",
}
"""What the confirming button says for each kind of change."""


def short_target(target: str) -> str:
    """``web/api@sha256:0123456789ab`` instead of the full digest (the lines above name the image)."""
    name, at, digest = target.partition("@")
    return f"{name}@{short_digest(digest)}" if at else target


def plan_text(plan: Plan) -> Content:
    """The plan's lines, then what is not sent and why (error colour), then the notes (warning colour)."""
    parts = [Content(line) for line in plan.lines]
    if plan.refusals:
        parts.append(Content.styled("Not sent (ECR would refuse):", "bold $text-error"))
        parts += [
            Content.styled(f"  {short_target(item.target)}: {item.message}", "$text-error")
            for item in plan.refusals
        ]
    parts += [Content.styled(f"Note: {note}", "$text-warning") for note in plan.notes]
    return Content("\n").join(parts) if parts else Content("Nothing to do.")


class PlanReviewScreen(Dialog["Plan | None"]):
    """Shows a plan; answers it (or its forced variant) when confirmed, ``None`` otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("review.cancel", "review.confirm")

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self._plan = plan
        self._unforced = plan
        self._forced: Plan | None = (
            replace(plan, force=True) if isinstance(plan, DeleteRepositoryPlan) and plan.images else None
        )

    @property
    def plan(self) -> Plan:
        """The plan the confirm button would execute now (the forced variant once "force" is ticked)."""
        return self._plan

    @property
    def text(self) -> str:
        """What the review says, as plain text."""
        return plan_text(self._plan).plain

    def compose(self) -> ComposeResult:
        plan = self._plan
        with Vertical(classes="dialog-body", id="review-body") as body:
            body.border_title = plan.title
            body.set_class(plan.destructive or plan.costs, "-danger")
            with VerticalScroll(classes="dialog-text"):
                yield Static(plan_text(plan), id="review-text")
            if self._forced is not None and isinstance(plan, DeleteRepositoryPlan):
                count = len(plan.images)
                yield Checkbox(
                    f"Force: delete it with its {count} image{'s' * (count != 1)}", id="review-force"
                )
            word = plan.confirm_word
            if word is not None:
                yield Static(f"Type {word} to confirm:", classes="dialog-label")
                yield Input(placeholder=word, id="review-word")
            with Horizontal(classes="dialog-buttons"):
                label = CONFIRM_LABELS.get(plan.action, "Confirm")
                danger = plan.destructive or plan.costs
                yield Button(label, variant="error" if danger else "primary", id="review-yes")
                yield Button("Cancel", id="review-no")

    def on_mount(self) -> None:
        self._sync()
        plan = self._plan
        if self._forced is not None:
            self.query_one("#review-force", Checkbox).focus()
        elif plan.confirm_word is not None and not plan.nothing_to_do:
            self.query_one("#review-word", Input).focus()
        elif plan.needs_confirmation or plan.nothing_to_do:
            self.query_one("#review-no", Button).focus()
        else:
            self.query_one("#review-yes", Button).focus()

    @property
    def can_confirm(self) -> bool:
        """Something would be sent, and the typed word (when one is asked for) matches."""
        plan = self._plan
        if plan.nothing_to_do:
            return False
        word = plan.confirm_word
        return word is None or self.query_one("#review-word", Input).value == word

    def _sync(self) -> None:
        """Show the current plan and enable what applies to it."""
        plan = self._plan
        self.query_one("#review-text", Static).update(plan_text(plan))
        confirm = self.query_one("#review-yes", Button)
        confirm.display = not plan.nothing_to_do or self._forced is not None
        confirm.disabled = not self.can_confirm
        self.query_one("#review-no", Button).label = "Close" if plan.nothing_to_do else "Cancel"
        self.query_one("#review-body").border_subtitle = self._keys_hint()

    def _keys_hint(self) -> str:
        """The keys that answer, under the box."""
        plan = self._plan
        label = CONFIRM_LABELS.get(plan.action, "Confirm").lower()
        if self._forced is not None and plan.nothing_to_do:
            return "space: force · esc: close"
        if plan.nothing_to_do:
            return "esc: close"
        if plan.confirm_word is not None:
            return f"type {plan.confirm_word}, then enter: {label} · esc: cancel"
        return f"y: {label} · esc: cancel"

    @on(Checkbox.Changed, "#review-force")
    def _force_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._plan = self._forced if event.value and self._forced is not None else self._unforced
        self._sync()

    @on(Input.Changed, "#review-word")
    def _word_typed(self, event: Input.Changed) -> None:
        event.stop()
        self._sync()

    @on(Input.Submitted, "#review-word")
    def _word_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "review-yes":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_confirm(self) -> None:
        """Execute the plan shown (only when it may be: something to send, the word typed)."""
        if self.can_confirm:
            self.dismiss(self._plan)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(None)
