"""Steps the copy dialog and jobs panel tests share: an App on any sandbox, put the cursor on an image, open the
dialog with ``c`` and wait for its plan. Every wait is on a condition with a deadline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.screens.copy_dialog import CopyDialog
from ecrtui.ui.widgets.copy_plan import CopyPlanView
from ecrtui.ui.widgets.jobs_panel import JobsPanel
from tests.conftest import SandboxProcess
from tests.ui.app_steps import WaitFor, started
from tests.ui.conftest import fixed_clock

SIZE = (120, 36)


def app_on(sandbox: SandboxProcess, settings: Settings | None = None, profile: str = "demo-dev") -> EcrTuiApp:
    """The App on ``sandbox``'s profiles (never the user's), with the tests' fixed clock."""
    files = AwsFiles(Path(sandbox.config_file), Path(sandbox.credentials_file))
    app = EcrTuiApp(
        settings or Settings(),
        aws_files=files,
        open_registry=RegistryEntry(profile=profile),
        clock=fixed_clock,
    )
    app.animation_level = "none"
    return app


async def highlight(pilot: Pilot[Any], wait_for: WaitFor, repository: str, tag: str) -> EcrTuiApp:
    """Start, open ``repository`` and put the Images cursor on the image tagged ``tag``."""
    app = await started(pilot, wait_for)
    target = next(r for r in app.repositories.repositories if r.name == repository)
    app.repositories.table.move_cursor_to_key(target.name)
    app.open_repository(target)
    await wait_for(
        pilot,
        lambda: app.repository == target and app.images.summaries and not app.images.is_loading,
        f"the images of {repository}",
    )
    summary = next(s for s in app.images.summaries if tag in s.tags)
    key = next(k for k in app.images.table.visible_keys if k.endswith(summary.digest))
    app.images.table.move_cursor_to_key(key)
    await wait_for(pilot, lambda: app.image == summary, f"{repository}:{tag} highlighted")
    return app


async def three_marked(pilot: Pilot[Any], wait_for: WaitFor) -> EcrTuiApp:
    """Start, open web/frontend and mark three images with ``space`` from ``latest`` down."""
    app = await highlight(pilot, wait_for, seed.FRONTEND_REPOSITORY, "latest")
    app.images.table.focus()
    await pilot.press("space", "j", "space", "j", "space")
    await wait_for(pilot, lambda: len(app.images.marked_images) == 3, "three marked")
    return app


def dialog_of(app: EcrTuiApp) -> CopyDialog:
    screen = app.screen
    assert isinstance(screen, CopyDialog), f"the copy dialog is not open ({type(screen).__name__} is)"
    return screen


def plan_text(app: EcrTuiApp) -> str:
    return dialog_of(app).query_one("#copy-plan", CopyPlanView).text


async def planned(pilot: Pilot[Any], wait_for: WaitFor, what: str = "the plan") -> CopyDialog:
    """Wait until the dialog shows a plan (or says why it cannot)."""
    app = pilot.app
    assert isinstance(app, EcrTuiApp)
    await wait_for(pilot, lambda: isinstance(app.screen, CopyDialog), "the copy dialog")
    dialog = dialog_of(app)
    await wait_for(pilot, lambda: dialog.preview is not None or dialog.failure is not None, what)
    return dialog


async def open_dialog(pilot: Pilot[Any], wait_for: WaitFor) -> CopyDialog:
    """``c`` on the highlighted image, then its first plan."""
    await pilot.press("c")
    return await planned(pilot, wait_for)


def panel_of(app: EcrTuiApp) -> JobsPanel:
    return app.query_one("#jobs", JobsPanel)
