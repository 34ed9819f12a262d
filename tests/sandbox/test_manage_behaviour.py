"""Archive storage, image status filters, scans, exclusion filters and lifecycle previews, over HTTP with boto3.

Each test makes its own repository in the module's read-write sandbox. Waits poll with a deadline; nothing sleeps
for a fixed time.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.ecr.pushing import OCI_MANIFEST, push_blob, push_image, push_index, put_manifest

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

_names = itertools.count()
DEADLINE = 30.0


@pytest.fixture(scope="module")
def dev(rw_sandbox: SandboxProcess) -> Any:
    return rw_sandbox.session("demo-dev").client("ecr")


def new_repository(dev: Any, **params: Any) -> str:
    name = f"test/manage-{os.getpid()}-{next(_names)}"
    dev.create_repository(repositoryName=name, **params)
    return name


@pytest.fixture
def repo(dev: Any) -> str:
    return new_repository(dev)


def code_of(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return str(caught.value.response["Error"]["Code"])


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def status_of(dev: Any, repo: str, digest: str) -> str:
    detail = dev.describe_images(repositoryName=repo, imageIds=[{"imageDigest": digest}])["imageDetails"][0]
    return str(detail["imageStatus"])


def listed(dev: Any, repo: str, **filters: str) -> list[str]:
    params: dict[str, Any] = {"repositoryName": repo}
    if filters:
        params["filter"] = filters
    return [d["imageDigest"] for d in dev.describe_images(**params)["imageDetails"]]


class TestArchive:
    def test_archive_hides_from_default_listings_and_restore_goes_through_activating(
        self, dev: Any, repo: str
    ) -> None:
        kept = push_image(dev, repo, "kept", tag="kept").digest
        old = push_image(dev, repo, "old", tag="old").digest
        answer = dev.update_image_storage_class(
            repositoryName=repo, imageId={"imageTag": "old"}, targetStorageClass="ARCHIVE"
        )
        assert answer["imageStatus"] == "ARCHIVED"
        assert answer["imageId"] == {"imageDigest": old, "imageTag": "old"}
        assert listed(dev, repo) == [kept]
        assert listed(dev, repo, imageStatus="ARCHIVED") == [old]
        assert listed(dev, repo, imageStatus="ANY") == [kept, old]
        ids = dev.list_images(repositoryName=repo)["imageIds"]
        assert ids == [{"imageDigest": kept, "imageTag": "kept"}]
        assert dev.list_images(repositoryName=repo, filter={"imageStatus": "ARCHIVED"})["imageIds"] == [
            {"imageDigest": old, "imageTag": "old"}
        ]
        detail = dev.describe_images(repositoryName=repo, imageIds=[{"imageTag": "old"}])["imageDetails"][0]
        assert detail["imageStatus"] == "ARCHIVED"  # described by id whatever its status
        assert "lastArchivedAt" in detail
        restored = dev.update_image_storage_class(
            repositoryName=repo, imageId={"imageDigest": old}, targetStorageClass="STANDARD"
        )
        assert restored["imageStatus"] == "ACTIVATING"
        assert listed(dev, repo, imageStatus="ACTIVATING") == [old]
        wait_for(lambda: status_of(dev, repo, old) == "ACTIVE", "the restore to finish")
        detail = dev.describe_images(repositoryName=repo, imageIds=[{"imageDigest": old}])["imageDetails"][0]
        assert detail["lastActivatedAt"] >= detail["lastArchivedAt"]
        assert listed(dev, repo) == [kept, old]

    def test_updates_the_status_does_not_allow_are_refused(self, dev: Any, repo: str) -> None:
        push_image(dev, repo, "x", tag="x")

        def update(target: str) -> Callable[[], Any]:
            return lambda: dev.update_image_storage_class(
                repositoryName=repo, imageId={"imageTag": "x"}, targetStorageClass=target
            )

        assert code_of(update("STANDARD")) == "ImageStorageClassUpdateNotSupportedException"
        update("ARCHIVE")()
        assert code_of(update("ARCHIVE")) == "ImageStorageClassUpdateNotSupportedException"
        assert code_of(update("GLACIER")) == "InvalidParameterException"
        missing = lambda: dev.update_image_storage_class(  # noqa: E731
            repositoryName=repo, imageId={"imageTag": "nope"}, targetStorageClass="ARCHIVE"
        )
        assert code_of(missing) == "ImageNotFoundException"

    def test_pushing_an_archived_image_restores_it_at_once(self, dev: Any, repo: str) -> None:
        pushed = push_image(dev, repo, "again", tag="v1")
        dev.update_image_storage_class(
            repositoryName=repo, imageId={"imageTag": "v1"}, targetStorageClass="ARCHIVE"
        )
        put_manifest(dev, repo, pushed.manifest, pushed.media_type, "v1")
        assert status_of(dev, repo, pushed.digest) == "ACTIVE"

    def test_an_archived_image_cannot_be_scanned(self, dev: Any, repo: str) -> None:
        push_image(dev, repo, "cold", tag="cold")
        dev.update_image_storage_class(
            repositoryName=repo, imageId={"imageTag": "cold"}, targetStorageClass="ARCHIVE"
        )
        scan = lambda: dev.start_image_scan(repositoryName=repo, imageId={"imageTag": "cold"})  # noqa: E731
        assert code_of(scan) == "ImageArchivedException"

    def test_bad_image_status_filter_is_refused(self, dev: Any, repo: str) -> None:
        call = lambda: dev.describe_images(repositoryName=repo, filter={"imageStatus": "FROZEN"})  # noqa: E731
        assert code_of(call) == "InvalidParameterException"


class TestListingLimits:
    def test_a_token_belongs_to_the_filters_it_was_issued_for(self, dev: Any, repo: str) -> None:
        for number in range(3):
            push_image(dev, repo, f"p{number}", tag=f"t{number}")
        first = dev.describe_images(repositoryName=repo, filter={"tagStatus": "TAGGED"}, maxResults=1)
        token = first["nextToken"]
        unfiltered = lambda: dev.describe_images(repositoryName=repo, nextToken=token, maxResults=1)  # noqa: E731
        assert code_of(unfiltered) == "InvalidParameterException"
        other_status = lambda: dev.describe_images(  # noqa: E731
            repositoryName=repo, filter={"tagStatus": "TAGGED", "imageStatus": "ANY"}, nextToken=token
        )
        assert code_of(other_status) == "InvalidParameterException"
        second = dev.describe_images(
            repositoryName=repo, filter={"tagStatus": "TAGGED"}, nextToken=token, maxResults=1
        )
        assert second["imageDetails"][0]["imageDigest"] != first["imageDetails"][0]["imageDigest"]
        ids_token = dev.list_images(repositoryName=repo, filter={"tagStatus": "TAGGED"}, maxResults=1)[
            "nextToken"
        ]
        wrong = lambda: dev.list_images(repositoryName=repo, nextToken=ids_token)  # noqa: E731
        assert code_of(wrong) == "InvalidParameterException"

    def test_more_than_100_image_ids_is_invalid(self, dev: Any, repo: str) -> None:
        push_image(dev, repo, "one", tag="t0")
        ids = [{"imageTag": f"t{n}"} for n in range(101)]
        assert (
            code_of(lambda: dev.describe_images(repositoryName=repo, imageIds=ids))
            == "InvalidParameterException"
        )
        missing = lambda: dev.describe_images(repositoryName=repo, imageIds=ids[:100])  # noqa: E731
        assert code_of(missing) == "ImageNotFoundException"  # 100 is allowed (and t1 does not exist)


class TestScans:
    def test_a_started_scan_completes_with_findings_matching_its_counts(self, dev: Any, repo: str) -> None:
        pushed = push_image(dev, repo, "scan-me", tag="s")
        never = lambda: dev.describe_image_scan_findings(repositoryName=repo, imageId={"imageTag": "s"})  # noqa: E731
        assert code_of(never) == "ScanNotFoundException"
        started = dev.start_image_scan(repositoryName=repo, imageId={"imageTag": "s"})
        assert started["imageScanStatus"]["status"] == "IN_PROGRESS"
        assert started["imageId"]["imageDigest"] == pushed.digest
        again = lambda: dev.start_image_scan(repositoryName=repo, imageId={"imageTag": "s"})  # noqa: E731
        assert code_of(again) == "LimitExceededException"  # once per 24 hours

        def complete() -> bool:
            status = dev.describe_image_scan_findings(repositoryName=repo, imageId={"imageTag": "s"})
            return bool(status["imageScanStatus"]["status"] == "COMPLETE")

        wait_for(complete, "the scan to complete")
        pages = list(
            dev.get_paginator("describe_image_scan_findings").paginate(
                repositoryName=repo, imageId={"imageTag": "s"}, PaginationConfig={"PageSize": 2}
            )
        )
        findings = [f for page in pages for f in page["imageScanFindings"]["findings"]]
        counts = pages[0]["imageScanFindings"]["findingSeverityCounts"]
        assert len(pages) > 1
        assert len(findings) == sum(counts.values())
        detail = dev.describe_images(repositoryName=repo, imageIds=[{"imageTag": "s"}])["imageDetails"][0]
        assert detail["imageScanFindingsSummary"]["findingSeverityCounts"] == counts

    def test_an_index_cannot_be_scanned(self, dev: Any, repo: str) -> None:
        child = push_image(dev, repo, "child")
        push_index(dev, repo, [(child, "amd64")], tag="multi")
        scan = lambda: dev.start_image_scan(repositoryName=repo, imageId={"imageTag": "multi"})  # noqa: E731
        assert code_of(scan) == "UnsupportedImageTypeException"


class TestMutabilityFilters:
    FILTERS = [{"filterType": "WILDCARD", "filter": "latest"}]

    def test_create_and_put_with_filters_and_the_refusals(self, dev: Any) -> None:
        name = new_repository(
            dev,
            imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters=self.FILTERS,
        )
        described = dev.describe_repositories(repositoryNames=[name])["repositories"][0]
        assert described["imageTagMutabilityExclusionFilters"] == self.FILTERS
        answer = dev.put_image_tag_mutability(
            repositoryName=name,
            imageTagMutability="MUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "v*"}],
        )
        assert answer["imageTagMutabilityExclusionFilters"] == [{"filterType": "WILDCARD", "filter": "v*"}]
        for mutability, filters in (
            ("IMMUTABLE", self.FILTERS),  # filters without an _WITH_EXCLUSION setting
            ("IMMUTABLE_WITH_EXCLUSION", None),  # an _WITH_EXCLUSION setting without filters
            ("IMMUTABLE_WITH_EXCLUSION", [{"filterType": "WILDCARD", "filter": f"v{n}*"} for n in range(6)]),
            ("IMMUTABLE_WITH_EXCLUSION", [{"filterType": "WILDCARD", "filter": "has space"}]),
            ("IMMUTABLE_WITH_EXCLUSION", [{"filterType": "REGEX", "filter": "v.*"}]),
            ("SOMETIMES", None),
        ):
            params: dict[str, Any] = {"imageTagMutability": mutability}
            if filters is not None:
                params["imageTagMutabilityExclusionFilters"] = filters
            put = lambda p=params: dev.put_image_tag_mutability(repositoryName=name, **p)  # noqa: E731
            assert code_of(put) == "InvalidParameterException", params
            create = lambda p=params: dev.create_repository(repositoryName=name + "-x", **p)  # noqa: E731
            assert code_of(create) == "InvalidParameterException", params

    def test_an_excluded_tag_moves_in_an_immutable_repository(self, dev: Any) -> None:
        name = new_repository(
            dev,
            imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters=self.FILTERS,
        )
        first = push_image(dev, name, "first", tag="latest")
        push_image(dev, name, "first-release", tag="v1")
        second = push_image(dev, name, "second")
        put_manifest(dev, name, second.manifest, second.media_type, "latest")  # excluded: moves
        move = lambda: put_manifest(dev, name, first.manifest, first.media_type, "v1")  # noqa: E731
        assert code_of(move) == "ImageTagAlreadyExistsException"


class TestLifecycle:
    POLICY = json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "archive all but the newest",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
                    "action": {"type": "transition", "targetStorageClass": "archive"},
                }
            ]
        }
    )

    def test_put_accepts_archive_rules_and_refuses_bad_ones(self, dev: Any, repo: str) -> None:
        dev.put_lifecycle_policy(repositoryName=repo, lifecyclePolicyText=self.POLICY)
        assert dev.get_lifecycle_policy(repositoryName=repo)["lifecyclePolicyText"] == self.POLICY
        bad = self.POLICY.replace('"archive"}', '"glacier"}')
        put = lambda: dev.put_lifecycle_policy(repositoryName=repo, lifecyclePolicyText=bad)  # noqa: E731
        assert code_of(put) == "InvalidParameterException"

    def test_preview_of_a_given_policy_pages_and_filters(self, dev: Any, repo: str) -> None:
        pushed = [push_image(dev, repo, f"img{n}", tag=f"v{n}" if n % 2 else None) for n in range(5)]
        never = lambda: dev.get_lifecycle_policy_preview(repositoryName=repo)  # noqa: E731
        assert code_of(never) == "LifecyclePolicyPreviewNotFoundException"
        no_policy = lambda: dev.start_lifecycle_policy_preview(repositoryName=repo)  # noqa: E731
        assert code_of(no_policy) == "LifecyclePolicyNotFoundException"
        started = dev.start_lifecycle_policy_preview(repositoryName=repo, lifecyclePolicyText=self.POLICY)
        assert started["status"] == "IN_PROGRESS"
        pages = list(
            dev.get_paginator("get_lifecycle_policy_preview").paginate(
                repositoryName=repo, PaginationConfig={"PageSize": 2}
            )
        )
        results = [r for page in pages for r in page["previewResults"]]
        assert len(pages) == 2
        assert {page["status"] for page in pages} == {"COMPLETE"}
        assert [r["imageDigest"] for r in results] == [p.digest for p in pushed[:4]]  # the newest stays
        assert pages[0]["summary"] == {
            "expiringImageTotalCount": 0,
            "transitioningImageTotalCounts": [{"targetStorageClass": "ARCHIVE", "imageTotalCount": 4}],
        }
        tagged = dev.get_lifecycle_policy_preview(repositoryName=repo, filter={"tagStatus": "TAGGED"})
        assert [r["imageTags"] for r in tagged["previewResults"]] == [["v1"], ["v3"]]
        one = dev.get_lifecycle_policy_preview(
            repositoryName=repo, imageIds=[{"imageDigest": pushed[0].digest}]
        )
        assert [r["imageDigest"] for r in one["previewResults"]] == [pushed[0].digest]


def test_describe_images_names_the_subject_of_a_referrer(dev: Any, repo: str) -> None:
    subject = push_image(dev, repo, "signed", tag="v1")
    config = push_blob(dev, repo, b"{}")
    signature = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": config, "size": 2},
            "layers": [],
            "subject": {
                "mediaType": subject.media_type,
                "digest": subject.digest,
                "size": len(subject.manifest),
            },
        }
    ).encode()
    digest = put_manifest(dev, repo, signature, OCI_MANIFEST)
    details = {d["imageDigest"]: d for d in dev.describe_images(repositoryName=repo)["imageDetails"]}
    assert details[digest]["subjectManifestDigest"] == subject.digest
    assert "subjectManifestDigest" not in details[subject.digest]
