"""Turning a repository's ``ImageSummary`` list into table rows: cells, grouping, sort orders.

Pure Python (no Textual), so the images pane's worker builds rows off the main thread and the tests check
grouping and ordering directly. Grouping puts the children of an index (its platform images and attestations)
and the referrers of an image (signatures, SBOMs: artifacts whose ``subject`` is that image) under it, instead
of listing them as anonymous untagged clutter. Sorting orders groups by their top-level image and keeps each
group together, ties in arrival order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ecrtui.ecr.models import ImageIndex, ImageSummary, Manifest
from ecrtui.ui.format import human_size, relative_time, short_digest
from ecrtui.ui.table_model import Column, Row, SortOption

UNTAGGED = "<untagged>"
KEY_SEPARATOR = ">"
"""Joins a parent's row key and a digest for the rare child shown under two parents (keys must be unique)."""

IMAGE_COLUMNS = (
    Column("tags", "Tags", flex=1, min_width=14, priority=10),
    Column("digest", "Digest", width=19, priority=8),
    Column("size", "Size", width=8, justify="right", priority=6),
    Column("pushed", "Pushed", width=14, priority=7),
    Column("pulled", "Last pull", width=14, priority=2),
    Column("kind", "Kind", width=8, priority=4),
)


def digest_of_key(key: str) -> str:
    """The image digest a row key stands for."""
    return key.rpartition(KEY_SEPARATOR)[2]


@dataclass(frozen=True, slots=True)
class Child:
    """One child of a parent image: an index entry or a referrer, with the label shown in its row."""

    digest: str
    label: str


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a row sits in its group: sort orders compare the ``top`` image, then arrival, then ``order``."""

    top: str
    arrival: int
    order: int = 0


@dataclass
class ImageRows:
    """Rows in display order and each row's placement (by row key), ready for the table."""

    rows: list[Row] = field(default_factory=list)
    placements: dict[str, Placement] = field(default_factory=dict)


def index_children(manifest: Manifest) -> list[Child]:
    """The entries of an index as children labelled by platform (attestations labelled as such)."""
    if not isinstance(manifest, ImageIndex):
        return []
    children = []
    for entry in manifest.manifests:
        if entry.is_attestation:
            label = "attestation"
        elif entry.platform is not None:
            label = str(entry.platform)
        else:
            label = "manifest"
        children.append(Child(entry.digest, label))
    return children


def referrer_children(summaries: Iterable[ImageSummary]) -> dict[str, list[Child]]:
    """Artifacts that name a ``subject`` image (signatures, SBOMs), grouped by that subject's digest."""
    grouped: dict[str, list[Child]] = {}
    for summary in summaries:
        if summary.subject_digest:
            label = _artifact_label(summary.artifact_media_type)
            grouped.setdefault(summary.subject_digest, []).append(Child(summary.digest, label))
    return grouped


def _artifact_label(media_type: str | None) -> str:
    """A short name for an artifact type: ``application/vnd.dev.cosign.artifact.sig.v1+json`` -> ``referrer``."""
    if not media_type:
        return "referrer"
    lowered = media_type.lower()
    for needle, label in (("sig", "signature"), ("sbom", "sbom"), ("spdx", "sbom"), ("cyclonedx", "sbom")):
        if needle in lowered:
            return label
    return "referrer"


def image_cells(summary: ImageSummary, now: datetime, label: str = "") -> tuple[str, ...]:
    """The six cells of an image row; ``label`` (already indented) replaces the tags cell for children."""
    tags = ", ".join(summary.tags)
    first = (f"{label} {tags}" if tags else label) if label else (tags or UNTAGGED)
    return (
        first,
        short_digest(summary.digest),
        human_size(summary.size_bytes),
        relative_time(summary.pushed_at, now),
        relative_time(summary.last_pulled_at, now),
        summary.kind.value,
    )


def image_row(summary: ImageSummary, now: datetime, *, key: str | None = None, label: str = "") -> Row:
    """One row: dim when it is a child; ``<untagged>`` dim when a top-level image has no tag."""
    cells = image_cells(summary, now, label)
    search = " ".join((*summary.tags, summary.digest, summary.kind.value, label.strip(" ├└│")))
    if label:
        return Row(key or summary.digest, cells, search=search, classes=("dim",))
    cell_classes = ("dim",) if not summary.tags else ()
    return Row(key or summary.digest, cells, search=search, cell_classes=cell_classes)


def flat_rows(summaries: Sequence[ImageSummary], now: datetime, first_arrival: int = 0) -> ImageRows:
    """Rows for a page as it arrives, before grouping is known: one top-level row per image."""
    result = ImageRows()
    for offset, summary in enumerate(summaries):
        result.rows.append(image_row(summary, now))
        result.placements[summary.digest] = Placement(summary.digest, first_arrival + offset)
    return result


def grouped_rows(
    summaries: Sequence[ImageSummary], children: Mapping[str, Sequence[Child]], now: datetime
) -> ImageRows:
    """Rows with every child under its parent (recursively), in arrival order of the top-level images.

    A child whose parents are all missing from ``summaries`` stays top-level; a child listed by two parents
    shows under both (the second with a compound key); children not in ``summaries`` are left out (the
    inspector's Platforms tab shows every entry of an index).
    """
    by_digest = {summary.digest: summary for summary in summaries}
    has_parent = {
        child.digest
        for parent, entries in children.items()
        if parent in by_digest
        for child in entries
        if child.digest in by_digest and child.digest != parent
    }
    result = ImageRows()
    used_keys: set[str] = set()

    def emit(summary: ImageSummary, key: str, label: str, group: Placement, path: tuple[str, ...]) -> None:
        used_keys.add(key)
        result.rows.append(image_row(summary, now, key=key, label=label))
        result.placements[key] = Placement(group.top, group.arrival, len(result.rows) - 1 - group.order)
        present = [child for child in children.get(summary.digest, ()) if child.digest in by_digest]
        indent = "  " * (len(path) - 1)
        for number, child in enumerate(present):
            if child.digest in path:
                continue  # a cycle in malformed data: never recurse forever
            branch = "└" if number == len(present) - 1 else "├"
            child_key = (
                child.digest if child.digest not in used_keys else f"{key}{KEY_SEPARATOR}{child.digest}"
            )
            label = f"{indent}{branch} {child.label}"
            emit(by_digest[child.digest], child_key, label, group, (*path, child.digest))

    for arrival, summary in enumerate(summaries):
        if summary.digest in has_parent or summary.digest in used_keys:
            continue
        # ``order`` of the group placement holds the group's first row index while emitting.
        emit(
            summary,
            summary.digest,
            "",
            Placement(summary.digest, arrival, len(result.rows)),
            (summary.digest,),
        )
    return result


SortValue = Callable[[ImageSummary], tuple[float | str, ...]]


def _timestamp(when: datetime | None) -> float:
    return when.timestamp() if when is not None else math.nan


def _pushed_newest(summary: ImageSummary) -> tuple[float | str, ...]:
    stamp = _timestamp(summary.pushed_at)
    return (1, 0.0) if math.isnan(stamp) else (0, -stamp)


def _pushed_oldest(summary: ImageSummary) -> tuple[float | str, ...]:
    stamp = _timestamp(summary.pushed_at)
    return (1, 0.0) if math.isnan(stamp) else (0, stamp)


def _size_largest(summary: ImageSummary) -> tuple[float | str, ...]:
    return (0, -summary.size_bytes) if summary.size_bytes is not None else (1, 0)


def _tag_alphabetical(summary: ImageSummary) -> tuple[float | str, ...]:
    return (0, min(tag.lower() for tag in summary.tags)) if summary.tags else (1, "")


IMAGE_SORTS: tuple[tuple[str, SortValue], ...] = (
    ("pushed ↓", _pushed_newest),
    ("pushed ↑", _pushed_oldest),
    ("size ↓", _size_largest),
    ("tag A-Z", _tag_alphabetical),
)
"""The orders ``s`` cycles through, first one applied when a repository opens. Unknown values sort last."""


def image_sort_options(
    summary_of: Callable[[str], ImageSummary | None], placement_of: Callable[[str], Placement | None]
) -> list[SortOption]:
    """Sort options for the table that order groups by their top-level image and keep each group together."""

    def option(label: str, value: SortValue) -> SortOption:
        def key(row: Row) -> tuple[object, ...]:
            placement = placement_of(row.key)
            if placement is None:
                return ((2,), 0, 0)
            top = summary_of(placement.top)
            return (value(top) if top is not None else (2,), placement.arrival, placement.order)

        return SortOption(label, key)

    return [option(label, value) for label, value in IMAGE_SORTS]
