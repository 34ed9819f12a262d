"""The Replication tab: where ECR has replicated the inspected image, per destination, failures explained.

Loaded on demand: the tab reads ``DescribeImageReplicationStatus`` when it is shown (not for every image the cursor
passes), in a worker it owns (latest image wins), through the cache (a final status is kept until the rules, a
backfill or the repository's images change). When the image has no status, the registry's rules say why: no rule
covers its repository, or it predates the rules (a backfill replicates it). ``w`` (the replication controller)
watches it as a job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Hide, Show
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from ecrtui.ui.error_report import one_line
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.replication_text import (
    image_status_lines,
    image_status_summary,
    no_status_reason,
    status_style,
)
from ecrtui.ui.widgets.inspector.row_table import RowTable
from ecrtui.ui.widgets.inspector.view import crumb_label

if TYPE_CHECKING:
    from ecrtui.ecr.details import ImageDetails
    from ecrtui.ecr.replication import ImageReplication, ReplicationConfiguration, ReplicationDestination

__all__ = ["ReplicationSource", "ReplicationTab", "ReplicationTarget"]

_COLUMNS = ("Destination", "Status", "Failure code")


@runtime_checkable
class ReplicationSource(Protocol):
    """What the tab reads from (``CachedEcr``)."""

    @property
    def account_id(self) -> str: ...

    def get_image_replication(
        self, repository_name: str, reference: str, registry_id: str | None = None, *, refresh: bool = False
    ) -> ImageReplication: ...

    def get_replication_configuration(self, *, refresh: bool = False) -> ReplicationConfiguration: ...


@dataclass(frozen=True, slots=True)
class ReplicationTarget:
    """The image the tab is about."""

    repository_name: str
    digest: str
    registry_id: str
    label: str


NOT_REACHED = "added after this image was pushed; a backfill replicates it"


class ReplicationTab(Vertical):
    """A table of destinations and statuses, or why there are none."""

    DEFAULT_CSS = (Path(__file__).parent / "replication_tab.tcss").read_text(encoding="utf-8")

    class Loaded(Message):
        """The worker read the image's replication (and, for the caller's own registry, where its rules send
        the repository)."""

        def __init__(
            self,
            request: int,
            replication: ImageReplication,
            destinations: tuple[ReplicationDestination, ...] | None,
        ) -> None:
            super().__init__()
            self.request = request
            self.replication = replication
            self.destinations = destinations

    class Failed(Message):
        def __init__(self, request: int, message: str) -> None:
            super().__init__()
            self.request = request
            self.message = message

    def __init__(self) -> None:
        super().__init__(classes="tab-body")
        self._target: ReplicationTarget | None = None
        self._source: ReplicationSource | None = None
        self._loaded_for: ReplicationTarget | None = None
        """The target whose status is shown or on its way (nothing is read twice for one image)."""
        self._request = 0
        self._visible = False
        self.replication: ImageReplication | None = None
        """The status shown (None while loading, on failure, or before the tab was first shown)."""

    def compose(self) -> ComposeResult:
        yield Static(id="replication-heading", markup=False)
        yield RowTable(id="replication-statuses", cursor_type="row", zebra_stripes=False)
        yield Static(id="replication-notice", classes="notice", markup=False)
        yield Static(
            "w: watch until every destination is done (a job) · the replication view has the rules",
            id="replication-hint",
            markup=False,
        )

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#replication-statuses", DataTable)

    @property
    def target(self) -> ReplicationTarget | None:
        """The image the tab is about (the inspected one, a platform opened from an index included)."""
        return self._target

    @property
    def notice(self) -> str:
        return str(self.query_one("#replication-notice", Static).content)

    def on_mount(self) -> None:
        self.table.add_columns(*_COLUMNS)
        self.table.display = False

    def show(self, details: ImageDetails, source: object) -> None:
        """Be about this image; read its status now if the tab is on screen, else when it is shown."""
        summary = details.summary
        self._target = ReplicationTarget(
            details.repository.name,
            summary.digest or details.manifest.digest,
            summary.registry_id or details.repository.registry_id,
            crumb_label(details),
        )
        self._source = source if isinstance(source, ReplicationSource) else None
        if self._visible:
            self._load(refresh=False)

    def reload(self, *, refresh: bool = True) -> None:
        """Read the status again (``refresh``: past the cache), whether or not the tab is on screen."""
        self._loaded_for = None
        self._load(refresh=refresh)

    def stale(self) -> None:
        """The status shown may have changed (a backfill or a watch ended): read it again, now if on screen."""
        self._loaded_for = None
        if self._visible:
            self._load(refresh=False)

    def on_show(self, _event: Show) -> None:
        self._visible = True
        self._load(refresh=False)

    def on_hide(self, _event: Hide) -> None:
        self._visible = False

    def _load(self, *, refresh: bool) -> None:
        target = self._target
        if target is None or (target == self._loaded_for and not refresh):
            return
        self._loaded_for = target
        self._request += 1
        self.replication = None
        self.query_one("#replication-heading", Static).update(f"Replication of {target.label}")
        self.query_one("#replication-hint", Static).display = self._source is not None
        if self._source is None:
            self._say("Replication status is read from the open registry (none is open here).")
            return
        self._say("Reading the replication status…")
        self._read(self._source, target, self._request, refresh)

    def _say(self, message: str) -> None:
        self.table.display = False
        self.query_one("#replication-notice", Static).update(message)

    @work(thread=True, exclusive=True, group="inspector-replication", exit_on_error=False)
    def _read(
        self, source: ReplicationSource, target: ReplicationTarget, request: int, refresh: bool
    ) -> None:
        """``DescribeImageReplicationStatus`` off the UI thread; the rules only to explain an empty answer."""
        from ecrtui.ecr.errors import EcrError

        worker = get_current_worker()
        try:
            replication = source.get_image_replication(
                target.repository_name, target.digest, target.registry_id, refresh=refresh
            )
        except Exception as error:  # every failure becomes a message, never a traceback
            if not worker.is_cancelled:
                self.post_message(self.Failed(request, one_line(error)))
                self.post_message(EcrFailed(error, f"reading the replication of {target.label}"))
            return
        destinations: tuple[ReplicationDestination, ...] | None = None
        if target.registry_id == source.account_id:  # why none, or which destinations have no status yet
            try:
                destinations = source.get_replication_configuration().destinations_for(target.repository_name)
            except EcrError:
                destinations = None  # the rules cannot be read: say both possible reasons
        if not worker.is_cancelled:
            self.post_message(self.Loaded(request, replication, destinations))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        if message.request != self._request:
            return
        replication = message.replication
        self.replication = replication
        if not replication.statuses:
            self._say(no_status_reason(replication, message.destinations))
            return
        table = self.table
        table.clear()
        for destination, status, code in image_status_lines(replication):
            table.add_row(destination, Text(status, style=status_style(status)), code)
        reached = {status.destination for status in replication.statuses}
        missing = [d for d in message.destinations or () if d not in reached]
        for added in missing:  # a destination added to the rules after this image was pushed
            table.add_row(added.label, Text("not replicated", style="dim"), NOT_REACHED)
        table.display = True
        summary = image_status_summary(replication)
        if missing:
            summary += (
                f"; {len(missing)} more destination{'s' * (len(missing) != 1)} of the rules: {NOT_REACHED}"
            )
        self.query_one("#replication-notice", Static).update(summary)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        message.stop()
        if message.request == self._request:
            self._loaded_for = None  # showing it again tries again
            self._say(f"Could not read the replication status: {message.message}")
