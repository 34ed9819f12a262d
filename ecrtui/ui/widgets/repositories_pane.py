"""The Repositories pane: every repository of the open registry, the first page shown while the rest load.

``load`` runs the pane's own exclusive thread worker over ``service.iter_repository_pages``; a newer ``load``
cancels the older one, and pages from an older load are dropped by generation, so switching registries quickly
never mixes two lists. Failures go up as ``EcrFailed`` for the App to notify and log.

ECR's repository listing has no image counts. The pane counts the repositories on screen in the background, once
the view rests (``COUNT_DELAY``): one ``ListImages`` call each for most, at most ``COUNT_PAGES`` for a big one
(then ``5,000+``). A registry of 1,000 repositories costs the rows you look at, not 1,000 calls at startup; an
opened repository's exact count replaces its estimate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.worker import get_current_worker

from ecrtui.ecr.models import Repository
from ecrtui.ui.format import count, relative_time
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.table_model import Column, Row, SortOption
from ecrtui.ui.widgets.table_pane import TablePane
from ecrtui.ui.widgets.virtual_table import VirtualTable

REPOSITORY_COLUMNS = (
    Column("name", "Name", flex=1, min_width=18, priority=10),
    Column("images", "Images", width=7, justify="right", priority=3),
    Column("tags", "Tags", width=9, priority=5),
    Column("created", "Created", width=14, priority=4),
)


EMPTY_REGISTRY_TEXT = "No repositories in this registry"
LISTING_FAILED_TEXT = "Listing failed: ! shows why, r retries"


if TYPE_CHECKING:
    from ecrtui.ecr.image_counts import ImageCount

COUNT_DELAY = 0.3
"""Seconds the list must rest before the repositories on screen are counted (scrolling past costs nothing)."""


class RepositorySource(Protocol):
    """What the pane needs from the data layer (``CachedEcr`` provides it)."""

    def iter_repository_pages(
        self, registry_id: str | None = None, *, refresh: bool = False, cancel: threading.Event | None = None
    ) -> Iterator[list[Repository]]: ...

    def count_images(
        self, repository_name: str, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> ImageCount | None: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


def repository_row(repository: Repository, now: datetime, *, at_least: bool = False) -> Row:
    """One repository row; immutable tags are highlighted because copies must skip, not overwrite. A count that
    stopped early (``at_least``) reads ``5,000+``."""
    known = repository.image_count is not None
    images = count(repository.image_count) if repository.image_count is not None else ""
    images += "+" if known and at_least else ""
    mutability = "immutable" if repository.is_immutable else "mutable"
    return Row(
        repository.name,
        (repository.name, images, mutability, relative_time(repository.created_at, now)),
        search=repository.name,
        cell_classes=("", "" if known else "dim", "accent" if repository.is_immutable else "dim", ""),
    )


def _created_newest(row: Row, created: Callable[[str], datetime | None]) -> tuple[int, float]:
    when = created(row.key)
    return (1, 0.0) if when is None else (0, -when.timestamp())


class RepositoriesPane(TablePane):
    """Lists repositories; ``enter`` posts ``RepositorySelected``, cursor moves ``RepositoryHighlighted``."""

    class RepositoryHighlighted(Message):
        """The cursor is on another repository (``None`` when the list is empty)."""

        def __init__(self, repository: Repository | None) -> None:
            super().__init__()
            self.repository = repository

    class RepositorySelected(Message):
        """The user opened a repository."""

        def __init__(self, repository: Repository) -> None:
            super().__init__()
            self.repository = repository

    class RepositoriesLoaded(Message):
        """Every page of the registry's repositories arrived (``count`` of them)."""

        def __init__(self, registry_id: str | None, count: int) -> None:
            super().__init__()
            self.registry_id = registry_id
            self.count = count

    class BackRequested(Message):
        """The user pressed ``esc``/``h`` with no filter to clear: the App moves left."""

    class _Counted(Message):
        """Worker to pane: a repository's image count, for load ``generation``."""

        def __init__(self, generation: int, name: str, images: ImageCount) -> None:
            super().__init__()
            self.generation = generation
            self.name = name
            self.images = images

    class _Uncounted(Message):
        """Worker to pane: these repositories were not counted: cancelled (they may be retried when on screen
        again), or a count ``failed`` (counting stops for this load)."""

        def __init__(self, generation: int, names: list[str], failed: bool) -> None:
            super().__init__()
            self.generation = generation
            self.names = names
            self.failed = failed

    class _Page(Message):
        """Worker to pane: one page of repositories for load ``generation``."""

        def __init__(self, generation: int, repositories: list[Repository], rows: list[Row]) -> None:
            super().__init__()
            self.generation = generation
            self.repositories = repositories
            self.rows = rows

    class _Finished(Message):
        """Worker to pane: load ``generation`` ended (completely or not)."""

        def __init__(self, generation: int, complete: bool) -> None:
            super().__init__()
            self.generation = generation
            self.complete = complete

    def __init__(
        self, *, clock: Callable[[], datetime] = _utc_now, id: str | None = None, classes: str | None = None
    ) -> None:
        table = VirtualTable(REPOSITORY_COLUMNS, empty_text=EMPTY_REGISTRY_TEXT)
        super().__init__(table, id=id, classes=classes)
        self._clock = clock
        self._generation = 0
        self._registry_id: str | None = None
        self._repositories: dict[str, Repository] = {}
        self._loading = False
        self._return_to: str | None = None
        """The repository the cursor was on before a refresh (it goes back there when listed again)."""
        self._source: RepositorySource | None = None
        self._counting: set[str] = set()
        """Repositories counted or being counted in this load (never asked twice)."""
        self._at_least: set[str] = set()
        """Repositories whose count stopped early (shown as ``N+``)."""
        self._count_failed = False
        """A count failed in this load: counting stops (it is a nicety; the failure is in the error log)."""
        self._count_timer: Timer | None = None
        table.set_sort_options(
            [
                SortOption("name A-Z", key=lambda row: row.key.lower()),
                SortOption("created ↓", key=lambda row: _created_newest(row, self._created)),
            ]
        )
        self.update_title()
        self.update_subtitle()

    @property
    def repositories(self) -> list[Repository]:
        """Repositories loaded so far, in the order ECR returned them."""
        return list(self._repositories.values())

    @property
    def highlighted(self) -> Repository | None:
        """The repository under the cursor."""
        key = self.table.highlighted_key
        return None if key is None else self._repositories.get(key)

    @property
    def is_loading(self) -> bool:
        """Whether more pages are expected."""
        return self._loading

    def load(self, service: RepositorySource, registry_id: str | None, refresh: bool = False) -> None:
        """List a registry's repositories (``refresh`` bypasses the cache); the newest call wins. A refresh
        puts the cursor back on the repository it was on, once that repository is listed again."""
        self._return_to = self.table.highlighted_key if refresh else None
        self._forget_counts(service)
        self._generation += 1
        self._registry_id = registry_id
        self._repositories = {}
        self._loading = True
        self.table.empty_text = EMPTY_REGISTRY_TEXT
        self.table.clear()
        self.table.set_loading(True)
        self.update_title()
        self._load(service, registry_id, refresh, self._generation)

    def clear(self, note: str = EMPTY_REGISTRY_TEXT) -> None:
        """Show nothing but ``note`` (no registry open) and forget any load in flight."""
        self._forget_counts(None)
        self._generation += 1
        self.table.empty_text = note
        self.workers.cancel_group(self, "repositories-load")
        self._registry_id = None
        self._repositories = {}
        self._loading = False
        self.table.clear()
        self.table.set_loading(False)
        self.update_title()

    def show_repository(self, name: str) -> None:
        """Put the cursor on a repository (opened from elsewhere, e.g. the palette), clearing a filter that
        hides it."""
        if not self.table.move_cursor_to_key(name) and name in self._repositories:
            self.table.set_filter("")
            self.table.move_cursor_to_key(name)

    def set_image_count(self, name: str, images: int, *, at_least: bool = False) -> None:
        """Fill in a repository's image count once it is known (after its images loaded, or counted in the
        background; ``at_least`` when the count stopped early)."""
        repository = self._repositories.get(name)
        if repository is None or (repository.image_count == images and (name in self._at_least) == at_least):
            return
        self._counting.add(name)
        if at_least:
            self._at_least.add(name)
        else:
            self._at_least.discard(name)
        updated = repository.model_copy(update={"image_count": images})
        self._repositories[name] = updated
        self.table.update_row(repository_row(updated, self._clock(), at_least=at_least))

    # Counting the repositories on screen ---------------------------------------------------------------------

    def _forget_counts(self, source: RepositorySource | None) -> None:
        self.workers.cancel_group(self, "repositories-count")
        self._source = source
        self._counting = set()
        self._at_least = set()
        self._count_failed = False

    def _count_soon(self) -> None:
        """Count what is on screen once the view rests (each cursor move restarts the wait)."""
        if self._count_timer is not None:
            self._count_timer.stop()
        if self._source is not None and not self._count_failed:
            self._count_timer = self.set_timer(COUNT_DELAY, self._count_on_screen)

    def _count_on_screen(self) -> None:
        table = self.table
        top = int(table.scroll_offset.y)
        on_screen = table.visible_keys[top : top + max(0, table.scrollable_content_region.height - 1)]
        names = [
            name
            for name in on_screen
            if name not in self._counting
            and (repository := self._repositories.get(name)) is not None
            and repository.image_count is None
        ]
        if names and self._source is not None:
            self._counting.update(names)
            self._count(self._source, self._registry_id, names, self._generation)

    @work(thread=True, exclusive=True, group="repositories-count", exit_on_error=False)
    def _count(
        self, source: RepositorySource, registry_id: str | None, names: list[str], generation: int
    ) -> None:
        """Thread worker: one repository at a time; a newer batch (the view moved) cancels this one."""
        worker = get_current_worker()
        left = list(names)
        failed = False
        try:
            while left and not worker.is_cancelled:
                images = source.count_images(left[0], registry_id, cancel=worker.cancelled_event)
                if images is None:
                    break
                self.post_message(self._Counted(generation, left.pop(0), images))
        except Exception as error:  # quiet: logged for ``!``, no toast for a background nicety
            failed = True
            self.post_message(EcrFailed(error, f"counting the images of {left[0]}", notify=False))
        finally:
            self.post_message(self._Uncounted(generation, left, failed))

    @on(_Counted)
    def _counted(self, message: _Counted) -> None:
        message.stop()
        if message.generation == self._generation:
            images = message.images
            self.set_image_count(message.name, images.images, at_least=not images.complete)

    @on(_Uncounted)
    def _uncounted(self, message: _Uncounted) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._count_failed = self._count_failed or message.failed
        if not self._count_failed:
            self._counting.difference_update(message.names)

    def update_title(self) -> None:
        """``Repositories (42)``, with ``…`` while pages are still coming."""
        more = "…" if self._loading else ""
        self.border_title = f"Repositories ({self.counts_text()}{more})"

    def _created(self, name: str) -> datetime | None:
        repository = self._repositories.get(name)
        return None if repository is None else repository.created_at

    @work(thread=True, exclusive=True, group="repositories-load", exit_on_error=False)
    def _load(
        self, service: RepositorySource, registry_id: str | None, refresh: bool, generation: int
    ) -> None:
        """Thread worker: page through repositories, posting each page; never touches widgets."""
        worker = get_current_worker()
        complete = False
        try:
            now = self._clock()
            for page in service.iter_repository_pages(
                registry_id, refresh=refresh, cancel=worker.cancelled_event
            ):
                if worker.is_cancelled:
                    return
                self.post_message(self._Page(generation, page, [repository_row(r, now) for r in page]))
            complete = not worker.is_cancelled
        except Exception as error:  # every failure reaches the App as EcrFailed, never silently
            self.post_message(EcrFailed(error, "listing repositories"))
        finally:
            self.post_message(self._Finished(generation, complete))

    @on(_Page)
    def _page_arrived(self, message: _Page) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        for repository in message.repositories:
            self._repositories.setdefault(repository.name, repository)
        self.table.append_rows(message.rows)
        self._count_soon()
        back = self._return_to
        if back is not None and self.table.cursor == 0 and self.table.move_cursor_to_key(back):
            self._return_to = None  # only while the user has not moved meanwhile
        self.update_title()

    @on(_Finished)
    def _load_finished(self, message: _Finished) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._loading = False
        self._return_to = None
        if not message.complete:
            self.table.empty_text = LISTING_FAILED_TEXT  # an empty list here is not an empty registry
        self.table.set_loading(False)
        self.update_title()
        if message.complete:
            self.post_message(self.RepositoriesLoaded(self._registry_id, len(self._repositories)))

    @on(VirtualTable.RowHighlighted)
    def _row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        event.stop()
        self._count_soon()
        self.post_message(
            self.RepositoryHighlighted(None if event.key is None else self._repositories.get(event.key))
        )

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        repository = self._repositories.get(event.key)
        if repository is not None:
            self.post_message(self.RepositorySelected(repository))

    @on(VirtualTable.BackRequested)
    def _back(self, event: VirtualTable.BackRequested) -> None:
        event.stop()
        self.post_message(self.BackRequested())
