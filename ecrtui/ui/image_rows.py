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
from functools import partial

from ecrtui.ecr.models import ImageIndex, ImageSummary, Manifest
from ecrtui.ui.format import human_size, relative_time, short_digest
from ecrtui.ui.table_model import Column, Row, SortOption

UNTAGGED = "<untagged>"
KEY_SEPARATOR = ">"
"""Joins a parent's row key and a digest for the rare child shown under two parents (keys must be unique)."""

IMAGE_COLUMNS = (
    Column("tags", "Tags", flex=1, min_width=12, priority=10),
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


SortValues = tuple[float, float, float, str]
"""One value per order in ``IMAGE_SORTS`` (pushed newest, pushed oldest, largest, tag A-Z); smaller first."""


def sort_values(summary: ImageSummary) -> SortValues:
    """Flat, precomputed sort values (built in the worker, so sorting compares floats, not models).

    Unknown dates and sizes are ``inf`` and untagged images sort after tagged ones: missing values go last.
    """
    pushed = summary.pushed_at.timestamp() if summary.pushed_at is not None else None
    return (
        math.inf if pushed is None else -pushed,
        math.inf if pushed is None else pushed,
        math.inf if summary.size_bytes is None else -summary.size_bytes,
        "0" + min(tag.lower() for tag in summary.tags) if summary.tags else "1",
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a row sits: orders compare the group's top-level ``values``, then arrival, then ``order``."""

    top: str
    arrival: int
    order: int = 0
    values: SortValues = (math.inf, math.inf, math.inf, "1")


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


def image_row(
    summary: ImageSummary,
    now: datetime,
    *,
    key: str | None = None,
    label: str = "",
    parent_tags: tuple[str, ...] = (),
) -> Row:
    """One row: dim when it is a child; ``<untagged>`` dim when a top-level image has no tag.

    Cells are formatted when the row is first drawn (see ``Row.formatter``); the search text is built now
    because the filter needs it for every row. A child is also found by its parent's tags, so filtering on a
    tag keeps an index's platforms under it.
    """
    formatter = partial(image_cells, summary, now, label)
    words = (*summary.tags, *parent_tags, summary.digest, summary.kind.value, label.strip(" ├└│"))
    search = " ".join(words)
    if label:
        return Row(key or summary.digest, search=search, classes=("dim",), formatter=formatter)
    cell_classes = ("dim",) if not summary.tags else ()
    return Row(key or summary.digest, search=search, cell_classes=cell_classes, formatter=formatter)


def flat_rows(summaries: Sequence[ImageSummary], now: datetime, first_arrival: int = 0) -> ImageRows:
    """Rows for a page as it arrives, before grouping is known: one top-level row per image."""
    result = ImageRows()
    for offset, summary in enumerate(summaries):
        result.rows.append(image_row(summary, now))
        result.placements[summary.digest] = Placement(
            summary.digest, first_arrival + offset, 0, sort_values(summary)
        )
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
        parent_tags = by_digest[path[-2]].tags if len(path) > 1 else ()
        result.rows.append(image_row(summary, now, key=key, label=label, parent_tags=parent_tags))
        result.placements[key] = Placement(
            group.top, group.arrival, len(result.rows) - 1 - group.order, group.values
        )
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
        # While emitting, the group's ``order`` holds the index of its first row.
        group = Placement(summary.digest, arrival, len(result.rows), sort_values(summary))
        emit(summary, summary.digest, "", group, (summary.digest,))
    return result


IMAGE_SORTS = ("pushed ↓", "pushed ↑", "size ↓", "tag A-Z")
"""The orders ``s`` cycles through (the first applies when a repository opens), matching ``SortValues``."""


def image_sort_options(placement_of: Callable[[str], Placement | None]) -> list[SortOption]:
    """Sort options that order groups by their top-level image and keep each group together.

    A key is a flat ``(value, arrival, order)`` tuple read from the row's precomputed placement, so sorting
    100,000 rows compares floats and ints only.
    """

    def option(number: int, label: str) -> SortOption:
        def key(row: Row) -> tuple[float | str, int, int]:
            placement = placement_of(row.key)
            if placement is None:
                return (math.inf if number < 3 else "2", 0, 0)
            return (placement.values[number], placement.arrival, placement.order)

        return SortOption(label, key)

    return [option(number, label) for number, label in enumerate(IMAGE_SORTS)]
