"""Restores in progress: images ``ACTIVATING`` after a restore, asked about until ECR says they are ``ACTIVE``.

ECR takes up to 20 minutes to restore an archived image (the sandbox a few seconds), and nothing tells a client
when it is done. The watch asks ``DescribeImages`` by digest (one call per repository, only for the images being
restored) after ``FIRST_DELAY`` seconds, then less and less often (up to ``MAX_DELAY``); when an image is no longer
``ACTIVATING`` the repository's listing is fetched again, so its row stops saying ``restoring``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.timer import Timer

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.models import Repository
    from ecrtui.ui.manage import ManageController

__all__ = ["FIRST_DELAY", "MAX_DELAY", "RestoreWatch", "still_activating"]

FIRST_DELAY = 2.0
"""Seconds before the first look (the sandbox restores in 3 s by default)."""
MAX_DELAY = 30.0
"""The longest wait between looks (ECR: up to 20 minutes in all)."""
BACKOFF = 1.5


def still_activating(service: CachedEcr, repository: Repository, digests: list[str]) -> set[str]:
    """Which of ``digests`` ECR still describes as ``ACTIVATING`` (an image deleted meanwhile is not)."""
    from ecrtui.ecr.errors import NotFound

    try:
        images = service.describe_images(repository.name, digests, repository.registry_id)
    except NotFound:  # one of them is gone: ask one by one
        images = []
        for digest in digests:
            try:
                images += service.describe_images(repository.name, [digest], repository.registry_id)
            except NotFound:
                continue
    return {image.digest for image in images if image.status == "ACTIVATING"}


@dataclass
class _Restoring:
    service: CachedEcr
    repository: Repository
    digests: set[str]
    delay: float = FIRST_DELAY
    asking: bool = False
    timer: Timer | None = field(default=None, repr=False)


class RestoreWatch:
    """The restores the app started, one entry per repository."""

    def __init__(self, controller: ManageController) -> None:
        self._controller = controller
        self._watched: dict[tuple[int, str, str], _Restoring] = {}

    @property
    def watching(self) -> dict[str, set[str]]:
        """Repository name -> digests still being restored (what the watch knows)."""
        return {entry.repository.name: set(entry.digests) for entry in self._watched.values()}

    def watch(self, service: CachedEcr, repository: Repository, digests: list[str]) -> None:
        """Start (or extend) watching these images of ``repository``."""
        key = (id(service), repository.registry_id, repository.name)
        entry = self._watched.get(key)
        if entry is None:
            entry = self._watched[key] = _Restoring(service, repository, set())
        entry.digests.update(digests)
        entry.delay = FIRST_DELAY
        self._schedule(key, entry)

    def _schedule(self, key: tuple[int, str, str], entry: _Restoring) -> None:
        if entry.timer is not None:
            entry.timer.stop()
        entry.timer = self._controller.app.set_timer(entry.delay, lambda: self._ask(key))

    def _ask(self, key: tuple[int, str, str]) -> None:
        entry = self._watched.get(key)
        if entry is None or entry.asking:
            return
        entry.asking = True
        digests = sorted(entry.digests)
        self._controller.fetch(
            lambda: still_activating(entry.service, entry.repository, digests),
            lambda still: self._answered(key, still),
            f"asking whether the images of {entry.repository.name} are restored",
        )

    def _answered(self, key: tuple[int, str, str], still: set[str]) -> None:
        entry = self._watched.get(key)
        if entry is None:
            return
        entry.asking = False
        finished = entry.digests - still
        entry.digests &= still
        if finished:
            self._show_again(entry)
        if not entry.digests:
            del self._watched[key]
            return
        entry.delay = min(entry.delay * BACKOFF, MAX_DELAY)
        self._schedule(key, entry)

    def _show_again(self, entry: _Restoring) -> None:
        """List the repository again (at once if it is on screen, else when next opened)."""
        app = self._controller.app
        shown = app.repository if app.panes_ready else None
        repository = entry.repository
        if (
            shown is not None
            and app.sessions.current is entry.service
            and (shown.registry_id, shown.name) == (repository.registry_id, repository.name)
        ):
            app.images.load(entry.service, shown, refresh=True)
            return
        rid, name = repository.registry_id, repository.name
        entry.service.invalidate(lambda key: key[0] == "images" and key[1:3] == (rid, name))

    def stop(self) -> None:
        for entry in self._watched.values():
            if entry.timer is not None:
                entry.timer.stop()
        self._watched.clear()
