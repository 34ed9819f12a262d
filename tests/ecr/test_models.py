"""API-shaped models: built from boto3 response dicts as botocore returns them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ecrtui.ecr import ImageKind, ImageSummary, MediaTypes, Registry, Repository
from ecrtui.ecr.refs import RegistryRef

PUSHED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
DIGEST = "sha256:" + "c" * 64


def image_detail(**overrides: Any) -> dict[str, Any]:
    """One `imageDetails[]` entry with every field DescribeImages can return."""
    detail: dict[str, Any] = {
        "registryId": "111111111111",
        "repositoryName": "team/api",
        "imageDigest": DIGEST,
        "imageTags": ["v1", "latest"],
        "imageSizeInBytes": 12_345_678,
        "imagePushedAt": PUSHED,
        "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
        "imageScanFindingsSummary": {
            "imageScanCompletedAt": PUSHED,
            "vulnerabilitySourceUpdatedAt": PUSHED,
            "findingSeverityCounts": {"HIGH": 2, "LOW": 5},
        },
        "imageManifestMediaType": MediaTypes.OCI_MANIFEST,
        "artifactMediaType": MediaTypes.OCI_CONFIG,
        "lastRecordedPullTime": PUSHED,
        "subjectManifestDigest": "sha256:" + "d" * 64,
        "imageStatus": "ACTIVE",
        "lastArchivedAt": PUSHED,
        "lastActivatedAt": PUSHED,
    }
    detail.update(overrides)
    return {k: v for k, v in detail.items() if v is not None}


def test_image_summary_from_api_keeps_every_field() -> None:
    summary = ImageSummary.from_api(image_detail())
    assert summary.registry_id == "111111111111"
    assert summary.repository_name == "team/api"
    assert summary.digest == DIGEST
    assert summary.tags == ("v1", "latest")
    assert summary.size_bytes == 12_345_678
    assert summary.pushed_at == PUSHED
    assert summary.last_pulled_at == PUSHED
    assert summary.manifest_media_type == MediaTypes.OCI_MANIFEST
    assert summary.artifact_media_type == MediaTypes.OCI_CONFIG
    assert summary.subject_digest == "sha256:" + "d" * 64
    assert summary.status == "ACTIVE"
    assert summary.scan_status == "COMPLETE"
    assert summary.scan_completed_at == PUSHED
    assert summary.scan_severity_counts == {"HIGH": 2, "LOW": 5}
    assert summary.kind is ImageKind.IMAGE
    assert summary.is_tagged


def test_summaries_can_be_set_members_and_dict_keys() -> None:
    first = ImageSummary.from_api(image_detail())
    again = ImageSummary.from_api(image_detail())
    other = ImageSummary.from_api(image_detail(imageDigest="sha256:" + "e" * 64))
    assert len({first, again, other}) == 2
    assert {first: 1}[again] == 1


def test_image_summary_from_minimal_untagged_detail() -> None:
    summary = ImageSummary.from_api({"imageDigest": DIGEST})
    assert summary.tags == ()
    assert not summary.is_tagged
    assert summary.size_bytes is None
    assert summary.scan_status is None
    assert summary.scan_severity_counts == {}
    assert summary.kind is ImageKind.UNKNOWN


def test_image_summary_round_trips_through_a_dump() -> None:
    """The UI and the cache may serialise summaries; nothing may be lost or change type."""
    constructed = ImageSummary.from_api(image_detail())
    validated = ImageSummary.model_validate(constructed.model_dump())
    assert constructed == validated


def test_image_summary_does_not_share_the_response_lists() -> None:
    detail = image_detail()
    summary = ImageSummary.from_api(detail)
    detail["imageTags"].append("later")
    detail["imageScanFindingsSummary"]["findingSeverityCounts"]["CRITICAL"] = 1
    assert summary.tags == ("v1", "latest")
    assert "CRITICAL" not in summary.scan_severity_counts


@pytest.mark.parametrize(
    ("manifest_type", "artifact_type", "kind"),
    [
        (MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_CONFIG, ImageKind.IMAGE),
        (MediaTypes.OCI_MANIFEST, None, ImageKind.IMAGE),
        (MediaTypes.OCI_MANIFEST, "application/vnd.cncf.helm.config.v1+json", ImageKind.ARTIFACT),
        (MediaTypes.OCI_MANIFEST, "application/vnd.dev.cosign.artifact.sig.v1+json", ImageKind.ARTIFACT),
        (MediaTypes.OCI_INDEX, None, ImageKind.INDEX),
        (MediaTypes.DOCKER_MANIFEST_LIST, None, ImageKind.INDEX),
        (MediaTypes.DOCKER_SCHEMA1_SIGNED, None, ImageKind.SCHEMA1),
        ("application/x-unknown", None, ImageKind.UNKNOWN),
    ],
)
def test_image_kind_from_media_types(manifest_type: str, artifact_type: str | None, kind: ImageKind) -> None:
    detail = image_detail(imageManifestMediaType=manifest_type, artifactMediaType=artifact_type)
    if artifact_type is None:
        detail.pop("artifactMediaType", None)
    assert ImageSummary.from_api(detail).kind is kind


def test_repository_from_api() -> None:
    created = datetime(2023, 1, 2, tzinfo=UTC)
    repo = Repository.from_api(
        {
            "repositoryArn": "arn:aws:ecr:us-east-1:111111111111:repository/team/api",
            "registryId": "111111111111",
            "repositoryName": "team/api",
            "repositoryUri": "111111111111.dkr.ecr.us-east-1.amazonaws.com/team/api",
            "createdAt": created,
            "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "latest*"}],
            "imageScanningConfiguration": {"scanOnPush": True},
            "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:us-east-1:1:key/x"},
        }
    )
    assert repo.name == "team/api"
    assert repo.registry_id == "111111111111"
    assert repo.created_at == created
    assert repo.is_immutable
    assert repo.tag_mutability_exclusion_filters == ("latest*",)
    assert repo.scan_on_push
    assert repo.encryption_type == "KMS"
    assert repo.kms_key == "arn:aws:kms:us-east-1:1:key/x"
    assert repo.image_count is None
    assert repo.model_copy(update={"image_count": 3}).image_count == 3


def test_repository_from_minimal_entry_has_ecr_defaults() -> None:
    repo = Repository.from_api({"repositoryName": "ab"})
    assert not repo.is_immutable
    assert not repo.scan_on_push
    assert repo.encryption_type == "AES256"


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("us-east-1", "111111111111.dkr.ecr.us-east-1.amazonaws.com"),
        ("cn-northwest-1", "111111111111.dkr.ecr.cn-northwest-1.amazonaws.com.cn"),
        ("us-gov-west-1", "111111111111.dkr.ecr.us-gov-west-1.amazonaws.com"),
    ],
)
def test_registry_host_label_and_ref(region: str, host: str) -> None:
    registry = Registry(profile="demo-dev", account_id="111111111111", region=region)
    assert registry.host == host
    assert registry.label == f"demo-dev ({region})"
    assert registry.registry_id == "111111111111"
    assert registry.to_ref() == RegistryRef("111111111111", region)
    assert Registry(account_id="111111111111", region=region, label="Prod").label == "Prod"
    assert Registry(account_id="111111111111", region=region).label == f"111111111111 ({region})"
