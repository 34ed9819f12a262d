"""The command palette provider (``:`` or ``ctrl+p``): "category: action" commands that fit the moment.

The App decides which commands apply now (``palette_commands``); this provider only lists and fuzzy-matches
them, so the palette, the keys and the help screen never disagree about what exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ecrtui.config import RegistryEntry
from ecrtui.ui.manage_palette import manage_commands
from ecrtui.ui.widgets.registries_pane import entry_name

if TYPE_CHECKING:
    from ecrtui.ecr.models import Repository
    from ecrtui.ui.app import EcrTuiApp


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


def app_commands(app: EcrTuiApp) -> list[PaletteCommand]:
    """What the palette offers now: profile and region switches, loaded repositories, view and copy."""
    commands: list[PaletteCommand] = []
    entries = app.registries.entries
    names = Counter(entry_name(entry) for entry in entries)
    for entry in entries:
        name = entry_name(entry)
        where = entry.region or "profile region"
        title = f"aws: switch profile {name}" + (f" ({where})" if names[name] > 1 else "")

        def open_it(entry: RegistryEntry = entry) -> None:
            app.sessions.open(entry)

        commands.append(PaletteCommand(title, f"open {name} ({where})", open_it))
    commands.append(
        PaletteCommand("aws: switch region", "open this registry in another region", app.action_switch_region)
    )
    for repository in app.repositories.repositories if app.panes_ready else ():

        def go(repository: Repository = repository) -> None:
            app.open_repository(repository)

        commands.append(
            PaletteCommand(f"go: repository {repository.name}", repository.uri, go, discoverable=False)
        )
    commands += [
        PaletteCommand("view: refresh", "reload the focused pane, bypassing the cache", app.action_refresh),
        PaletteCommand("view: toggle theme", "switch between dark and light", app.action_toggle_theme),
        PaletteCommand("view: errors", "the session's error log", app.action_show_errors),
        PaletteCommand("view: keys", "every key and action", app.action_help),
        PaletteCommand("view: jobs", "copies, backfills and replications (J)", app.jobs_view.toggle),
    ]
    if app.image is not None:
        commands += [
            PaletteCommand("copy: image URI", "URI with the tag", app.action_copy_uri),
            PaletteCommand("copy: image digest URI", "URI with the digest", app.action_copy_digest),
        ]
        if app.copying.check("open"):
            commands.append(
                PaletteCommand(
                    "copy: image to another repository, account or region",
                    "the copy dialog (c)",
                    app.copying.open,
                )
            )
    commands += manage_commands(app)
    commands += replication_commands(app)
    return commands


def replication_commands(app: EcrTuiApp) -> list[PaletteCommand]:
    """ECR's own replication: the open registry's view, and a watch of the inspected image."""
    replication = app.feature_controllers["replication"]
    commands: list[PaletteCommand] = []
    if replication.check("open"):
        commands.append(
            PaletteCommand(
                "replication: view rules and backfills",
                "the open registry's replication rules, who may replicate in, recent backfills",
                lambda: app.action_feature("replication.open"),
            )
        )
    if replication.check("watch_image"):
        commands.append(
            PaletteCommand(
                "replication: watch the inspected image",
                "follow its replication to every destination, as a job",
                lambda: app.action_feature("replication.watch_image"),
            )
        )
    return commands
