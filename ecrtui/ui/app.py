"""The ecrtui App: wiring between the panes, global keys, startup and the one error policy.

The App paints a light shell first; a thread worker then imports the panes and boto3 (and, for ``--demo``,
starts the sandbox), so the first frame never waits for them. Business logic lives in the data layer and the widgets; the App only
passes selections down ("messages up, attributes down") and turns failures into titled notifications.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState, get_current_worker

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.account_probe import may_prompt, new_loader, probe_with_deadline
from ecrtui.ecr.aws_files import AwsFiles, read_profiles
from ecrtui.ui.actions import bindings_for
from ecrtui.ui.backend import (
    DemoSandbox,
    ServiceFactory,
    import_backend,
    import_panes,
    make_service_factory,
    start_demo_sandbox,
)
from ecrtui.ui.commands import EcrCommands, PaletteCommand, app_commands
from ecrtui.ui.error_report import ErrorEntry, make_entry, one_line, write_crash_report
from ecrtui.ui.messages import (
    AccountProbed,
    BackendImported,
    EcrFailed,
    PanesImported,
    RegistryIdentified,
    SandboxStarted,
    StartupFailed,
)
from ecrtui.ui.screens.error_log import ErrorLogScreen
from ecrtui.ui.screens.help import HelpScreen
from ecrtui.ui.screens.region_picker import RegionPickerScreen
from ecrtui.ui.widgets.header_bar import HeaderBar
from ecrtui.ui.widgets.registries_pane import RegistriesPane, entry_key, entry_name

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.models import ImageSummary, Repository
    from ecrtui.ui.widgets.images_pane import ImagesPane
    from ecrtui.ui.widgets.inspector.inspector import Inspector
    from ecrtui.ui.widgets.repositories_pane import RepositoriesPane

INSPECT_DELAY = 0.15
"""Seconds the image cursor must rest before the inspector loads: holding ``j`` fires one load, not 100."""
NARROW_WIDTH = 100
"""Below this width the registries pane hides until asked for (``p`` / ``shift+tab``)."""
WIDE_WIDTH = 170
"""From this width the inspector sits beside the lists instead of below them."""
DEMO_PROFILE = "demo-dev"
NOT_OPEN_TEXT = "Could not open this registry: ! shows why"
"""What the Repositories pane says when the registry's session could not be built (no region, no keys)."""
ACCOUNT_ON_OPEN = "(account on open)"
"""Registries row note for a profile that could prompt (MFA, credential_process): identified when opened."""
ACCOUNT_UNKNOWN = "(account unknown)"
"""Registries row note when the background probe failed; opening the registry shows why."""
SWITCH_INTERVAL = 0.001
"""Seconds a busy worker (paging 100,000 images) may hold the GIL while the UI thread waits for it (Python's
default is 5 ms, and a key press waits for it at every turn of the event loop: bench/bench_app.py)."""
ERROR_TOAST_SECONDS = 10
"""Errors stay on screen longer than the default toast: they are worth reading."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def image_uri(repository: Repository, summary: ImageSummary, *, digest_form: bool) -> str:
    """``URI:tag`` (first tag) or ``URI@sha256:…``; untagged images only have the digest form."""
    if not digest_form and summary.tags:
        return f"{repository.uri}:{summary.tags[0]}"
    return f"{repository.uri}@{summary.digest}"


def _css_paths() -> list[str | PurePath]:
    """The app's stylesheet plus every widget stylesheet next to the widgets (panes own theirs)."""
    here = Path(__file__).parent
    return [here / "app.tcss", *sorted((here / "widgets").glob("*.tcss"))]


class EcrTuiApp(App[int]):
    """Registries | Repositories | Images, an inspector, a header and a footer."""

    CSS_PATH = _css_paths()
    TITLE = "ecrtui"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings_for("app")]
    COMMANDS = App.COMMANDS | {EcrCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        aws_files: AwsFiles | None = None,
        open_registry: RegistryEntry | None = None,
        service_factory: ServiceFactory | None = None,
        clock: Callable[[], datetime] = _utc_now,
        demo_dir: Path | None = None,
    ) -> None:
        """``demo_dir`` set means --demo: start the sandbox there and open its ``demo-dev`` registry."""
        super().__init__()
        self.settings = settings or Settings()
        self.clock = clock
        self.aws_files = aws_files or AwsFiles.from_env({})
        self._demo_dir = demo_dir
        self._open_request = open_registry or (RegistryEntry(profile=DEMO_PROFILE) if demo_dir else None)
        self._service_factory = service_factory
        self._services: dict[str, CachedEcr] = {}
        self._sandbox: DemoSandbox | None = None
        self._backend_ready = False
        self._panes_ready = False
        self._inspect_timer: Timer | None = None
        self._probes_pending: set[str] = set()
        self.error_log: list[ErrorEntry] = []
        """Every failure of this session, oldest first (the ``!`` screen)."""
        self.registry: RegistryEntry | None = None
        """The registry shown in the Repositories pane."""
        self.repository: Repository | None = None
        """The repository shown in the Images pane."""
        self.image: ImageSummary | None = None
        """The highlighted image (what ``y`` copies and the inspector shows)."""

    # Layout ----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Container(id="main"):
            with Horizontal(id="browser"):
                yield RegistriesPane(id="registries")
                yield Container(self._slot_label("Repositories"), id="slot-repositories")
                yield Container(self._slot_label("Images"), id="slot-images")
            yield Container(self._slot_label("Inspector"), id="slot-inspector")
        yield Footer()

    @staticmethod
    def _slot_label(title: str) -> Static:
        """What a pane's place shows in the first frame, until the pane itself is mounted."""
        label = Static("loading…", classes="slot-label")
        label.border_title = title
        return label

    async def _mount_panes(self) -> None:
        """Put the list panes and the inspector into their slots (their modules are imported by now)."""
        from ecrtui.ui.widgets.images_pane import ImagesPane
        from ecrtui.ui.widgets.inspector.inspector import Inspector
        from ecrtui.ui.widgets.repositories_pane import RepositoriesPane

        panes: dict[str, Widget] = {
            "repositories": RepositoriesPane(clock=self.clock, id="repositories"),
            "images": ImagesPane(clock=self.clock, id="images"),
            "inspector": Inspector(clock=self.clock, id="inspector"),
        }
        for name, pane in panes.items():
            slot = self.query_one(f"#slot-{name}")
            await slot.remove_children()
            await slot.mount(pane)
        self._panes_ready = True

    @property
    def header(self) -> HeaderBar:
        return self.query_one("#header", HeaderBar)

    @property
    def registries(self) -> RegistriesPane:
        return self.query_one("#registries", RegistriesPane)

    @property
    def repositories(self) -> RepositoriesPane:
        return cast("RepositoriesPane", self.query_one("#repositories"))

    @property
    def images(self) -> ImagesPane:
        return cast("ImagesPane", self.query_one("#images"))

    @property
    def inspector(self) -> Inspector:
        return cast("Inspector", self.query_one("#inspector"))

    @property
    def panes_ready(self) -> bool:
        """The list panes and the inspector are mounted (they load just after the first frame)."""
        return self._panes_ready

    @property
    def panes(self) -> list[Widget]:
        """Tab order: Registries, Repositories, Images, Inspector."""
        if not self._panes_ready:
            return [self.registries]
        return [self.registries, self.repositories, self.images, self.inspector]

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(f"Unknown theme '{self.settings.theme}'", title="Config", severity="warning")
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.header.read_only = self.settings.read_only
        if self._open_request is not None:
            self.header.profile = self._open_request.profile or "default"
            self.header.aws_region = self._open_request.region or ""
        self._apply_width(self.size.width)
        if self._demo_dir is None:
            self._list_registries()
        self.header.status = "starting sandbox…" if self._demo_dir else "loading AWS SDK…"
        self.call_after_refresh(self._start_backend)

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        """Collapse for small terminals, spread out on large ones."""
        main = self.query_one("#main")
        main.set_class(width < NARROW_WIDTH, "-narrow")
        main.set_class(width >= WIDE_WIDTH, "-wide")

    def _list_registries(self) -> None:
        """Every profile in the AWS config, then the config file's registries, then the one asked for."""
        entries = [RegistryEntry(profile=p.name, region=p.region) for p in read_profiles(self.aws_files)]
        entries += list(self.settings.registries)
        self.registries.set_entries(entries)
        if self._open_request is not None:
            self.registries.add_entry(self._resolve(self._open_request))

    def _resolve(self, entry: RegistryEntry) -> RegistryEntry:
        """Fill a profile's region from the config file, so "--profile P" and P's row are the same row."""
        if entry.region is not None or entry.endpoint_url is not None or entry.registry_id is not None:
            return entry
        for row in self.registries.entries:
            if row.profile == entry.profile and row.label is None and row.registry_id is None:
                return row
        return entry

    # Startup ---------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="backend", exit_on_error=False)
    def _start_backend(self) -> None:
        """Import the panes, start the sandbox (--demo) and import boto3 off the UI thread; only messages cross
        back. The panes come first: they are what the user sees next."""
        import_panes()
        self.post_message(PanesImported())
        if self._demo_dir is not None:
            try:
                sandbox = start_demo_sandbox(self._demo_dir)
            except Exception as error:
                self.post_message(StartupFailed("Sandbox", f"the demo sandbox did not start: {error}"))
                return
            self.post_message(SandboxStarted(sandbox))
        import_backend()
        self.post_message(BackendImported())

    @on(PanesImported)
    async def _panes_imported(self) -> None:
        await self._mount_panes()

    @on(SandboxStarted)
    def _sandbox_started(self, event: SandboxStarted) -> None:
        self._sandbox = cast(DemoSandbox, event.sandbox)
        self.aws_files = AwsFiles(self._sandbox.config_file, self._sandbox.credentials_file)
        self._list_registries()

    @on(BackendImported)
    def _backend_imported(self) -> None:
        self._backend_ready = True
        self.header.status = ""
        if self._service_factory is None:
            self._service_factory = make_service_factory(self.aws_files, self.settings)
        target = self._open_request
        if target is None:
            entries = self.registries.entries
            target = entries[0] if entries else RegistryEntry()
        self.open_registry(self._resolve(target))
        self._start_account_probes()
        gc.collect()  # startup objects (Textual, boto3's models) live forever: keep full collections off them
        gc.freeze()
        sys.setswitchinterval(SWITCH_INTERVAL)

    @on(StartupFailed)
    def _startup_failed(self, event: StartupFailed) -> None:
        self.header.status = event.title.lower() + " failed"
        self._record_error(
            ErrorEntry(time=self.clock(), title=event.title, message=event.detail), notify=True
        )

    def on_unmount(self) -> None:
        if self._inspect_timer is not None:
            self._inspect_timer.stop()
        if self._sandbox is not None:
            self._sandbox.stop()

    # Registries ------------------------------------------------------------------------------------------

    def service_for(self, entry: RegistryEntry) -> CachedEcr | None:
        """The cached service of a registry row, built on first use (main thread); ``None`` on failure."""
        key = entry_key(entry)
        if key in self._services:
            return self._services[key]
        if not self._backend_ready or self._service_factory is None:
            return None
        try:
            service = self._service_factory(entry)
        except Exception as error:
            self.report_error(error, f"opening {entry_name(entry)}")
            return None
        self._services[key] = service
        return service

    def open_registry(self, entry: RegistryEntry) -> None:
        """Show a registry's repositories; empties the panes to its right."""
        key = self.registries.add_entry(entry)
        self.registries.mark_open(key)
        self.registry = entry
        self.repository = None
        self.image = None
        self.header.profile = entry.profile or "default"
        self.header.aws_region = entry.region or ""
        self.header.account = entry.registry_id or ""
        if not self._backend_ready or not self._panes_ready:
            self._open_request = entry
            return
        self.images.clear()
        self.inspector.clear()
        service = self.service_for(entry)
        if service is None:
            self.repositories.clear(NOT_OPEN_TEXT)
            return
        self.header.aws_region = service.service.region
        self.repositories.load(service, entry.registry_id)
        self._identify(key, service)
        self._focus_pane(self.repositories)

    @work(thread=True, group="identify", exit_on_error=False)
    def _identify(self, key: str, service: CachedEcr) -> None:
        """Ask STS who we are, so the header and the registries pane show the account."""
        try:
            identity = service.identity()
        except Exception as error:
            self.post_message(AccountProbed(key, None))
            self.post_message(EcrFailed(error, "asking STS for the account"))
            return
        self.post_message(RegistryIdentified(key, identity.account_id, service.service.region))

    def _start_account_probes(self) -> None:
        """Fill in the other profiles' accounts in the background (never for rows that could prompt)."""
        pending: list[tuple[str, RegistryEntry]] = []
        for entry in self.registries.entries:
            key = entry_key(entry)
            opened = key == self.registries.open_key  # _identify asks STS for that one
            if opened or not entry.probeable or self.registries.account_of(key) is not None:
                continue
            if entry.profile is not None and may_prompt(self.aws_files, entry.profile):
                self.registries.account_unknown(key, ACCOUNT_ON_OPEN)
                continue
            pending.append((key, entry))
        self._probes_pending = {key for key, _ in pending}
        if pending:
            self._probe_accounts(pending)

    @property
    def accounts_settled(self) -> bool:
        """Every background account probe has answered (or failed)."""
        return not self._probes_pending

    @work(thread=True, exclusive=True, group="accounts", exit_on_error=False)
    def _probe_accounts(self, pending: list[tuple[str, RegistryEntry]]) -> None:
        """One probe at a time: a few short STS calls must not take the pane workers' threads."""
        worker = get_current_worker()
        loader = new_loader()
        for key, entry in pending:
            if worker.is_cancelled:
                return
            if entry.profile is None:  # not probeable; never queued
                continue
            account = probe_with_deadline(self.aws_files, entry.profile, entry.region, loader)
            if account is None:
                loader = new_loader()  # an abandoned probe may still be using the old one
            self.post_message(AccountProbed(key, account))

    @on(AccountProbed)
    def _account_probed(self, event: AccountProbed) -> None:
        self._probes_pending.discard(event.key)
        if event.account_id is None:
            self.registries.account_unknown(event.key, ACCOUNT_UNKNOWN)
            if (
                self.registry is not None
                and entry_key(self.registry) == event.key
                and not self.header.account
            ):
                self.header.account = "unknown"  # STS failed for the open registry: stop showing "…"
        else:
            self.registries.identify(event.key, event.account_id)

    @on(RegistryIdentified)
    def _registry_identified(self, event: RegistryIdentified) -> None:
        self._probes_pending.discard(event.key)
        self.registries.identify(event.key, event.account_id, event.region)
        if self.registry is not None and entry_key(self.registry) == event.key:
            self.header.account = self.registry.registry_id or event.account_id

    @on(RegistriesPane.RegistrySelected)
    def _registry_selected(self, event: RegistriesPane.RegistrySelected) -> None:
        self.open_registry(event.entry)

    # Repositories and images -----------------------------------------------------------------------------

    # Pane messages are handled by name (on_<pane>_<message>) so the pane modules load after the first frame.

    def on_repositories_pane_repository_selected(self, event: RepositoriesPane.RepositorySelected) -> None:
        self.open_repository(event.repository)

    def open_repository(self, repository: Repository, *, refresh: bool = False) -> None:
        """Show a repository's images (latest selection wins: the pane's worker is exclusive)."""
        service = self._current_service()
        if service is None:
            return
        self.repository = repository
        self.image = None
        self.inspector.clear()
        self.images.load(service, repository, refresh=refresh)
        self._focus_pane(self.images)

    def on_images_pane_images_loaded(self, event: ImagesPane.ImagesLoaded) -> None:
        self.repositories.set_image_count(event.repository.name, event.count)

    def on_images_pane_image_highlighted(self, event: ImagesPane.ImageHighlighted) -> None:
        self.image = event.summary
        if self._inspect_timer is not None:
            self._inspect_timer.stop()
        if event.summary is None:
            self.inspector.clear()
            return
        self._inspect_timer = self.set_timer(INSPECT_DELAY, self._inspect_current)

    def on_images_pane_image_selected(self, event: ImagesPane.ImageSelected) -> None:
        self.image = event.summary
        self._inspect_current()
        self._focus_pane(self.inspector)

    def _inspect_current(self) -> None:
        service = self._current_service()
        if service is None or self.repository is None or self.image is None or not self.is_running:
            return
        try:
            inspector = self.inspector
        except NoMatches:  # the debounce timer fired while the app was shutting down
            return
        details = inspector.details
        if details is not None and details.summary.digest == self.image.digest:
            return
        inspector.load(service, self.repository, self.image)

    def _current_service(self) -> CachedEcr | None:
        return None if self.registry is None else self._services.get(entry_key(self.registry))

    # Focus between panes ---------------------------------------------------------------------------------

    def _pane_index(self) -> int | None:
        """Which pane holds the focus, if any."""
        node = self.focused
        panes = self.panes
        while node is not None:
            if node in panes:
                return panes.index(node)
            node = node.parent if isinstance(node.parent, Widget) else None
        return None

    def _focus_pane(self, pane: Widget) -> None:
        """Focus a pane (or its first focusable child) and reveal the registries pane when narrow."""
        self.query_one("#main").set_class(pane is self.registries, "-show-registries")
        if pane.focusable or hasattr(pane, "table"):
            pane.focus()  # a list pane focuses its table
            return
        for child in pane.query("*"):
            if child.focusable:
                child.focus()
                return

    def _step_pane(self, step: int) -> None:
        if self.screen is not self.screen_stack[0]:
            if step > 0:
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        index = self._pane_index()
        panes = self.panes
        target = panes[0] if index is None else panes[(index + step) % len(panes)]
        self._focus_pane(target)

    def action_focus_next_pane(self) -> None:
        """``tab``: next pane."""
        self._step_pane(1)

    def action_focus_previous_pane(self) -> None:
        """``shift+tab``: previous pane."""
        self._step_pane(-1)

    def action_pane_back(self) -> None:
        """``esc``/``h`` where no widget uses them: back one pane towards Registries."""
        index = self._pane_index()
        if index is not None and index > 0:
            self._focus_pane(self.panes[index - 1])

    def on_repositories_pane_back_requested(self) -> None:
        self._focus_pane(self.registries)

    def on_images_pane_back_requested(self) -> None:
        self._focus_pane(self.repositories)

    def action_switch_profile(self) -> None:
        """``p``: go to the registries pane to pick another profile."""
        self._focus_pane(self.registries)

    # Global actions --------------------------------------------------------------------------------------

    def action_help(self) -> None:
        """``?``: every key."""
        self.push_screen(HelpScreen(self.settings.keymap))

    def action_show_errors(self) -> None:
        """``!``: the session's error log."""
        self.push_screen(ErrorLogScreen(self.error_log))

    def action_refresh(self) -> None:
        """``r``: reload what the focused pane shows, bypassing the cache."""
        index = self._pane_index()
        service = self._current_service()
        if self.registry is None or not self._panes_ready:
            return
        if service is None:
            self.open_registry(self.registry)
        elif index in (2, 3) and self.repository is not None:
            self.open_repository(self.repository, refresh=True)
        else:
            self.repositories.load(service, self.registry.registry_id, refresh=True)
        self.notify("Reloading from ECR", title="Refresh", timeout=2)

    def action_copy_uri(self) -> None:
        """``y``: copy ``URI:tag`` (OSC 52 reaches the local clipboard over SSH)."""
        self._copy(digest_form=False)

    def action_copy_digest(self) -> None:
        """``Y``: copy ``URI@sha256:…``."""
        self._copy(digest_form=True)

    def _copy(self, *, digest_form: bool) -> None:
        if self.repository is None or self.image is None:
            self.notify("Highlight an image first", title="Nothing to copy", severity="warning")
            return
        text = image_uri(self.repository, self.image, digest_form=digest_form)
        self.copy_to_clipboard(text)
        self.notify(text, title="Copied", markup=False)

    def action_next_tab(self) -> None:
        """``]``: next inspector tab."""
        if self._panes_ready:
            self.inspector.next_tab()

    def action_previous_tab(self) -> None:
        """``[``: previous inspector tab."""
        if self._panes_ready:
            self.inspector.previous_tab()

    def action_switch_region(self) -> None:
        """``R``: open the registry in another region."""
        entry = self.registry
        if entry is None:
            return
        current = entry.region
        service = self._current_service()
        if current is None and service is not None:
            current = service.service.region

        def chosen(region: str | None) -> None:
            if region and region != current:
                self.open_registry(entry.model_copy(update={"region": region}))

        self.push_screen(RegionPickerScreen(current), chosen)

    def action_toggle_theme(self) -> None:
        """Dark ↔ light."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def palette_commands(self) -> Sequence[PaletteCommand]:
        """What the palette offers now (see ``commands.app_commands``)."""
        return app_commands(self)

    # Errors ----------------------------------------------------------------------------------------------

    def report_error(self, error: BaseException, context: str = "") -> None:
        """A titled notification and an error-log entry; never a traceback on the terminal."""
        self._record_error(make_entry(error, context, self.clock()), notify=True)

    def _record_error(self, entry: ErrorEntry, *, notify: bool) -> None:
        self.error_log.append(entry)
        if notify:
            severity: SeverityLevel = "warning" if entry.title == "Throttled" else "error"
            self.notify(
                f"{entry.message}\n(! for details)",
                title=entry.title,
                severity=severity,
                timeout=ERROR_TOAST_SECONDS,
                markup=False,
            )

    def _fatal_error(self) -> None:
        """An exception nothing handled: one line on the terminal, the traceback in a crash file.

        Replaces Textual's crash screen, which prints a traceback with local variables (they may hold secrets).
        """
        error = self._exception or sys.exc_info()[1]
        if error is None:
            super()._fatal_error()
            return
        try:
            where = f" (details: {write_crash_report(error)})"
        except OSError:
            where = ""
        self._exit_renderables.append(f"ecrtui stopped on an unexpected error: {one_line(error)}{where}")
        self._close_messages_no_wait()

    @on(EcrFailed)
    def _ecr_failed(self, event: EcrFailed) -> None:
        self.report_error(event.error, event.context)

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one policy for unexpected worker failures: notify and log, never crash."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error, f"background task {event.worker.name}")
