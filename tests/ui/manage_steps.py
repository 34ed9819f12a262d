"""Steps the management tests share: an App on a read-write sandbox writing to a test audit log, a repository of
the test's own, and waits on the review, outcome and listings. Every wait is on a condition with a deadline.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.manage import AuditLog
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.manage import ManageController
from tests.conftest import SandboxProcess
from tests.ui.app_steps import WaitFor, started
from tests.ui.conftest import fixed_clock

S = TypeVar("S", bound=Screen[Any])

_names = itertools.count()

MakeRwApp = Callable[..., EcrTuiApp]


def unique_repository(prefix: str = "manage/ui") -> str:
    """A repository name no other test of the session uses."""
    return f"{prefix}-{next(_names)}"


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "audit.jsonl"


@pytest.fixture
def make_rw_app(rw_sandbox: SandboxProcess, audit_path: Path) -> MakeRwApp:
    """An App on the module's read-write sandbox (``demo-dev``), recording changes in ``audit_path``."""
    files = AwsFiles(Path(rw_sandbox.config_file), Path(rw_sandbox.credentials_file))

    def make(settings: Settings | None = None, profile: str = "demo-dev") -> EcrTuiApp:
        app = EcrTuiApp(
            settings or Settings(),
            clock=fixed_clock,
            aws_files=files,
            open_registry=RegistryEntry(profile=profile),
        )
        app.animation_level = "none"
        manage(app).audit = AuditLog(audit_path)
        return app

    return make


@pytest.fixture
def ecr(rw_sandbox: SandboxProcess) -> Any:
    """Plain boto3 on the sandbox, to set up and check state without the code under test."""
    return rw_sandbox.session("demo-dev").client("ecr")


def manage(app: EcrTuiApp) -> ManageController:
    controller = app.feature_controllers["manage"]
    assert isinstance(controller, ManageController)
    return controller


async def wait_screen(pilot: Pilot[Any], kind: type[S], wait_for: WaitFor) -> S:
    """Wait until a screen of ``kind`` is on top, and for it to settle."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, kind), kind.__name__)
    await pilot.pause()
    return cast(S, app.screen)


async def back_to_browser(pilot: Pilot[Any], wait_for: WaitFor) -> None:
    """Wait until every dialog is closed."""
    app = pilot.app
    await wait_for(pilot, lambda: len(app.screen_stack) == 1, "the dialogs to close")


async def open_repository(pilot: Pilot[Any], name: str, wait_for: WaitFor) -> EcrTuiApp:
    """From the start: refresh the repositories (the test created its own), open ``name`` with keys, focus its
    images."""
    app = await started(pilot, wait_for)
    if not any(r.name == name for r in app.repositories.repositories):
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: (
                any(r.name == name for r in app.repositories.repositories) and not app.repositories.is_loading
            ),
            f"repository {name} listed",
        )
    app.repositories.show_repository(name)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            app.repository is not None
            and app.repository.name == name
            and not app.images.is_loading
            and app.images.table.row_count > 0
        ),
        f"images of {name}",
    )
    return app


async def highlight(pilot: Pilot[Any], app: EcrTuiApp, digest: str, wait_for: WaitFor) -> None:
    """Put the Images cursor on an image (by digest)."""
    assert app.images.table.move_cursor_to_key(digest), "the image is listed"
    await wait_for(
        pilot, lambda: app.image is not None and app.image.digest == digest, "the image highlighted"
    )


def audit_entries(path: Path) -> list[Any]:
    return AuditLog(path).read()
