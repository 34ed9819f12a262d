"""Show a job's progress on stderr while a headless command runs it: Rich bars on a terminal, plain lines otherwise.

Both read the jobs model (``ecrtui.jobs.model``): they subscribe to the board and draw from snapshots, the same
data the app's jobs panel shows, rate and ETA included. Plain lines are for logs and CI: one line per phase and per
finished item, never a carriage return. Rich is imported only when a terminal is attached.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from ecrtui.jobs.events import ItemState
from ecrtui.jobs.model import JobBoard, JobSnapshot

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["JobDisplay", "PlainDisplay", "RichDisplay", "format_eta", "format_rate", "job_display"]


def format_rate(rate: float | None, unit: str) -> str:
    """``12.3 MB/s`` for bytes, ``4.0 images/s`` otherwise; empty when unknown."""
    if rate is None:
        return ""
    if unit == "bytes":
        import humanize

        return f"{humanize.naturalsize(rate)}/s"
    return f"{rate:.1f} {unit}/s"


def format_eta(seconds: float | None) -> str:
    """``1:05`` (minutes:seconds), ``1:02:03`` past an hour; empty when unknown."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class JobDisplay(Protocol):
    def __enter__(self) -> JobDisplay: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...


class PlainDisplay:
    """One line per phase change and per item that finished, failed or was cancelled."""

    def __init__(self, board: JobBoard, command: str, stream: TextIO) -> None:
        self._board = board
        self._command = command
        self._stream = stream
        self._lock = threading.Lock()
        self._phases: dict[str, str] = {}
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
        print(f"ecrtui {self._command}: {text}", file=self._stream, flush=True)

    def _changed(self, snapshot: JobSnapshot) -> None:
        with self._lock:
            progress = snapshot.progress
            if progress is not None:
                line = progress.phase + (f": {progress.message}" if progress.message else "")
                if self._phases.get(snapshot.id) != line and progress.phase not in ("done",):
                    self._phases[snapshot.id] = line
                    self._say(line)
            for item in snapshot.items:
                if item.key.startswith("manifest:") and item.state is ItemState.DONE:
                    continue  # the phase line already said which manifest is put
                if item.state in (ItemState.DONE, ItemState.FAILED, ItemState.CANCELLED):
                    mark = (item.key, item.state.value)
                    if mark not in self._reported:
                        self._reported.add(mark)
                        detail = f" ({item.detail})" if item.detail else ""
                        self._say(f"{item.label}: {item.state.value}{detail}")


class RichDisplay:
    """A bar for the job (bytes, rate, ETA) and one for each item in flight, on stderr."""

    def __init__(self, board: JobBoard, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self._board = board
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),  # "[done]" is text, not a Rich style
            BarColumn(),
            DownloadColumn(binary_units=False),
            TextColumn("{task.fields[rate]}", markup=False),
            TextColumn("{task.fields[eta]}", markup=False),
            console=Console(file=stream),
            transient=False,
        )
        self._lock = threading.Lock()
        self._jobs: dict[str, Any] = {}
        self._items: dict[str, Any] = {}
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
            progress = snapshot.progress
            done, total = (progress.done, progress.total) if progress is not None else (0, 0)
            phase = progress.phase if progress is not None else snapshot.state.value
            rate = format_rate(snapshot.rate, progress.unit if progress else "bytes")
            eta = f"ETA {format_eta(snapshot.eta)}" if snapshot.eta is not None else ""
            description = f"{snapshot.title} [{phase}]"
            task = self._jobs.get(snapshot.id)
            if task is None:
                self._jobs[snapshot.id] = self._progress.add_task(
                    description, total=total or None, completed=done, rate=rate, eta=eta
                )
            else:
                self._progress.update(
                    task, description=description, total=total or None, completed=done, rate=rate, eta=eta
                )
            for item in snapshot.items:
                task = self._items.get(item.key)
                moving = not item.state.is_final and item.state is not ItemState.PENDING
                if moving and task is None:
                    self._items[item.key] = self._progress.add_task(
                        f"  {item.label}", total=item.total or None, completed=item.done, rate="", eta=""
                    )
                elif task is not None and moving:
                    self._progress.update(
                        task, completed=item.done, description=f"  {item.label} [{item.state}]"
                    )
                elif task is not None:
                    self._progress.remove_task(task)
                    del self._items[item.key]


def job_display(board: JobBoard, command: str, stream: TextIO | None = None) -> JobDisplay:
    """Rich bars when ``stream`` (stderr by default) is a terminal, plain lines otherwise."""
    out = stream or sys.stderr
    if out.isatty():
        return RichDisplay(board, out)
    return PlainDisplay(board, command, out)
