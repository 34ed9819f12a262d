"""ImageListing: the compact columns one repository's images are held in, and the models built from them."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import UTC, datetime
from typing import Any

from ecrtui.ecr import ImageKind, ImageSummary, MediaTypes
from ecrtui.ecr.listing import ImageListing, ImagePage

PUSHED = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def detail(number: int, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "registryId": "111111111111",
        "repositoryName": "team/api",
        "imageDigest": f"sha256:{number:064x}",
        "imageSizeInBytes": 1000 + number,
        "imagePushedAt": PUSHED,
        "imageManifestMediaType": MediaTypes.OCI_MANIFEST,
        "artifactMediaType": MediaTypes.OCI_CONFIG,
        "imageStatus": "ACTIVE",
    }
    if number % 10 == 0:
        item["imageTags"] = [f"build-{number:06d}"]
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not None}


def every_field(number: int) -> dict[str, Any]:
    return detail(
        number,
        imageTags=["v1", "latest"],
        lastRecordedPullTime=PUSHED,
        subjectManifestDigest="sha256:" + "d" * 64,
        imageScanStatus={"status": "COMPLETE", "description": "The scan was completed successfully."},
        imageScanFindingsSummary={"imageScanCompletedAt": PUSHED, "findingSeverityCounts": {"HIGH": 2}},
        lastArchivedAt=PUSHED,
        lastActivatedAt=PUSHED,
    )


def test_a_listed_image_reads_back_as_the_model_from_api_builds() -> None:
    details = [every_field(1), detail(2), detail(3, imageSizeInBytes=None, imagePushedAt=None)]
    listing = ImageListing("111111111111", "team/api")
    assert listing.append_details(details) == 3
    assert [listing.summary(i) for i in range(3)] == [ImageSummary.from_api(d) for d in details]
    assert listing.summary(0).pushed_at == PUSHED, "microseconds survive the float column"
    assert listing.summary(2).size_bytes is None
    assert listing.kind(0) is ImageKind.IMAGE
    assert listing.subject_digest(0) == "sha256:" + "d" * 64


def test_models_go_in_and_come_out_unchanged() -> None:
    summaries = [ImageSummary.from_api(every_field(7)), ImageSummary.from_api(detail(8))]
    listing = ImageListing("111111111111", "team/api")
    listing.append_summaries(summaries)
    assert list(listing.page(0, 2)) == summaries
    assert listing.get(summaries[1].digest) == summaries[1]
    assert listing.get("sha256:" + "f" * 64) is None


def test_a_repeated_digest_is_kept_once() -> None:
    listing = ImageListing("111111111111", "team/api")
    listing.append_details([detail(1), detail(2)])
    assert listing.append_details([detail(2), detail(3)]) == 3
    assert listing.digests == [f"sha256:{n:064x}" for n in (1, 2, 3)]
    assert listing.position(f"sha256:{3:064x}") == 2


def test_a_page_reads_as_a_list_of_models() -> None:
    listing = ImageListing("111111111111", "team/api")
    listing.append_details(detail(n) for n in range(5))
    page = listing.page(1, 4)
    assert isinstance(page, ImagePage)
    assert page.listing is listing
    assert len(page) == 3
    assert page[0].digest == listing.digests[1]
    assert page[-1].digest == listing.digests[3]
    assert [s.digest for s in page[1:]] == listing.digests[2:4]
    assert page == [listing.summary(n) for n in range(1, 4)]


def test_children_are_looked_up_by_digest_without_building_every_model() -> None:
    listing = ImageListing("111111111111", "team/api")
    listing.append_details(detail(n) for n in range(3))
    by_digest = listing.by_digest()
    assert len(by_digest) == 3
    assert listing.digests[2] in by_digest
    assert by_digest[listing.digests[2]].size_bytes == 1002
    assert "sha256:nope" not in by_digest


def test_a_large_listing_takes_a_fraction_of_the_api_dicts() -> None:
    """Issue 12: 10,000 images in columns take well under the 1.3 KB per image boto3's dicts do."""
    details = [detail(n) for n in range(10_000)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        listing = ImageListing("111111111111", "team/api")
        listing.append_details(details)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # The digest and tag strings are the answer's own (shared, so not counted here: about 120 bytes per image);
    # the rest is a few typed columns and one dict entry per image.
    assert held / len(listing) < 200, f"{held / len(listing):.0f} bytes per image"
