"""Pick an AWS region for the open registry (``R`` or "aws: switch region" in the palette)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

# Regions where ECR is available (commercial partition); typing a name not listed is allowed too.
REGIONS: tuple[str, ...] = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
    "ap-southeast-3", "ap-southeast-4", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-north-1", "eu-south-1", "eu-south-2", "il-central-1", "me-south-1", "me-central-1", "sa-east-1",
)  # fmt: skip


class RegionPickerScreen(ModalScreen[str | None]):
    """Type to narrow the list, ``enter`` picks, ``esc`` cancels (returns ``None``)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="region.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="region-body") as body:
            body.border_title = "Switch region"
            body.border_subtitle = f"now: {self._current or 'unset'}"
            yield Input(placeholder="region, e.g. eu-west-1", id="region-input")
            yield OptionList(*(Option(name, id=name) for name in REGIONS), id="region-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current in REGIONS:
            options.highlighted = REGIONS.index(self._current)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        needle = event.value.strip().lower()
        options = self.query_one(OptionList)
        options.set_options(Option(name, id=name) for name in REGIONS if needle in name)
        if options.option_count:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        chosen = options.highlighted_option
        typed = event.value.strip().lower()
        if chosen is not None and chosen.id is not None:
            self.dismiss(chosen.id)
        elif typed:
            self.dismiss(typed)

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
