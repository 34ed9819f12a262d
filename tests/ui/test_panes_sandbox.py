"""The list panes over the real data layer and the read-only demo sandbox (never mutated here)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.models import ImageKind, Repository
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox import seed
from ecrtui.ui.widgets.images_pane import ImagesPane
from ecrtui.ui.widgets.repositories_pane import RepositoriesPane

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
WIDGETS = Path(__file__).parents[2] / "ecrtui" / "ui" / "widgets"
DEV_ACCOUNT = "111111111111"


def pilot_test(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (the project has no async pytest plugin)."""

    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


async def wait_until(pilot: Pilot[None], condition: Callable[[], object], tries: int = 3000) -> None:
    """Let the app process messages until ``condition`` holds (bounded, no sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


class Browser(App[None]):
    """Repositories and Images side by side, wired like the real app: enter on a repository loads images."""

    CSS_PATH: ClassVar[list[str | Path]] = [WIDGETS / "table_pane.tcss"]  # type: ignore[misc]
    CSS = "Screen { layout: horizontal; } RepositoriesPane { width: 1fr; } ImagesPane { width: 2fr; }"

    def __init__(self, service: CachedEcr) -> None:
        super().__init__()
        self.service = service
        self.repositories = RepositoriesPane(clock=lambda: NOW)
        self.images = ImagesPane(clock=lambda: NOW)

    def compose(self) -> ComposeResult:
        yield self.repositories
        yield self.images

    def on_mount(self) -> None:
        self.repositories.load(self.service, DEV_ACCOUNT)
        self.repositories.focus()

    def on_repositories_pane_repository_selected(self, event: RepositoriesPane.RepositorySelected) -> None:
        self.images.load(self.service, event.repository)
        self.images.focus()


@pytest.fixture
def service(demo_sandbox: Any) -> CachedEcr:
    session = demo_sandbox.session("demo-dev")
    return CachedEcr(EcrService(profile="demo-dev", endpoint_url=demo_sandbox.endpoint_url, session=session))


def find(pane: RepositoriesPane, name: str) -> Repository:
    return next(repository for repository in pane.repositories if repository.name == name)


@pilot_test
async def test_repositories_of_the_demo_registry_sorted_by_name(service: CachedEcr) -> None:
    app = Browser(service)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: not app.repositories.is_loading)
        assert app.repositories.table.visible_keys == sorted(seed.DEV_REPOSITORIES, key=str.lower)
        row = app.repositories.table.get_row(seed.IMMUTABLE_REPOSITORY)
        assert row is not None
        assert row.cell_texts[2] == "immutable"
        assert app.repositories.border_title == f"Repositories ({len(seed.DEV_REPOSITORIES)})"


@pilot_test
async def test_enter_opens_a_multiarch_repository_with_platforms_under_the_index(service: CachedEcr) -> None:
    app = Browser(service)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: not app.repositories.is_loading)
        assert app.repositories.table.move_cursor_to_key(seed.MULTIARCH_REPOSITORY)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.images.is_grouped)
        images = app.images
        indexes = [s for s in images.summaries if s.kind is ImageKind.INDEX]
        assert indexes, "the multi-arch repository holds image indexes"
        keys = images.table.visible_keys
        tagged_index = next(s for s in indexes if seed.MULTIARCH_TAG in s.tags)
        position = keys.index(tagged_index.digest)
        child = images.table.get_row(keys[position + 1])
        assert child is not None
        assert child.classes == ("dim",)
        assert child.cell_texts[0].lstrip().startswith(("├", "└"))
        assert "linux/" in child.cell_texts[0] or "attestation" in child.cell_texts[0]
        top_level_untagged = [
            key for key in keys if (row := images.table.get_row(key)) and row.cell_texts[0] == "<untagged>"
        ]
        children = {key for key in keys if (row := images.table.get_row(key)) and row.classes == ("dim",)}
        assert not set(top_level_untagged) & children
        assert images.border_title == f"Images ({len(images.summaries):,}) · {seed.MULTIARCH_REPOSITORY}"


@pilot_test
async def test_switching_repositories_quickly_shows_only_the_last(service: CachedEcr) -> None:
    app = Browser(service)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: not app.repositories.is_loading)
        big = find(app.repositories, seed.BIG_REPOSITORY)
        api = find(app.repositories, seed.API_REPOSITORY)
        app.images.load(service, big, refresh=True)
        app.images.load(service, api, refresh=True)
        await wait_until(pilot, lambda: not app.images.is_loading)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.images.repository == api
        assert {s.repository_name for s in app.images.summaries} == {seed.API_REPOSITORY}
        assert app.images.table.row_count < seed.BIG_REPOSITORY_IMAGES


@pilot_test
async def test_a_320_image_repository_counts_every_image_and_filters(service: CachedEcr) -> None:
    app = Browser(service)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: not app.repositories.is_loading)
        app.images.load(service, find(app.repositories, seed.BIG_REPOSITORY))
        app.images.focus()
        await wait_until(pilot, lambda: not app.images.is_loading)
        assert len(app.images.summaries) == seed.BIG_REPOSITORY_IMAGES
        assert app.images.border_title == f"Images ({seed.BIG_REPOSITORY_IMAGES}) · {seed.BIG_REPOSITORY}"
        await pilot.press("G")
        assert app.images.table.cursor == app.images.table.visible_count - 1
        tagged = next(s for s in app.images.summaries if s.tags)
        await pilot.press("slash", *tagged.tags[0], "enter")
        assert tagged.digest in app.images.table.visible_keys
        assert app.images.table.visible_count < seed.BIG_REPOSITORY_IMAGES
