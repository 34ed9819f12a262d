"""A repository's lifecycle policy: its rules in a table, and which images each rule would expire or archive now.

The screen's worker reads the policy, then asks ECR for a preview (``StartLifecyclePolicyPreview``, then
``GetLifecyclePolicyPreview`` until it is complete), both cached by ``CachedEcr`` until the repository's images or
policy change. The rules show at once; each rule's count fills in when the preview arrives, and the lower table
lists the images of the highlighted rule. Read-only: a preview changes nothing (it is allowed in read-only mode).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from ecrtui.ecr.errors import EcrError
from ecrtui.ecr.lifecycle import LifecyclePreview, LifecycleRule, PreviewResult, parse_lifecycle_policy
from ecrtui.ecr.refs import short_digest
from ecrtui.ui.actions import bindings_of
from ecrtui.ui.error_report import one_line
from ecrtui.ui.format import relative_time
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.screens.dialog import Dialog

if TYPE_CHECKING:
    from ecrtui.ecr.models import Repository

__all__ = ["NO_LIFECYCLE_TEXT", "LifecycleScreen", "LifecycleSource"]

NO_LIFECYCLE_TEXT = (
    "No lifecycle policy: ECR never expires or archives the images of this repository by itself."
)
RULE_COLUMNS = ("Rule", "Then", "Images now", "Selects", "When", "Description")
IMAGE_COLUMNS = ("Action", "Tags", "Digest", "Pushed", "Storage")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class LifecycleSource(Protocol):
    """What the screen reads (``CachedEcr``)."""

    def get_lifecycle_policy(self, name: str, registry_id: str | None = None) -> str | None: ...

    def preview_lifecycle_policy(
        self, name: str, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> LifecyclePreview: ...


def action_text(result: PreviewResult) -> str:
    """``expire`` or ``archive``."""
    return "archive" if result.action == "TRANSITION" else result.action.lower()


class LifecycleScreen(Dialog[None]):
    """Rules above, the highlighted rule's images below (``tab`` moves between the tables)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("view.close", "view.down", "view.up")

    class _Policy(Message):
        def __init__(self, rules: tuple[LifecycleRule, ...] | None) -> None:
            super().__init__()
            self.rules = rules

    class _Preview(Message):
        def __init__(self, preview: LifecyclePreview) -> None:
            super().__init__()
            self.preview = preview

    class _Failed(Message):
        def __init__(self, error: Exception, what: str) -> None:
            super().__init__()
            self.error = error
            self.what = what

    def __init__(
        self, source: LifecycleSource, repository: Repository, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        super().__init__()
        self._source = source
        self._repository = repository
        self._clock = clock
        self._rules: tuple[LifecycleRule, ...] = ()
        self._preview: LifecyclePreview | None = None

    @property
    def rules(self) -> tuple[LifecycleRule, ...]:
        return self._rules

    @property
    def preview(self) -> LifecyclePreview | None:
        """The preview once it arrived."""
        return self._preview

    @property
    def status_text(self) -> str:
        return str(self.query_one("#lifecycle-status", Static).content)

    @property
    def rules_table(self) -> DataTable[Text]:
        return self.query_one("#lifecycle-rules", DataTable)

    @property
    def images_table(self) -> DataTable[Text]:
        return self.query_one("#lifecycle-images", DataTable)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body -view", id="lifecycle-body") as body:
            body.border_title = f"Lifecycle policy of {self._repository.name}"
            body.border_subtitle = "tab: rules ↔ images · esc closes"
            yield Static("Reading the lifecycle policy…", id="lifecycle-status", classes="dialog-hint")
            yield DataTable(id="lifecycle-rules", cursor_type="row", classes="lifecycle-rules")
            yield Static(id="lifecycle-images-title", classes="dialog-label", markup=False)
            yield DataTable(id="lifecycle-images", cursor_type="row", classes="dialog-table")

    def on_mount(self) -> None:
        self.rules_table.add_columns(*RULE_COLUMNS)
        self.images_table.add_columns(*IMAGE_COLUMNS)
        self.rules_table.display = self.images_table.display = False
        self.query_one("#lifecycle-images-title", Static).display = False
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        """The policy (then its rules are shown), then the preview."""
        worker = get_current_worker()
        name, rid = self._repository.name, self._repository.registry_id
        try:
            text = self._source.get_lifecycle_policy(name, rid)
            rules = parse_lifecycle_policy(text) if text is not None else None
        except (EcrError, ValueError) as error:
            self.post_message(self._Failed(error, "reading the lifecycle policy"))
            return
        self.post_message(self._Policy(rules))
        if rules is None or worker.is_cancelled:
            return
        try:
            preview = self._source.preview_lifecycle_policy(name, rid, cancel=worker.cancelled_event)
        except Exception as error:  # reported by the App's error policy; the rules stay on screen
            if not worker.is_cancelled:
                self.post_message(self._Failed(error, "previewing the lifecycle policy"))
            return
        if not worker.is_cancelled:
            self.post_message(self._Preview(preview))

    @on(_Policy)
    def _policy(self, message: _Policy) -> None:
        status = self.query_one("#lifecycle-status", Static)
        if message.rules is None:
            status.update(NO_LIFECYCLE_TEXT)
            return
        self._rules = message.rules
        status.update("Asking ECR what the rules would do now (a preview changes nothing)…")
        self._fill_rules()
        self.rules_table.display = True
        self.rules_table.focus()

    def _fill_rules(self) -> None:
        table = self.rules_table
        row = table.cursor_row
        table.clear()
        for rule in self._rules:
            count = "…" if self._preview is None else str(len(self._preview.by_rule(rule.priority)))
            cells = (rule.action_text, count, rule.selection_text, rule.condition_text, rule.description)
            table.add_row(Text(str(rule.priority)), *map(Text, cells), key=str(rule.priority))
        table.move_cursor(row=min(row, max(len(self._rules) - 1, 0)))

    @on(_Preview)
    def _previewed(self, message: _Preview) -> None:
        preview = self._preview = message.preview
        self.query_one("#lifecycle-status", Static).update(
            f"Now the policy would expire {preview.expiring_count} and archive {preview.transitioning_count} "
            "images (ECR applies it within 24 hours):"
        )
        self._fill_rules()
        self.images_table.display = True
        self.query_one("#lifecycle-images-title", Static).display = True
        self._show_rule(self.rules_table.cursor_row)

    def _show_rule(self, row: int) -> None:
        """The images the rule on ``row`` would act on, in the lower table."""
        preview = self._preview
        if preview is None or not 0 <= row < len(self._rules):
            return
        rule = self._rules[row]
        results = preview.by_rule(rule.priority)
        title = self.query_one("#lifecycle-images-title", Static)
        count = len(results)
        title.update(
            f"Rule {rule.priority} would {rule.action_text} {count} image{'s' * (count != 1)}"
            + ("" if count else " now")
        )
        table = self.images_table
        table.clear()
        now = self._clock()
        for number, result in enumerate(results):
            cells = (
                action_text(result),
                ", ".join(result.tags) or "<untagged>",
                short_digest(result.digest),
                relative_time(result.pushed_at, now),
                (result.storage_class or "STANDARD").lower(),
            )
            table.add_row(*map(Text, cells), key=str(number))

    @on(DataTable.RowHighlighted, "#lifecycle-rules")
    def _rule_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_rule(event.cursor_row)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.query_one("#lifecycle-status", Static).update(
            f"{message.what.capitalize()} failed: {one_line(message.error)}"
        )
        self.app.post_message(EcrFailed(message.error, f"{message.what} of {self._repository.name}"))

    def action_move(self, step: int) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            if step > 0:
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
