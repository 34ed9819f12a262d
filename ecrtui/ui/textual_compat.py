"""The one place that uses Textual's private names, where Textual has no public API for what ecrtui needs.

Pinned to textual==8.2.8. ``tests/ui/test_textual_compat.py`` checks every private name used here, so a Textual
upgrade that renames or reshapes one fails there, loudly, instead of silently changing behaviour.

- ``UnhandledErrorHook``: Textual shows an unhandled exception as a traceback with local variables (which can hold
  credentials) and offers no public hook to replace it; ``App._fatal_error`` is the method that renders it and
  ``App._exception`` holds the exception. The replacement uses the public ``App.panic`` to print and exit.
"""

from __future__ import annotations

import sys
from typing import TypeVar

from rich.text import Text
from textual.app import App

ReturnType = TypeVar("ReturnType")

PRIVATE_APP_NAMES = ("_fatal_error", "_exception", "_handle_exception")
"""Textual ``App`` internals this module relies on (checked by the compat test)."""


class UnhandledErrorHook(App[ReturnType]):
    """An App whose unhandled exceptions print what ``unhandled_error_line`` says instead of a traceback."""

    def unhandled_error_line(self, error: BaseException) -> str | None:
        """The line to print when ``error`` stops the app; ``None`` keeps Textual's own crash screen."""
        return None

    def _fatal_error(self) -> None:
        """Called by ``App._handle_exception`` (with ``_exception`` set) for an exception nothing handled."""
        error = self._exception or sys.exc_info()[1]
        line = None if error is None else self.unhandled_error_line(error)
        if line is None:
            super()._fatal_error()
            return
        self.panic(Text(line))  # a Text, so brackets in the message are not read as markup
