"""The Images pane's rows: a ``RowSource`` over a repository's ``ImageListing``, flat or grouped.

Pure Python (no Textual), so the pane's worker groups rows off the main thread and the tests check grouping,
ordering and filtering directly. Nothing is built per image up front: a row's cells are formatted when its line
is drawn, sort keys are typed arrays made per order when the order is first used, and the text a filter searches
is the listing's own columns (digests, tags lowercased once, the kind), so a 100,000-image repository adds only
a few bytes per image on top of its listing.

Grouping puts the children of an index (its platform images and attestations) and the referrers of an image
(signatures, SBOMs: artifacts whose ``subject`` is that image) under it, instead of listing them as anonymous
untagged clutter. Rows are emitted group by group, so a stable sort on the group's top-level value keeps each
group together, its children in order and ties in arrival order.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import compress
from typing import Any

from ecrtui.ecr.listing import ImageListing
from ecrtui.ecr.mediatypes import referrer_kind
from ecrtui.ecr.models import ImageIndex, ImageKind, Manifest
from ecrtui.ui.format import human_size, relative_time, short_digest
from ecrtui.ui.table_model import Column, Row, SortOption
from ecrtui.ui.text_filter import Matcher, Predicate

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
    Column("status", "State", width=9, priority=2),
    Column("findings", "Findings", width=11, priority=3),
)
"""The last two are narrow and give way first when the pane is narrow: ``archived``/``restoring`` (empty for an
active image; the row's colour says it where the column does not fit), and the last scan's findings as
``1C 2H 7M 5L`` (critical, high, medium, low)."""

STATUS_TEXT = {"ARCHIVED": "archived", "ACTIVATING": "restoring"}
"""The State cell of an image that is not active (ECR: ``imageStatus``)."""
STATUS_STYLE = {"ARCHIVED": "warning", "ACTIVATING": "accent"}
"""How a row that is not active looks, so it stands out where the State column does not fit."""
SEVERITY_LETTERS = (("CRITICAL", "C"), ("HIGH", "H"), ("MEDIUM", "M"), ("LOW", "L"))

DIGEST_CHARACTERS = frozenset("sha256:0123456789abcdef")
"""Every character a (lowercase) digest may contain: a term with any other cannot match one."""

IMAGE_SORTS = ("pushed ↓", "pushed ↑", "size ↓", "tag A-Z")
"""The orders ``s`` cycles through (the first applies when a repository opens)."""


def digest_of_key(key: str) -> str:
    """The image digest a row key stands for."""
    return key.rpartition(KEY_SEPARATOR)[2]


def image_sort_options() -> list[SortOption]:
    """The Images pane's orders; ``ImageRowSource`` knows them by label (no per-row key function)."""
    return [SortOption(label) for label in IMAGE_SORTS]


@dataclass(frozen=True, slots=True)
class Child:
    """One child of a parent image: an index entry or a referrer, with the label shown in its row."""

    digest: str
    label: str


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


def referrer_children(listing: ImageListing) -> dict[str, list[Child]]:
    """Artifacts that name a ``subject`` image (signatures, SBOMs), grouped by that subject's digest."""
    grouped: dict[str, list[Child]] = {}
    for position, subject in listing.referrers():
        label = referrer_kind(listing.artifact_media_type(position))
        grouped.setdefault(subject, []).append(Child(listing.digests[position], label))
    return grouped


def index_digests(listing: ImageListing) -> list[str]:
    """Digests of the listing's indexes (whose manifests name their children)."""
    indexes = {code for code, kind in enumerate(listing.kinds) if kind is ImageKind.INDEX}
    if not indexes:
        return []
    return [digest for digest, code in zip(listing.digests, listing.states, strict=False) if code in indexes]


def _tag_order(tags: tuple[str, ...]) -> str:
    """``tag A-Z``: by the image's first tag alphabetically, case-insensitive; untagged images last."""
    if not tags:
        return "1"
    if len(tags) == 1:
        return "0" + tags[0].lower()
    return "0" + min(map(str.lower, tags))


def _when(timestamp: float) -> datetime | None:
    return None if math.isnan(timestamp) else datetime.fromtimestamp(timestamp, UTC)


def findings_text(counts: Mapping[str, int] | None) -> str:
    """``1C 2H 7M 5L``: findings per severity, most severe first (informational ones left out), or empty."""
    if not counts:
        return ""
    return " ".join(f"{counts[name]}{letter}" for name, letter in SEVERITY_LETTERS if counts.get(name))


def findings_style(counts: Mapping[str, int] | None) -> str:
    """``error`` with critical or high findings, ``warning`` with medium ones, else dim."""
    if not counts:
        return ""
    if counts.get("CRITICAL") or counts.get("HIGH"):
        return "error"
    return "warning" if counts.get("MEDIUM") else "dim"


def image_cells(listing: ImageListing, position: int, now: datetime, label: str = "") -> tuple[str, ...]:
    """The cells of an image row; ``label`` (already indented) replaces the tags cell for children."""
    tags = ", ".join(listing.tags[position])
    first = (f"{label} {tags}" if tags else label) if label else (tags or UNTAGGED)
    return (
        first,
        short_digest(listing.digests[position]),
        human_size(listing.size(position)),
        relative_time(_when(listing.pushed[position]), now),
        relative_time(_when(listing.pulled[position]), now),
        listing.kind(position).value,
        STATUS_TEXT.get(listing.status(position), ""),
        findings_text(listing.severity_counts(position)),
    )


def image_cell_classes(listing: ImageListing, position: int) -> tuple[str, ...]:
    """Per-cell styles: a dim ``<untagged>``, the findings by their worst severity (empty when plain)."""
    findings = findings_style(listing.severity_counts(position))
    untagged = "" if listing.tags[position] else "dim"
    if not findings:
        return (untagged,) if untagged else ()
    return (untagged, "", "", "", "", "", "", findings)


@dataclass(frozen=True, slots=True)
class Groups:
    """Rows with every child under its parent: which image each row shows and where its group starts.

    Built once the listing is complete (``grouped``); plain arrays, so a grouped listing costs about 12 bytes
    per row more than a flat one.
    """

    images: array[int]
    """Row -> listing position of the image it shows."""
    tops: array[int]
    """Row -> listing position of its group's top-level image (what orders compare)."""
    first_row: array[int]
    """Listing position -> the first row showing it (-1 if none: a child whose parents form a cycle)."""
    labels: dict[int, str]
    """Row -> the child's label with its tree branch (``├ linux/amd64``); top-level rows have none."""
    search: dict[int, str]
    """Row -> extra lowercase text a child is found by: its label and its parent's tags."""
    keys: dict[int, str]
    """Row -> compound key of a child shown a second time (under another parent)."""
    rows_by_key: dict[str, int]
    """Compound key -> row."""


def grouped(listing: ImageListing, children: Mapping[str, Sequence[Child]]) -> Groups:
    """Rows with every child under its parent (recursively), in arrival order of the top-level images.

    A child whose parents are all missing from the listing stays top-level; a child listed by two parents shows
    under both (the second with a compound key); children not in the listing are left out (the inspector's
    Platforms tab shows every entry of an index).
    """
    position = listing.position
    count = len(listing)
    has_parent = {
        child.digest
        for parent, entries in children.items()
        if position(parent) is not None
        for child in entries
        if position(child.digest) is not None and child.digest != parent
    }
    images, tops = array("i"), array("i")
    first_row = array("i", [-1]) * count
    labels: dict[int, str] = {}
    search: dict[int, str] = {}
    keys: dict[int, str] = {}
    rows_by_key: dict[str, int] = {}
    used: set[str] = set()

    def emit(image: int, top: int, key: str, label: str, path: tuple[str, ...]) -> None:
        row = len(images)
        digest = listing.digests[image]
        used.add(key)
        images.append(image)
        tops.append(top)
        if first_row[image] < 0:
            first_row[image] = row
        if key != digest:
            keys[row] = key
            rows_by_key[key] = row
        if label:
            labels[row] = label
            parent = position(path[-2])
            parent_tags = listing.tags[parent] if parent is not None else ()
            search[row] = " ".join((label.strip(" ├└│"), *parent_tags)).lower()
        present = [child for child in children.get(digest, ()) if position(child.digest) is not None]
        indent = "  " * (len(path) - 1)
        for number, child in enumerate(present):
            if child.digest in path:
                continue  # a cycle in malformed data: never recurse forever
            branch = "└" if number == len(present) - 1 else "├"
            child_key = child.digest if child.digest not in used else f"{key}{KEY_SEPARATOR}{child.digest}"
            child_image = position(child.digest)
            assert child_image is not None
            emit(child_image, top, child_key, f"{indent}{branch} {child.label}", (*path, child.digest))

    for image, digest in enumerate(listing.digests[:count]):
        if digest in has_parent or digest in used:
            continue
        emit(image, image, digest, "", (digest,))
    return Groups(images, tops, first_row, labels, search, keys, rows_by_key)


class ImageRowSource:
    """The rows of the Images pane over an ``ImageListing`` (``RowSource``; see the module docstring).

    Flat, row ``i`` is image ``i`` and the source shows the first ``grow(n)`` images (the listing may already
    hold more: its pager runs ahead of the UI); grouped, the rows are ``Groups``'.
    """

    def __init__(self, listing: ImageListing, now: datetime, groups: Groups | None = None) -> None:
        self.listing = listing
        self.groups = groups
        self._now = now
        self._count = len(groups.images) if groups is not None else 0
        self._sort_values: dict[str, Any] = {}
        self._tagged: tuple[array[int], list[str]] = (array("i"), [])
        self._tags_seen = 0

    def grow(self, count: int) -> None:
        """Show the listing's first ``count`` images (flat sources only)."""
        if self.groups is None and count > self._count:
            self._count = min(count, len(self.listing))

    # -- RowSource -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    def image(self, index: int) -> int:
        """The listing position row ``index`` shows."""
        return index if self.groups is None else self.groups.images[index]

    def key(self, index: int) -> str:
        groups = self.groups
        if groups is None:
            return self.listing.digests[index]
        return groups.keys.get(index) or self.listing.digests[groups.images[index]]

    def index_of(self, key: str) -> int | None:
        groups = self.groups
        if groups is not None and KEY_SEPARATOR in key:
            return groups.rows_by_key.get(key)
        image = self.listing.position(key)
        if image is None:
            return None
        if groups is None:
            return image if image < self._count else None
        row = groups.first_row[image]
        return row if row >= 0 else None

    def row(self, index: int) -> Row:
        listing, groups = self.listing, self.groups
        image = self.image(index)
        label = groups.labels.get(index, "") if groups is not None else ""
        cells = image_cells(listing, image, self._now, label)
        key = self.key(index)
        status = STATUS_STYLE.get(listing.status(image))
        if label:
            return Row(key, cells, classes=(status or "dim",))
        return Row(
            key, cells, classes=(status,) if status else (), cell_classes=image_cell_classes(listing, image)
        )

    def select(self, matcher: Matcher, indices: Iterable[int]) -> list[int]:
        wanted = indices if isinstance(indices, range) else list(indices)
        if not wanted:
            return []
        images = self._count if self.groups is None else len(self.listing)
        chosen: Sequence[int] = wanted
        for predicate, word, term in zip(
            matcher.predicates, matcher.word_predicates, matcher.terms, strict=True
        ):
            hits = self._row_hits(predicate, word, term, images)
            if isinstance(chosen, range) and chosen.step == 1:
                chosen = list(compress(chosen, hits[chosen.start : chosen.stop]))
            else:
                chosen = list(compress(chosen, map(hits.__getitem__, chosen)))
        return list(chosen)

    def sort_key(self, option: SortOption) -> Callable[[int], Any]:
        values = self._values(option.label)
        if self.groups is None:
            return values.__getitem__  # type: ignore[no-any-return]
        tops = self.groups.tops
        return lambda row: values[tops[row]]

    # -- internals --------------------------------------------------------------------------------------------

    def _values(self, label: str) -> Any:
        """Per image, the value ``label`` orders by (smaller first; missing values last), extended lazily."""
        listing = self.listing
        stop = self._count if self.groups is None else len(listing)
        values = self._sort_values.get(label)
        start = 0 if values is None else len(values)
        if values is not None and start >= stop:
            return values
        inf = math.inf
        new: Iterable[Any]
        if label == IMAGE_SORTS[0]:
            new = (inf if p != p else -p for p in listing.pushed[start:stop])
        elif label == IMAGE_SORTS[1]:
            new = (inf if p != p else p for p in listing.pushed[start:stop])
        elif label == IMAGE_SORTS[2]:
            new = (inf if size < 0 else -size for size in listing.sizes[start:stop])
        elif label == IMAGE_SORTS[3]:
            new = map(_tag_order, listing.tags[start:stop])
        else:
            raise ValueError(f"unknown image order {label!r}")
        if values is None:
            values = [] if label == IMAGE_SORTS[3] else array("d")
            self._sort_values[label] = values
        values.extend(new)
        return values

    def _tag_texts(self, stop: int) -> tuple[array[int], list[str]]:
        """The tagged images and their lowercase tags (built on the first filter, then extended; a tag already
        lowercase is shared with the listing). Most images of a large repository are untagged, so a term is
        tried on a tenth of the images, not on every one."""
        positions, texts = self._tagged
        tags = self.listing.tags
        for position in range(self._tags_seen, stop):
            if tags[position]:
                joined = " ".join(tags[position])
                lowered = joined.lower()
                positions.append(position)
                texts.append(joined if lowered == joined else lowered)
        self._tags_seen = max(self._tags_seen, stop)
        return positions, texts

    def _image_hits(self, predicate: Predicate, word: Predicate, term: str, stop: int) -> bytearray:
        """Per image, whether one term matches its tags, digest, kind or state (``archived``, ``restoring``)
        (1 or 0); ``word`` is the term's test for one-word texts (digests)."""
        listing = self.listing
        kinds = {code for code, kind in enumerate(listing.kinds) if predicate(kind.value)}
        kinds.update(
            code for code, status in enumerate(listing.statuses) if predicate(STATUS_TEXT.get(status, ""))
        )
        if kinds and len(kinds) == len(listing.kinds):
            return bytearray(b"\x01") * stop  # every image's kind matches (``image``, ``ima``...)
        hits = bytearray(stop)
        positions, texts = self._tag_texts(stop)
        for position in compress(positions, map(predicate, texts)):
            if position < stop:
                hits[position] = 1
        if not term or set(term) <= DIGEST_CHARACTERS:
            for position in compress(range(stop), map(word, listing.digests[:stop])):
                hits[position] = 1
        if kinds:
            for position in compress(range(stop), map(kinds.__contains__, listing.states[:stop])):
                hits[position] = 1
        return hits

    def _row_hits(self, predicate: Predicate, word: Predicate, term: str, images: int) -> bytearray:
        hits = self._image_hits(predicate, word, term, images)
        groups = self.groups
        if groups is None:
            return hits
        rows = bytearray(map(hits.__getitem__, groups.images))
        for row, text in groups.search.items():
            if not rows[row] and predicate(text):
                rows[row] = 1
        return rows
