"""Pick an AWS region for the open registry (``R`` or "aws: switch region" in the palette).

The regions offered are the ones where ECR runs in the open registry's partition (botocore knows them); a typed
name that is not one of them is refused with a message, and the screen stays open.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ecrtui.ui.actions import bindings_of


class RegionPickerScreen(ModalScreen[str | None]):
    """Type to narrow the list, ``enter`` picks, ``esc`` cancels (returns ``None``)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("dialog.cancel", "region.down", "region.up")

    def __init__(self, current: str | None, regions: Sequence[str]) -> None:
        super().__init__()
        self._current = current
        self._regions = tuple(regions)

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions offered."""
        return self._regions

    def compose(self) -> ComposeResult:
        with Vertical(id="region-body") as body:
            body.border_title = "Switch region"
            body.border_subtitle = f"now: {self._current or 'unset'}"
            yield Input(placeholder="region, e.g. eu-west-1", id="region-input")
            yield Static(id="region-message", markup=False)
            yield OptionList(*(Option(name, id=name) for name in self._regions), id="region-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current in self._regions:
            options.highlighted = self._regions.index(self._current)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        needle = event.value.strip().lower()
        options = self.query_one(OptionList)
        options.set_options(Option(name, id=name) for name in self._regions if needle in name)
        if options.option_count:
            options.highlighted = 0
        self._say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        chosen = options.highlighted_option
        typed = event.value.strip().lower()
        if chosen is not None and chosen.id is not None:
            self.dismiss(chosen.id)
        elif typed:
            self._say(f"'{typed[:40]}' is not a region where ECR runs here: pick one from the list")

    def _say(self, message: str) -> None:
        line = self.query_one("#region-message", Static)
        line.update(message)
        line.display = bool(message)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_move(self, step: int) -> None:
        """Arrow keys move the list cursor while typing."""
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        """Leave the region unchanged."""
        self.dismiss(None)
