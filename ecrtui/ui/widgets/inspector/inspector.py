"""The image inspector: Summary, Manifest, Config, Layers, Platforms, Scan, Referrers and Replication of one image.

The inspector owns its load worker (latest selection wins) and a stack of opened images, so a platform child of
an index can be opened in place and left again with ``esc`` while a breadcrumb shows where you are.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Protocol, Self

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Blur, DescendantBlur, DescendantFocus, Focus
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane, Tabs
from textual.worker import get_current_worker

from ecrtui.ui.actions import ACTIONS, bindings_for
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.widgets.inspector.config_tab import ConfigTab
from ecrtui.ui.widgets.inspector.layers_tab import LayersTab
from ecrtui.ui.widgets.inspector.manifest_tab import ManifestTab
from ecrtui.ui.widgets.inspector.platforms_tab import PlatformsTab
from ecrtui.ui.widgets.inspector.referrers_tab import ReferrersTab
from ecrtui.ui.widgets.inspector.replication_tab import ReplicationTab
from ecrtui.ui.widgets.inspector.scan_tab import ScanTab
from ecrtui.ui.widgets.inspector.summary_tab import SummaryTab
from ecrtui.ui.widgets.inspector.view import (
    child_label,
    child_summary,
    crumb_label,
    details_for_child,
    image_uris,
    index_platform,
)

if TYPE_CHECKING:
    from ecrtui.ecr.details import ChildImage, ImageDetails
    from ecrtui.ecr.models import ImageSummary, Repository

TAB_IDS: tuple[str, ...] = (
    "tab-summary",
    "tab-manifest",
    "tab-config",
    "tab-layers",
    "tab-platforms",
    "tab-scan",
    "tab-referrers",
    "tab-replication",
)
"""The inspector tabs in the order ``[`` and ``]`` walk them."""

FOLLOW_DELAY = 0.15
"""Seconds the list cursor must rest on an image before ``follow`` loads it: holding ``j`` loads once, not 100
times."""
ARRIVING_INTERVAL = 2.0
"""While pages arrive under a resting cursor, the inspector follows the image they put there at most once per this
many seconds. Listing 100,000 images newest first, the top row changes every page or two; loading each (a fetch,
the tabs hidden and shown) took the UI time the listing needs (bench/bench_app.py --idle: 12 loads in one
listing). Throttled rather than put off until the pages stop, so on a slow link it is never more than 2 s behind.
"""
_TAB_ACTION_IDS = ("app.prev_tab", "app.next_tab")
_MOVE_ACTION_IDS = ("table.down", "table.up", "table.top", "table.bottom")
"""``j``/``k``/``g``/``G`` as in the lists; arrows and home/end reach the focused table or view first."""


class DetailsSource(Protocol):
    """What ``Inspector.load`` needs from the data layer (``CachedEcr`` or ``EcrService``)."""

    def get_image_details(self, repository: Repository, summary: ImageSummary) -> ImageDetails: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Opened:
    """One image on the inspector's stack: the selected image, or a platform child opened from its index."""

    details: ImageDetails
    label: str
    """How the breadcrumb and the title name it (a child by its platform)."""
    named_by_index: str | None = None
    """The platform its index gives a child (shown on Summary when the child's own config names none)."""
    opened_from: str = TAB_IDS[0]
    """The tab a child was opened from: ``esc`` returns there."""


class Inspector(Vertical, can_focus=True):
    """Everything about one image, in eight tabs; ``show`` it details or let it ``load`` them.

    Focusable so a pane cycle can land on it; focus is handed straight on to the visible tab's content (the
    layers table, the JSON view...), so arrows and ``enter`` act on what is shown.
    """

    DEFAULT_CSS = (Path(__file__).parent / "inspector.tcss").read_text(encoding="utf-8")
    """The styles live in ``inspector.tcss`` next to this file; loaded here so any app that mounts the
    inspector gets them without listing the file in its ``CSS_PATH``."""

    BINDINGS = [
        # The tab keys work everywhere; inside the inspector they are what applies now, so the footer shows them.
        *(replace(spec, show=True).binding() for spec in ACTIONS if spec.id in _TAB_ACTION_IDS),
        *(spec.binding() for spec in ACTIONS if spec.id in _MOVE_ACTION_IDS),
        *bindings_for("inspector"),
    ]

    class ChildSelected(Message):
        """The user opened one platform (or attestation) of an index."""

        def __init__(self, child: ChildImage) -> None:
            self.child = child
            """The chosen child of the index."""
            super().__init__()

    class FocusChanged(Message):
        """Focus came into the inspector or left it (the App gives it more room on short terminals)."""

        def __init__(self, inside: bool) -> None:
            self.inside = inside
            super().__init__()

    class DetailsLoaded(Message):
        """The load worker has the details of the requested image."""

        def __init__(self, details: ImageDetails, request: int, nested: bool) -> None:
            self.details = details
            self.request = request
            """Which request this answers; older answers are dropped (latest selection wins)."""
            self.nested = nested
            """Whether the details open on top of the current image (a platform child)."""
            super().__init__()

    class LoadFailed(Message):
        """The load worker failed; the message is one line a person understands."""

        def __init__(self, message: str, request: int) -> None:
            self.message = message
            self.request = request
            super().__init__()

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = _utc_now,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.clock = clock
        """Where "now" comes from for relative times; tests pin it."""
        self._stack: list[Opened] = []
        """Opened images: the selected one first, then any platform children opened from it."""
        self._pending: Opened | None = None
        """The child being loaded (its details are filled in when they arrive)."""
        self._service: DetailsSource | None = None
        """The data source of the last ``load``, reused to open platform children."""
        self._request = 0
        """Counter of load requests, so a slow answer to an old selection never replaces a newer one."""
        self._opening_child = False
        """Whether the pending load opens a platform child (a failure then returns to the index)."""
        self._loaded_at = -ARRIVING_INTERVAL
        """When ``load`` last started (``time.monotonic``): arriving pages are followed at most once per interval."""
        self._can_close = False
        """Whether the footer was last told that ``esc`` goes back to the index."""
        self._refocus = False
        """Whether focus was inside the inspector when a load hid the tabs (it returns when they come back)."""
        self._follow_timer: Timer | None = None
        self._state = "empty"
        self.border_title = "Inspector"

    def compose(self) -> ComposeResult:
        yield Static(id="inspector-breadcrumb", markup=False)
        yield Static("Select an image to inspect it.", id="inspector-status", markup=False)
        with TabbedContent(id="inspector-tabs", initial=TAB_IDS[0]):
            with TabPane("Summary", id="tab-summary"):
                yield SummaryTab()
            with TabPane("Manifest", id="tab-manifest"):
                yield ManifestTab()
            with TabPane("Config", id="tab-config"):
                yield ConfigTab()
            with TabPane("Layers", id="tab-layers"):
                yield LayersTab()
            with TabPane("Platforms", id="tab-platforms"):
                yield PlatformsTab()
            with TabPane("Scan", id="tab-scan"):  # loaded when shown (its own worker)
                yield ScanTab()
            with TabPane("Referrers", id="tab-referrers"):
                yield ReferrersTab()
            with TabPane("Replication", id="tab-replication"):
                yield ReplicationTab()

    # Typed accessors -------------------------------------------------------------------------------------

    @property
    def tabs(self) -> TabbedContent:
        """The tab container."""
        return self.query_one("#inspector-tabs", TabbedContent)

    @property
    def active_tab(self) -> str:
        """The id of the visible tab (one of ``TAB_IDS``)."""
        return self.tabs.active

    @property
    def details(self) -> ImageDetails | None:
        """The image on screen (a platform child when one is open), or ``None``."""
        return self._stack[-1].details if self._stack else None

    @property
    def depth(self) -> int:
        """How many images are stacked: 1 for a selected image, 2 once a platform child is open."""
        return len(self._stack)

    @property
    def state(self) -> str:
        """``empty``, ``loading``, ``error`` or ``ready``: what the inspector shows now."""
        return self._state

    @property
    def status_text(self) -> str:
        """The text of the empty/loading/error line."""
        return str(self.query_one("#inspector-status", Static).content)

    # Public API ------------------------------------------------------------------------------------------

    def show(self, details: ImageDetails) -> None:
        """Show one image's details as the root of the inspector (any opened child is closed)."""
        self._request += 1
        self._stack = [Opened(details, crumb_label(details))]
        self._render_top()

    def show_loading(self, message: str = "Loading image details…") -> None:
        """Say that details are on their way (the tabs are hidden until they arrive)."""
        self._refocus = self._refocus or self.has_focus_within
        self._set_state("loading", message)
        if self._refocus:
            self.focus()  # the tabs are hidden: keep keys (esc, [ ]) with the inspector meanwhile

    def show_error(self, message: str) -> None:
        """Show a one-line failure in place of the tabs."""
        self._set_state("error", message)

    def clear(self) -> None:
        """Forget the image: nothing selected."""
        self._request += 1
        self._stack = []
        self.border_title = "Inspector"
        self.border_subtitle = ""
        self.set_class(False, "-nested")
        self._set_state("empty", "Select an image to inspect it.")

    def load(self, service: DetailsSource, repository: Repository, summary: ImageSummary) -> None:
        """Fetch and show the details of ``summary`` in a worker; a newer ``load`` supersedes this one."""
        self._service = service
        self._request += 1
        self._loaded_at = monotonic()
        self._stack = []
        self.show_loading()
        self._load_details(service, repository, summary, self._request, nested=False)

    def follow(
        self,
        service: DetailsSource | None,
        repository: Repository | None,
        summary: ImageSummary | None,
        *,
        at_once: bool = False,
        arriving: bool = False,
    ) -> None:
        """Show the image under the list cursor: once the cursor rests there (``FOLLOW_DELAY``; when arriving
        pages put it there, also ``ARRIVING_INTERVAL`` after the last load) or ``at_once``; nothing is fetched
        again when the inspector already shows it."""
        if self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None
        if summary is None or repository is None or service is None:
            self.clear()
            return
        if at_once:
            self._load_unless_shown(service, repository, summary)
        else:
            delay = FOLLOW_DELAY
            if arriving:
                delay = max(delay, ARRIVING_INTERVAL - (monotonic() - self._loaded_at))
            self._follow_timer = self.set_timer(
                delay,
                partial(self._load_unless_shown, service, repository, summary),
            )

    def _load_unless_shown(
        self, service: DetailsSource, repository: Repository, summary: ImageSummary
    ) -> None:
        """Load unless the image is shown as listed now (a change to its tags or status loads it again)."""
        if not self._stack or self._stack[0].details.summary != summary:
            self.load(service, repository, summary)

    def shown_uri(self, summary: ImageSummary, *, digest_form: bool) -> str | None:
        """The pull URI of what the inspector shows for ``summary`` (an opened platform child included), with
        its first tag or its digest; ``None`` when it shows another image or nothing yet."""
        if not self._stack or self._stack[0].details.summary.digest != summary.digest:
            return None
        tag_uri, digest_uri = image_uris(self._stack[-1].details)
        return digest_uri if digest_form or tag_uri is None else tag_uri

    def next_tab(self) -> None:
        """Show the tab to the right (wrapping round)."""
        self._step_tab(1)

    def previous_tab(self) -> None:
        """Show the tab to the left (wrapping round)."""
        self._step_tab(-1)

    def open_child(self, child: ChildImage) -> None:
        """Open a platform child in place, on its Summary: fetched through the last service when possible."""
        parent = self.details
        if parent is None:
            return
        pending = Opened(
            parent,  # replaced by the child's details once they are known
            child_label(child),
            named_by_index=index_platform(child, list(parent.children)),
            opened_from=self.active_tab,
        )
        if self._service is not None:
            self._request += 1
            self._opening_child = True
            self._pending = pending
            self.show_loading(f"Loading {pending.label}…")
            summary = child_summary(parent, child)
            self._load_details(self._service, parent.repository, summary, self._request, nested=True)
            return
        try:
            opened = details_for_child(parent, child)
        except LookupError as error:
            self.notify(str(error), title="Cannot open platform", severity="warning")
            return
        self._push_child(replace(pending, details=opened))

    def close_child(self) -> bool:
        """Go back from a platform child (opened or still loading) to its index, on the tab it was opened
        from; ``False`` if none is open."""
        if self._opening_child and self._stack:
            self._request += 1  # the pending answer is dropped when it arrives
            self._render_top()
            return True
        if len(self._stack) < 2:
            return False
        self._request += 1
        closed = self._stack.pop()
        self.tabs.active = closed.opened_from
        self._render_top()
        return True

    def _push_child(self, opened: Opened) -> None:
        """Show an opened child on top of its index, starting on its Summary."""
        self._stack.append(opened)
        self.tabs.active = TAB_IDS[0]
        self._render_top()

    def focus_content(self) -> None:
        """Focus what the visible tab shows (its table or scroll view); stay here when nothing is shown."""
        target = self._content_target()
        if target is not None and target is not self.screen.focused:
            target.focus()

    def _content_target(self) -> Widget | None:
        if self._state != "ready":
            return None
        content: dict[str, Widget] = {
            "tab-summary": self.query_one(SummaryTab),
            "tab-manifest": self.query_one(ManifestTab).json_view,
            "tab-config": self.query_one(ConfigTab),
            "tab-layers": self.query_one(LayersTab).table,
            "tab-platforms": self.query_one(PlatformsTab).table,
            "tab-scan": self.query_one(ScanTab).table,
            "tab-referrers": self.query_one(ReferrersTab).table,
            "tab-replication": self.query_one(ReplicationTab).table,
        }
        target = content.get(self.active_tab)
        if target is None or not target.display:
            return self.tabs.query_one(Tabs)
        return target

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the visible tab's content when there is some, else the inspector itself."""
        target = self._content_target()
        if target is not None:
            target.focus(scroll_visible)
            return self
        return super().focus(scroll_visible)

    def on_focus(self, _event: Focus) -> None:
        self._sync_focus_class()
        self.focus_content()

    def on_blur(self, _event: Blur) -> None:
        self.call_later(self._sync_focus_class)

    def on_descendant_focus(self, _event: DescendantFocus) -> None:
        self._sync_focus_class()

    def on_descendant_blur(self, _event: DescendantBlur) -> None:
        self.call_later(self._sync_focus_class)

    def _sync_focus_class(self) -> None:
        """Light the frame while focus is inside; changed only on entry and exit, never between tabs."""
        inside = self.has_focus_within
        if inside != self.has_class("-has-focus"):
            self.set_class(inside, "-has-focus")
            self.post_message(self.FocusChanged(inside))

    # Actions ---------------------------------------------------------------------------------------------

    def action_next_tab(self) -> None:
        self.next_tab()

    def action_previous_tab(self) -> None:
        self.previous_tab()

    def action_close_child(self) -> None:
        self.close_child()

    def action_cursor_down(self) -> None:
        self._move("down")

    def action_cursor_up(self) -> None:
        self._move("up")

    def action_cursor_top(self) -> None:
        self._move("top")

    def action_cursor_bottom(self) -> None:
        self._move("bottom")

    def _move(self, where: str) -> None:
        """Move the focused table's cursor, or scroll the focused view, as the vi-style keys ask."""
        focused = self.screen.focused
        if focused is None or focused is self or self not in focused.ancestors:
            return
        if isinstance(focused, DataTable):
            table_moves = {
                "down": focused.action_cursor_down,
                "up": focused.action_cursor_up,
                "top": focused.action_scroll_top,
                "bottom": focused.action_scroll_bottom,
            }
            table_moves[where]()
            return
        # The views' own scroll actions, which scroll at once (``ImmediateScroll``): held keys never drop presses.
        scroll_actions = {
            "down": "scroll_down",
            "up": "scroll_up",
            "top": "scroll_home",
            "bottom": "scroll_end",
        }
        action = getattr(focused, f"action_{scroll_actions[where]}", None)
        if callable(action):
            with suppress(SkipAction):
                action()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``esc`` belongs to the inspector only while a child is open; otherwise the app's ``esc`` applies."""
        if action == "close_child":
            return len(self._stack) > 1 or (self._opening_child and bool(self._stack))
        return True

    # Worker and its messages -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="inspector-load", exit_on_error=False)
    def _load_details(
        self,
        service: DetailsSource,
        repository: Repository,
        summary: ImageSummary,
        request: int,
        nested: bool,
    ) -> None:
        """Fetch details off the UI thread; only messages cross back."""
        worker = get_current_worker()
        try:
            details = service.get_image_details(repository, summary)
        except Exception as error:  # every failure becomes a message, never a traceback
            if not worker.is_cancelled:
                self.post_message(self.LoadFailed(_one_line(error), request))
                self.post_message(EcrFailed(error, f"inspecting {summary.repository_name}@{summary.digest}"))
            return
        if not worker.is_cancelled:
            self.post_message(self.DetailsLoaded(details, request, nested))

    @on(DetailsLoaded)
    def _on_details_loaded(self, message: DetailsLoaded) -> None:
        message.stop()
        if message.request != self._request:
            return
        if message.nested and self._stack and self._pending is not None:
            self._push_child(replace(self._pending, details=message.details))
            return
        self._stack = [Opened(message.details, crumb_label(message.details))]
        self._render_top()

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        message.stop()
        if message.request != self._request:
            return
        if self._opening_child and self._stack:
            # The index is still worth showing: go back to it (the app's EcrFailed handler says what failed).
            self._render_top()
            return
        self.show_error(message.message)

    @on(PlatformsTab.ChildChosen)
    def _on_child_chosen(self, message: PlatformsTab.ChildChosen) -> None:
        message.stop()
        self.post_message(self.ChildSelected(message.child))
        self.open_child(message.child)

    @on(ReferrersTab.ReferrerChosen)
    def _on_referrer_chosen(self, message: ReferrersTab.ReferrerChosen) -> None:
        message.stop()
        self.open_child(message.child)

    # Rendering -------------------------------------------------------------------------------------------

    def _set_state(self, state: str, message: str) -> None:
        if state != "loading":
            self._opening_child = False
        can_close = bool(self.check_action("close_child", ()))
        if can_close != self._can_close:
            # "Back to index" is offered only while a child is open. Only a change is announced: each
            # announcement rebuilds the footer (a layout pass), twice per image followed.
            self._can_close = can_close
            self.refresh_bindings()
        # Shown and hidden directly, not by a state class on the inspector: a class there restyles the whole
        # subtree (tabs, tables, the JSON view), twice per image followed, ~30 ms of the UI thread each time, which
        # a key pressed meanwhile waited for (bench/bench_app.py, slowest presses while loading).
        if state != self._state:
            self._state = state
            ready = state == "ready"
            self.query_one("#inspector-tabs", TabbedContent).display = ready
            status = self.query_one("#inspector-status", Static)
            status.display = not ready
            status.set_class(state == "error", "-error")
        self.query_one("#inspector-status", Static).update(message)

    def _render_top(self) -> None:
        details = self.details
        if details is None:
            self.clear()
            return
        had_focus = self.has_focus_within
        now = self.clock()
        self.query_one(SummaryTab).show(details, now, self._stack[-1].named_by_index)
        self.query_one(ManifestTab).show(details)
        self.query_one(ConfigTab).show(details)
        self.query_one(LayersTab).show(details)
        self.query_one(PlatformsTab).show(details)
        self.query_one(ScanTab).show(details, self._service)
        self.query_one(ReferrersTab).show(details, self._service)
        self.query_one(ReplicationTab).show(details, self._service)
        self._update_breadcrumb()
        self._set_state("ready", "")
        # Return focus only if nothing else took it meanwhile (hiding the tabs leaves focus nowhere).
        refocus = self._refocus and self.screen.focused in (None, self)
        self._refocus = False
        if had_focus or refocus:
            self.call_after_refresh(self.focus_content)

    def _update_breadcrumb(self) -> None:
        nested = len(self._stack) > 1
        self.set_class(nested, "-nested")
        self.border_title = f"Inspector · {self._stack[-1].label}" if self._stack else "Inspector"
        self.border_subtitle = "esc: back to the index" if nested else ""
        crumb = Content(" ▸ ").join(Content(opened.label) for opened in self._stack)
        self.query_one("#inspector-breadcrumb", Static).update(crumb)

    def _step_tab(self, step: int) -> None:
        current = self.tabs.active
        index = TAB_IDS.index(current) if current in TAB_IDS else 0
        self.tabs.active = TAB_IDS[(index + step) % len(TAB_IDS)]
        if self.has_focus_within:
            self.call_after_refresh(self.focus_content)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
