"""The command palette provider (``:`` or ``ctrl+p``): "category: action" commands that fit the moment.

The App decides which commands apply now (``palette_commands``); this provider only lists and fuzzy-matches
them, so the palette, the keys and the help screen never disagree about what exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: a title like "aws: switch profile demo-prod", help text and what it does."""

    title: str
    help: str
    callback: Callable[[], Any]
    discoverable: bool = True
    """Listed before typing; per-item commands (one per repository) only show when searched."""


@runtime_checkable
class HasPaletteCommands(Protocol):
    """The App side of the contract."""

    def palette_commands(self) -> Sequence[PaletteCommand]: ...


class EcrCommands(Provider):
    """Lists and matches the App's current commands."""

    def _commands(self) -> Sequence[PaletteCommand]:
        app = self.app
        return app.palette_commands() if isinstance(app, HasPaletteCommands) else ()

    async def discover(self) -> Hits:
        for command in self._commands():
            if command.discoverable:
                yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback, help=command.help)
