"""Steps the App tests share: run an async scenario, wait for the app to start, open a repository, wait for the
inspector. Every wait is on a condition with a deadline (``wait_for`` from ``conftest``), never on time."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from textual.pilot import Pilot

from ecrtui.ui.app import EcrTuiApp

MakeApp = Callable[..., EcrTuiApp]
WaitFor = Callable[[Pilot[Any], Callable[[], object], str], Awaitable[None]]


def asynctest(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test body with ``asyncio.run`` (fixtures pass through; no asyncio plugin needed)."""

    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


async def started(pilot: Pilot[Any], wait_for: WaitFor) -> EcrTuiApp:
    """Wait until the open registry is identified and its repositories are listed."""
    app = pilot.app
    assert isinstance(app, EcrTuiApp)
    await wait_for(pilot, lambda: app.header.account != "", "the account in the header")
    await wait_for(
        pilot, lambda: app.repositories.repositories and not app.repositories.is_loading, "repositories"
    )
    return app


async def open_first_repository(pilot: Pilot[Any], wait_for: WaitFor) -> EcrTuiApp:
    """From a started app: enter on the highlighted repository, wait for its images (and grouping)."""
    app = await started(pilot, wait_for)
    assert app.focused is app.repositories.table
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, "images")
    return app


async def inspected(pilot: Pilot[Any], app: EcrTuiApp, wait_for: WaitFor) -> None:
    """Wait until the inspector shows the highlighted image."""

    def shown() -> bool:
        details = app.inspector.details
        return app.image is not None and details is not None and details.summary.digest == app.image.digest

    await wait_for(pilot, shown, "the inspector to show the highlighted image")


async def open_repository_named(pilot: Pilot[Any], name: str, wait_for: WaitFor) -> EcrTuiApp:
    """From the start: put the Repositories cursor on ``name`` with keys, ``enter``, wait for its images."""
    app = await started(pilot, wait_for)
    table = app.repositories.table
    await pilot.press("g")
    while table.highlighted_key != name:
        assert table.cursor < table.visible_count - 1, f"no repository {name}"
        await pilot.press("j")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, f"images of {name}")
    return app
