"""The Registries pane: every AWS profile plus the extra registries from the config file.

A registry is few rows, so a plain ``OptionList`` (not the virtual table) is enough; it takes the table's
navigation bindings from the action registry so keys behave the same in every pane.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ecrtui.config import RegistryEntry
from ecrtui.ui.actions import ACTIONS

_NAVIGATION = {"table.down", "table.up", "table.top", "table.bottom", "table.page_down", "table.page_up"}


def entry_key(entry: RegistryEntry) -> str:
    """A stable id for a registry row: the same profile in another region is another row."""
    return "|".join(
        (entry.profile or "", entry.region or "", entry.endpoint_url or "", entry.registry_id or "")
    )


def entry_name(entry: RegistryEntry) -> str:
    """What the row is called: the label, else the profile, else the account it points at."""
    return entry.label or entry.profile or entry.registry_id or "(default)"


class RegistriesPane(OptionList):
    """Lists registries; ``enter`` posts ``RegistrySelected``. Accounts fill in as STS answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        spec.binding()
        for spec in ACTIONS
        if spec.id in _NAVIGATION or spec.id == "table.enter" or spec.scope == "registries"
    ]

    class RegistrySelected(Message):
        """The user opened a registry."""

        def __init__(self, entry: RegistryEntry) -> None:
            self.entry = entry
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Registries"
        self._entries: dict[str, RegistryEntry] = {}
        self._accounts: dict[str, str] = {}
        """Row key → account id, or a short note when it cannot be known yet."""
        self._regions: dict[str, str] = {}
        """Row key → the region a profile without an explicit one resolved to."""
        self._open_key: str | None = None

    @property
    def entries(self) -> list[RegistryEntry]:
        """The rows, in display order."""
        return list(self._entries.values())

    @property
    def open_key(self) -> str | None:
        """The key of the registry currently open in the other panes."""
        return self._open_key

    def set_entries(self, entries: Iterable[RegistryEntry]) -> None:
        """Replace the rows (duplicates collapse), keeping the open registry highlighted."""
        self._entries = {}
        for entry in entries:
            self._entries.setdefault(entry_key(entry), entry)
        self.set_options(Option(self._prompt(key), id=key) for key in self._entries)
        if self._open_key in self._entries:
            self.highlighted = self.get_option_index(self._open_key)

    def add_entry(self, entry: RegistryEntry) -> str:
        """Add (or find) a row; returns its key."""
        key = entry_key(entry)
        if key not in self._entries:
            self._entries[key] = entry
            self.add_option(Option(self._prompt(key), id=key))
        return key

    def replace_entry(self, key: str, entry: RegistryEntry) -> str:
        """Put ``entry`` in the place of row ``key`` (a region switch replacing the previous switch's row);
        returns the new row's key."""
        new_key = entry_key(entry)
        if key not in self._entries or new_key in self._entries:
            return self.add_entry(entry)
        self._entries = {
            (new_key if old == key else old): (entry if old == key else row)
            for old, row in self._entries.items()
        }
        self._accounts.pop(key, None)
        self._regions.pop(key, None)
        if self._open_key == key:
            self._open_key = new_key
        self.set_entries(self.entries)
        return new_key

    def mark_open(self, key: str) -> None:
        """Show which registry the other panes are showing and move the cursor there."""
        self._open_key = key
        for other in self._entries:
            self.replace_option_prompt(other, self._prompt(other))
        if key in self._entries:
            self.highlighted = self.get_option_index(key)

    def identify(self, key: str, account_id: str, region: str | None = None) -> None:
        """STS answered for this registry: show its account (and the region the profile resolved to)."""
        self._accounts[key] = account_id
        if region:
            self._regions[key] = region
        self._refresh_row(key)

    def account_unknown(self, key: str, note: str) -> None:
        """No account for this row yet (probe skipped or failed): say so instead of a lasting ``…``."""
        if key not in self._accounts:
            self._accounts[key] = note
            self._refresh_row(key)

    def account_of(self, key: str) -> str | None:
        """The account shown for a row, if STS told us (``None`` while unknown)."""
        entry = self._entries.get(key)
        if entry is not None and entry.registry_id:
            return entry.registry_id
        account = self._accounts.get(key)
        return account if account and account.isdigit() else None

    def _refresh_row(self, key: str) -> None:
        if key in self._entries:
            self.replace_option_prompt(key, self._prompt(key))

    def _prompt(self, key: str) -> Content:
        entry = self._entries[key]
        marker = "▸ " if key == self._open_key else "  "
        account = entry.registry_id or self._accounts.get(key, "…")
        return Content.assemble(
            (marker, "bold $accent"),
            (entry_name(entry), "bold"),
            "\n",
            (f"  {account}", "dim"),
            "\n",
            (f"  {entry.region or self._regions.get(key, 'profile region')}", "dim"),
        )

    def action_cursor_top(self) -> None:
        """``g``/home, named as in the table scope."""
        self.action_first()

    def action_cursor_bottom(self) -> None:
        """``G``/end, named as in the table scope."""
        self.action_last()

    def action_select_row(self) -> None:
        """``enter``/``l``: open the highlighted registry."""
        self.action_select()

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None and event.option_id in self._entries:
            self.post_message(self.RegistrySelected(self._entries[event.option_id]))
