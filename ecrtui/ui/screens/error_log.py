"""The ``!`` screen: every failure of this session, newest first, with copyable details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ecrtui.ui.actions import bindings_of
from ecrtui.ui.error_report import ErrorEntry


class ErrorLogScreen(ModalScreen[None]):
    """A list of errors and the details of the highlighted one; ``c`` copies them (OSC 52)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of(
        "view.close", "errors.close", "errors.copy", "view.down", "view.up"
    )

    def __init__(self, entries: Sequence[ErrorEntry]) -> None:
        super().__init__()
        self._entries = list(reversed(entries))

    def compose(self) -> ComposeResult:
        with Vertical(id="errors-body") as body:
            body.border_title = f"Errors this session ({len(self._entries)})"
            body.border_subtitle = "c copy · esc close"
            yield OptionList(
                *(
                    Option(
                        Content.assemble(
                            (entry.time.strftime("%H:%M:%S "), "dim"),
                            (entry.title, "bold $error"),
                            f"  {entry.message}",
                        ),
                        id=str(index),
                    )
                    for index, entry in enumerate(self._entries)
                ),
                id="errors-list",
            )
            with VerticalScroll(id="errors-detail"):
                yield Static(self._detail(0), id="errors-detail-text", markup=False)

    def on_mount(self) -> None:
        errors = self.query_one(OptionList)
        if self._entries:
            errors.highlighted = 0
        errors.focus()

    def _detail(self, index: int | None) -> str:
        if index is None or not self._entries:
            return "No errors so far."
        return self._entries[index].as_text()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#errors-detail-text", Static).update(self._detail(event.option_index))

    @property
    def selected(self) -> ErrorEntry | None:
        """The highlighted entry."""
        index = self.query_one(OptionList).highlighted
        return None if index is None or not self._entries else self._entries[index]

    def action_copy(self) -> None:
        """Copy the highlighted entry's details to the clipboard."""
        entry = self.selected
        if entry is not None:
            self.app.copy_to_clipboard(entry.as_text())
            self.notify("Error details copied to the clipboard", title="Copied")

    def action_move(self, step: int) -> None:
        """j/k in the list."""
        errors = self.query_one(OptionList)
        if step > 0:
            errors.action_cursor_down()
        else:
            errors.action_cursor_up()

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss(None)
