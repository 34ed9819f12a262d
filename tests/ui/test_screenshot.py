"""The palette's Screenshot: saved to a directory that exists, and a failure says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList
from textual.pilot import Pilot

from ecrtui.ui import screenshot as app_module
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.screenshot import screenshot_directory
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, started

SIZE = (120, 36)


@pytest.fixture
def no_downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with no Downloads folder (a server, a container); the working directory is ``work/``."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.chdir(work)
    return work


def test_the_directory_is_downloads_else_the_working_directory(tmp_path: Path) -> None:
    downloads, work = tmp_path / "Downloads", tmp_path / "work"
    work.mkdir()
    assert screenshot_directory(downloads, work) == work
    downloads.mkdir()
    assert screenshot_directory(downloads, work) == downloads
    assert screenshot_directory(tmp_path / "gone", tmp_path / "gone too").is_dir()  # the temporary directory


async def run_screenshot_command(pilot: Pilot[Any], app: EcrTuiApp, wait_for: WaitFor) -> None:
    """``:`` then "Screenshot" (Textual's system command) and ``enter``."""
    await pilot.press("colon")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "the palette")
    await pilot.press(*"Screenshot")
    await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "the command")
    await pilot.press("down", "enter")


@asynctest
async def test_screenshot_without_a_downloads_folder(
    make_app: MakeApp, wait_for: WaitFor, no_downloads: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        await run_screenshot_command(pilot, app, wait_for)
        await wait_for(pilot, lambda: list(no_downloads.glob("*.svg")), "the SVG in the working directory")
        [saved] = no_downloads.glob("*.svg")
        await wait_for(
            pilot, lambda: any(str(saved) in str(n.message) for n in app._notifications), "where it was saved"
        )
        assert "<svg" in saved.read_text()


@asynctest
async def test_a_screenshot_that_cannot_be_written_says_why(
    make_app: MakeApp, wait_for: WaitFor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "screenshot_directory", lambda: tmp_path / "vanished")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        await run_screenshot_command(pilot, app, wait_for)
        await wait_for(
            pilot,
            lambda: any(n.title == "Screenshot not saved" for n in app._notifications),
            "the failure notification",
        )
        [note] = [n for n in app._notifications if n.title == "Screenshot not saved"]
        assert "No such file or directory" in note.message
        assert "vanished" in note.message
