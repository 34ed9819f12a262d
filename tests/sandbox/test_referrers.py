"""``ListImageReferrers`` as botocore's model has it, over the demo seed's signed images (read-only sandbox)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_copy_cases import (
    CHECKOUT_INDEX_TAG,
    CHECKOUT_LEGACY_SIGNED_TAG,
    CHECKOUT_MANY_LAYERS,
    CHECKOUT_SIGNED_TAG,
    CHECKOUT_WINDOWS_TAG,
    COSIGN_SIGNATURE_TYPE,
    NOTATION_SIGNATURE_TYPE,
    SPDX_SBOM_TYPE,
    cosign_signature_tag,
)

REPO = seed.CHECKOUT_REPOSITORY


@pytest.fixture(scope="module")
def dev(demo_sandbox: Any) -> Any:
    return demo_sandbox.session("demo-dev").client("ecr")


def digest_of_tag(ecr: Any, tag: str) -> str:
    details = ecr.describe_images(repositoryName=REPO, imageIds=[{"imageTag": tag}])["imageDetails"]
    return str(details[0]["imageDigest"])


def manifest(ecr: Any, digest: str) -> dict[str, Any]:
    got = ecr.batch_get_image(repositoryName=REPO, imageIds=[{"imageDigest": digest}])["images"][0]
    return dict(json.loads(got["imageManifest"]))


def referrers(ecr: Any, subject: str, **kwargs: Any) -> list[dict[str, Any]]:
    return list(
        ecr.list_image_referrers(repositoryName=REPO, subjectId={"imageDigest": subject}, **kwargs)[
            "referrers"
        ]
    )


@pytest.mark.parametrize(
    ("tag", "types"),
    [
        (CHECKOUT_SIGNED_TAG, [COSIGN_SIGNATURE_TYPE, SPDX_SBOM_TYPE]),
        (CHECKOUT_INDEX_TAG, [NOTATION_SIGNATURE_TYPE, SPDX_SBOM_TYPE]),
    ],
    ids=["tagged-image", "index"],
)
def test_a_signature_and_an_sbom_name_the_subject(dev: Any, tag: str, types: list[str]) -> None:
    subject = digest_of_tag(dev, tag)
    found = referrers(dev, subject)
    assert [r["artifactType"] for r in found] == types
    for referrer in found:
        document = manifest(dev, referrer["digest"])
        assert document["subject"]["digest"] == subject
        got = dev.batch_get_image(repositoryName=REPO, imageIds=[{"imageDigest": referrer["digest"]}])
        assert referrer["size"] == len(got["images"][0]["imageManifest"].encode())
        assert referrer["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
        assert referrer["artifactStatus"] == "ACTIVE"
        assert referrer["annotations"]["org.opencontainers.image.created"].startswith("2026-")


def test_artifact_type_filter(dev: Any) -> None:
    subject = digest_of_tag(dev, CHECKOUT_SIGNED_TAG)
    assert [
        r["artifactType"] for r in referrers(dev, subject, filter={"artifactTypes": [SPDX_SBOM_TYPE]})
    ] == [SPDX_SBOM_TYPE]
    assert referrers(dev, subject, filter={"artifactTypes": ["application/x-unknown"]}) == []


def test_pages_of_at_most_50(dev: Any) -> None:
    subject = digest_of_tag(dev, CHECKOUT_INDEX_TAG)
    first = dev.list_image_referrers(repositoryName=REPO, subjectId={"imageDigest": subject}, maxResults=1)
    second = dev.list_image_referrers(
        repositoryName=REPO, subjectId={"imageDigest": subject}, maxResults=1, nextToken=first["nextToken"]
    )
    assert "nextToken" not in second
    assert [r["digest"] for r in first["referrers"] + second["referrers"]] == [
        r["digest"] for r in referrers(dev, subject)
    ]
    with pytest.raises(ClientError) as excinfo:  # a token the sandbox never gave
        dev.list_image_referrers(repositoryName=REPO, subjectId={"imageDigest": subject}, nextToken="garbage")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"


def test_bad_requests_are_invalid_parameters(demo_sandbox: Any) -> None:
    from botocore.config import Config

    ecr = demo_sandbox.session("demo-dev").client(
        "ecr", config=Config(parameter_validation=False, retries={"total_max_attempts": 1})
    )
    subject = digest_of_tag(ecr, CHECKOUT_SIGNED_TAG)
    bad_calls: list[dict[str, Any]] = [
        {"subjectId": {"imageDigest": subject}, "maxResults": 51},
        {"subjectId": {"imageDigest": subject}, "filter": {"artifactTypes": ["a", "b", "c", "d", "e", "f"]}},
        {"subjectId": {"imageDigest": subject}, "filter": {"artifactStatus": "GONE"}},
        {"subjectId": {"imageDigest": "sha256:short"}},
    ]
    for call in bad_calls:
        with pytest.raises(ClientError) as excinfo:
            ecr.list_image_referrers(repositoryName=REPO, **call)
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException", call


def test_a_subject_without_referrers_has_an_empty_list(dev: Any) -> None:
    assert referrers(dev, digest_of_tag(dev, CHECKOUT_LEGACY_SIGNED_TAG)) == []
    assert referrers(dev, "sha256:" + "0" * 64) == []


def test_unknown_repository(dev: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        dev.list_image_referrers(
            repositoryName="no/such-repo", subjectId={"imageDigest": "sha256:" + "0" * 64}
        )
    assert excinfo.value.response["Error"]["Code"] == "RepositoryNotFoundException"


def test_legacy_cosign_signature_tag(dev: Any) -> None:
    """cosign before OCI 1.1 finds signatures by tag, not by subject."""
    subject = digest_of_tag(dev, CHECKOUT_LEGACY_SIGNED_TAG)
    signature = manifest(dev, digest_of_tag(dev, cosign_signature_tag(subject)))
    assert "subject" not in signature
    assert signature["layers"][0]["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json"
    payload_digest = signature["layers"][0]["digest"]
    url = dev.get_download_url_for_layer(repositoryName=REPO, layerDigest=payload_digest)["downloadUrl"]
    import urllib3

    payload = json.loads(urllib3.request("GET", url, timeout=10).data)
    assert payload["critical"]["image"]["docker-manifest-digest"] == subject


def test_an_image_of_many_layers(dev: Any) -> None:
    document = manifest(dev, digest_of_tag(dev, CHECKOUT_SIGNED_TAG))
    assert len(document["layers"]) == CHECKOUT_MANY_LAYERS >= 10
    digests = [layer["digest"] for layer in document["layers"]]
    available = dev.batch_check_layer_availability(repositoryName=REPO, layerDigests=digests)["layers"]
    assert {layer["layerAvailability"] for layer in available} == {"AVAILABLE"}


def test_a_foreign_layer_is_named_but_not_stored(dev: Any) -> None:
    document = manifest(dev, digest_of_tag(dev, CHECKOUT_WINDOWS_TAG))
    foreign = [layer for layer in document["layers"] if "foreign" in layer["mediaType"]]
    assert len(foreign) == 1
    assert foreign[0]["urls"]
    answer = dev.batch_check_layer_availability(repositoryName=REPO, layerDigests=[foreign[0]["digest"]])
    assert answer["layers"] == [{"layerDigest": foreign[0]["digest"], "layerAvailability": "UNAVAILABLE"}]
