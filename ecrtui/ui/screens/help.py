"""The ``?`` screen: every action of the registry, grouped by scope, with the keys bound right now."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ecrtui.ui.actions import ACTIONS, ActionSpec

SCOPE_TITLES = {
    "app": "Everywhere",
    "manage": "Managing ECR",
    "table": "In a list pane",
    "registries": "In the Registries pane",
    "copy": "In the copy dialog",
    "jobs": "In the jobs panel",
    "inspector": "In the inspector",
    "replication": "In the replication view",
}


def keys_for(spec: ActionSpec, keymap: Mapping[str, str]) -> list[str]:
    """The keys of an action after the user's keymap (which replaces the defaults for that id)."""
    keys = keymap.get(spec.id, spec.keys)
    return [key.strip() for key in keys.split(",") if key.strip()]


class HelpScreen(ModalScreen[None]):
    """A scrollable key table; ``esc``, ``q`` or ``?`` closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", show=False),
        Binding("k,up", "scroll('up')", show=False),
    ]

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
        for scope in dict.fromkeys(spec.scope for spec in ACTIONS):
            table.add_row(f"[b]{SCOPE_TITLES.get(scope, scope)}[/b]", "", "", "")
            for spec in ACTIONS:
                if spec.scope != scope:
                    continue
                keys = " ".join(
                    self.app.get_key_display(Binding(key, "")) for key in keys_for(spec, self._keymap)
                )
                table.add_row(keys, spec.description, spec.help or spec.description, spec.id)
            table.add_row("", "", "", "")
        return table

    def action_scroll(self, direction: str) -> None:
        """Scroll the key table with j/k as well as arrows."""
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)
