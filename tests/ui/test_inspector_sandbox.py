"""The inspector against the demo sandbox: details fetched through ``CachedEcr`` over real HTTP.

The demo seed is read-only and its content is looked up, not hard-coded: the test finds an index and a plain image
in the ``demo-dev`` registry and checks what the inspector shows against what the data layer returned.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.app import App, ComposeResult

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.manifests import ImageManifest
from ecrtui.ecr.models import ImageKind, ImageSummary, Repository
from ecrtui.ecr.service import EcrService
from ecrtui.ui.widgets.inspector import Inspector
from ecrtui.ui.widgets.inspector.layers_tab import LayersTab
from ecrtui.ui.widgets.inspector.manifest_tab import ManifestTab
from ecrtui.ui.widgets.inspector.platforms_tab import PlatformsTab

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class HostApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Inspector(clock=lambda: NOW)


def pilot_test(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (the project has no async pytest plugin)."""

    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


async def wait_until(pilot: Any, condition: Callable[[], bool], tries: int = 2000) -> None:
    """Let the app process messages until ``condition`` holds (bounded; sandbox calls go over HTTP)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


@pytest.fixture(scope="module")
def demo_images(demo_sandbox: Any) -> tuple[CachedEcr, list[tuple[Repository, ImageSummary]]]:
    session = demo_sandbox.session("demo-dev")
    service = EcrService("demo-dev", endpoint_url=demo_sandbox.endpoint_url, session=session, read_only=True)
    cached = CachedEcr(service)
    images = [
        (repository, image)
        for page in cached.iter_repository_pages()
        for repository in page
        for images_page in cached.iter_image_pages(repository.name)
        for image in images_page
    ]
    return cached, images


def first_of(
    images: list[tuple[Repository, ImageSummary]], kind: ImageKind
) -> tuple[Repository, ImageSummary]:
    for repository, image in images:
        if image.kind == kind and (kind != ImageKind.IMAGE or image.is_tagged):
            return repository, image
    pytest.fail(f"the demo seed has no {kind} image: the seed changed, or the listing lost it")


@pilot_test
async def test_image_from_sandbox(demo_images: Any) -> None:
    cached, images = demo_images
    repository, summary = first_of(images, ImageKind.IMAGE)
    app = HostApp()
    async with app.run_test(size=(120, 36)) as pilot:
        inspector = app.query_one(Inspector)
        inspector.load(cached, repository, summary)
        await wait_until(pilot, lambda: inspector.state in ("ready", "error"))
        assert inspector.state == "ready", inspector.status_text
        details = inspector.details
        assert details is not None
        assert isinstance(details.manifest, ImageManifest)
        assert app.query_one(ManifestTab).verified is True
        layers = [row for row in app.query_one(LayersTab).rows if row.is_layer]
        assert [row.digest for row in layers] == [layer.digest for layer in details.manifest.layers]


@pilot_test
async def test_index_from_sandbox_opens_a_platform(demo_images: Any) -> None:
    cached, images = demo_images
    repository, summary = first_of(images, ImageKind.INDEX)
    app = HostApp()
    async with app.run_test(size=(120, 36)) as pilot:
        inspector = app.query_one(Inspector)
        inspector.load(cached, repository, summary)
        await wait_until(pilot, lambda: inspector.state in ("ready", "error"))
        assert inspector.state == "ready", inspector.status_text
        platforms = app.query_one(PlatformsTab)
        assert platforms.rows
        real = [child for child in platforms.rows if not child.is_attestation]
        assert real
        assert platforms.rows[: len(real)] == real
        inspector.tabs.active = "tab-platforms"
        platforms.table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: inspector.depth == 2 and inspector.state == "ready")
        child = inspector.details
        assert child is not None
        assert child.summary.digest == real[0].descriptor.digest
        assert child.config is not None
        await pilot.press("escape")
        assert inspector.depth == 1
