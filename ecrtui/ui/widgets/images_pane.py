"""The Images pane: every image of one repository, fast at 100,000 images, children grouped under their index.

``load`` starts the pane's exclusive thread worker. It pages through ``DescribeImages`` (every status: archived
and restoring images are listed and marked); each page is a view of
the repository's ``ImageListing`` (the same object the cache keeps: one copy of the images in the process). The
worker hands the listing over with its first page; from then on the pane looks at how far it has grown four
times a second (a timer on the UI thread), so the UI repaints a few times a second, not once per page, and
no message per page crosses threads. The table reads the listing through an ``ImageRowSource``, which formats
only the rows on screen. Once the listing is complete, the worker fetches the
manifests of the index images (one BatchGetImage per 100), works out which images are their platform children,
and posts the grouping. Every message carries the load's generation, and a newer ``load`` cancels the worker,
so a quick switch of repository never shows a stale list.

Loading the repository already shown (``r``, or opening it again) keeps the rows on screen until the new listing
is complete, then swaps it in with the cursor and the marks kept on the images that are still there. Opening
another repository drops the old listing: what the cache keeps (``CachedEcr``'s listing budget) is all that
stays in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.worker import get_current_worker

from ecrtui.ecr.batches import ManifestBatch
from ecrtui.ecr.listing import ImageListing, ImagePage
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.ui.format import count
from ecrtui.ui.image_rows import (
    IMAGE_COLUMNS,
    Groups,
    ImageRowSource,
    digest_of_key,
    grouped,
    image_sort_options,
    index_children,
    index_digests,
    referrer_children,
)
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.widgets.table_pane import TablePane
from ecrtui.ui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from ecrtui.ecr.images import ImageStatusFilter


class ImageSource(Protocol):
    """What the pane needs from the data layer (``CachedEcr`` provides it)."""

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        image_status: ImageStatusFilter | None = None,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[Sequence[ImageSummary]]: ...

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch: ...


GROW_INTERVAL = 0.25
"""Seconds between looks at the growing listing while it loads (each shows the new rows and the count)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


NO_REPOSITORY_TEXT = "No repository open"
EMPTY_REPOSITORY_TEXT = "No images in this repository"
LISTING_FAILED_TEXT = "Listing failed: ! shows why, r retries"


def gone_text(name: str) -> str:
    """What the pane says when the open repository was deleted (outside the app)."""
    return f"{name} no longer exists"


class ImagesPane(TablePane):
    """Lists a repository's images; cursor moves post ``ImageHighlighted``, ``enter`` posts ``ImageSelected``."""

    class ImageHighlighted(Message):
        """The cursor is on another image (``None`` when the list is empty).

        ``arriving``: the user did not move; pages still arriving put a newer image under the cursor (at the top
        of a list sorted newest first this happens every page or two while a big repository loads).
        """

        def __init__(self, summary: ImageSummary | None, *, arriving: bool = False) -> None:
            super().__init__()
            self.summary = summary
            self.arriving = arriving

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

    class RepositoryGone(Message):
        """The open repository does not exist any more (deleted outside the app): the pane cleared itself."""

        def __init__(self, repository: Repository, error: BaseException) -> None:
            super().__init__()
            self.repository = repository
            self.error = error

    class _Gone(Message):
        """Worker to pane: listing for load ``generation`` found no such repository."""

        def __init__(self, generation: int, repository: Repository, error: BaseException) -> None:
            super().__init__()
            self.generation = generation
            self.repository = repository
            self.error = error

    class _Page(Message):
        """Worker to pane: the first page of load ``generation`` arrived; ``listing`` keeps growing."""

        def __init__(self, generation: int, listing: ImageListing, count: int) -> None:
            super().__init__()
            self.generation = generation
            self.listing = listing
            self.count = count

    class _Listed(Message):
        """Worker to pane: the listing of load ``generation`` ended with ``count`` images (``complete`` unless
        it failed)."""

        def __init__(self, generation: int, complete: bool, count: int) -> None:
            super().__init__()
            self.generation = generation
            self.complete = complete
            self.count = count

    class _Settled(Message):
        """Worker to pane: load ``generation`` is over, grouping included."""

        def __init__(self, generation: int) -> None:
            super().__init__()
            self.generation = generation

    class _Grouped(Message):
        """Worker to pane: every row again, with children under their parents."""

        def __init__(self, generation: int, listing: ImageListing, groups: Groups) -> None:
            super().__init__()
            self.generation = generation
            self.listing = listing
            self.groups = groups

    def __init__(
        self, *, clock: Callable[[], datetime] = _utc_now, id: str | None = None, classes: str | None = None
    ) -> None:
        table = VirtualTable(IMAGE_COLUMNS, markable=True, empty_text=NO_REPOSITORY_TEXT)
        super().__init__(table, id=id, classes=classes)
        self.gone: str | None = None
        """The repository the last listing found deleted (cleared by the next load): later answers about it are
        only logged."""
        self._clock = clock
        self._now = clock()
        self._generation = 0
        self._repository: Repository | None = None
        self._source: ImageRowSource | None = None
        """The rows on screen (``None``: nothing listed yet)."""
        self._incoming: ImageListing | None = None
        """While the shown repository reloads: the new listing, swapped in once complete."""
        self._keeping = False
        self._loading = False
        self._settling = False
        self._grouped = False
        self._ticker: Timer | None = None
        table.set_sort_options(image_sort_options())
        self.update_title()
        self.update_subtitle()

    @property
    def repository(self) -> Repository | None:
        """The repository shown (or being loaded)."""
        return self._repository

    @property
    def listing(self) -> ImageListing | None:
        """The listing shown (shared with the cache; it may hold more images than shown while it loads)."""
        return None if self._source is None else self._source.listing

    @property
    def image_count(self) -> int:
        """Images shown (not rows: a child shown under two indexes is one image)."""
        source = self._source
        if source is None:
            return 0
        return len(source.listing) if source.groups is not None else len(source)

    @property
    def summaries(self) -> list[ImageSummary]:
        """Images shown, in the order ECR returned them (built as models: for tests and small lists)."""
        listing = self.listing
        return [] if listing is None else list(listing.page(0, self.image_count))

    @property
    def highlighted(self) -> ImageSummary | None:
        """The image under the cursor."""
        key = self.table.highlighted_key
        return None if key is None else self._summary(key)

    @property
    def marked_images(self) -> list[ImageSummary]:
        """Images marked with ``space``, in marking order (one entry per digest)."""
        digests = dict.fromkeys(digest_of_key(key) for key in self.table.marked_keys)
        found = (self._summary(digest) for digest in digests)
        return [summary for summary in found if summary is not None]

    @property
    def is_loading(self) -> bool:
        """Whether the load is still running: pages still expected, or index children being grouped."""
        return self._loading or self._settling

    @property
    def is_grouped(self) -> bool:
        """Whether index children have been regrouped under their parents for this listing."""
        return self._grouped

    def _summary(self, key: str) -> ImageSummary | None:
        listing = self.listing
        return None if listing is None else listing.get(digest_of_key(key))

    def load(self, service: ImageSource, repository: Repository, refresh: bool = False) -> None:
        """List a repository's images (``refresh`` bypasses the cache); the newest call wins.

        The repository already shown stays on screen until its new listing is complete (see the module
        docstring); another repository replaces it at once.
        """
        self._generation += 1
        self.gone = None
        shown = self._repository
        same = shown is not None and (shown.registry_id, shown.name) == (
            repository.registry_id,
            repository.name,
        )
        self._keeping = same and self.table.row_count > 0
        self._repository = repository
        self._incoming = None
        self._stop_ticker()
        self._now = self._clock()
        self._loading = True
        self._settling = True
        self.table.empty_text = EMPTY_REPOSITORY_TEXT
        if self._keeping:
            self.post_message(self.ImageHighlighted(self.highlighted))  # the App cleared the inspector
        else:
            self._source = None
            self._grouped = False
            self.table.clear()
            self.table.set_loading(True)
        self.update_title()
        self._load(service, repository, refresh, self._generation)

    def clear(self) -> None:
        """Show nothing (no repository open) and forget any load in flight."""
        self._generation += 1
        self.workers.cancel_group(self, "images-load")
        self._repository = None
        self._source = None
        self._incoming = None
        self._stop_ticker()
        self._keeping = False
        self._loading = False
        self._settling = False
        self._grouped = False
        self.table.empty_text = NO_REPOSITORY_TEXT
        self.table.clear()
        self.table.set_loading(False)
        self.update_title()

    def update_title(self) -> None:
        """``Images (12,345…)`` while pages arrive, then ``Images (100,000)``; the repository after it."""
        more = "…" if self._loading else ""
        name = f" · {self._repository.name}" if self._repository is not None else ""
        self.border_title = f"Images ({self.counts_text()}{more}){name}"

    @work(thread=True, exclusive=True, group="images-load", exit_on_error=False)
    def _load(self, service: ImageSource, repository: Repository, refresh: bool, generation: int) -> None:
        """Thread worker: list, then group; posts messages and never touches widgets."""
        worker = get_current_worker()
        try:
            listing = self._list(service, repository, refresh, generation)
            if listing is not None and not worker.is_cancelled:
                groups = self._groups(service, repository, listing)
                if groups is not None and not worker.is_cancelled:
                    self.post_message(self._Grouped(generation, listing, groups))
        finally:
            self.post_message(self._Settled(generation))

    def _list(
        self, service: ImageSource, repository: Repository, refresh: bool, generation: int
    ) -> ImageListing | None:
        """Worker part 1: page through the images (the first page hands the listing to the pane); the listing if
        it is complete."""
        worker = get_current_worker()
        listing: ImageListing | None = None
        complete = False
        try:
            pages = service.iter_image_pages(
                repository.name,
                repository.registry_id,
                image_status="ANY",  # archived and restoring images too (ECR lists active ones by default)
                refresh=refresh,
                cancel=worker.cancelled_event,
            )
            for page in pages:
                first = listing is None
                if listing is None:
                    listing = (
                        page.listing
                        if isinstance(page, ImagePage)
                        else ImageListing(repository.registry_id, repository.name)
                    )
                if not isinstance(page, ImagePage) or page.listing is not listing:
                    listing.append_summaries(page)  # a source of models: the pane keeps its own columns
                if first:
                    self.post_message(self._Page(generation, listing, len(listing)))
            complete = not worker.is_cancelled
            if complete and listing is None:
                listing = ImageListing(repository.registry_id, repository.name)
                self.post_message(self._Page(generation, listing, 0))
        except Exception as error:  # every failure reaches the App as EcrFailed, never silently
            if getattr(error, "code", None) == "RepositoryNotFoundException":
                self.post_message(self._Gone(generation, repository, error))
            else:
                self.post_message(EcrFailed(error, f"listing images of {repository.name}"))
        finally:
            self.post_message(self._Listed(generation, complete, 0 if listing is None else len(listing)))
        return listing if complete else None

    def _groups(self, service: ImageSource, repository: Repository, listing: ImageListing) -> Groups | None:
        """Who is whose child (index entries from the index manifests, referrers from the listing), as rows;
        ``None`` when nothing has children."""
        children = referrer_children(listing)
        indexes = index_digests(listing)
        if indexes:
            try:
                batch = service.get_manifests(repository.name, indexes, repository.registry_id)
            except Exception as error:  # every failure reaches the App as EcrFailed, never silently
                self.post_message(EcrFailed(error, f"reading the indexes of {repository.name}"))
            else:
                for digest in indexes:
                    manifest = batch.manifests.get(digest)
                    if manifest is not None:
                        children[digest] = [*index_children(manifest), *children.get(digest, ())]
        return grouped(listing, children) if children else None

    @on(_Page)
    def _page_arrived(self, message: _Page) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        if self._keeping:
            self._incoming = message.listing  # shown once complete (``_listed``)
            return
        self._source = ImageRowSource(message.listing, self._now)
        self._source.grow(message.count)
        self.table.set_source(self._source)
        self.update_title()
        self._ticker = self.set_interval(GROW_INTERVAL, self._grow)

    def _grow(self, count: int | None = None) -> None:
        """Show what the listing gained since the last look (``count``: up to there, else all it holds)."""
        source = self._source
        if source is None:
            return
        source.grow(len(source.listing) if count is None else count)
        self.table.source_grew()
        self.update_title()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    @on(_Listed)
    def _listed(self, message: _Listed) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._loading = False
        self._stop_ticker()
        if self._keeping:
            self._keeping = False
            incoming, self._incoming = self._incoming, None
            if message.complete and incoming is not None:
                self._show(ImageRowSource(incoming, self._now), grow=message.count)
                self._grouped = False
        else:
            self._grow(message.count)
        if not message.complete and not self.table.row_count:
            self.table.empty_text = LISTING_FAILED_TEXT  # an empty list here is not an empty repository
        self.table.set_loading(False)
        self.update_title()
        if message.complete and self._repository is not None:
            self.post_message(self.ImagesLoaded(self._repository, self.image_count))

    def _show(self, source: ImageRowSource, grow: int = 0) -> None:
        """Replace the rows (cursor and marks stay on images still there) and tell the App what is highlighted."""
        before = self.table.highlighted_key
        self._source = source
        source.grow(grow)
        self.table.set_source(source)
        if self.table.highlighted_key == before:
            self.post_message(self.ImageHighlighted(self.highlighted))  # the same key, maybe newer data

    @on(_Gone)
    def _gone(self, message: _Gone) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self.clear()
        self.gone = message.repository.name
        self.table.empty_text = gone_text(message.repository.name)
        self.post_message(self.RepositoryGone(message.repository, message.error))

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
        self._grouped = True
        self._source = ImageRowSource(message.listing, self._now, message.groups)
        self.table.set_source(self._source)  # the cursor stays on its image (or posts RowHighlighted)
        self.update_title()

    @on(VirtualTable.RowHighlighted)
    def _row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        event.stop()
        summary = None if event.key is None else self._summary(event.key)
        self.post_message(self.ImageHighlighted(summary, arriving=event.replaced and self._loading))

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        summary = self._summary(event.key)
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
        held = self.image_count
        shown = self.table.visible_count
        if self.table.filter_query and shown != self.table.row_count:
            return f"{count(shown)} of {count(held)}"
        return count(held)
