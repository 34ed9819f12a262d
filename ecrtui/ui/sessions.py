"""Registry sessions: which registry is open, the data-layer service of each registry row, and who the accounts are.

A service (``CachedEcr`` over ``EcrService``) is built on the UI thread the first time its row is opened (boto3
sessions are not thread-safe; clients are, and workers share them) and kept for the session, so revisiting a
registry reuses its clients and cache. STS says which account the open registry is; the other profiles' accounts
are probed in the background, one at a time, never for a profile that could prompt on the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.account_probe import may_prompt, new_loader, probe_with_deadline
from ecrtui.ecr.aws_files import AwsFiles, read_profiles
from ecrtui.ui.backend import ServiceFactory, ecr_regions, make_service_factory
from ecrtui.ui.controller import Controller, ControllerMessage
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.screens.region_picker import RegionPickerScreen
from ecrtui.ui.widgets.registries_pane import entry_key, entry_name

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ui.app import EcrTuiApp

DEMO_PROFILE = "demo-dev"
NOT_OPEN_TEXT = "Could not open this registry: ! shows why (R picks a region)"
"""What the Repositories pane says when the registry's session could not be built (no region, no keys)."""
ACCOUNT_ON_OPEN = "(account on open)"
"""Registries row note for a profile that could prompt (MFA, credential_process): identified when opened."""
ACCOUNT_UNKNOWN = "(account unknown)"
"""Registries row note when the background probe failed; opening the registry shows why."""


class RegistrySessions(Controller):
    """Opens registries and keeps one service per registry row; fills in accounts as STS answers."""

    class Identified(ControllerMessage):
        """STS told us the account (and the service its region) of an opened registry row."""

        def __init__(self, key: str, account_id: str, region: str | None) -> None:
            super().__init__()
            self.key = key
            self.account_id = account_id
            self.region = region

    class Probed(ControllerMessage):
        """A background probe of a registries row finished: its account, or ``None`` when it failed."""

        def __init__(self, key: str, account_id: str | None) -> None:
            super().__init__()
            self.key = key
            self.account_id = account_id

    def __init__(
        self,
        app: EcrTuiApp,
        settings: Settings,
        aws_files: AwsFiles,
        *,
        open_request: RegistryEntry | None,
        service_factory: ServiceFactory | None,
    ) -> None:
        super().__init__(app)
        self.settings = settings
        self.aws_files = aws_files
        """The AWS config and credentials files every service and probe reads (never the process's)."""
        self._open_request = open_request
        """The registry to open once the panes and boto3 are ready (the command line's, or the last asked for)."""
        self._factory = service_factory
        self._services: dict[str, CachedEcr] = {}
        self._probes_pending: set[str] = set()
        self._started = False
        self._switched: set[str] = set()
        """Registry rows added by a region switch (the next switch from one replaces it)."""
        self.registry: RegistryEntry | None = None
        """The registry shown in the Repositories pane."""

    # State ----------------------------------------------------------------------------------------------------

    @property
    def current(self) -> CachedEcr | None:
        """The service of the open registry, if it could be built."""
        return None if self.registry is None else self._services.get(entry_key(self.registry))

    @property
    def accounts_settled(self) -> bool:
        """Every background account probe has answered (or failed)."""
        return not self._probes_pending

    @property
    def open_request(self) -> RegistryEntry | None:
        """The registry asked for before the app was ready to open it."""
        return self._open_request

    # Registry rows ------------------------------------------------------------------------------------------------

    def list_registries(self) -> None:
        """Every profile in the AWS config, then the config file's registries, then the one asked for."""
        registries = self.app.registries
        entries = [RegistryEntry(profile=p.name, region=p.region) for p in read_profiles(self.aws_files)]
        entries += list(self.settings.registries)
        registries.set_entries(entries)
        if self._open_request is not None:
            registries.add_entry(self.resolve(self._open_request))

    def use_files(self, files: AwsFiles) -> None:
        """Read these AWS files from now on (the demo sandbox's) and list their profiles."""
        self.aws_files = files
        self.list_registries()

    def resolve(self, entry: RegistryEntry) -> RegistryEntry:
        """Fill a profile's region from the config file, so "--profile P" and P's row are the same row."""
        if entry.region is not None or entry.endpoint_url is not None or entry.registry_id is not None:
            return entry
        for row in self.app.registries.entries:
            if row.profile == entry.profile and row.label is None and row.registry_id is None:
                return row
        return entry

    # Opening ----------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """boto3 is loaded: open the registry asked for (else the first row) and probe the other accounts."""
        self._started = True
        if self._factory is None:
            self._factory = make_service_factory(self.aws_files, self.settings)
        target = self._open_request
        if target is None:
            entries = self.app.registries.entries
            target = entries[0] if entries else RegistryEntry()
        self.open(self.resolve(target))
        self._start_probes()

    def service_for(self, entry: RegistryEntry) -> CachedEcr | None:
        """The service of a registry row, built on first use (UI thread); ``None`` when it cannot be built."""
        key = entry_key(entry)
        if key in self._services:
            return self._services[key]
        if not self._started or self._factory is None:
            return None
        try:
            service = self._factory(entry)
        except Exception as error:
            self.app.errors.report(error, f"opening {entry_name(entry)}")
            return None
        self._services[key] = service
        return service

    def open(self, entry: RegistryEntry) -> None:
        """Show a registry's repositories; empties the panes to its right. Entering the registry that is already
        open only goes to its repositories: the lists, their cursors and the marks stay as they are."""
        app = self.app
        if self.registry == entry and self.current is not None and app.panes_ready:
            app.focus_pane(app.repositories)
            return
        key = app.registries.add_entry(entry)
        app.registries.mark_open(key)
        self.registry = entry
        header = app.header
        header.profile = entry.profile or "default"
        header.aws_region = entry.region or ""
        header.account = entry.registry_id or ""
        if not self._started or not app.panes_ready:
            self._open_request = entry
            return
        app.images.clear()
        app.inspector.clear()
        service = self.service_for(entry)
        if service is None:
            app.repositories.clear(NOT_OPEN_TEXT)
            return
        header.aws_region = service.service.region
        app.repositories.load(service, entry.registry_id)
        self._identify(key, service)
        app.focus_pane(app.repositories)

    def pick_region(self) -> None:
        """Ask for another region (one where ECR runs, in the same partition) and open the registry there.

        The registry row a switch adds is replaced by the next switch from it, so trying regions never piles up
        rows; switching to a region that already has a row opens that row.
        """
        entry = self.registry
        service = self.current
        if entry is None:
            self.app.notify("Open a registry first", title="Switch region", severity="warning")
            return
        # A profile with no region cannot be opened: picking one here is how it opens at all.
        current = entry.region or (service.service.region if service is not None else None)

        def chosen(region: str | None) -> None:
            if entry is None or not region or region == current:
                return
            switched = entry.model_copy(update={"region": region})
            key, registries = entry_key(entry), self.app.registries
            if entry_key(switched) not in {entry_key(row) for row in registries.entries}:
                if key in self._switched:  # the previous switch's row makes way for this one
                    self._switched.discard(key)
                    self._services.pop(key, None)
                    registries.replace_entry(key, switched)
                self._switched.add(entry_key(switched))
            self.open(switched)

        self.app.push_screen(RegionPickerScreen(current, ecr_regions(current)), chosen)

    # Accounts ---------------------------------------------------------------------------------------------------

    def _identify(self, key: str, service: CachedEcr) -> None:
        """Ask STS who we are, so the header and the registries pane show the account."""

        def identify() -> None:
            try:
                identity = service.identity()
            except Exception as error:
                self.post(self.Probed(key, None))
                self.app.post_message(EcrFailed(error, "asking STS for the account"))
                return
            self.post(self.Identified(key, identity.account_id, service.service.region))

        self.run_thread(identify, name="identify", group="identify")

    def _start_probes(self) -> None:
        """Fill in the other profiles' accounts in the background (never for rows that could prompt)."""
        registries = self.app.registries
        pending: list[tuple[str, RegistryEntry]] = []
        for entry in registries.entries:
            key = entry_key(entry)
            opened = key == registries.open_key  # _identify asks STS for that one
            if opened or not entry.probeable or registries.account_of(key) is not None:
                continue
            if entry.profile is not None and may_prompt(self.aws_files, entry.profile):
                registries.account_unknown(key, ACCOUNT_ON_OPEN)
                continue
            pending.append((key, entry))
        self._probes_pending = {key for key, _ in pending}
        if pending:
            self.run_thread(
                lambda: self._probe(pending), name="account probes", group="accounts", exclusive=True
            )

    def _probe(self, pending: list[tuple[str, RegistryEntry]]) -> None:
        """Worker: one probe at a time, so a few short STS calls never take the pane workers' threads."""
        worker = get_current_worker()
        files = self.aws_files
        loader = new_loader()
        for key, entry in pending:
            if worker.is_cancelled:
                return
            if entry.profile is None:  # not probeable; never queued
                continue
            account = probe_with_deadline(files, entry.profile, entry.region, loader)
            if account is None:
                loader = new_loader()  # an abandoned probe may still be using the old one
            self.post(self.Probed(key, account))

    async def handle(self, message: ControllerMessage) -> None:
        if not isinstance(message, RegistrySessions.Identified | RegistrySessions.Probed):
            return
        registries, header = self.app.registries, self.app.header
        self._probes_pending.discard(message.key)
        is_open = self.registry is not None and entry_key(self.registry) == message.key
        if isinstance(message, RegistrySessions.Identified):
            registries.identify(message.key, message.account_id, message.region)
            if is_open and self.registry is not None:
                header.account = self.registry.registry_id or message.account_id
        elif message.account_id is None:
            registries.account_unknown(message.key, ACCOUNT_UNKNOWN)
            if is_open and not header.account:
                header.account = "unknown"  # STS failed for the open registry: stop showing "…"
        else:
            registries.identify(message.key, message.account_id)
