"""The ecrtui App: layout, the wiring between panes and controllers, and the global keys.

What the App does not do itself lives in modules of its own: ``startup`` (the first frame first, then the panes,
boto3 and the demo sandbox), ``sessions`` (the open registry, a service per registry row, accounts),
``error_policy`` (notifications, the error log, crash reports), ``actions`` (every key), ``commands`` (the
palette). Controllers report back with messages that the App routes to them (``controller.py``); panes post their
own messages up and the App passes selections down ("messages up, attributes down").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.worker import Worker

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ui.actions import bindings_for, keymap_problems
from ecrtui.ui.backend import ServiceFactory
from ecrtui.ui.commands import EcrCommands, PaletteCommand, app_commands
from ecrtui.ui.controller import Controller, ControllerMessage
from ecrtui.ui.copy_controller import CopyController
from ecrtui.ui.error_policy import ErrorPolicy
from ecrtui.ui.feature_keys import FeatureKeys
from ecrtui.ui.format import image_uri
from ecrtui.ui.jobs import JobsController
from ecrtui.ui.jobs_view import AsksBeforeQuitting, JobsView
from ecrtui.ui.manage import ManageController
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.pane_focus import PaneFocus
from ecrtui.ui.replication import ReplicationController
from ecrtui.ui.repository_gone import repository_gone
from ecrtui.ui.screens.error_log import ErrorLogScreen
from ecrtui.ui.screens.help import HelpScreen
from ecrtui.ui.screenshot import SavesScreenshots
from ecrtui.ui.sessions import DEMO_PROFILE, RegistrySessions
from ecrtui.ui.startup import Startup
from ecrtui.ui.textual_compat import UnhandledErrorHook
from ecrtui.ui.widgets.header_bar import HeaderBar
from ecrtui.ui.widgets.registries_pane import RegistriesPane
from ecrtui.ui.worker_threads import use_daemon_worker_threads

if TYPE_CHECKING:
    from ecrtui.ecr.models import ImageSummary, Repository
    from ecrtui.ui.widgets.images_pane import ImagesPane
    from ecrtui.ui.widgets.inspector.inspector import Inspector
    from ecrtui.ui.widgets.repositories_pane import RepositoriesPane

NARROW_WIDTH = 100
"""Below this width the registries pane hides until asked for (``p`` / ``shift+tab``)."""
WIDE_WIDTH = 170
"""From this width the inspector sits beside the lists instead of below them."""
SHORT_HEIGHT = 30
"""Below this height (inspector below the lists) the inspector takes most of the room while it has the focus."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _css_paths() -> list[str | PurePath]:
    """The app's stylesheet plus every widget stylesheet next to the widgets (panes own theirs)."""
    here = Path(__file__).parent
    return [here / "app.tcss", *sorted((here / "widgets").glob("*.tcss"))]


class EcrTuiApp(FeatureKeys, AsksBeforeQuitting, SavesScreenshots, UnhandledErrorHook[int]):
    """Registries | Repositories | Images, an inspector, a header and a footer."""

    CSS_PATH = _css_paths()
    TITLE = "ecrtui"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings_for("app"), *bindings_for("manage")]
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
        tune_process: bool = False,
    ) -> None:
        """``demo_dir`` set means --demo: start the sandbox there and open its ``demo-dev`` registry.
        ``tune_process``: this App owns the process (``startup.tune_runtime``)."""
        super().__init__()
        self.settings = settings or Settings()
        self.clock = clock
        """Where "now" comes from (relative times); tests pin it."""
        self.errors = ErrorPolicy(self)
        """Notifications, the error log and crash reports."""
        self.startup = Startup(self, demo_dir, tune_process=tune_process)
        """Loads the panes, boto3 and the demo sandbox after the first frame."""
        self.sessions = RegistrySessions(
            self,
            self.settings,
            aws_files or AwsFiles.from_env({}),
            open_request=open_registry or (RegistryEntry(profile=DEMO_PROFILE) if demo_dir else None),
            service_factory=service_factory,
        )
        """The open registry, its service, and the accounts of the registry rows."""
        self.pane_focus = PaneFocus(self)
        """Moves the focus between the panes."""
        self.jobs, self.copying, self.jobs_view = JobsController(self), CopyController(self), JobsView(self)
        """Jobs (App-owned workers, one board); ``c``: the copy dialog; ``J``: the panel, and asking before quitting."""
        manage = ManageController(self)  # the management keys, their reviews and views
        features = {"jobs": self.jobs, "copy": self.copying, "jobs_panel": self.jobs_view, "manage": manage}
        features["panes"] = self.pane_focus  # / in the Registries pane: the repositories' filter
        features["replication"] = ReplicationController(self)  # E: the replication view; w: watch an image
        self.feature_controllers: dict[str, Controller] = features
        """Controllers whose methods keys call by name: ``feature('jobs.cancel')`` (see ``feature_keys.py``)."""
        self._controllers: list[Controller] = [self.startup, self.sessions, *features.values()]
        self._panes_ready = False

    # Layout ----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Container(id="main"):
            with Horizontal(id="browser"):
                yield RegistriesPane(id="registries")
                yield Container(self._slot_label("Repositories"), id="slot-repositories")
                yield Container(self._slot_label("Images"), id="slot-images")
            yield Container(self._slot_label("Inspector"), id="slot-inspector")
        yield self.jobs_view.panel()
        yield Footer()

    @staticmethod
    def _slot_label(title: str) -> Static:
        """What a pane's place shows in the first frame, until the pane itself is mounted."""
        label = Static("loading…", classes="slot-label")
        label.border_title = title
        return label

    async def mount_panes(self) -> None:
        """Put the list panes and the inspector into their slots (their modules are imported by now)."""
        from ecrtui.ui.widgets.images_pane import ImagesPane
        from ecrtui.ui.widgets.inspector.inspector import Inspector
        from ecrtui.ui.widgets.repositories_pane import RepositoriesPane

        repositories = RepositoriesPane(clock=self.clock, id="repositories")
        images = ImagesPane(clock=self.clock, id="images")
        # Opening from a list moves the focus before the next key of a burst is handled (``enter`` is a priority
        # binding), so the App opens rows itself instead of waiting for the panes' messages.
        repositories.table.row_opener = self._open_highlighted_repository
        images.table.row_opener = self._open_highlighted_image
        inspector = Inspector(clock=self.clock, id="inspector")
        for name, pane in (("repositories", repositories), ("images", images), ("inspector", inspector)):
            if not self.is_running:
                return  # shutting down meanwhile: the slots are going away
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
        """The list panes and the inspector are mounted (they load just after the first frame) and not yet being
        taken down (a late worker message during shutdown must not look for them)."""
        return self._panes_ready and self.is_running

    @property
    def repository(self) -> Repository | None:
        """The repository shown in the Images pane."""
        return self.images.repository if self.panes_ready else None

    @property
    def image(self) -> ImageSummary | None:
        """The highlighted image (what ``y`` copies and the inspector shows)."""
        return self.images.highlighted if self.panes_ready else None

    @property
    def panes(self) -> list[Widget]:
        """Tab order: Registries, Repositories, Images, Inspector."""
        if not self.panes_ready:
            return [self.registries]
        return [self.registries, self.repositories, self.images, self.inspector]

    def on_mount(self) -> None:
        use_daemon_worker_threads()  # quitting never waits for a worker stuck in a network call
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(f"Unknown theme '{self.settings.theme}'", title="Config", severity="warning")
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
            for problem in keymap_problems(self.settings.keymap):  # said, never fatal: the other keys work
                self.notify(problem, title="Keymap", severity="warning", markup=False, timeout=10)
        self.header.read_only = self.settings.read_only
        request = self.sessions.open_request
        if request is not None:
            self.header.profile = request.profile or "default"
            self.header.aws_region = request.region or ""
        self._apply_size(self.size)
        if self.startup.demo_dir is None:
            self.sessions.list_registries()
        self.call_after_refresh(self.startup.begin)

    def on_resize(self, event: events.Resize) -> None:
        """The new size is the event's: ``App.size`` may still hold the previous one while this runs."""
        self._apply_size(event.size)

    def _apply_size(self, size: Size) -> None:
        """Collapse for small terminals, spread out on large ones."""
        main = self.query_one("#main")
        main.set_class(size.width < NARROW_WIDTH, "-narrow")
        main.set_class(size.width >= WIDE_WIDTH, "-wide")
        main.set_class(size.height < SHORT_HEIGHT and size.width < WIDE_WIDTH, "-short")

    def on_inspector_focus_changed(self, event: Inspector.FocusChanged) -> None:
        self.query_one("#main").set_class(event.inside, "-inspecting")

    def on_unmount(self) -> None:
        for controller in self._controllers:
            controller.stop()

    @on(ControllerMessage)
    async def _controller_message(self, message: ControllerMessage) -> None:
        """A controller's worker reported a fact: the controller that posted it handles it (not once the App
        is shutting down: the widgets it would update are gone)."""
        message.stop()
        if message.owner is not None and self.is_running:
            await message.owner.handle(message)

    # Registries, repositories and images -------------------------------------------------------------------

    @on(RegistriesPane.RegistrySelected)
    def _registry_selected(self, event: RegistriesPane.RegistrySelected) -> None:
        self.sessions.open(event.entry)

    def _open_highlighted_repository(self, _key: str) -> None:
        repository = self.repositories.highlighted
        if repository is not None:
            self.open_repository(repository)

    def open_repository(self, repository: Repository, *, refresh: bool = False) -> None:
        """Show a repository's images (latest selection wins: the pane's worker is exclusive)."""
        service = self.sessions.current
        if service is None:
            return
        self.repositories.show_repository(repository.name)  # from the palette, the cursor follows
        self.inspector.clear()
        self.images.load(service, repository, refresh=refresh)
        self.focus_pane(self.images)

    # Pane messages are handled by name (on_<pane>_<message>) so the pane modules load after the first frame.

    def on_images_pane_images_loaded(self, event: ImagesPane.ImagesLoaded) -> None:
        self.repositories.set_image_count(event.repository.name, event.count)

    def on_images_pane_repository_gone(self, event: ImagesPane.RepositoryGone) -> None:
        repository_gone(self, event.repository, event.error)

    def on_images_pane_image_highlighted(self, event: ImagesPane.ImageHighlighted) -> None:
        self.inspector.follow(self.sessions.current, self.repository, event.summary, arriving=event.arriving)

    def _open_highlighted_image(self, _key: str) -> None:
        self.inspector.follow(self.sessions.current, self.repository, self.image, at_once=True)
        self.focus_pane(self.inspector)

    # Focus between panes ---------------------------------------------------------------------------------

    def focus_pane(self, pane: Widget) -> None:
        """Focus a pane at once (see ``pane_focus``)."""
        self.pane_focus.focus(pane)

    def action_focus_next_pane(self) -> None:
        """``tab``: next pane."""
        self.pane_focus.step(1)

    def action_focus_previous_pane(self) -> None:
        """``shift+tab``: previous pane."""
        self.pane_focus.step(-1)

    def action_pane_back(self) -> None:
        """``esc``/``h`` where no widget uses them: back one pane towards Registries."""
        self.pane_focus.back()

    def on_repositories_pane_back_requested(self) -> None:
        self.focus_pane(self.registries)

    def on_images_pane_back_requested(self) -> None:
        self.focus_pane(self.repositories)

    def action_switch_profile(self) -> None:
        """``p``: go to the registries pane to pick another profile."""
        self.focus_pane(self.registries)

    # Global actions --------------------------------------------------------------------------------------

    def action_help(self) -> None:
        """``?``: every key."""
        self.push_screen(HelpScreen(self.settings.keymap))

    def action_show_errors(self) -> None:
        """``!``: the session's error log."""
        self.push_screen(ErrorLogScreen(self.errors.log))

    def action_refresh(self) -> None:
        """``r``: reload what the focused pane shows, bypassing the cache."""
        index = self.pane_focus.index()
        registry, service = self.sessions.registry, self.sessions.current
        if registry is None or not self.panes_ready:
            return
        if service is None:
            self.sessions.open(registry)
        elif index in (2, 3) and self.repository is not None:
            self.open_repository(self.repository, refresh=True)
        else:
            self.repositories.load(service, registry.registry_id, refresh=True)
        self.notify("Reloading from ECR", title="Refresh", timeout=2)

    def action_copy_uri(self) -> None:
        """``y``: copy what the inspector shows as ``URI:tag`` (OSC 52 reaches the local clipboard over SSH)."""
        self._copy(digest_form=False)

    def action_copy_digest(self) -> None:
        """``Y``: copy ``URI@sha256:…``."""
        self._copy(digest_form=True)

    def _copy(self, *, digest_form: bool) -> None:
        if self.repository is None or self.image is None:
            self.notify("Highlight an image first", title="Nothing to copy", severity="warning")
            return
        shown = self.inspector.shown_uri(self.image, digest_form=digest_form)  # e.g. an opened platform
        text = shown or image_uri(self.repository, self.image, digest_form=digest_form)
        self.copy_to_clipboard(text)
        self.notify(text, title="Copied", markup=False)

    def action_next_tab(self) -> None:
        """``]``: next inspector tab."""
        if self.panes_ready:
            self.inspector.next_tab()

    def action_previous_tab(self) -> None:
        """``[``: previous inspector tab."""
        if self.panes_ready:
            self.inspector.previous_tab()

    def action_switch_region(self) -> None:
        """``R``: open the registry in another region."""
        self.sessions.pick_region()

    def action_toggle_theme(self) -> None:
        """Dark ↔ light."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def palette_commands(self) -> Sequence[PaletteCommand]:
        """What the palette offers now (see ``commands.app_commands``)."""
        return app_commands(self)

    # Errors ----------------------------------------------------------------------------------------------

    @on(EcrFailed)
    def _ecr_failed(self, event: EcrFailed) -> None:
        self.errors.report(event.error, event.context, notify=event.notify)

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.errors.worker_changed(event.worker)

    def unhandled_error_line(self, error: BaseException) -> str:
        """A crash: one line on the terminal, the traceback in a file (see ``ErrorPolicy.crash_line``)."""
        return self.errors.crash_line(error)
