"""``ImageListing``: a repository's images held as columns, the one copy the cache and the Images pane share.

A repository may hold 100,000 images. Kept as one pydantic ``ImageSummary`` per image (plus rows, search strings
and sort keys built from it) a listing took about 3 KB per image, more than twice the ``imageDetails`` dicts boto3
returned. Here an image is a position in a few columns: its digest string, its tags (a shared empty tuple when it
has none), size and times in typed arrays (8 bytes each), and one small integer naming its combination of media
types, status and scan state (a handful of distinct combinations per repository, each held once). Rare fields
(subject, scan findings, archive times) live in a sparse map. An ``ImageSummary`` is built only when asked for
(the highlighted, marked or opened image).

Appends come from one thread (the listing's pager) while readers on other threads only look below a length they
were told about, so no lock is needed: each append is a single list/array/dict operation under the GIL.
No Textual, no boto3.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, overload

from ecrtui.ecr.mediatypes import ImageKind, kind_from_media_types
from ecrtui.ecr.models import ImageSummary

__all__ = ["ImageListing", "ImagePage"]

_NO_TAGS: tuple[str, ...] = ()
_MISSING = math.nan
"""A missing time or size in the float columns (a missing size is stored as -1 in the integer column)."""


_State = tuple[str | None, str | None, str | None, str | None, str | None]
"""``(manifest media type, artifact media type, image status, scan status, scan description)``."""
_Rare = tuple[Any, ...]
"""``(subject digest, scan completed at, severity counts, last archived at, last activated at)``."""


def _timestamp(value: datetime | None) -> float:
    return _MISSING if value is None else value.timestamp()


def _datetime(value: float) -> datetime | None:
    return None if math.isnan(value) else datetime.fromtimestamp(value, UTC)


class ImageListing:
    """The images of one repository in ``DescribeImages`` order, one entry per digest (see the module docstring)."""

    __slots__ = (
        "__weakref__",
        "_kinds",
        "_positions",
        "_rare",
        "_state_codes",
        "_states",
        "complete",
        "digests",
        "pulled",
        "pushed",
        "registry_id",
        "repository_name",
        "sizes",
        "states",
        "tags",
    )

    def __init__(self, registry_id: str, repository_name: str) -> None:
        self.registry_id = registry_id
        self.repository_name = repository_name
        self.digests: list[str] = []
        """Image digests, in arrival order (an image's position is its arrival number)."""
        self.tags: list[tuple[str, ...]] = []
        """Tags per image, as ECR listed them."""
        self.sizes = array("q")
        """Size in bytes per image (-1: not reported)."""
        self.pushed = array("d")
        """Push time per image, seconds since the epoch (NaN: not reported)."""
        self.pulled = array("d")
        """Last recorded pull per image (NaN: never)."""
        self.states = array("H")
        """Per image, the number of its ``(media types, status, scan state)`` combination."""
        self._states: list[_State] = []
        self._state_codes: dict[_State, int] = {}
        self._kinds: list[ImageKind] = []
        self._rare: dict[int, _Rare] = {}
        self._positions: dict[str, int] = {}
        self.complete = False
        """Set by the pager once every page arrived (a cache stores only complete listings)."""

    # -- building ---------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.digests)

    def append_details(self, details: Iterable[Mapping[str, Any]]) -> int:
        """Add ``imageDetails`` entries as boto3 returns them (repeats of a digest are skipped); the new length."""
        positions = self._positions
        for item in details:
            digest = item["imageDigest"]
            if digest in positions:
                continue
            get = item.get
            scan = get("imageScanStatus")
            findings = get("imageScanFindingsSummary")
            subject = get("subjectManifestDigest")
            archived = get("lastArchivedAt")
            activated = get("lastActivatedAt")
            state: _State = (
                get("imageManifestMediaType"),
                get("artifactMediaType"),
                get("imageStatus"),
                scan.get("status") if scan else None,
                scan.get("description") if scan else None,
            )
            rare: _Rare | None = None
            if subject or findings or archived or activated:
                counts = findings.get("findingSeverityCounts") if findings else None
                rare = (
                    subject,
                    findings.get("imageScanCompletedAt") if findings else None,
                    dict(counts) if counts else None,
                    archived,
                    activated,
                )
            tags = get("imageTags")
            size = get("imageSizeInBytes")
            self._add(
                digest,
                tuple(tags) if tags else _NO_TAGS,
                -1 if size is None else size,
                _timestamp(get("imagePushedAt")),
                _timestamp(get("lastRecordedPullTime")),
                state,
                rare,
            )
        return len(self.digests)

    def append_summaries(self, summaries: Iterable[ImageSummary]) -> int:
        """Add images given as models (sources that are not the ECR API); the new length."""
        for summary in summaries:
            if summary.digest in self._positions:
                continue
            rare: _Rare | None = None
            if (
                summary.subject_digest
                or summary.scan_completed_at
                or summary.scan_severity_counts
                or summary.last_archived_at
                or summary.last_activated_at
            ):
                rare = (
                    summary.subject_digest,
                    summary.scan_completed_at,
                    dict(summary.scan_severity_counts) or None,
                    summary.last_archived_at,
                    summary.last_activated_at,
                )
            state: _State = (
                summary.manifest_media_type,
                summary.artifact_media_type,
                summary.status,
                summary.scan_status,
                summary.scan_status_description,
            )
            self._add(
                summary.digest,
                summary.tags,
                -1 if summary.size_bytes is None else summary.size_bytes,
                _timestamp(summary.pushed_at),
                _timestamp(summary.last_pulled_at),
                state,
                rare,
            )
        return len(self.digests)

    def _add(
        self,
        digest: str,
        tags: tuple[str, ...],
        size: int,
        pushed: float,
        pulled: float,
        state: _State,
        rare: _Rare | None,
    ) -> None:
        position = len(self.digests)
        code = self._state_codes.get(state)
        if code is None:
            code = len(self._states)
            if code > 0xFFFF:
                raise ValueError("more than 65,536 distinct media type and scan combinations in one listing")
            self._states.append(state)
            self._state_codes[state] = code
            self._kinds.append(kind_from_media_types(state[0], state[1]))
        if rare is not None:
            self._rare[position] = rare
        self.tags.append(tags)
        self.sizes.append(size)
        self.pushed.append(pushed)
        self.pulled.append(pulled)
        self.states.append(code)
        self._positions[digest] = position
        self.digests.append(digest)  # last: a reader that sees the digest sees the rest of the image

    # -- reading ----------------------------------------------------------------------------------------------

    def position(self, digest: str) -> int | None:
        """Where an image is in the listing, ``None`` if it is not there."""
        return self._positions.get(digest)

    def kind(self, position: int) -> ImageKind:
        """The kind ``ImageSummary.kind`` would say, without building the model."""
        return self._kinds[self.states[position]]

    @property
    def kinds(self) -> Sequence[ImageKind]:
        """The kind of each state number (``kind(i) == kinds[states[i]]``)."""
        return self._kinds

    def size(self, position: int) -> int | None:
        size = self.sizes[position]
        return None if size < 0 else size

    def subject_digest(self, position: int) -> str | None:
        rare = self._rare.get(position)
        return None if rare is None else rare[0]

    def artifact_media_type(self, position: int) -> str | None:
        return self._states[self.states[position]][1]

    def status(self, position: int) -> str:
        """``ACTIVE``, ``ARCHIVED`` or ``ACTIVATING`` (an image listed without a status is active)."""
        return self._states[self.states[position]][2] or "ACTIVE"

    @property
    def statuses(self) -> Sequence[str]:
        """The image status of each state number (``status(i) == statuses[states[i]]``)."""
        return [state[2] or "ACTIVE" for state in self._states]

    def severity_counts(self, position: int) -> Mapping[str, int] | None:
        """Findings per severity of the image's last completed scan (``None``: no findings reported)."""
        rare = self._rare.get(position)
        return None if rare is None else rare[2]

    def referrers(self) -> Iterator[tuple[int, str]]:
        """``(position, subject digest)`` of every image that names a subject (signatures, SBOMs)."""
        for position, rare in list(self._rare.items()):
            if rare[0]:
                yield position, rare[0]

    def tagged(self, wanted: Collection[str]) -> list[tuple[str, int]]:
        """``(tag, position)`` of every image carrying one of the ``wanted`` tags (one pass over the tags)."""
        wanted = set(wanted)
        return [(tag, position) for position, tags in enumerate(self.tags) for tag in tags if tag in wanted]

    def summary(self, position: int) -> ImageSummary:
        """The image at ``position`` as the model the rest of the app uses."""
        manifest_type, artifact_type, status, scan_status, scan_description = self._states[
            self.states[position]
        ]
        subject = completed = counts = archived = activated = None
        rare = self._rare.get(position)
        if rare is not None:
            subject, completed, counts, archived, activated = rare
        size = self.sizes[position]
        return ImageSummary.model_construct(
            registry_id=self.registry_id,
            repository_name=self.repository_name,
            digest=self.digests[position],
            tags=self.tags[position],
            size_bytes=None if size < 0 else size,
            pushed_at=_datetime(self.pushed[position]),
            last_pulled_at=_datetime(self.pulled[position]),
            manifest_media_type=manifest_type,
            artifact_media_type=artifact_type,
            subject_digest=subject,
            status=status,
            scan_status=scan_status,
            scan_status_description=scan_description,
            scan_completed_at=completed,
            scan_severity_counts=dict(counts) if counts else {},
            last_archived_at=archived,
            last_activated_at=activated,
        )

    def get(self, digest: str) -> ImageSummary | None:
        """The image with this digest as a model, ``None`` if absent."""
        position = self._positions.get(digest)
        return None if position is None else self.summary(position)

    def page(self, start: int, stop: int) -> ImagePage:
        """Images ``start`` to ``stop`` as a read-only page of models (built when read)."""
        return ImagePage(self, start, stop)

    def by_digest(self) -> Mapping[str, ImageSummary]:
        """Every image by digest, each model built only when looked up."""
        return _ByDigest(self)


class ImagePage(Sequence[ImageSummary]):
    """A slice of a listing that reads as a list of ``ImageSummary`` (built on access) and knows its listing.

    Pagers yield these, so a caller that wants models iterates as before, while the Images pane takes the
    listing itself (``page.listing``) and never builds a model per image.
    """

    __slots__ = ("listing", "start", "stop")

    def __init__(self, listing: ImageListing, start: int, stop: int) -> None:
        self.listing = listing
        self.start = start
        self.stop = stop

    def __len__(self) -> int:
        return self.stop - self.start

    @overload
    def __getitem__(self, index: int) -> ImageSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[ImageSummary]: ...

    def __getitem__(self, index: int | slice) -> ImageSummary | list[ImageSummary]:
        positions = range(self.start, self.stop)[index]
        if isinstance(positions, range):
            return [self.listing.summary(position) for position in positions]
        return self.listing.summary(positions)

    def __iter__(self) -> Iterator[ImageSummary]:
        return map(self.listing.summary, range(self.start, self.stop))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ImagePage({self.listing.repository_name!r}, {self.start}, {self.stop})"


class _ByDigest(Mapping[str, ImageSummary]):
    __slots__ = ("_listing",)

    def __init__(self, listing: ImageListing) -> None:
        self._listing = listing

    def __getitem__(self, digest: str) -> ImageSummary:
        summary = self._listing.get(digest)
        if summary is None:
            raise KeyError(digest)
        return summary

    def __contains__(self, digest: object) -> bool:
        return isinstance(digest, str) and self._listing.position(digest) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._listing.digests))

    def __len__(self) -> int:
        return len(self._listing)
