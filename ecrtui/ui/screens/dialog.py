"""The base of the management dialogs: a centred modal box with the dialogs' shared styles.

The styles live in ``dialogs.tcss`` next to this file and are loaded as the class's default CSS, so every dialog
(and a test app that pushes one) gets them without listing the file in the App's ``CSS_PATH``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from textual.screen import ModalScreen

__all__ = ["Dialog"]

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal dialog that answers ``T`` (``None``: cancelled or closed)."""

    DEFAULT_CSS = (Path(__file__).parent / "dialogs.tcss").read_text(encoding="utf-8")
