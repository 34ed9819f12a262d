"""The tag mutability fields of the repository dialogs: the setting and its exclusion filters, checked as typed.

Shared by "new repository" and "tag mutability", so both say the same thing about a filter ECR would refuse.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from ecrtui.ecr.errors import InvalidInput
from ecrtui.ecr.mutability import TagMutability
from ecrtui.ui.manage_input import MUTABILITY_LABELS, filters_text, needs_filters, parse_filters

__all__ = ["MutabilityFields"]


class MutabilityFields(Vertical):
    """A choice of the four settings and, for the two with exclusions, a line of 1-5 wildcard filters."""

    DEFAULT_CSS = """
    MutabilityFields {
        height: auto;
    }
    """

    def __init__(
        self, mutability: str = "MUTABLE", filters: tuple[str, ...] = (), *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._initial = mutability
        self._initial_filters = filters

    def compose(self) -> ComposeResult:
        yield Static("Tag mutability:", classes="dialog-label")
        yield Select(
            [(label, value) for label, value in MUTABILITY_LABELS],
            value=self._initial,
            allow_blank=False,
            id="mutability-setting",
        )
        yield Static("Exclusion filters (1-5, * matches any run of characters):", classes="dialog-label")
        yield Input(filters_text(self._initial_filters), placeholder="latest, dev-*", id="mutability-filters")
        yield Static(classes="dialog-problem -empty", id="mutability-problem", markup=False)

    def on_mount(self) -> None:
        self._sync()

    @property
    def mutability(self) -> TagMutability:
        value = self.query_one("#mutability-setting", Select).value
        return next((v for _, v in MUTABILITY_LABELS if v == value), "MUTABLE")

    @property
    def problem(self) -> str | None:
        """Why the setting cannot be sent as it is, or ``None``."""
        try:
            self.value  # noqa: B018 - parsing is the check
        except InvalidInput as exc:
            return str(exc)
        return None

    @property
    def value(self) -> tuple[TagMutability, tuple[str, ...]]:
        """The setting and its filters (``InvalidInput`` when a filter is wrong or one is missing)."""
        mutability = self.mutability
        if not needs_filters(mutability):
            return mutability, ()
        filters = parse_filters(self.query_one("#mutability-filters", Input).value)
        if not filters:
            raise InvalidInput("this setting needs at least one exclusion filter")
        return mutability, filters

    def _sync(self) -> None:
        filters = self.query_one("#mutability-filters", Input)
        filters.disabled = not needs_filters(self.mutability)
        problem = self.problem
        label = self.query_one("#mutability-problem", Static)
        label.update(problem or "")
        label.set_class(problem is None, "-empty")

    @on(Select.Changed, "#mutability-setting")
    @on(Input.Changed, "#mutability-filters")
    def _changed(self) -> None:
        self._sync()
