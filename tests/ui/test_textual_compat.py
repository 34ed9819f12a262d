"""The private Textual names ``ecrtui.ui.textual_compat`` relies on still exist and still mean what it assumes.

These fail loudly on a Textual upgrade that renames or reshapes them, instead of ecrtui silently printing a
traceback with local variables again. The behaviour end to end is ``test_app``'s crash test.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from pathlib import Path

import pytest
from textual import __version__ as textual_version
from textual.app import App

from ecrtui.ui import textual_compat
from ecrtui.ui.textual_compat import PRIVATE_APP_NAMES, UnhandledErrorHook

UI_DIR = Path(textual_compat.__file__).parent


def test_textual_is_the_pinned_version() -> None:
    """A new Textual is its own change: re-check every name below, then move the pin (pyproject.toml)."""
    assert textual_version == "8.2.8"


@pytest.mark.parametrize("name", [n for n in PRIVATE_APP_NAMES if n != "_exception"])
def test_private_app_methods_exist(name: str) -> None:
    assert callable(getattr(App, name, None)), f"textual.app.App.{name} is gone"


def test_an_unhandled_exception_reaches_fatal_error_with_exception_set() -> None:
    """``_handle_exception`` records the exception in ``_exception`` and then calls ``_fatal_error``."""
    source = inspect.getsource(App._handle_exception)
    assert "self._exception = error" in source
    assert "self._fatal_error()" in source
    assert inspect.signature(App._fatal_error).parameters.keys() == {"self"}


def test_the_hook_prints_one_line_and_exits_with_code_1() -> None:
    """The real path: an exception in a handler ends ``run_test`` with the hook's line, not a traceback."""

    class Crashing(UnhandledErrorHook[int]):
        seen: list[BaseException] = []

        def unhandled_error_line(self, error: BaseException) -> str:
            self.seen.append(error)
            return f"stopped: {error} [not markup]"

        def on_mount(self) -> None:
            raise RuntimeError("boom")

    async def scenario() -> Crashing:
        app = Crashing()
        with pytest.raises(RuntimeError, match="boom"):
            async with app.run_test():
                pass
        return app

    app = asyncio.run(scenario())
    assert [str(error) for error in app.seen] == ["boom"]
    assert app.return_code == 1


def test_no_private_textual_name_outside_the_adapter() -> None:
    """Only ``textual_compat.py`` may name the private Textual attributes it wraps."""
    names = [*PRIVATE_APP_NAMES, "_exit_renderables", "_close_messages_no_wait", "_get_style"]
    used = re.compile(r"\.(" + "|".join(names) + r")\b")
    offenders = [
        f"{path.relative_to(UI_DIR)}: {match.group(1)}"
        for path in sorted(UI_DIR.rglob("*.py"))
        if path.name != "textual_compat.py"
        for match in used.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
