"""The jobs panel: every job of the session (copies, backfills, replications) with its bar, rate, ETA and state.

It listens to the App's jobs controller (``ui/jobs.py``), which hands it every job's snapshot on the UI thread, and
redraws at most ``REDRAW_INTERVAL`` apart however fast jobs report (a copy reports every 100 kB of every blob): the
newest snapshots are kept and drawn at the next turn. The cursor is on a job; ``x`` cancels it (between parts; a
backfill is stopped at ECR), ``r`` runs a failed or cancelled job again. The lines are ``ui/job_lines.py``'s:
why the selected job failed is wrapped in full, the other jobs' reasons are cut to one line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Size
from textual.timer import Timer
from textual.widget import Widget

from ecrtui.jobs.model import JobSnapshot, JobState
from ecrtui.ui.actions import bindings_for
from ecrtui.ui.job_lines import JobLine, job_lines
from ecrtui.ui.jobs import JobsController

__all__ = ["REDRAW_INTERVAL", "JobsPanel"]

REDRAW_INTERVAL = 0.25
"""Seconds between two redraws at most 4 a second: enough to see bytes move, cheap whatever the event rate."""
MAX_LINES = 10
"""The panel grows with its lines up to this many (then scrolls to the selected job); ``max-height`` in the .tcss
keeps it to a third of a short terminal."""


class JobsPanel(Widget, can_focus=True):
    """A bordered list of jobs; the App shows it with ``J`` and when a job starts."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings_for("jobs")]

    def __init__(
        self,
        jobs: JobsController,
        *,
        on_leave: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        id: str | None = None,
    ) -> None:
        """``on_leave``: what ``esc`` does (the App's jobs view puts the focus back where it was)."""
        super().__init__(id=id)
        self._jobs = jobs
        self._leave = on_leave
        self._clock = clock
        self._latest: list[JobSnapshot] = []
        self.shown: list[JobSnapshot] = []
        """The snapshots drawn now (tests wait on them)."""
        self.redraws = 0
        """How many times the panel was redrawn (a bound the tests check)."""
        self._last_redraw = float("-inf")
        self._pending: Timer | None = None
        self._selected: str | None = None
        self._unsubscribe: Callable[[], None] | None = None

    # -- following the jobs ---------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._unsubscribe = self._jobs.subscribe(self._changed)
        self._latest = self._jobs.board.snapshots()
        self._redraw()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def _changed(self, snapshots: list[JobSnapshot]) -> None:
        """A job changed (UI thread): keep the newest snapshots; draw now or at the next turn."""
        self._latest = snapshots
        if self._pending is not None:
            return
        wait = self._last_redraw + REDRAW_INTERVAL - self._clock()
        if wait <= 0:
            self._redraw()
        else:
            self._pending = self.set_timer(wait, self._redraw)

    def _redraw(self) -> None:
        self._pending = None
        self._last_redraw = self._clock()
        self.redraws += 1
        known = {s.id for s in self.shown}
        self.shown = self._latest
        started = [s.id for s in self.shown if s.id not in known]
        if started:
            self._selected = started[-1]  # the job just started is the one the user wants to see
        elif self._selected not in {s.id for s in self.shown}:
            self._selected = self.shown[-1].id if self.shown else None
        self._update_titles()
        self.refresh(layout=True)

    def _update_titles(self, *, focused: bool | None = None) -> None:
        """The counts in the title; the keys that act now in the subtitle (only while the panel has the focus)."""
        focused = self.has_focus if focused is None else focused
        counts: dict[str, int] = {}
        for snapshot in self.shown:
            counts[snapshot.state.value] = counts.get(snapshot.state.value, 0) + 1
        order = [JobState.RUNNING, JobState.QUEUED, JobState.DONE, JobState.FAILED, JobState.CANCELLED]
        summary = " · ".join(f"{counts[s.value]} {s.value}" for s in order if counts.get(s.value))
        self.border_title = f"Jobs ({summary})" if summary else "Jobs"
        hints = [
            hint
            for action, hint in (("cancel_job", "x cancel"), ("retry_job", "r retry"))
            if focused and self.check_action(action, ())
        ]
        self.border_subtitle = " · ".join([*hints, "J hide"])
        self.refresh_bindings()

    # -- drawing --------------------------------------------------------------------------------------------

    @property
    def selected(self) -> JobSnapshot | None:
        """The job under the cursor."""
        return next((s for s in self.shown if s.id == self._selected), None)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As tall as its lines (one for "No jobs yet") when nothing runs; ``MAX_LINES`` while a job runs (its
        in-flight rows come and go: the layout should not jump)."""
        if any(not s.state.is_final for s in self.shown):
            return MAX_LINES
        lines = job_lines(self.shown, width, self._selected) if self.shown else []
        return max(1, min(MAX_LINES, len(lines)))

    def render(self) -> Content:
        if not self.shown:
            return Content.styled(
                "No jobs yet: c on an image copies it; copies and backfills show here", "$text-muted"
            )
        region = self.content_region
        lines = job_lines(self.shown, region.width or self.size.width, self._selected)
        height = max(1, region.height or self.size.height)
        visible = _window(lines, self._selected, height)
        return Content("\n").join(self._line(line) for line in visible)

    def _line(self, line: JobLine) -> Content:
        content = Content.assemble(*line.parts)
        if line.header and line.job_id == self._selected:
            content = content.stylize("on $primary-muted" if self.has_focus else "on $boost")
        return content

    def on_focus(self) -> None:
        self._update_titles(focused=True)
        self.refresh()

    def on_blur(self) -> None:
        self._update_titles(focused=False)
        self.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``x`` and ``r`` show in the footer only when the selected job can be cancelled or retried."""
        if action not in ("cancel_job", "retry_job"):
            return True
        if self._selected is None:
            return False
        try:
            state = self._jobs.board.get(self._selected).state  # now, not as last drawn
        except KeyError:
            return False
        if action == "cancel_job":
            return not state.is_final
        return state in (JobState.FAILED, JobState.CANCELLED)

    # -- keys -----------------------------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """``j``/``k``: the next or previous job (newest at the top)."""
        order = [s.id for s in reversed(self.shown)]
        if not order:
            return
        index = order.index(self._selected) if self._selected in order else 0
        self._selected = order[max(0, min(len(order) - 1, index + step))]
        self._update_titles()
        self.refresh(layout=True)  # the selected job's reasons wrap in full: its height changes

    def action_cancel_job(self) -> None:
        """``x``: stop the selected job between parts (nothing happens to one that ended)."""
        job = self.selected
        if job is None or job.state.is_final:
            self.app.bell()
            return
        self._jobs.cancel(job.id)

    def action_retry_job(self) -> None:
        """``r``: run a failed or cancelled job again."""
        job = self.selected
        if job is None or not self._jobs.retry(job.id):
            self.app.notify(
                "Only a failed or cancelled job can be retried", title="Retry", severity="warning"
            )

    def action_leave(self) -> None:
        """``esc``: back to the pane you were in."""
        if self._leave is not None:
            self._leave()


def _window(lines: list[JobLine], selected: str | None, height: int) -> list[JobLine]:
    """The lines that fit, scrolled so the selected job's lines are on screen (its header first)."""
    if len(lines) <= height:
        return lines
    start = next((n for n, line in enumerate(lines) if line.header and line.job_id == selected), 0)
    end = start + 1
    while end < len(lines) and not lines[end].header:
        end += 1
    first = 0 if end <= height else min(start, len(lines) - height)
    return lines[first : first + height]
