"""The demo seed shows each management feature: archived images, lifecycle policies and their previews, enhanced
scan findings, tag-mutability exclusion filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_manage import (
    ARCHIVED_API_RELEASES,
    BASE_EXCLUSION_FILTERS,
    MIGRATE_EXCLUSION_FILTERS,
)

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess


@pytest.fixture(scope="module")
def dev(demo_sandbox: SandboxProcess) -> Any:
    return demo_sandbox.session("demo-dev").client("ecr")


def test_old_api_releases_are_archived_and_listed_only_when_asked(dev: Any) -> None:
    archived = dev.describe_images(repositoryName=seed.API_REPOSITORY, filter={"imageStatus": "ARCHIVED"})
    tags = [d["imageTags"] for d in archived["imageDetails"]]
    assert tags == [[t] for t in ARCHIVED_API_RELEASES]
    assert all(d["imageStatus"] == "ARCHIVED" and d["lastArchivedAt"] for d in archived["imageDetails"])
    active = [
        d
        for page in dev.get_paginator("describe_images").paginate(repositoryName=seed.API_REPOSITORY)
        for d in page["imageDetails"]
    ]
    assert {d["imageStatus"] for d in active} == {"ACTIVE"}
    assert not {t for d in active for t in d.get("imageTags", [])} & set(ARCHIVED_API_RELEASES)


def test_exclusion_filters(dev: Any) -> None:
    repositories = {
        r["repositoryName"]: r
        for r in dev.describe_repositories(
            repositoryNames=[seed.IMMUTABLE_REPOSITORY, seed.MIGRATE_REPOSITORY]
        )["repositories"]
    }
    base = repositories[seed.IMMUTABLE_REPOSITORY]
    assert base["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert [f["filter"] for f in base["imageTagMutabilityExclusionFilters"]] == list(BASE_EXCLUSION_FILTERS)
    migrate = repositories[seed.MIGRATE_REPOSITORY]
    assert migrate["imageTagMutability"] == "MUTABLE_WITH_EXCLUSION"
    assert [f["filter"] for f in migrate["imageTagMutabilityExclusionFilters"]] == list(
        MIGRATE_EXCLUSION_FILTERS
    )
    latest = dev.describe_images(repositoryName=seed.IMMUTABLE_REPOSITORY, imageIds=[{"imageTag": "latest"}])
    assert "distroless-static" in latest["imageDetails"][0]["imageTags"]


def test_etl_images_carry_enhanced_findings_with_fix_and_exploit_availability(dev: Any) -> None:
    image_id = {"imageTag": "1.8.1"}
    detail = dev.describe_images(repositoryName=seed.ETL_REPOSITORY, imageIds=[image_id])["imageDetails"][0]
    assert detail["imageScanStatus"]["status"] == "ACTIVE"
    counts = detail["imageScanFindingsSummary"]["findingSeverityCounts"]
    findings = [
        f
        for page in dev.get_paginator("describe_image_scan_findings").paginate(
            repositoryName=seed.ETL_REPOSITORY, imageId=image_id
        )
        for f in page["imageScanFindings"]["enhancedFindings"]
    ]
    assert len(findings) == sum(counts.values()) > 0
    assert {f["fixAvailable"] for f in findings} <= {"YES", "NO", "PARTIAL"}
    assert {f["exploitAvailable"] for f in findings} <= {"YES", "NO"}
    assert all(f["packageVulnerabilityDetails"]["vulnerablePackages"][0]["name"] for f in findings)
    fixed = [f for f in findings if f["fixAvailable"] != "NO"]
    assert fixed
    assert all("fixedInVersion" in f["packageVulnerabilityDetails"]["vulnerablePackages"][0] for f in fixed)
