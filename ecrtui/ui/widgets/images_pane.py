"""The Images pane: every image of one repository, fast at 100,000 images, children grouped under their index.

``load`` starts the pane's exclusive thread worker. It pages through ``DescribeImages`` one request ahead
(``read_ahead``: the next response is on its way while this page is formatted), turns each page into rows
(formatting 100,000 rows is worker time, not UI time), and posts them, batching pages that arrive faster than
every 0.25 s so the UI repaints a few times a second, not a hundred. While it lists, the garbage collector's
old generations are frozen: the listing only grows, and rescanning it after every page would cost more than
the rows themselves. Once the listing is complete, the worker fetches the manifests of the index images (one
BatchGetImage per 100), works out which images are their platform children, and posts the regrouped rows.
Every message carries the load's generation, and a newer ``load`` cancels the worker, so a quick switch of
repository never shows a stale list.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from time import monotonic
from typing import Protocol

from textual import on, work
from textual.message import Message
from textual.worker import get_current_worker

from ecrtui.ecr.batches import ManifestBatch
from ecrtui.ecr.models import ImageKind, ImageSummary, Repository
from ecrtui.ui.format import count
from ecrtui.ui.image_rows import (
    IMAGE_COLUMNS,
    Child,
    ImageRows,
    Placement,
    digest_of_key,
    flat_rows,
    grouped_rows,
    image_sort_options,
    index_children,
    referrer_children,
)
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.prefetch import read_ahead
from ecrtui.ui.widgets.table_pane import TablePane
from ecrtui.ui.widgets.virtual_table import VirtualTable


class ImageSource(Protocol):
    """What the pane needs from the data layer (``CachedEcr`` provides it)."""

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[ImageSummary]]: ...

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch: ...


POST_INTERVAL = 0.25
"""Seconds between page messages from the worker: pages arriving faster are batched (fewer repaints)."""
TITLE_INTERVAL = 0.25
"""Seconds between title updates while pages arrive: a title change repaints the whole pane."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


NO_REPOSITORY_TEXT = "No repository open"
EMPTY_REPOSITORY_TEXT = "No images in this repository"
LISTING_FAILED_TEXT = "Listing failed: ! shows why, r retries"


class ImagesPane(TablePane):
    """Lists a repository's images; cursor moves post ``ImageHighlighted``, ``enter`` posts ``ImageSelected``."""

    class ImageHighlighted(Message):
        """The cursor is on another image (``None`` when the list is empty)."""

        def __init__(self, summary: ImageSummary | None) -> None:
            super().__init__()
            self.summary = summary

    class ImageSelected(Message):
        """The user opened an image."""

        def __init__(self, summary: ImageSummary) -> None:
            super().__init__()
            self.summary = summary

    class ImagesLoaded(Message):
        """Every page of a repository's images arrived: ``count`` is the repository's image count."""

        def __init__(self, repository: Repository, count: int) -> None:
            super().__init__()
            self.repository = repository
            self.count = count

    class ImagesMarked(Message):
        """The marked images changed (``space``): what a copy or delete would act on."""

        def __init__(self, summaries: list[ImageSummary]) -> None:
            super().__init__()
            self.summaries = summaries

    class BackRequested(Message):
        """The user pressed ``esc``/``h`` with no filter to clear: the App moves left."""

    class _Page(Message):
        """Worker to pane: one page of images with its rows, for load ``generation``."""

        def __init__(self, generation: int, summaries: list[ImageSummary], rows: ImageRows) -> None:
            super().__init__()
            self.generation = generation
            self.summaries = summaries
            self.rows = rows

    class _Listed(Message):
        """Worker to pane: the listing of load ``generation`` ended (``complete`` unless it failed)."""

        def __init__(self, generation: int, complete: bool) -> None:
            super().__init__()
            self.generation = generation
            self.complete = complete

    class _Settled(Message):
        """Worker to pane: load ``generation`` is over, grouping included."""

        def __init__(self, generation: int) -> None:
            super().__init__()
            self.generation = generation

    class _Grouped(Message):
        """Worker to pane: every row again, with children under their parents."""

        def __init__(self, generation: int, rows: ImageRows) -> None:
            super().__init__()
            self.generation = generation
            self.rows = rows

    def __init__(
        self, *, clock: Callable[[], datetime] = _utc_now, id: str | None = None, classes: str | None = None
    ) -> None:
        table = VirtualTable(IMAGE_COLUMNS, markable=True, empty_text=NO_REPOSITORY_TEXT)
        super().__init__(table, id=id, classes=classes)
        self._clock = clock
        self._generation = 0
        self._repository: Repository | None = None
        self._summaries: dict[str, ImageSummary] = {}
        self._placements: dict[str, Placement] = {}
        self._loading = False
        self._settling = False
        self._grouped = False
        self._title_updated = 0.0
        table.set_sort_options(image_sort_options(lambda key: self._placements.get(key)))
        self.update_title()
        self.update_subtitle()

    @property
    def repository(self) -> Repository | None:
        """The repository shown (or being loaded)."""
        return self._repository

    @property
    def summaries(self) -> list[ImageSummary]:
        """Images loaded so far, in the order ECR returned them."""
        return list(self._summaries.values())

    @property
    def highlighted(self) -> ImageSummary | None:
        """The image under the cursor."""
        key = self.table.highlighted_key
        return None if key is None else self._summaries.get(digest_of_key(key))

    @property
    def marked_images(self) -> list[ImageSummary]:
        """Images marked with ``space``, in marking order (one entry per digest)."""
        digests = dict.fromkeys(digest_of_key(key) for key in self.table.marked_keys)
        return [self._summaries[digest] for digest in digests if digest in self._summaries]

    @property
    def is_loading(self) -> bool:
        """Whether the load is still running: pages still expected, or index children being grouped."""
        return self._loading or self._settling

    @property
    def is_grouped(self) -> bool:
        """Whether index children have been regrouped under their parents for this listing."""
        return self._grouped

    def load(self, service: ImageSource, repository: Repository, refresh: bool = False) -> None:
        """List a repository's images (``refresh`` bypasses the cache); the newest call wins."""
        self._generation += 1
        self._repository = repository
        self._summaries = {}
        self._placements = {}
        self._loading = True
        self._settling = True
        self._grouped = False
        self.table.empty_text = EMPTY_REPOSITORY_TEXT
        self.table.clear()
        self._release()
        self.table.set_loading(True)
        self.update_title()
        self._load(service, repository, refresh, self._generation)

    def clear(self) -> None:
        """Show nothing (no repository open) and forget any load in flight."""
        self._generation += 1
        self.workers.cancel_group(self, "images-load")
        self._repository = None
        self._summaries = {}
        self._placements = {}
        self._loading = False
        self._settling = False
        self._grouped = False
        self.table.empty_text = NO_REPOSITORY_TEXT
        self.table.clear()
        self._release()
        self.table.set_loading(False)
        self.update_title()

    def update_title(self) -> None:
        """``Images (12,345…)`` while pages arrive, then ``Images (100,000)``; the repository after it."""
        self._title_updated = monotonic()
        more = "…" if self._loading else ""
        name = f" · {self._repository.name}" if self._repository is not None else ""
        self.border_title = f"Images ({self.counts_text()}{more}){name}"

    @staticmethod
    def _release() -> None:
        """Hand frozen objects back to the collector once the old listing is dropped (freed by refcount)."""
        gc.unfreeze()

    @work(thread=True, exclusive=True, group="images-load", exit_on_error=False)
    def _load(self, service: ImageSource, repository: Repository, refresh: bool, generation: int) -> None:
        """Thread worker: list, then group; posts messages and never touches widgets."""
        worker = get_current_worker()
        listing: list[ImageSummary] = []
        now = self._clock()
        try:
            complete = self._list(service, repository, refresh, generation, listing, now)
            if complete:
                children = self._children(service, repository, listing)
                if children and not worker.is_cancelled:
                    self.post_message(self._Grouped(generation, grouped_rows(listing, children, now)))
        finally:
            # Keep what survived the load out of the collector's sight: unfreezing here handed ~800,000 objects
            # back, and the next full collection froze the UI for 0.3-0.9 s (bench/bench_load.py). They are
            # handed back in ``_release`` once the listing is dropped, when little of it remains.
            gc.freeze()
            self.post_message(self._Settled(generation))

    def _list(
        self,
        service: ImageSource,
        repository: Repository,
        refresh: bool,
        generation: int,
        listing: list[ImageSummary],
        now: datetime,
    ) -> bool:
        """Worker part 1: page through the images into ``listing``, posting rows; ``True`` if complete."""
        worker = get_current_worker()
        cancel = worker.cancelled_event
        complete = False
        held: list[ImageSummary] = []
        held_rows = ImageRows()
        posted_at = 0.0

        def post_held() -> None:
            nonlocal held, held_rows, posted_at
            self.post_message(self._Page(generation, held, held_rows))
            held, held_rows, posted_at = [], ImageRows(), monotonic()
            # The listing only grows while it loads: keep the collector from rescanning it after every page
            # (at 100,000 images full collections cost more than formatting the rows). ``_release`` undoes it.
            gc.freeze()

        try:
            pages = service.iter_image_pages(
                repository.name, repository.registry_id, refresh=refresh, cancel=cancel
            )
            for page in read_ahead(pages, cancel, tick=POST_INTERVAL):
                if page is not None:
                    rows = flat_rows(page, now, first_arrival=len(listing))
                    listing.extend(page)
                    held.extend(page)
                    held_rows.rows.extend(rows.rows)
                    held_rows.placements.update(rows.placements)
                # Batch pages that arrive faster than the UI needs them; the first is shown at once.
                if held and (page is None or not posted_at or monotonic() - posted_at >= POST_INTERVAL):
                    post_held()
            complete = not worker.is_cancelled
            if held and complete:
                post_held()
        except Exception as error:  # every failure reaches the App as EcrFailed, never silently
            if held:
                post_held()
            self.post_message(EcrFailed(error, f"listing images of {repository.name}"))
        finally:
            self.post_message(self._Listed(generation, complete))
        return complete

    def _children(
        self, service: ImageSource, repository: Repository, listing: list[ImageSummary]
    ) -> dict[str, list[Child]]:
        """Who is whose child: index entries (from the index manifests) and referrers (from the listing)."""
        children = referrer_children(listing)
        indexes = [summary.digest for summary in listing if summary.kind is ImageKind.INDEX]
        if not indexes:
            return children
        try:
            batch = service.get_manifests(repository.name, indexes, repository.registry_id)
        except Exception as error:  # every failure reaches the App as EcrFailed, never silently
            self.post_message(EcrFailed(error, f"reading the indexes of {repository.name}"))
            return children
        for digest in indexes:
            manifest = batch.manifests.get(digest)
            if manifest is not None:
                children[digest] = [*index_children(manifest), *children.get(digest, ())]
        return children

    @on(_Page)
    def _page_arrived(self, message: _Page) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        for summary in message.summaries:
            self._summaries.setdefault(summary.digest, summary)
        self._placements.update(message.rows.placements)
        self.table.append_rows(message.rows.rows)
        first_page = len(self._summaries) == len(message.summaries)
        if first_page or monotonic() - self._title_updated >= TITLE_INTERVAL:
            self.update_title()

    @on(_Listed)
    def _listed(self, message: _Listed) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._loading = False
        if not message.complete:
            self.table.empty_text = LISTING_FAILED_TEXT  # an empty list here is not an empty repository
        self.table.set_loading(False)
        self.update_title()
        if message.complete and self._repository is not None:
            self.post_message(self.ImagesLoaded(self._repository, len(self._summaries)))

    @on(_Settled)
    def _settled(self, message: _Settled) -> None:
        message.stop()
        if message.generation == self._generation:
            self._settling = False

    @on(_Grouped)
    def _grouped_arrived(self, message: _Grouped) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._placements = message.rows.placements
        self._grouped = True
        self.table.set_rows(message.rows.rows)
        self.update_title()

    @on(VirtualTable.RowHighlighted)
    def _row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        event.stop()
        summary = None if event.key is None else self._summaries.get(digest_of_key(event.key))
        self.post_message(self.ImageHighlighted(summary))

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        summary = self._summaries.get(digest_of_key(event.key))
        if summary is not None:
            self.post_message(self.ImageSelected(summary))

    @on(VirtualTable.MarksChanged)
    def _marks_changed(self, event: VirtualTable.MarksChanged) -> None:
        self.post_message(self.ImagesMarked(self.marked_images))

    @on(VirtualTable.BackRequested)
    def _back(self, event: VirtualTable.BackRequested) -> None:
        event.stop()
        self.post_message(self.BackRequested())

    def counts_text(self) -> str:
        """Counts images, not rows: a child shown under two indexes is one image."""
        held = len(self._summaries)
        shown = self.table.visible_count
        if self.table.filter_query and shown != self.table.row_count:
            return f"{count(shown)} of {count(held)}"
        return count(held)
