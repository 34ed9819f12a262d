"""Unit tests of image_rows: cells, grouping of index children and referrers, group-aware sort orders."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from ecrtui.ecr.models import ImageSummary, MediaTypes, parse_manifest
from ecrtui.ui.image_rows import (
    UNTAGGED,
    Child,
    Placement,
    digest_of_key,
    flat_rows,
    grouped_rows,
    image_row,
    image_sort_options,
    index_children,
    referrer_children,
)
from ecrtui.ui.table_model import Row

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json"


def digest(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


def summary(
    name: str,
    *,
    tags: tuple[str, ...] = (),
    days: float | None = 1,
    size: int | None = 1000,
    media_type: str = MANIFEST,
    artifact: str | None = IMAGE_CONFIG,
    subject: str | None = None,
) -> ImageSummary:
    return ImageSummary(
        registry_id="111111111111",
        repository_name="web",
        digest=digest(name),
        tags=tags,
        size_bytes=size,
        pushed_at=None if days is None else NOW - timedelta(days=days),
        last_pulled_at=None,
        manifest_media_type=media_type,
        artifact_media_type=artifact,
        subject_digest=subject,
    )


def test_top_level_row_cells_and_untagged_dim() -> None:
    row = image_row(summary("a", size=12_345_678, days=3), NOW)
    assert row.cell_texts == (UNTAGGED, digest("a")[:19], "12.3 MB", "3 days ago", "never", "image")
    assert row.cell_classes == ("dim",)
    tagged = image_row(summary("b", tags=("v1", "latest")), NOW)
    assert tagged.cell_texts[0] == "v1, latest"
    assert tagged.cell_classes == ()
    assert "latest" in tagged.search_text
    assert digest("b") in tagged.search_text


def test_index_children_are_labelled_by_platform_and_attestation() -> None:
    doc = {
        "schemaVersion": 2,
        "mediaType": INDEX,
        "manifests": [
            {
                "mediaType": MANIFEST,
                "digest": digest("amd64"),
                "size": 10,
                "platform": {"os": "linux", "architecture": "amd64"},
            },
            {
                "mediaType": MANIFEST,
                "digest": digest("arm64"),
                "size": 10,
                "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"},
            },
            {
                "mediaType": MANIFEST,
                "digest": digest("att"),
                "size": 10,
                "platform": {"os": "unknown", "architecture": "unknown"},
                "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
            },
        ],
    }
    manifest = parse_manifest(json.dumps(doc).encode(), MediaTypes.OCI_INDEX)
    children = index_children(manifest)
    assert [child.digest for child in children] == [digest("amd64"), digest("arm64"), digest("att")]
    assert children[0].label == "linux/amd64"
    assert "arm64" in children[1].label
    assert children[1].label != children[0].label
    assert children[2].label == "attestation"


def test_grouping_puts_children_under_their_index_in_arrival_order() -> None:
    listing = [
        summary("amd64", days=2),
        summary("idx", tags=("v1",), media_type=INDEX, artifact=None, days=2),
        summary("plain", tags=("old",), days=5),
        summary("arm64", days=2),
    ]
    children = {digest("idx"): [Child(digest("amd64"), "linux/amd64"), Child(digest("arm64"), "linux/arm64")]}
    result = grouped_rows(listing, children, NOW)
    assert [row.key for row in result.rows] == [
        digest("idx"),
        digest("amd64"),
        digest("arm64"),
        digest("plain"),
    ]
    first_child, last_child = result.rows[1], result.rows[2]
    assert first_child.cell_texts[0] == "├ linux/amd64"
    assert last_child.cell_texts[0] == "└ linux/arm64"
    assert first_child.classes == ("dim",)
    arm, index = result.placements[digest("arm64")], result.placements[digest("idx")]
    assert (arm.top, arm.arrival, arm.order) == (digest("idx"), 1, 2)
    assert arm.values == index.values, "children sort with their index"
    plain = result.placements[digest("plain")]
    assert (plain.top, plain.arrival, plain.order) == (digest("plain"), 2, 0)


def test_children_missing_from_the_listing_are_left_out_and_orphans_stay_top_level() -> None:
    listing = [summary("idx", media_type=INDEX, artifact=None), summary("orphan")]
    children = {
        digest("idx"): [Child(digest("gone"), "linux/amd64")],
        digest("absent-parent"): [Child(digest("orphan"), "linux/arm64")],
    }
    result = grouped_rows(listing, children, NOW)
    assert [row.key for row in result.rows] == [digest("idx"), digest("orphan")]
    assert result.rows[1].cell_texts[0] == UNTAGGED


def test_a_child_shared_by_two_indexes_shows_under_both_with_unique_keys() -> None:
    listing = [
        summary("idx1", media_type=INDEX, artifact=None),
        summary("idx2", media_type=INDEX, artifact=None),
        summary("shared"),
    ]
    children = {
        digest("idx1"): [Child(digest("shared"), "linux/amd64")],
        digest("idx2"): [Child(digest("shared"), "linux/amd64")],
    }
    keys = [row.key for row in grouped_rows(listing, children, NOW).rows]
    assert len(keys) == len(set(keys)) == 4
    assert [digest_of_key(key) for key in keys] == [
        digest("idx1"),
        digest("shared"),
        digest("idx2"),
        digest("shared"),
    ]


def test_cycles_in_malformed_data_terminate() -> None:
    listing = [summary("a"), summary("b")]
    children = {digest("a"): [Child(digest("b"), "x")], digest("b"): [Child(digest("a"), "y")]}
    result = grouped_rows(listing, children, NOW)
    assert len(result.rows) <= 3


def test_referrers_group_under_their_subject() -> None:
    listing = [
        summary("app", tags=("v2",)),
        summary("sig", artifact="application/vnd.dev.cosign.artifact.sig.v1+json", subject=digest("app")),
        summary("sbom", artifact="application/spdx+json", subject=digest("app")),
    ]
    referrers = referrer_children(listing)
    assert [(c.digest, c.label) for c in referrers[digest("app")]] == [
        (digest("sig"), "signature"),
        (digest("sbom"), "sbom"),
    ]
    rows = grouped_rows(listing, referrers, NOW).rows
    assert [row.key for row in rows] == [digest("app"), digest("sig"), digest("sbom")]
    assert rows[1].cell_texts[5] == "artifact"


def _sorted_keys(
    rows: list[Row], placements: dict[str, Placement], listing: list[ImageSummary], n: int
) -> list[str]:
    option = image_sort_options(placements.get)[n]
    return [row.key for row in sorted(rows, key=option.key, reverse=option.reverse)]


def test_sort_orders_keep_groups_together_and_ties_in_arrival_order() -> None:
    listing = [
        summary("old", tags=("b",), days=10, size=5),
        summary("idx", tags=("c",), media_type=INDEX, artifact=None, days=1, size=50),
        summary("child", days=30, size=999),  # older and bigger than anything, but it follows its index
        summary("tie1", tags=("a",), days=10, size=5),
        summary("untagged", days=None, size=None),
    ]
    result = grouped_rows(listing, {digest("idx"): [Child(digest("child"), "linux/amd64")]}, NOW)
    newest = _sorted_keys(result.rows, result.placements, listing, 0)
    assert newest == [digest(n) for n in ("idx", "child", "old", "tie1", "untagged")]
    oldest = _sorted_keys(result.rows, result.placements, listing, 1)
    assert oldest == [digest(n) for n in ("old", "tie1", "idx", "child", "untagged")]
    largest = _sorted_keys(result.rows, result.placements, listing, 2)
    assert largest == [digest(n) for n in ("idx", "child", "old", "tie1", "untagged")]
    by_tag = _sorted_keys(result.rows, result.placements, listing, 3)
    assert by_tag == [digest(n) for n in ("tie1", "old", "idx", "child", "untagged")]


def test_flat_rows_number_arrivals_from_the_given_offset() -> None:
    page = [summary("x"), summary("y")]
    result = flat_rows(page, NOW, first_arrival=1000)
    assert [row.key for row in result.rows] == [digest("x"), digest("y")]
    placement = result.placements[digest("y")]
    assert (placement.top, placement.arrival, placement.order) == (digest("y"), 1001, 0)
    assert placement.values[0] == -page[1].pushed_at.timestamp()  # type: ignore[union-attr]


def test_row_building_modules_do_not_import_textual() -> None:
    """The worker-side code stays importable (and benchmarkable) without the UI framework."""
    code = (
        "import sys\n"
        "import ecrtui.ui.image_rows, ecrtui.ui.table_model, ecrtui.ui.table_layout\n"
        "import ecrtui.ui.text_filter, ecrtui.ui.prefetch, ecrtui.ui.format\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
