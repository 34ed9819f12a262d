"""How many images a repository holds, cheaply: ``ListImages`` pages carry ids only.

``DescribeRepositories`` gives no image count. ``ListImages`` returns one entry per tag (and one per untagged
image), up to 1,000 per call, so distinct digests are counted; past ``max_pages`` calls the count is a lower
bound (``complete=False``), so a 100,000-image repository costs a few calls, not a hundred.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ecrtui.ecr.errors import translating
from ecrtui.ecr.service_base import PAGE_SIZE, ServiceBase

__all__ = ["COUNT_PAGES", "ImageCount", "ImageCounts"]

COUNT_PAGES = 5
"""``ListImages`` calls a count may make before it settles for "at least"."""


@dataclass(frozen=True, slots=True)
class ImageCount:
    """A repository's image count; ``complete=False`` means "at least ``images``"."""

    images: int
    complete: bool


class ImageCounts(ServiceBase):
    """``count_images`` for ``EcrService``."""

    def count_images(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        max_pages: int = COUNT_PAGES,
        page_size: int = PAGE_SIZE,
        cancel: threading.Event | None = None,
    ) -> ImageCount | None:
        """Distinct image digests of a repository, archived and restoring ones included (what the Images pane
        lists: ECR counts only active images unless asked); ``None`` if cancelled."""
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": repository_name,
            "maxResults": page_size,
            "filter": {"imageStatus": "ANY"},
        }
        digests: set[str] = set()
        for _ in range(max_pages):
            if cancel is not None and cancel.is_set():
                return None
            with translating("ListImages"):
                response = self._ecr.list_images(**params)
            digests.update(i["imageDigest"] for i in response.get("imageIds", []) if "imageDigest" in i)
            token = response.get("nextToken")
            if not token:
                return ImageCount(len(digests), complete=True)
            params["nextToken"] = token
        return ImageCount(len(digests), complete=False)
