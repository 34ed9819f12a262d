"""App-level fixtures: an EcrTuiApp wired to the read-only demo sandbox with a fixed clock.

The App reads the sandbox's profile files (never the user's) through injected paths, so tests do not touch
``os.environ``. Waiting is on conditions (bounded by a deadline), never on time.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pytest
from textual.pilot import Pilot

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ui.app import EcrTuiApp

FIXED_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DEADLINE_SECONDS = 30.0
"""An upper bound for a condition to come true (sandbox calls over HTTP); normally met in well under 1 s."""


def fixed_clock() -> datetime:
    return FIXED_NOW


class MakeApp(Protocol):
    def __call__(
        self, profile: str = "demo-dev", settings: Settings | None = None, **kwargs: Any
    ) -> EcrTuiApp: ...


@pytest.fixture
def make_app(demo_sandbox: Any) -> MakeApp:
    """Build an App on the demo sandbox: ``make_app("demo-prod", Settings(read_only=True))``."""
    files = AwsFiles(Path(demo_sandbox.config_file), Path(demo_sandbox.credentials_file))

    def make(profile: str = "demo-dev", settings: Settings | None = None, **kwargs: Any) -> EcrTuiApp:
        kwargs.setdefault("open_registry", RegistryEntry(profile=profile))
        kwargs.setdefault("aws_files", files)
        app = EcrTuiApp(settings or Settings(), clock=fixed_clock, **kwargs)
        app.animation_level = "none"
        return app

    return make


async def _wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition") -> None:
    """Let the app run until ``condition()`` is true; fail with ``what`` after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()


WaitFor = Callable[[Pilot[Any], Callable[[], object], str], Awaitable[None]]


@pytest.fixture
def wait_for() -> WaitFor:
    """``await wait_for(pilot, condition, "what")``: run the app until the condition holds (bounded)."""
    return _wait_for


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """The plugin's ``snap_compare`` with steady text cursors: an Input or TextArea blinks every 0.5 s, so on a
    busy machine the capture could land on either phase. Blinking is turned off (cursor shown) before capture."""

    def compare(
        app: Any, *args: Any, run_before: Callable[[Pilot[Any]], Any] | None = None, **kwargs: Any
    ) -> bool:
        async def steady(pilot: Pilot[Any]) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if isinstance(result, Awaitable):
                    await result
            for widget in pilot.app.screen.query("Input, TextArea"):
                widget.cursor_blink = False  # type: ignore[attr-defined]
            await pilot.pause()

        return snap_compare(app, *args, run_before=steady, **kwargs)

    return compare
