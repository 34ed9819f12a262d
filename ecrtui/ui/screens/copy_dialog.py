"""The copy dialog (``c``): where to copy the image (or the marked images), and the plan, before anything is written.

Destination registry (any registry row: a profile or a configured registry), repository (the same name by default),
tags (the image's own by default; marked images each keep theirs), platforms (for an index), referrers. Every change
asks the controller for a new plan (typing waits for a pause); the plan says what moves, what is already there,
each tag's fate, and what would be refused before anything is written. When ECR's own replication already sends the
repository to that destination, the dialog offers to let ECR replicate instead, and says what each choice does.
``ctrl+s`` (or the button) starts; ``esc`` closes, writing nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from ecrtui.config import RegistryEntry
from ecrtui.ui.actions import bindings_for
from ecrtui.ui.copy_preview import CopyForm, CopyPreview, Route, blocking_reason, plan_lines, route_help
from ecrtui.ui.format import short_digest
from ecrtui.ui.widgets.copy_plan import CopyPlanView
from ecrtui.ui.widgets.registries_pane import entry_key, entry_name

if TYPE_CHECKING:
    from ecrtui.ecr.models import ImageSummary
    from ecrtui.ui.copy_controller import CopyController

__all__ = ["CopyDialog"]

TYPING_PAUSE = 0.4
"""Seconds of no typing before the repository or tags are planned."""
SOURCE_LINES = 3
SHORT_HEIGHT = 32
"""Terminal rows below which the dialog's spacious layout would hide the plan: it goes compact."""
"""Marked images listed by name; the rest are counted."""


class CopyDialog(ModalScreen[bool]):
    """Answers ``True`` when a copy (or a backfill) was started, ``False`` when closed."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings_for("copy")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_HEIGHT, "-tall")]
    """Below ``SHORT_HEIGHT`` rows the dialog fills the screen and drops its blank lines (``app.tcss``)."""

    def __init__(
        self,
        controller: CopyController,
        images: tuple[ImageSummary, ...],
        destinations: Sequence[RegistryEntry],
        default: RegistryEntry,
        *,
        source_name: str,
    ) -> None:
        super().__init__()
        self._controller = controller
        self._images = images
        self._destinations = {entry_key(entry): entry for entry in destinations}
        self._destinations.setdefault(entry_key(default), default)
        self._default = entry_key(default)
        self._source_name = source_name
        self._preview: CopyPreview | None = None
        self._failure: str | None = None
        self._typing: Timer | None = None
        self._asked: CopyForm | None = None
        """The form last planned: a change event that leaves it as it is plans nothing."""
        self._platforms_for: str | None = None
        """The image whose platforms the list shows (filled from its first plan)."""
        self._start_when_planned = False
        """``ctrl+s`` came while planning: start as soon as the plan arrives (unless it is refused)."""

    # -- layout ---------------------------------------------------------------------------------------------

    @property
    def single(self) -> bool:
        return len(self._images) == 1

    def compose(self) -> ComposeResult:
        first = self._images[0]
        with Vertical(id="copy-body") as body:
            body.border_title = self._title()
            body.border_subtitle = "ctrl+s start · esc close · tab next field"
            with VerticalScroll(id="copy-form"):
                yield Static(self._source_text(), id="copy-source", markup=False)
                with Horizontal(classes="copy-row"):
                    yield Label("To registry", classes="copy-label")
                    yield Select(
                        [(self._destination_label(entry), key) for key, entry in self._destinations.items()],
                        value=self._default,
                        allow_blank=False,
                        compact=True,
                        id="copy-registry",
                    )
                with Horizontal(classes="copy-row"):
                    yield Label("Repository", classes="copy-label")
                    yield Input(first.repository_name, compact=True, id="copy-repository")
                with Horizontal(classes="copy-row"):
                    yield Label("Tags", classes="copy-label")
                    yield Input(
                        " ".join(first.tags) if self.single else "",
                        placeholder="untagged (by digest)"
                        if self.single
                        else "each image keeps its own tags",
                        disabled=not self.single,
                        compact=True,
                        id="copy-tags",
                    )
                with Horizontal(classes="copy-row", id="copy-platforms-row"):
                    yield Label("Platforms", classes="copy-label")
                    yield SelectionList[str](compact=True, id="copy-platforms")
                with Horizontal(classes="copy-row"):
                    yield Label("", classes="copy-label")
                    yield Checkbox(
                        "Referrers (signatures, SBOMs, attestations)", True, compact=True, id="copy-referrers"
                    )
                with Horizontal(classes="copy-row", id="copy-create-row"):
                    yield Label("", classes="copy-label")
                    yield Checkbox(
                        "Create it, with the source's settings", False, compact=True, id="copy-create"
                    )
                with Horizontal(classes="copy-row", id="copy-route-row"):
                    yield Label("How", classes="copy-label")
                    with RadioSet(compact=True, id="copy-route"):
                        yield RadioButton("Copy through my machine", True, compact=True, id="route-client")
                        yield RadioButton("Let ECR replicate", compact=True, id="route-ecr")
                yield Static(id="copy-route-help", markup=False)
                yield CopyPlanView(id="copy-plan")
            with Horizontal(id="copy-buttons"):
                yield Static(id="copy-blocked", markup=False)
                yield Button("Cancel", compact=True, id="copy-cancel")
                yield Button("Copy", variant="primary", compact=True, id="copy-start", disabled=True)

    def _title(self) -> str:
        first = self._images[0]
        if not self.single:
            return f"Copy {len(self._images)} images of {first.repository_name}"
        reference = f":{first.tags[0]}" if first.tags else f"@{short_digest(first.digest)}"
        return f"Copy {first.repository_name}{reference}"

    def _source_text(self) -> str:
        lines = [f"From {self._source_name}"]
        for image in self._images[:SOURCE_LINES]:
            tags = ", ".join(image.tags) if image.tags else "untagged"
            lines.append(f"  {image.repository_name}@{short_digest(image.digest)}  ({tags})")
        if len(self._images) > SOURCE_LINES:
            lines.append(f"  and {len(self._images) - SOURCE_LINES} more")
        return "\n".join(lines)

    @staticmethod
    def _destination_label(entry: RegistryEntry) -> str:
        where = entry.region or "profile region"
        return f"{entry_name(entry)} ({where})"

    def on_mount(self) -> None:
        for row in ("#copy-platforms-row", "#copy-create-row", "#copy-route-row", "#copy-route-help"):
            self.query_one(row).display = False
        self.query_one("#copy-registry", Select).focus()
        self._plan()

    # -- the form -------------------------------------------------------------------------------------------

    @property
    def preview(self) -> CopyPreview | None:
        """The plan shown now (None while planning, or when it could not be made)."""
        return self._preview

    @property
    def failure(self) -> str | None:
        """Why there is no plan (a bad tag, a registry that cannot be opened), if that is the case."""
        return self._failure

    @property
    def route(self) -> Route:
        """Through this machine, unless ECR's replication was chosen (only offered when it applies)."""
        offered = self._preview is not None and self._preview.replication is not None
        chosen = self.query_one("#route-ecr", RadioButton).value
        return Route.ECR if offered and chosen else Route.CLIENT

    @property
    def create_repository(self) -> bool:
        return self.query_one("#copy-create", Checkbox).value

    def form(self) -> CopyForm:
        """What the fields say now."""
        value = self.query_one("#copy-registry", Select).value
        destination = self._destinations.get(str(value), self._destinations[self._default])
        tags = None
        if self.single:
            text = self.query_one("#copy-tags", Input).value
            tags = tuple(dict.fromkeys(t for t in text.replace(",", " ").split() if t))
        platforms: tuple[str, ...] = ()
        listed = self.query_one("#copy-platforms", SelectionList)
        if self._platforms_for is not None and len(listed.selected) < listed.option_count:
            platforms = tuple(str(p) for p in listed.selected)
        return CopyForm(
            images=self._images,
            destination=destination,
            repository=self.query_one("#copy-repository", Input).value.strip(),
            tags=tags,
            platforms=platforms,
            referrers=self.query_one("#copy-referrers", Checkbox).value,
        )

    def _plan(self) -> None:
        """Ask for a plan of what the fields say now (the newest request wins)."""
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
        self._preview = None
        self._failure = None
        self._start_when_planned = False
        self._asked = self.form()
        listed = self.query_one("#copy-platforms", SelectionList)
        if self._platforms_for is not None and not listed.selected:
            self._failure = "choose at least one platform"
        else:
            self._failure = self._controller.request_plan(self._asked)
        self._show()

    @on(Input.Changed)
    def _typed(self, _event: Input.Changed) -> None:
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
        if self.form() != self._asked:
            self._typing = self.set_timer(TYPING_PAUSE, self._plan)

    @on(Input.Submitted)
    def _submitted(self, _event: Input.Submitted) -> None:
        self._plan()
        self.focus_next()

    @on(Select.Changed, "#copy-registry")
    @on(Checkbox.Changed, "#copy-referrers")
    @on(SelectionList.SelectedChanged, "#copy-platforms")
    def _changed(self) -> None:
        if self.form() != self._asked:
            self._plan()

    @on(Checkbox.Changed, "#copy-create")
    @on(RadioSet.Changed, "#copy-route")
    def _choice_changed(self) -> None:
        self._show()

    # -- what the controller tells us -----------------------------------------------------------------------

    def show_preview(self, preview: CopyPreview) -> None:
        """A plan arrived for what the fields say."""
        self._preview = preview
        self._failure = None
        image = self._images[0]
        if preview.platforms and self._platforms_for != image.digest:
            self._platforms_for = image.digest
            listed = self.query_one("#copy-platforms", SelectionList)
            with listed.prevent(SelectionList.SelectedChanged):
                listed.clear_options()
                listed.add_options([(platform, platform, True) for platform in preview.platforms])
        self._show()
        if self._start_when_planned:
            self._start_when_planned = False
            self.action_start()

    def show_failure(self, message: str) -> None:
        """Planning could not read what it needed."""
        self._preview = None
        self._failure = message
        self._start_when_planned = False
        self._show()

    def _show(self) -> None:
        preview = self._preview
        self.query_one("#copy-platforms-row").display = self._platforms_for is not None
        self.query_one("#copy-create-row").display = preview is not None and preview.missing_repository
        offered = preview is not None and preview.replication is not None
        self.query_one("#copy-route-row").display = offered
        self.query_one("#copy-route-help").display = offered
        route = self.route
        if preview is not None and offered:
            self.query_one("#copy-route-help", Static).update(
                f"through my machine: {route_help(preview, Route.CLIENT)}\n"
                f"ECR replicating: {route_help(preview, Route.ECR)}"
            )
        self._show_plan()
        blocked = self._blocked()
        if blocked is not None and self._start_when_planned:
            blocked = "planning… the copy starts when the plan is ready"
        self.query_one("#copy-blocked", Static).update(blocked or "")
        start = self.query_one("#copy-start", Button)
        start.disabled = blocked is not None
        start.label = "Start backfill" if route is Route.ECR else "Copy"

    def _blocked(self) -> str | None:
        """Why the copy cannot start now (None: it can)."""
        if self._failure is not None:
            return self._failure
        return blocking_reason(self._preview, create_repository=self.create_repository, route=self.route)

    def _show_plan(self) -> None:
        view = self.query_one("#copy-plan", CopyPlanView)
        if self._failure is not None:
            view.say(self._failure, "problem")
        elif self._preview is None:
            view.say("planning…")
        else:
            heading = (
                "Plan · let ECR replicate"
                if self.route is Route.ECR
                else "Plan · nothing is written until you start"
            )
            lines = plan_lines(self._preview, create_repository=self.create_repository, route=self.route)
            view.show(heading, lines)

    # -- starting and closing -------------------------------------------------------------------------------

    def action_start(self) -> None:
        """``ctrl+s``: start what the plan shows; while planning, start when the plan arrives; say why not."""
        if self._typing is not None:
            self._plan()  # the fields changed since the plan shown: plan what they say now
        preview = self._preview
        if preview is None and self._failure is None:
            self._start_when_planned = True
            self._show()
            self.notify("Still planning… the copy starts when the plan is ready", title="Copy")
            return
        blocked = self._blocked()
        if blocked is not None or preview is None:
            self.app.bell()
            self.notify(f"Not started: {blocked}", title="Copy", severity="warning")
            return
        self._controller.start(self.form(), preview, self.route)
        self.dismiss(True)

    def action_close(self) -> None:
        """``esc``: close; nothing is copied."""
        self.dismiss(False)

    @on(events.DescendantFocus, "#copy-buttons Button")
    def _buttons_focused(self) -> None:
        """Tab reached Copy or Cancel: bring the plan (the form's end) into view above them, so what is about to
        start is on screen when it is started, however short the terminal."""
        self.query_one("#copy-form", VerticalScroll).scroll_end(animate=False, immediate=True)

    @on(Button.Pressed, "#copy-start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#copy-cancel")
    def _cancel_pressed(self) -> None:
        self.action_close()
