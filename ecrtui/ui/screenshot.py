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


def screenshot_directory(downloads: Path | None = None, cwd: Path | None = None) -> Path:
    """The first writable directory of: Downloads, the working directory, the temporary directory."""
    for candidate in (downloads or user_downloads_path(), cwd or Path.cwd()):
        if candidate.is_dir() and os.access(candidate, os.W_OK):
            return candidate
    return Path(tempfile.gettempdir())
