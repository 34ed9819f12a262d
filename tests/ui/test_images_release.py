"""Leaving a repository releases its listing except what the cache keeps (issue 12).

The Images pane over the real data layer and a sandbox of this module's own with three large repositories,
visited in turn; weak references tell which listings are still alive.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import weakref
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from ecrtui.ecr.cache import CachedEcr, ListingBudget
from ecrtui.ecr.listing import ImageListing
from ecrtui.ecr.models import Repository
from ecrtui.ecr.service import EcrService
from ecrtui.ui.widgets.images_pane import ImagesPane
from tests.conftest import SandboxProcess
from tests.ecr.pushing import push_many

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
WIDGETS = Path(__file__).parents[2] / "ecrtui" / "ui" / "widgets"
REPOSITORIES = ("visit/one", "visit/two", "visit/three")
IMAGES = 150


def pilot_test(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


async def wait_until(pilot: Pilot[None], condition: Callable[[], object], tries: int = 3000) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


class ImagesApp(App[None]):
    CSS_PATH: ClassVar[list[str | Path]] = [WIDGETS / "table_pane.tcss"]  # type: ignore[misc]

    def __init__(self) -> None:
        super().__init__()
        self.images = ImagesPane(clock=lambda: NOW)

    def compose(self) -> ComposeResult:
        yield self.images


@pytest.fixture(scope="module")
def three(rw_sandbox: SandboxProcess) -> SandboxProcess:
    client = rw_sandbox.session("demo-dev").client("ecr")
    for name in REPOSITORIES:
        client.create_repository(repositoryName=name)
        push_many(client, name, IMAGES)
    return rw_sandbox


def cache_for(sandbox: SandboxProcess, max_images: int) -> CachedEcr:
    return CachedEcr(
        EcrService(session=sandbox.session("demo-dev")), listing_budget=ListingBudget(max_images)
    )


async def visit(pilot: Pilot[None], app: ImagesApp, cache: CachedEcr, name: str) -> weakref.ref[ImageListing]:
    """Open a repository in the pane, wait for every image; a weak reference to the listing shown."""
    app.images.load(cache, Repository(registry_id="111111111111", name=name))
    await wait_until(pilot, lambda: not app.images.is_loading and app.images.image_count == IMAGES)
    listing = app.images.listing
    assert listing is not None
    return weakref.ref(listing)


@pilot_test
async def test_three_repositories_in_turn_keep_only_what_the_cache_bound_allows(three: Any) -> None:
    cache = cache_for(three, 2 * IMAGES + 50)
    app = ImagesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        listings = [await visit(pilot, app, cache, name) for name in REPOSITORIES]
        assert app.images.listing is cache.cached_listing(REPOSITORIES[2]), "one copy, shared with the cache"
        gc.collect()
        assert listings[0]() is None, "left, and evicted from the cache: released"
        assert listings[1]() is cache.cached_listing(REPOSITORIES[1]) is not None, "left, but cached"
        assert listings[2]() is app.images.listing
        assert cache.listing_budget.held_images <= cache.listing_budget.max_images


@pilot_test
async def test_without_a_cache_leaving_a_repository_releases_its_listing(three: Any) -> None:
    cache = cache_for(three, 0)
    app = ImagesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        first = await visit(pilot, app, cache, REPOSITORIES[0])
        second = await visit(pilot, app, cache, REPOSITORIES[1])
        gc.collect()
        assert first() is None
        assert second() is app.images.listing
        app.images.clear()
        gc.collect()
        assert second() is None, "nothing open, nothing cached: nothing held"
