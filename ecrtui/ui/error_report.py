"""Turning exceptions into what a person reads: a title by kind, one line, and a log entry.

Pure Python (no Textual) so the titles are unit-testable and so classifying an error never imports boto3: the
kind is read from the exception's class names, which the data layer's ``EcrError`` hierarchy fixes.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# EcrError subclass name → notification title (docs/architecture.md, ecrtui/ecr/errors.py).


@dataclass(frozen=True)
class ErrorEntry:
    """One failure in the session error log (``!``)."""

    time: datetime
    title: str
    message: str
    context: str = ""
    request_id: str | None = None
    detail: str = ""
    """Extra text for the error screen: the exception type, and the traceback for unexpected failures."""

    def as_text(self) -> str:
        """Plain text for the clipboard: everything a bug report needs, nothing secret."""
        lines = [
            f"time: {self.time.isoformat()}",
            f"title: {self.title}",
            f"message: {self.message}",
        ]
        if self.context:
            lines.append(f"while: {self.context}")
        if self.request_id:
            lines.append(f"request id: {self.request_id}")
        if self.detail:
            lines.append(self.detail)
        return "\n".join(lines)


def is_expected(error: BaseException) -> bool:
    """True for the data layer's translated errors (an ``EcrError`` anywhere in the class hierarchy)."""
    return any(cls.__name__ == "EcrError" for cls in type(error).__mro__)


def title_for(error: BaseException) -> str:
    """The notification title for this error's kind: the data layer's own ``title`` (one source of wording)."""
    own = getattr(type(error), "title", None)
    if is_expected(error) and isinstance(own, str) and own:
        return own
    return "Error" if is_expected(error) else "Unexpected error"


def one_line(error: BaseException) -> str:
    """The first line of the error's message, or its type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def make_entry(error: BaseException, context: str, now: datetime) -> ErrorEntry:
    """A log entry: expected errors keep their own message; unexpected ones also keep the traceback."""
    request_id = getattr(error, "request_id", None)
    detail = f"type: {type(error).__module__}.{type(error).__qualname__}"
    own_details = getattr(error, "details", None)
    if is_expected(error) and isinstance(own_details, str):
        # The data layer's details repeat the message and request id shown above: keep the rest.
        extra = [line for line in own_details.splitlines()[1:] if not line.startswith("Request id:")]
        detail = "\n".join([*extra, detail])
    if not is_expected(error):
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        detail = f"{detail}\n{trace.rstrip()}"
    return ErrorEntry(
        time=now,
        title=title_for(error),
        message=one_line(error),
        context=context,
        request_id=request_id if isinstance(request_id, str) else None,
        detail=detail,
    )


def write_crash_report(error: BaseException, directory: Path | None = None) -> Path:
    """Write the traceback of an unexpected crash to a file readable by the owner only; return its path.

    The terminal gets one line pointing here. No local variables are written (a default Textual crash screen
    shows them, and they can hold credentials).
    """
    directory = directory or Path(tempfile.gettempdir())
    path = directory / f"ecrtui-crash-{os.getpid()}.log"
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
