"""Pages that arrive while the user rests on the top row: the inspector is not made to chase every newest image.

A repository listed newest first gets a new top row with nearly every page while it loads (100,000 images: about
every other page). Each of those used to load the inspector (a fetch, its tabs hidden and shown, the footer
rebuilt), which took the UI time the listing needed (``bench/bench_app.py --idle``). The list tells the inspector
when pages, not the user, moved an image under the cursor (``arriving``), so it follows those at most once per
``ARRIVING_INTERVAL``, and catches up once the listing is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.sandbox.process import SandboxProcess
from ecrtui.ui.app import EcrTuiApp
from tests.ui.app_steps import WaitFor, asynctest, inspected, started
from tests.ui.conftest import fixed_clock

SIZE = (120, 36)
SCALE = ("--seed", "empty", "--scale-images", "4000", "--latency-ms", "300")
"""Four pages of 1,000, each 300 ms apart: the list grows (every 0.25 s) several times while it loads, and the
scale images were pushed in listing order, so each page brings a newer top row."""


def app_on(sandbox: SandboxProcess) -> EcrTuiApp:
    files = AwsFiles(Path(sandbox.config_file), Path(sandbox.credentials_file))
    app = EcrTuiApp(
        Settings(), aws_files=files, open_registry=RegistryEntry(profile="demo-dev"), clock=fixed_clock
    )
    app.animation_level = "none"
    return app


@asynctest
async def test_arriving_pages_are_told_apart_from_the_users_moves(
    sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor
) -> None:
    app = app_on(sandbox_factory(*SCALE))
    followed: list[tuple[str | None, bool, bool]] = []
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        inspector = app.inspector
        follow = inspector.follow

        def recording(service: Any, repository: Any, summary: Any, **kwargs: Any) -> None:
            digest = None if summary is None else summary.digest
            followed.append((digest, bool(kwargs.get("arriving")), app.images.is_loading))
            follow(service, repository, summary, **kwargs)

        inspector.follow = recording  # type: ignore[method-assign]
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: any(arriving for _, arriving, _ in followed), "a page to replace the top"
        )
        assert app.images.is_loading, "a replaced top row is seen while the pages still arrive"
        arriving = [(digest, loading) for digest, is_arriving, loading in followed if is_arriving]
        assert all(loading for _, loading in arriving), "only pages still arriving are 'arriving'"
        assert followed[0][1] is False, "the first image is followed as soon as it rests, not as an arrival"
        assert app.images.table.cursor == 0, "nobody moved: the cursor is on the newest image so far"

        await wait_for(pilot, lambda: not app.images.is_loading, "the whole listing")
        assert app.images.image_count == 4000
        await inspected(pilot, app, wait_for)  # the inspector caught up with the newest image
        assert app.image is not None
        assert app.inspector.details is not None
        assert app.inspector.details.summary.digest == app.image.digest

        before = len(followed)
        await pilot.press("j")
        await inspected(pilot, app, wait_for)
        assert followed[before:], "the key moved the cursor"
        assert all(not arriving for _, arriving, _ in followed[before:]), "a key press is the user's move"
