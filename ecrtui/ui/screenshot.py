"""Where the palette's Screenshot goes: a directory that exists.

Textual saves into the platform's Downloads folder and fails with no reason when there is none (a server, a
container). ecrtui uses Downloads when it exists, else the working directory, else the temporary directory,
and says where the file went, or why it could not be written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platformdirs import user_downloads_path
from textual import events, on
from textual.app import App

from ecrtui.ui.error_report import one_line


def screenshot_directory(downloads: Path | None = None, cwd: Path | None = None) -> Path:
    """The first writable directory of: Downloads, the working directory, the temporary directory."""
    for candidate in (downloads or user_downloads_path(), cwd or Path.cwd()):
        if candidate.is_dir() and os.access(candidate, os.W_OK):
            return candidate
    return Path(tempfile.gettempdir())


class SavesScreenshots(App[int]):
    """Mixed into the App: the palette's Screenshot saved where a directory exists, or a reason why not."""

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        return super().deliver_screenshot(filename, path or str(screenshot_directory()), time_format)

    @on(events.DeliveryFailed)
    def _delivery_failed(self, event: events.DeliveryFailed) -> None:
        """Textual's own message gives no reason."""
        if event.name == "screenshot":
            event.prevent_default()
            self.notify(
                one_line(event.exception), title="Screenshot not saved", severity="error", markup=False
            )
