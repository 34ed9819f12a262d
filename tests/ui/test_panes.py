"""Pilot tests of the Repositories and Images panes over an in-memory service whose pages the test releases.

The fake service blocks each page on an event the test sets, so "first rows before the last page", "a stale
load never shows" and "append while navigating" are checked deterministically, without sleeps.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import threading
from collections.abc import Callable, Coroutine, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot

from ecrtui.ecr.batches import ManifestBatch
from ecrtui.ecr.errors import AccessDenied
from ecrtui.ecr.image_counts import ImageCount
from ecrtui.ecr.models import ImageSummary, MediaTypes, Repository, parse_manifest
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.widgets.images_pane import ImagesPane
from ecrtui.ui.widgets.repositories_pane import RepositoriesPane
from ecrtui.ui.widgets.virtual_table import VirtualTable

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
WIDGETS = Path(__file__).parents[2] / "ecrtui" / "ui" / "widgets"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
GATE_TIMEOUT = 30.0
"""Upper bound for a page the test forgot to release (the worker then ends instead of hanging)."""


def pilot_test(scenario: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (the project has no async pytest plugin)."""

    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(scenario(*args, **kwargs))

    return run


async def wait_until(pilot: Pilot[None], condition: Callable[[], object], tries: int = 500) -> None:
    """Let the app process messages until ``condition`` holds (bounded, no sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never held")


def digest(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


def image(
    repo: str, name: str, *, tags: tuple[str, ...] = (), days: int = 1, media_type: str = MANIFEST
) -> ImageSummary:
    return ImageSummary(
        registry_id="111111111111",
        repository_name=repo,
        digest=digest(f"{repo}/{name}"),
        tags=tags,
        size_bytes=1_000_000 * days,
        pushed_at=NOW - timedelta(days=days),
        manifest_media_type=media_type,
        artifact_media_type="application/vnd.oci.image.config.v1+json" if media_type == MANIFEST else None,
    )


def repository(name: str) -> Repository:
    return Repository(
        registry_id="111111111111",
        name=name,
        uri=f"111111111111.dkr.ecr.us-east-1.amazonaws.com/{name}",
        created_at=NOW - timedelta(days=len(name)),
    )


def index_manifest(children: list[tuple[str, str]]) -> Any:
    doc = {
        "schemaVersion": 2,
        "mediaType": INDEX,
        "manifests": [
            {
                "mediaType": MANIFEST,
                "digest": d,
                "size": 100,
                "platform": {"os": "linux", "architecture": arch},
            }
            for d, arch in children
        ],
    }
    return parse_manifest(json.dumps(doc).encode(), MediaTypes.OCI_INDEX)


class FakeService:
    """Pages per repository; each page waits for its gate when ``gated`` (the test sets the gates)."""

    def __init__(self, pages: dict[str, list[list[ImageSummary]]], *, gated: bool = False) -> None:
        self.pages = pages
        self.gates = {name: [threading.Event() for _ in value] for name, value in pages.items()}
        if not gated:
            for gates in self.gates.values():
                for gate in gates:
                    gate.set()
        self.manifests: dict[str, Any] = {}
        self.fail: Exception | None = None
        self.repositories: list[list[Repository]] = []
        self.calls: list[tuple[str, bool]] = []
        self.counts: dict[str, ImageCount] = {}
        self.counted: list[str] = []

    def release(self, name: str, page: int) -> None:
        self.gates[name][page].set()

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        image_status: str | None = None,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[ImageSummary]]:
        self.calls.append((repository_name, refresh))
        if self.fail is not None:
            raise self.fail
        for number, page in enumerate(self.pages[repository_name]):
            self.gates[repository_name][number].wait(GATE_TIMEOUT)
            if cancel is not None and cancel.is_set():
                return
            yield page

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        return ManifestBatch(manifests={d: self.manifests[d] for d in digests if d in self.manifests})

    def iter_repository_pages(
        self, registry_id: str | None = None, *, refresh: bool = False, cancel: threading.Event | None = None
    ) -> Iterator[list[Repository]]:
        if self.fail is not None:
            raise self.fail
        yield from self.repositories

    def count_images(
        self, repository_name: str, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> ImageCount | None:
        self.counted.append(repository_name)
        return self.counts.get(repository_name, ImageCount(0, complete=True))


class PaneApp(App[None]):
    """A harness holding one pane, recording the messages the pane posts."""

    CSS_PATH: ClassVar[list[str | Path]] = [WIDGETS / "table_pane.tcss"]  # type: ignore[misc]

    def __init__(self, pane: ImagesPane | RepositoriesPane) -> None:
        super().__init__()
        self.pane = pane
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.pane

    def on_mount(self) -> None:
        self.pane.focus()

    def on_images_pane_image_highlighted(self, message: ImagesPane.ImageHighlighted) -> None:
        self.messages.append(message)

    def on_images_pane_image_selected(self, message: ImagesPane.ImageSelected) -> None:
        self.messages.append(message)

    def on_images_pane_images_loaded(self, message: ImagesPane.ImagesLoaded) -> None:
        self.messages.append(message)

    def on_images_pane_images_marked(self, message: ImagesPane.ImagesMarked) -> None:
        self.messages.append(message)

    def on_images_pane_back_requested(self, message: ImagesPane.BackRequested) -> None:
        self.messages.append(message)

    def on_repositories_pane_repository_selected(self, message: RepositoriesPane.RepositorySelected) -> None:
        self.messages.append(message)

    def on_repositories_pane_repository_highlighted(
        self, message: RepositoriesPane.RepositoryHighlighted
    ) -> None:
        self.messages.append(message)

    def on_repositories_pane_repositories_loaded(self, message: RepositoriesPane.RepositoriesLoaded) -> None:
        self.messages.append(message)

    def on_ecr_failed(self, message: EcrFailed) -> None:
        self.messages.append(message)

    def of_type(self, kind: type[Message]) -> list[Any]:
        return [message for message in self.messages if isinstance(message, kind)]


def images_pane() -> ImagesPane:
    return ImagesPane(clock=lambda: NOW)


@pilot_test
async def test_first_page_shows_before_the_rest_and_the_title_counts() -> None:
    pages = [[image("web", f"p{p}-{n}", days=p * 10 + n + 1) for n in range(5)] for p in range(3)]
    service = FakeService({"web": pages}, gated=True)
    pane = images_pane()
    app = PaneApp(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.load(service, repository("web"))
        await pilot.pause()
        assert pane.border_title == "Images (0…) · web"
        service.release("web", 0)
        await wait_until(pilot, lambda: pane.table.row_count == 5)
        assert pane.is_loading
        assert pane.border_title == "Images (5…) · web"
        assert pane.table.highlighted_key == pages[0][0].digest, "newest first"
        await pilot.press("j", "j")  # navigate while more pages are coming
        service.release("web", 1)
        await wait_until(pilot, lambda: pane.table.row_count == 10)
        assert pane.table.highlighted_key == pages[0][2].digest, (
            "an append never moves the cursor off its row"
        )
        service.release("web", 2)
        await wait_until(pilot, lambda: not pane.is_loading)
        assert pane.border_title == "Images (15) · web"
        loaded = app.of_type(ImagesPane.ImagesLoaded)
        assert [(m.repository.name, m.count) for m in loaded] == [("web", 15)]
        assert pane.border_subtitle == "sort: pushed ↓"


@pilot_test
async def test_a_stale_load_never_shows() -> None:
    service = FakeService(
        {"slow": [[image("slow", "a")]], "fast": [[image("fast", "b"), image("fast", "c")]]}, gated=True
    )
    pane = images_pane()
    app = PaneApp(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.load(service, repository("slow"))
        await pilot.pause()
        pane.load(service, repository("fast"))
        service.release("fast", 0)
        await wait_until(pilot, lambda: not pane.is_loading)
        service.release("slow", 0)  # the old worker's page now arrives late
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert pane.repository is not None
        assert pane.repository.name == "fast"
        assert {s.repository_name for s in pane.summaries} == {"fast"}
        assert pane.table.row_count == 2
        assert pane.border_title == "Images (2) · fast"


@pilot_test
async def test_index_children_are_grouped_under_their_index_after_the_listing() -> None:
    amd, arm = image("web", "amd64", days=3), image("web", "arm64", days=3)
    index = image("web", "index", tags=("v1",), days=3, media_type=INDEX)
    plain = image("web", "plain", tags=("v0",), days=9)
    service = FakeService({"web": [[amd, index], [plain, arm]]})
    service.manifests[index.digest] = index_manifest([(amd.digest, "amd64"), (arm.digest, "arm64")])
    pane = images_pane()
    app = PaneApp(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.load(service, repository("web"))
        await wait_until(pilot, lambda: not pane.is_loading)
        assert pane.is_grouped, "a load is not over until the index children are grouped"
        assert pane.table.visible_keys == [index.digest, amd.digest, arm.digest, plain.digest]
        child = pane.table.get_row(amd.digest)
        assert child is not None
        assert child.classes == ("dim",)
        assert child.cell_texts[0] == "├ linux/amd64"
        assert pane.border_title == "Images (4) · web"
        await pilot.press("s")  # pushed ↑: the old plain image first, the group stays together
        assert pane.table.visible_keys == [plain.digest, index.digest, amd.digest, arm.digest]
        assert pane.border_subtitle == "sort: pushed ↑"


@pilot_test
async def test_filter_line_filters_live_enter_keeps_and_esc_clears() -> None:
    images = [
        image("web", f"i{n}", tags=(f"v{n}", "release" if n % 2 else "dev"), days=n + 1) for n in range(20)
    ]
    service = FakeService({"web": [images]})
    pane = images_pane()
    app = PaneApp(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.load(service, repository("web"))
        await wait_until(pilot, lambda: not pane.is_loading)
        await pilot.press("slash")
        assert pane.filter_input.display
        assert app.focused is pane.filter_input
        await pilot.press(*"release")
        assert pane.table.visible_count == 10
        assert pane.border_title == "Images (10 of 20) · web"
        await pilot.press("enter")
        assert app.focused is pane.table
        assert not pane.filter_input.display
        assert pane.table.filter_query == "release"
        assert "filter: release" in str(pane.border_subtitle)
        await pilot.press("slash")
        assert pane.filter_input.value == "release", "reopening shows the filter being applied"
        await pilot.press("escape")
        assert pane.table.filter_query == ""
        assert pane.table.visible_count == 20
        assert app.focused is pane.table
        await pilot.press("slash", "tilde", *"v19")
        assert pane.table.visible_keys == [images[19].digest]
        await pilot.press("enter", "escape")  # esc in the table clears the applied filter first
        assert pane.table.visible_count == 20
        await pilot.pause()
        assert not app.of_type(ImagesPane.BackRequested)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.of_type(ImagesPane.BackRequested))


@pilot_test
async def test_highlight_select_and_marks_report_image_summaries() -> None:
    images = [image("web", f"i{n}", tags=(f"v{n}",), days=n + 1) for n in range(5)]
    service = FakeService({"web": [images]})
    pane = images_pane()
    app = PaneApp(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.load(service, repository("web"))
        await wait_until(pilot, lambda: not pane.is_loading)
        await pilot.press("j")
        await wait_until(pilot, lambda: app.of_type(ImagesPane.ImageHighlighted)[-1].summary == images[1])
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.of_type(ImagesPane.ImageSelected))
        assert app.of_type(ImagesPane.ImageSelected)[-1].summary == images[1]
        await pilot.press("space", "space")
        assert pane.marked_images == [images[1], images[2]]
        assert "2 marked" in str(pane.border_subtitle)
        await wait_until(pilot, lambda: len(app.of_type(ImagesPane.ImagesMarked)) == 2)
        assert app.of_type(ImagesPane.ImagesMarked)[-1].summaries == [images[1], images[2]]


@pilot_test
async def test_errors_go_up_as_ecr_failed_and_loading_ends() -> None:
    service = FakeService({"web": [[]]})
    service.fail = AccessDenied("Access denied: ecr:DescribeImages on web")
    pane = images_pane()
    app = PaneApp(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.load(service, repository("web"))
        await wait_until(pilot, lambda: app.of_type(EcrFailed))
        await wait_until(pilot, lambda: not pane.is_loading)
        failure = app.of_type(EcrFailed)[0]
        assert isinstance(failure.error, AccessDenied)
        assert "web" in failure.context
        assert not app.of_type(ImagesPane.ImagesLoaded)


@pilot_test
async def test_refresh_is_passed_to_the_data_layer_and_clear_empties() -> None:
    service = FakeService({"web": [[image("web", "a")]]})
    pane = images_pane()
    app = PaneApp(pane)
    async with app.run_test(size=(120, 20)) as pilot:
        pane.load(service, repository("web"), refresh=True)
        await wait_until(pilot, lambda: not pane.is_loading)
        assert service.calls == [("web", True)]
        pane.clear()
        await pilot.pause()
        assert pane.table.row_count == 0
        assert pane.repository is None
        assert pane.border_title == "Images (0)"


@pilot_test
async def test_repositories_pane_loads_sorts_selects_and_fills_counts() -> None:
    service = FakeService({})
    service.repositories = [[repository("zeta"), repository("alpha")], [repository("mid")]]
    pane = RepositoriesPane(clock=lambda: NOW)
    app = PaneApp(pane)
    async with app.run_test(size=(80, 20)) as pilot:
        pane.load(service, "111111111111")
        await wait_until(pilot, lambda: app.of_type(RepositoriesPane.RepositoriesLoaded))
        assert pane.table.visible_keys == ["alpha", "mid", "zeta"]
        assert pane.border_title == "Repositories (3)"
        assert [r.name for r in pane.repositories] == ["zeta", "alpha", "mid"]
        await pilot.press("j", "enter")
        await wait_until(pilot, lambda: app.of_type(RepositoriesPane.RepositorySelected))
        assert app.of_type(RepositoriesPane.RepositorySelected)[-1].repository.name == "mid"
        pane.set_image_count("mid", 1234)
        row = pane.table.get_row("mid")
        assert row is not None
        assert row.cells[1] == "1,234"
        await pilot.press("s")
        assert pane.border_subtitle == "sort: created ↓"
        assert pane.table.visible_keys[0] == "mid", "shortest name = newest in this fixture"
        assert pane.highlighted is not None
        assert pane.highlighted.name == "mid"


@pilot_test
async def test_repositories_on_screen_are_counted_in_the_background() -> None:
    """Only the rows on screen are counted (a big registry costs what you look at); a count that stopped early
    reads ``N+``; moving down counts the rows that come into view."""
    service = FakeService({})
    names = [f"repo-{number:02}" for number in range(40)]
    service.repositories = [[repository(name) for name in names]]
    service.counts = {"repo-00": ImageCount(12, complete=True), "repo-01": ImageCount(5000, complete=False)}
    pane = RepositoriesPane(clock=lambda: NOW)
    app = PaneApp(pane)
    async with app.run_test(size=(80, 12)) as pilot:
        pane.load(service, "111111111111")
        await wait_until(pilot, lambda: app.of_type(RepositoriesPane.RepositoriesLoaded))
        on_screen = pane.table.scrollable_content_region.height - 1
        await wait_until(pilot, lambda: len(service.counted) == on_screen)
        assert service.counted == names[:on_screen]
        rows = [pane.table.get_row(name) for name in ("repo-00", "repo-01", "repo-02")]
        assert [row.cells[1] if row else None for row in rows] == ["12", "5,000+", "0"]
        await pilot.press("G")  # the last rows come into view: they are counted too, the first ones not again
        await wait_until(pilot, lambda: "repo-39" in service.counted)
        assert len(service.counted) == len(set(service.counted))
        assert len(service.counted) < len(names)
        pane.set_image_count("repo-01", 5123)  # the exact count once the repository was opened
        row = pane.table.get_row("repo-01")
        assert row is not None
        assert row.cells[1] == "5,123"


@pilot_test
async def test_repositories_errors_are_reported() -> None:
    service = FakeService({})
    service.fail = AccessDenied("Access denied: ecr:DescribeRepositories")
    pane = RepositoriesPane(clock=lambda: NOW)
    app = PaneApp(pane)
    async with app.run_test(size=(80, 20)) as pilot:
        pane.load(service, None)
        await wait_until(pilot, lambda: app.of_type(EcrFailed) and not pane.is_loading)
        assert pane.border_title == "Repositories (0)"


def test_table_is_what_a_pane_focuses() -> None:
    assert issubclass(type(images_pane().table), VirtualTable)


# Snapshots of the panes alone (the app shell snapshots the whole screen). Deterministic: in-memory images
# with fixed timestamps, a fixed clock, animations off.

Snap = Callable[..., bool]


def grouped_images_app() -> PaneApp:
    amd, arm = image("web", "amd64", days=3), image("web", "arm64", days=3)
    index = image("web", "index", tags=("v1.2.0", "latest"), days=3, media_type=INDEX)
    older = image("web", "plain", tags=("v1.1.0",), days=9)
    untagged = image("web", "build", days=40)
    service = FakeService({"web": [[amd, index, older], [arm, untagged]]})
    service.manifests[index.digest] = index_manifest([(amd.digest, "amd64"), (arm.digest, "arm64")])
    pane = images_pane()
    app = PaneApp(pane)
    app.animation_level = "none"

    def start() -> None:
        pane.load(service, repository("web"))

    app.call_after_refresh(start)
    return app


async def loaded(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, PaneApp)
    for _ in range(500):
        if app.pane.repository is not None and not app.pane.is_loading:
            break
        await pilot.pause()
    assert not app.pane.is_loading


class TestImagesPane:
    """The Images pane on its own."""

    def test_grouped_with_a_mark(self, snap_compare: Snap) -> None:
        """Index children under the index (dim, tree lines), a marked child, the cursor below it."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await loaded(pilot)
            await pilot.press("j", "space")

        assert snap_compare(grouped_images_app(), terminal_size=(100, 12), run_before=run_before)

    def test_filter_line_open_at_80_columns(self, snap_compare: Snap) -> None:
        """The filter line docked at the bottom, the count `of` the total, columns dropped to fit 80."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await loaded(pilot)
            await pilot.press("slash", "v", "1", ".", "1")

        assert snap_compare(grouped_images_app(), terminal_size=(80, 12), run_before=run_before)
