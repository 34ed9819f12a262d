"""The jobs panel's place in the App (``J``), and quitting while jobs run.

``J`` shows the panel and puts the focus in it; again, from inside, hides it and gives the focus back; starting a
job reveals it without taking the focus. Quitting with jobs queued or running asks first, naming them and saying
what cancelling does to each; on yes every job is cancelled and the App waits, responsive, until each has stopped
between parts (a copy never leaves a manifest or tag pointing at a missing blob; a backfill is stopped at ECR), then
exits. ``q`` again while waiting quits at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.widget import Widget

from ecrtui.jobs.model import JobKind, JobSnapshot
from ecrtui.ui.controller import Controller
from ecrtui.ui.screens.confirm import ConfirmScreen
from ecrtui.ui.widgets.jobs_panel import JobsPanel

if TYPE_CHECKING:
    from ecrtui.ui.app import EcrTuiApp

__all__ = ["AsksBeforeQuitting", "JobsView", "quit_question"]

_WHAT_CANCEL_DOES = {
    JobKind.COPY: "copies stop between parts: uploaded blobs stay, no manifest or tag is written; run them again "
    "to upload only what is missing",
    JobKind.BACKFILL: "backfills are stopped at ECR (StopReplicationBackfill): what ECR copied stays",
    JobKind.REPLICATION: "waits for replication stop watching: ECR goes on replicating",
}
NAMED_JOBS = 5
"""Jobs the question names one by one; the rest are counted."""


def quit_question(active: list[JobSnapshot]) -> tuple[str, str]:
    """The title and the message of the question asked before quitting with jobs running."""
    count = len(active)
    title = f"Quit with {count} job{'s' * (count != 1)} running?"
    lines = []
    for job in active[:NAMED_JOBS]:
        fraction = job.fraction
        where = f"{round(fraction * 100)}%" if fraction is not None else job.state.value
        lines.append(f"• {job.title} ({where})")
    if count > NAMED_JOBS:
        lines.append(f"• and {count - NAMED_JOBS} more")
    lines.append("")
    lines += [
        f"Quitting cancels them: {_WHAT_CANCEL_DOES[kind]}." for kind in dict.fromkeys(j.kind for j in active)
    ]
    return title, "\n".join(lines)


class JobsView(Controller):
    """Shows, focuses and hides the jobs panel; asks before quitting with jobs running."""

    def __init__(self, app: EcrTuiApp) -> None:
        super().__init__(app)
        self._return_to: Widget | None = None
        """Where the focus was before ``J`` (it goes back there)."""
        self._stopping = False
        self._unsubscribe: object = None

    def panel(self) -> JobsPanel:
        """A new panel for the App's layout (hidden until there is something to show)."""
        panel = JobsPanel(self.app.jobs, on_leave=self.leave, id="jobs")
        panel.display = False
        return panel

    @property
    def _panel(self) -> JobsPanel:
        return self.app.query_one("#jobs", JobsPanel)

    def show(self) -> None:
        """Reveal the panel (a job started); the focus stays where it is."""
        self._panel.display = True

    def toggle(self) -> None:
        """``J``: show and focus the panel; from inside it, hide it and give the focus back (not over a dialog)."""
        if self.app.screen is not self.app.screen_stack[0]:
            return
        panel = self._panel
        if panel.display and panel.has_focus:
            panel.display = False
            self.leave()
            return
        if not panel.has_focus:
            self._return_to = self.app.focused
        panel.display = True
        panel.screen.set_focus(panel)

    def leave(self) -> None:
        """``esc`` in the panel: back to the pane the focus came from."""
        target = self._return_to
        self._return_to = None
        if target is not None and target.is_attached and target.display:
            target.screen.set_focus(target)
        elif self.app.panes_ready:
            self.app.focus_pane(self.app.images)

    # -- quitting -------------------------------------------------------------------------------------------

    def quit(self) -> None:
        """``q``: exit, asking first while jobs run; a second ``q`` while they stop exits at once."""
        active = self.app.jobs.active
        if not active or self._stopping:
            self.app.exit()
            return
        if isinstance(self.app.screen, ConfirmScreen):
            return  # the question is already asked
        title, message = quit_question(active)
        self.app.push_screen(ConfirmScreen(title, message, "Cancel jobs and quit"), self._answered)

    def _answered(self, yes: bool | None) -> None:
        if not yes:
            return
        self._stopping = True
        count = self.app.jobs.cancel_all()
        self.show()
        self.app.notify(
            f"Stopping {count} job{'s' * (count != 1)} between parts, then quitting (q again quits at once)",
            title="Quitting",
        )
        self._unsubscribe = self.app.jobs.subscribe(lambda _snapshots: self._exit_when_stopped())
        self._exit_when_stopped()

    def _exit_when_stopped(self) -> None:
        if self._stopping and not self.app.jobs.active:
            self.app.exit()

    def stop(self) -> None:
        if callable(self._unsubscribe):
            self._unsubscribe()


class AsksBeforeQuitting(App[int]):
    """Mixed into the App: every way to quit (``q``, ``ctrl+q``, the palette's Quit) goes through the jobs view,
    which asks first while jobs run."""

    jobs_view: JobsView
    """Set by the App."""

    async def action_quit(self) -> None:
        self.jobs_view.quit()
