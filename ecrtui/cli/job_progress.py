"""Show a job's progress on stderr while a headless command runs it: Rich bars on a terminal, plain lines otherwise.

The one progress renderer of the CLI: ``ecrtui copy`` and ``ecrtui replication ... --wait`` both run their work as a
job of the jobs model (``ecrtui.jobs.model``) and show it here, drawn from the board's snapshots, the same data the
app's jobs panel shows, rate and ETA included. Plain lines are for logs and CI: one line when the job's news
changes and one per item that finished, failed or was cancelled, never a carriage return. A copy's news is its
phase (``blobs``, ``manifests: put image``); a replication's is ECR's own sentence, which names its state
(``19 of 45 replicated to eu-west-1 (222222222222)``). Rich is imported only when a terminal is attached.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress
from ecrtui.jobs.model import JobBoard, JobKind, JobSnapshot
from ecrtui.jobs.text import format_amount, format_eta, format_rate

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "JobDisplay",
    "PlainDisplay",
    "RichDisplay",
    "format_eta",
    "format_rate",
    "item_line",
    "job_display",
    "news_line",
]


def news_line(kind: JobKind, progress: JobProgress) -> str | None:
    """What a plain line says about a job's totals: a copy's phase (with its message), ECR's sentence for a
    replication; None for a copy's final ``done`` (the command prints its own summary)."""
    if kind is JobKind.COPY:
        if progress.phase == "done":
            return None
        return progress.phase + (f": {progress.message}" if progress.message else "")
    return progress.message or progress.phase


def item_line(item: ItemProgress) -> str:
    """``layer 1/2 (2.0 MB): done``; ``web/api:v1 failed: ReplicateImageAccessDenied: ...`` when there is a why."""
    if item.detail:
        return f"{item.label} {item.state.value}: {item.detail}"
    return f"{item.label}: {item.state.value}"


def _reported(item: ItemProgress) -> bool:
    """Items worth a line of their own: the ones that finished, failed or were cancelled (a manifest put is
    already in the news line)."""
    if item.key.startswith("manifest:") and item.state is ItemState.DONE:
        return False
    return item.state in (ItemState.DONE, ItemState.FAILED, ItemState.CANCELLED)


class JobDisplay(Protocol):
    def __enter__(self) -> JobDisplay: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...


class PlainDisplay:
    """One line per change of the job's news and per item that finished, failed or was cancelled."""

    def __init__(self, board: JobBoard, prefix: str, stream: TextIO) -> None:
        self._board = board
        self._prefix = prefix
        self._stream = stream
        self._lock = threading.Lock()
        self._news: dict[str, str] = {}
        self._reported: set[tuple[str, str]] = set()
        self._unsubscribe: Any = None

    def __enter__(self) -> PlainDisplay:
        self._unsubscribe = self._board.subscribe(self._changed)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def _say(self, text: str) -> None:
        print(f"{self._prefix}: {text}", file=self._stream, flush=True)

    def _changed(self, snapshot: JobSnapshot) -> None:
        with self._lock:
            for item in snapshot.items:
                mark = (item.key, item.state.value)
                if _reported(item) and mark not in self._reported:
                    self._reported.add(mark)
                    self._say(item_line(item))
            progress = snapshot.progress
            line = news_line(snapshot.kind, progress) if progress is not None else None
            if line is not None and self._news.get(snapshot.id) != line:
                self._news[snapshot.id] = line
                self._say(line)


class RichDisplay:
    """A bar for the job (amount, rate, ETA, ECR's words for a replication) and one for each item in flight, on
    stderr; failed items are printed above the bars."""

    def __init__(self, board: JobBoard, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn
        from rich.table import Column

        def fixed(field: str) -> TextColumn:
            return TextColumn(field, markup=False, table_column=Column(no_wrap=True))

        self._board = board
        self._progress = Progress(
            fixed("{task.description}"),  # markup off: "[done]" is text, not a Rich style
            BarColumn(bar_width=24),
            fixed("{task.fields[amount]}"),
            fixed("{task.fields[rate]}"),
            fixed("{task.fields[eta]}"),
            _news_column_type()(),
            console=Console(file=stream),
            transient=False,
        )
        self._lock = threading.Lock()
        self._jobs: dict[str, Any] = {}
        self._items: dict[str, Any] = {}
        self._failures: set[str] = set()
        self._unsubscribe: Any = None

    def __enter__(self) -> RichDisplay:
        self._progress.start()
        self._unsubscribe = self._board.subscribe(self._changed)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._progress.stop()

    def _changed(self, snapshot: JobSnapshot) -> None:
        with self._lock:
            self._job_bar(snapshot)
            unit = snapshot.progress.unit if snapshot.progress is not None else "bytes"
            for item in snapshot.items:
                if item.state is ItemState.FAILED and item.key not in self._failures:
                    self._failures.add(item.key)
                    self._progress.console.print(f"✗ {item_line(item)}", style="red", markup=False)
                self._item_bar(item, unit)

    def _job_bar(self, snapshot: JobSnapshot) -> None:
        progress = snapshot.progress
        done, total = (progress.done, progress.total) if progress is not None else (0, 0)
        unit = progress.unit if progress is not None else "bytes"
        fields: dict[str, Any] = {
            "amount": format_amount(done, total, unit) if progress is not None else "",
            "rate": format_rate(snapshot.rate, unit),
            "eta": f"ETA {format_eta(snapshot.eta)}" if snapshot.eta is not None else "",
            "news": progress.message if progress is not None and snapshot.kind is not JobKind.COPY else "",
        }
        phase = progress.phase if progress is not None else snapshot.state.value
        description = f"{snapshot.title} [{phase}]"
        task = self._jobs.get(snapshot.id)
        if task is None:
            self._jobs[snapshot.id] = self._progress.add_task(
                description, total=total or None, completed=done, **fields
            )
        else:
            self._progress.update(
                task, description=description, total=total or None, completed=done, **fields
            )

    def _item_bar(self, item: ItemProgress, unit: str) -> None:
        task = self._items.get(item.key)
        moving = not item.state.is_final and item.state is not ItemState.PENDING
        amount = format_amount(item.done, item.total, unit if unit == "bytes" else "items")
        if moving and task is None:
            self._items[item.key] = self._progress.add_task(
                f"  {item.label} [{item.state}]",
                total=item.total or None,
                completed=item.done,
                amount=amount,
                rate="",
                eta="",
                news="",
            )
        elif task is not None and moving:
            self._progress.update(
                task, completed=item.done, description=f"  {item.label} [{item.state}]", amount=amount
            )
        elif task is not None:
            self._progress.remove_task(task)
            del self._items[item.key]


def _news_column_type() -> type[Any]:
    """A column for ECR's words that takes the room left and is cut short with an ellipsis, never wrapped and
    never squeezing the numbers (defined on first use: Rich is imported only for a terminal)."""
    from rich.progress import ProgressColumn, Task
    from rich.table import Column
    from rich.text import Text

    class NewsColumn(ProgressColumn):
        def __init__(self) -> None:
            super().__init__(table_column=Column(ratio=1))

        def render(self, task: Task) -> Text:
            return Text(str(task.fields.get("news", "")), no_wrap=True, overflow="ellipsis")

    return NewsColumn


def job_display(
    board: JobBoard, command: str, stream: TextIO | None = None, *, prefix: str | None = None
) -> JobDisplay:
    """Rich bars when ``stream`` (stderr by default) is a terminal, plain lines otherwise, each starting with
    ``prefix`` (default ``ecrtui COMMAND``)."""
    out = stream or sys.stderr
    if out.isatty():
        return RichDisplay(board, out)
    return PlainDisplay(board, prefix or f"ecrtui {command}", out)
