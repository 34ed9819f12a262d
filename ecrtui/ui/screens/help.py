"""The ``?`` screen: every key of the registry (dialogs' and tabs' too), grouped by where it applies, with the keys
bound right now."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ecrtui.ui.actions import ACTIONS, SCOPES, ActionSpec, bindings_of


def keys_for(spec: ActionSpec, keymap: Mapping[str, str]) -> list[str]:
    """The keys of an action after the user's keymap (which replaces the defaults for that id)."""
    keys = keymap.get(spec.id, spec.keys)
    return [key.strip() for key in keys.split(",") if key.strip()]


class HelpScreen(ModalScreen[None]):
    """A scrollable key table; ``esc``, ``q`` or ``?`` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("view.close", "help.close", "view.down", "view.up")

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "esc to close"
            yield Static(self._table(), id="help-table")

    def _table(self) -> Table:
        table = Table(expand=True, box=None, padding=(0, 1), show_header=True, header_style="bold")
        table.add_column("Keys", no_wrap=True)
        table.add_column("Action", no_wrap=True)
        table.add_column("What it does")
        table.add_column("Id", style="dim", no_wrap=True)
        for scope in dict.fromkeys([*SCOPES, *(spec.scope for spec in ACTIONS)]):
            table.add_row(f"[b]{SCOPES.get(scope, scope)}[/b]", "", "", "")
            for spec in ACTIONS:
                if spec.scope != scope:
                    continue
                keys = " ".join(
                    self.app.get_key_display(Binding(key, "")) for key in keys_for(spec, self._keymap)
                )
                table.add_row(keys, spec.description, spec.help or spec.description, spec.id)
            table.add_row("", "", "", "")
        return table

    def action_move(self, step: int) -> None:
        """Scroll the key table with j/k as well as arrows."""
        body = self.query_one("#help-body", VerticalScroll)
        if step > 0:
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)

    def action_close(self) -> None:
        """Back to where ``?`` was pressed."""
        self.dismiss(None)
