"""Turn what a person typed (``web/api@sha256:2aa4292d4348``) into a reference ECR accepts: one full digest.

ECR's calls take full digests only. The app shows digests cut to 12 hex digits, so a short one is expanded here,
once for every command, from the repository's listing of every status (archived and restoring images too): one
``DescribeImages`` page per 1,000 images, replayed from the cache when the caller has one. A reference with a full
digest or a tag costs no call at all. No Textual, no Rich.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from ecrtui.ecr.errors import NotFound
from ecrtui.ecr.refs import ImageQuery, ImageRef, InvalidReference

if TYPE_CHECKING:
    from ecrtui.ecr.images import ImageStatusFilter
    from ecrtui.ecr.listing import ImagePage

__all__ = ["AMBIGUOUS_SHOWN", "ImagePager", "expand_digest_prefix", "resolve_query"]

AMBIGUOUS_SHOWN = 3
"""How many of the matching digests an ambiguous prefix's message names."""


class ImagePager(Protocol):
    """What lists a repository's images: ``EcrService`` or ``CachedEcr``."""

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        image_status: ImageStatusFilter | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[ImagePage]: ...


def expand_digest_prefix(
    pager: ImagePager,
    repository_name: str,
    registry_id: str | None,
    prefix: str,
    *,
    cancel: threading.Event | None = None,
) -> str:
    """The one digest of the repository starting with ``prefix``.

    No match raises ``NotFound`` (exit 1: the image is not there); several raise ``InvalidReference`` naming a
    few of them (exit 2: the user's text is not precise enough).
    """
    matches: list[str] = []
    for page in pager.iter_image_pages(repository_name, registry_id, image_status="ANY", cancel=cancel):
        digests = page.listing.digests[page.start : page.stop]
        matches.extend(d for d in digests if d.startswith(prefix))
    matches = list(dict.fromkeys(matches))
    if not matches:
        raise NotFound(
            f"no image in {repository_name} has a digest starting {prefix}", operation="DescribeImages"
        )
    if len(matches) > 1:
        shown = ", ".join(matches[:AMBIGUOUS_SHOWN]) + (", ..." if len(matches) > AMBIGUOUS_SHOWN else "")
        raise InvalidReference(
            f"{prefix} is ambiguous: {len(matches)} images in {repository_name} have digests starting with it "
            f"({shown}); give more hex digits"
        )
    return matches[0]


def resolve_query(pager: ImagePager, query: ImageQuery, *, cancel: threading.Event | None = None) -> ImageRef:
    """``query.ref`` with its short digest expanded (the reference itself, with no call, when it has none).

    ``query.ref`` must name its registry (resolved against the caller's default).
    """
    if query.digest_prefix is None:
        return query.ref
    registry = query.ref.registry
    if registry is None:
        raise InvalidReference(f"'{query.ref}' has no registry; resolve it against one first")
    digest = expand_digest_prefix(
        pager, query.ref.name, registry.account_id, query.digest_prefix, cancel=cancel
    )
    return replace(query.ref, digest=digest)
