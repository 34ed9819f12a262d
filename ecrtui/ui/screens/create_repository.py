"""A new repository: name, tag mutability with exclusion filters, scan on push, encryption, resource tags.

Each field says what is wrong as it is typed (the data layer's rules: a repository name ECR takes, 1-5 wildcard
filters, a KMS key only with KMS, at most 50 resource tags without the ``aws:`` prefix); "Review" answers a
``RepositorySpec`` that ``Manager.plan_create_repository`` checks once more (and refuses an existing name).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Select, Static

from ecrtui.ecr.errors import InvalidInput
from ecrtui.manage import RepositorySpec
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.manage_input import parse_resource_tags, repository_name_problem
from ecrtui.ui.screens.dialog import Dialog
from ecrtui.ui.widgets.mutability_fields import MutabilityFields

__all__ = ["CreateRepositoryScreen"]

ENCRYPTIONS: tuple[tuple[str, Literal["AES256", "KMS"]], ...] = (
    ("AES256: keys Amazon S3 manages", "AES256"),
    ("KMS: an AWS KMS key", "KMS"),
)


class CreateRepositoryScreen(Dialog[RepositorySpec | None]):
    """Answers the repository to create, or ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body", id="create-body") as body:
            body.border_title = "New repository"
            with VerticalScroll(classes="dialog-form"):
                yield Static("Name (lowercase; / separates namespaces):", classes="dialog-label")
                yield Input(placeholder="team/service", id="create-name", max_length=256)
                yield Static(classes="dialog-problem -empty", id="create-name-problem", markup=False)
                yield MutabilityFields()
                yield Checkbox("Scan images on push (basic scanning)", id="create-scan")
                yield Static("Encryption (cannot be changed later):", classes="dialog-label")
                yield Select(
                    [(label, value) for label, value in ENCRYPTIONS],
                    value="AES256",
                    allow_blank=False,
                    id="create-encryption",
                )
                yield Input(
                    placeholder="KMS key ARN or alias (empty: the AWS managed key)",
                    id="create-kms-key",
                    disabled=True,
                )
                yield Static("Resource tags:", classes="dialog-label")
                yield Input(placeholder="team=web, env=dev", id="create-tags")
                yield Static(classes="dialog-problem -empty", id="create-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Review", variant="primary", id="create-ok", disabled=True)
                yield Button("Cancel", id="create-cancel")

    def on_mount(self) -> None:
        self.query_one("#create-name", Input).focus()

    @property
    def problem(self) -> str | None:
        """The first thing ECR would refuse in the form as filled in, or ``None``."""
        try:
            self.spec.check()
        except InvalidInput as exc:
            return str(exc)
        return None

    @property
    def spec(self) -> RepositorySpec:
        """The form as a ``RepositorySpec`` (``InvalidInput`` when a field cannot be read)."""
        mutability, filters = self.query_one(MutabilityFields).value
        encryption = self.query_one("#create-encryption", Select).value
        kms = self.query_one("#create-kms-key", Input).value.strip() if encryption == "KMS" else ""
        return RepositorySpec(
            name=self.query_one("#create-name", Input).value.strip(),
            tag_mutability=mutability,
            exclusion_filters=filters,
            scan_on_push=self.query_one("#create-scan", Checkbox).value,
            encryption="KMS" if encryption == "KMS" else "AES256",
            kms_key=kms or None,
            resource_tags=parse_resource_tags(self.query_one("#create-tags", Input).value),
        )

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        name = self.query_one("#create-name", Input).value.strip()
        name_problem = repository_name_problem(name) if name else None
        name_label = self.query_one("#create-name-problem", Static)
        name_label.update(name_problem or "")
        name_label.set_class(name_problem is None, "-empty")
        kms = self.query_one("#create-kms-key", Input)
        kms.disabled = self.query_one("#create-encryption", Select).value != "KMS"
        problem = None if not name or name_problem else self.problem
        shown = problem if problem and problem != self.query_one(MutabilityFields).problem else None
        label = self.query_one("#create-problem", Static)
        label.update(shown or "")
        label.set_class(shown is None, "-empty")
        self.query_one("#create-ok", Button).disabled = (
            not name or problem is not None or name_problem is not None
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create-ok":
            self._answer()
        else:
            self.dismiss(None)

    def _answer(self) -> None:
        if self.query_one("#create-name", Input).value.strip() and self.problem is None:
            self.dismiss(self.spec)

    def action_cancel(self) -> None:
        self.dismiss(None)
