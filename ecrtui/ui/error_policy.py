"""The App's one error policy: every failure becomes a titled notification and an error-log entry, never a
traceback on the terminal.

Expected failures arrive as ``EcrFailed`` (panes, the inspector, controllers), unexpected ones as failed workers;
both end in ``report``. A crash that nothing handled prints one line and leaves its traceback in a file readable by
the owner only (``crash_line``; the hook into Textual is ``textual_compat.UnhandledErrorHook``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from ecrtui.ui.error_report import ErrorEntry, make_entry, one_line, write_crash_report

if TYPE_CHECKING:
    from ecrtui.ui.app import EcrTuiApp

ERROR_TOAST_SECONDS = 10
"""Errors stay on screen longer than the default toast: they are worth reading."""


class ErrorPolicy:
    """Keeps the session's error log and decides how each failure is shown."""

    def __init__(self, app: EcrTuiApp) -> None:
        self.app = app
        self.log: list[ErrorEntry] = []
        """Every failure of this session, oldest first (the ``!`` screen)."""

    def report(self, error: BaseException, context: str = "", *, notify: bool = True) -> None:
        """A titled notification (unless ``notify`` is false) and an error-log entry for ``error``
        (``context``: what was being done).

        The open repository not found (deleted outside the app) is only logged: the Images pane lists it again,
        finds it gone and says so once (``repository_gone``), instead of a toast per pane that tripped on it.
        """
        app, shown = self.app, self.app.repository
        if getattr(error, "code", None) == "RepositoryNotFoundException":
            # ECR: "The repository with name 'web/api' does not exist..."
            if shown is not None and f"'{shown.name}'" in str(error):
                notify = False
                if app.panes_ready and not app.images.is_loading:
                    app.open_repository(shown, refresh=True)
            elif app.panes_ready and app.images.gone is not None and f"'{app.images.gone}'" in str(error):
                notify = False  # a late answer about the repository already said to be gone
        self.record(make_entry(error, context, app.clock()), notify=notify)

    def record(self, entry: ErrorEntry, *, notify: bool = True) -> None:
        """Log an entry; notify unless told not to (throttling is a warning, the rest errors)."""
        self.log.append(entry)
        if notify:
            severity: SeverityLevel = "warning" if entry.title == "Throttled" else "error"
            self.app.notify(
                f"{entry.message}\n(! for details)",
                title=entry.title,
                severity=severity,
                timeout=ERROR_TOAST_SECONDS,
                markup=False,
            )

    def worker_changed(self, worker: Worker[object]) -> None:
        """A worker that ended in an exception nobody caught is reported, and the App keeps running."""
        if worker.state == WorkerState.ERROR and worker.error is not None:
            self.report(worker.error, f"background task {worker.name}")

    @staticmethod
    def crash_line(error: BaseException) -> str:
        """Write the crash report and return the one line the terminal gets (no traceback, no locals)."""
        try:
            where = f" (details: {write_crash_report(error)})"
        except OSError:
            where = ""
        return f"ecrtui stopped on an unexpected error: {one_line(error)}{where}"
