"""Unit tests of image_rows: cells, grouping of index children and referrers, group-aware sort orders, filtering."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from ecrtui.ecr.listing import ImageListing
from ecrtui.ecr.models import ImageSummary, MediaTypes, parse_manifest
from ecrtui.ui.image_rows import (
    IMAGE_SORTS,
    UNTAGGED,
    Child,
    ImageRowSource,
    digest_of_key,
    grouped,
    image_sort_options,
    index_children,
    index_digests,
    referrer_children,
)
from ecrtui.ui.text_filter import Matcher, compile_query

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
    status: str | None = None,
    severities: Mapping[str, int] | None = None,
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
        status=status,
        scan_status="COMPLETE" if severities else None,
        scan_severity_counts=dict(severities or {}),
    )


def query(text: str) -> Matcher:
    matcher = compile_query(text)
    assert matcher is not None
    return matcher


def listing_of(*summaries: ImageSummary) -> ImageListing:
    listing = ImageListing("111111111111", "web")
    listing.append_summaries(summaries)
    return listing


def flat(*summaries: ImageSummary) -> ImageRowSource:
    listing = listing_of(*summaries)
    source = ImageRowSource(listing, NOW)
    source.grow(len(listing))
    return source


def grouped_source(
    summaries: Sequence[ImageSummary], children: Mapping[str, Sequence[Child]]
) -> ImageRowSource:
    listing = listing_of(*summaries)
    return ImageRowSource(listing, NOW, grouped(listing, children))


def keys(source: ImageRowSource) -> list[str]:
    return [source.key(index) for index in range(len(source))]


def test_top_level_row_cells_and_untagged_dim() -> None:
    source = flat(summary("a", size=12_345_678, days=3), summary("b", tags=("v1", "latest")))
    row = source.row(0)
    assert row.cell_texts == (UNTAGGED, digest("a")[:19], "12.3 MB", "3 days ago", "never", "image", "", "")
    assert row.cell_classes == ("dim",)
    tagged = source.row(1)
    assert tagged.cell_texts[0] == "v1, latest"
    assert tagged.cell_classes == ()
    assert source.select(query("latest"), range(2)) == [1]
    assert source.select(query(digest("b")[10:30]), range(2)) == [1]


def test_archived_and_restoring_images_are_marked_in_their_state_cell_and_row_style() -> None:
    source = flat(
        summary("active", tags=("v2",), status="ACTIVE"),
        summary("archived", tags=("v1",), status="ARCHIVED"),
        summary("restoring", status="ACTIVATING"),
    )
    active, archived, restoring = (source.row(index) for index in range(3))
    states = [row.cell_texts[6] for row in (active, archived, restoring)]
    assert states == ["", "archived", "restoring"]
    assert (active.classes, archived.classes, restoring.classes) == ((), ("warning",), ("accent",))
    assert source.select(query("archived"), range(3)) == [1], "the state is found by the filter"
    assert source.select(query("restoring"), range(3)) == [2]
    assert source.select(query("v"), range(3)) == [0, 1], "a tag term does not match every state"


def test_findings_are_counted_by_severity_and_styled_by_the_worst() -> None:
    source = flat(
        summary("none"),
        summary("high", severities={"HIGH": 2, "MEDIUM": 7, "LOW": 5, "INFORMATIONAL": 3}),
        summary("medium", tags=("v1",), severities={"MEDIUM": 1}),
        summary("critical", tags=("v2",), severities={"CRITICAL": 1, "LOW": 4}),
    )
    cells = [source.row(index).cell_texts[7] for index in range(4)]
    assert cells == ["", "2H 7M 5L", "1M", "1C 4L"], "informational findings are left out"
    assert source.row(0).cell_classes == ("dim",)
    assert source.row(1).cell_classes[7] == "error"
    assert source.row(2).cell_classes == ("", "", "", "", "", "", "", "warning")
    assert source.row(3).cell_classes[7] == "error"


def test_a_flat_source_shows_only_what_it_was_grown_to() -> None:
    listing = listing_of(summary("x"), summary("y"), summary("z"))
    source = ImageRowSource(listing, NOW)
    source.grow(2)
    assert len(source) == 2
    assert source.index_of(digest("y")) == 1
    assert source.index_of(digest("z")) is None, "the pager ran ahead: not shown yet"
    source.grow(10)
    assert len(source) == 3


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
    source = grouped_source(listing, children)
    assert keys(source) == [digest("idx"), digest("amd64"), digest("arm64"), digest("plain")]
    first_child, last_child = source.row(1), source.row(2)
    assert first_child.cell_texts[0] == "├ linux/amd64"
    assert last_child.cell_texts[0] == "└ linux/arm64"
    assert first_child.classes == ("dim",)
    assert source.index_of(digest("arm64")) == 2
    # A child is found by its label and by its parent's tags.
    assert source.select(query("v1"), range(4)) == [0, 1, 2]
    assert source.select(query("arm64"), range(4)) == [2]


def test_children_missing_from_the_listing_are_left_out_and_orphans_stay_top_level() -> None:
    listing = [summary("idx", media_type=INDEX, artifact=None), summary("orphan")]
    children = {
        digest("idx"): [Child(digest("gone"), "linux/amd64")],
        digest("absent-parent"): [Child(digest("orphan"), "linux/arm64")],
    }
    source = grouped_source(listing, children)
    assert keys(source) == [digest("idx"), digest("orphan")]
    assert source.row(1).cell_texts[0] == UNTAGGED


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
    source = grouped_source(listing, children)
    row_keys = keys(source)
    assert len(row_keys) == len(set(row_keys)) == 4
    assert [digest_of_key(key) for key in row_keys] == [
        digest("idx1"),
        digest("shared"),
        digest("idx2"),
        digest("shared"),
    ]
    assert [source.index_of(key) for key in row_keys] == [0, 1, 2, 3]


def test_cycles_in_malformed_data_terminate() -> None:
    listing = [summary("a"), summary("b")]
    children = {digest("a"): [Child(digest("b"), "x")], digest("b"): [Child(digest("a"), "y")]}
    assert len(grouped_source(listing, children)) <= 3


def test_referrers_group_under_their_subject() -> None:
    listing = listing_of(
        summary("app", tags=("v2",)),
        summary("sig", artifact="application/vnd.dev.cosign.artifact.sig.v1+json", subject=digest("app")),
        summary("sbom", artifact="application/spdx+json", subject=digest("app")),
    )
    referrers = referrer_children(listing)
    assert [(c.digest, c.label) for c in referrers[digest("app")]] == [
        (digest("sig"), "signature"),
        (digest("sbom"), "sbom"),
    ]
    source = ImageRowSource(listing, NOW, grouped(listing, referrers))
    assert keys(source) == [digest("app"), digest("sig"), digest("sbom")]
    assert source.row(1).cell_texts[5] == "artifact"


def test_index_digests_are_found_from_the_listing() -> None:
    listing = listing_of(summary("a"), summary("idx", media_type=INDEX, artifact=None), summary("b"))
    assert index_digests(listing) == [digest("idx")]


def _sorted_keys(source: ImageRowSource, n: int) -> list[str]:
    option = image_sort_options()[n]
    assert option.label == IMAGE_SORTS[n]
    return [source.key(index) for index in sorted(range(len(source)), key=source.sort_key(option))]


def test_sort_orders_keep_groups_together_and_ties_in_arrival_order() -> None:
    listing = [
        summary("old", tags=("b",), days=10, size=5),
        summary("idx", tags=("c",), media_type=INDEX, artifact=None, days=1, size=50),
        summary("child", days=30, size=999),  # older and bigger than anything, but it follows its index
        summary("tie1", tags=("a",), days=10, size=5),
        summary("untagged", days=None, size=None),
    ]
    source = grouped_source(listing, {digest("idx"): [Child(digest("child"), "linux/amd64")]})
    assert _sorted_keys(source, 0) == [digest(n) for n in ("idx", "child", "old", "tie1", "untagged")]
    assert _sorted_keys(source, 1) == [digest(n) for n in ("old", "tie1", "idx", "child", "untagged")]
    assert _sorted_keys(source, 2) == [digest(n) for n in ("idx", "child", "old", "tie1", "untagged")]
    assert _sorted_keys(source, 3) == [digest(n) for n in ("tie1", "old", "idx", "child", "untagged")]


def test_flat_sort_keys_extend_as_the_source_grows() -> None:
    listing = listing_of(summary("x", days=3), summary("y", days=1), summary("z", days=2))
    source = ImageRowSource(listing, NOW)
    source.grow(2)
    newest = source.sort_key(image_sort_options()[0])
    assert sorted(range(2), key=newest) == [1, 0]
    source.grow(3)
    newest = source.sort_key(image_sort_options()[0])
    assert sorted(range(3), key=newest) == [1, 2, 0]


def test_filters_match_every_word_and_fuzzy_within_one_word() -> None:
    source = flat(
        summary("a", tags=("v1.4.2", "Prod")),
        summary("b", tags=("v1.4.3",)),
        summary("c", tags=("prod-old",)),
        summary("d"),
    )
    every = range(len(source))
    assert source.select(query("prod v1.4"), every) == [0]
    assert source.select(query("PROD"), every) == [0, 2]
    assert source.select(query("~v142"), every) == [0]
    assert source.select(query("image"), every) == [0, 1, 2, 3]
    assert source.select(query("prod"), [3, 2, 0]) == [2, 0]


def test_row_building_modules_do_not_import_textual() -> None:
    """The worker-side code stays importable (and benchmarkable) without the UI framework."""
    code = (
        "import sys\n"
        "import ecrtui.ui.image_rows, ecrtui.ui.table_model, ecrtui.ui.table_layout\n"
        "import ecrtui.ui.text_filter, ecrtui.ui.format, ecrtui.ecr.listing\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
