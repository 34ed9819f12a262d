"""The demo seed makes a believable registry and promotion story (read-only: uses the shared demo sandbox)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import urllib3

from ecrtui.sandbox import seed

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

from ecr_pusher import DOCKER_LIST, DOCKER_V1, DOCKER_V2, OCI_INDEX, OCI_MANIFEST


@pytest.fixture(scope="module")
def dev(demo_sandbox: SandboxProcess) -> Any:
    return demo_sandbox.session("demo-dev").client("ecr")


@pytest.fixture(scope="module")
def prod(demo_sandbox: SandboxProcess) -> Any:
    return demo_sandbox.session("demo-prod").client("ecr")


@pytest.fixture(scope="module")
def dev_images(dev: Any) -> dict[str, list[dict[str, Any]]]:
    paginator = dev.get_paginator("describe_images")
    return {
        name: [d for page in paginator.paginate(repositoryName=name) for d in page["imageDetails"]]
        for name in seed.DEV_REPOSITORIES
    }


def _manifest(ecr: Any, repository: str, **image_id: str) -> dict[str, Any]:
    got = ecr.batch_get_image(repositoryName=repository, imageIds=[image_id])["images"][0]
    return dict(json.loads(got["imageManifest"]))


def test_dev_has_namespaced_repositories(dev: Any) -> None:
    repositories = dev.describe_repositories(maxResults=1000)["repositories"]
    names = [r["repositoryName"] for r in repositories]
    assert names == list(seed.DEV_REPOSITORIES)
    assert len(names) >= 10
    assert sum("/" in n for n in names) == len(names)


def test_dev_has_many_images_of_every_kind(dev_images: dict[str, list[dict[str, Any]]]) -> None:
    every = [d for details in dev_images.values() for d in details]
    assert len(every) >= 80
    media_types = Counter(d["imageManifestMediaType"] for d in every)
    assert {DOCKER_V2, OCI_MANIFEST, OCI_INDEX, DOCKER_LIST, DOCKER_V1} <= set(media_types)
    assert any(len(d.get("imageTags", [])) >= 3 for d in every)
    assert any("imageTags" not in d for d in every)
    assert len(dev_images[seed.BIG_REPOSITORY]) == seed.BIG_REPOSITORY_IMAGES >= 300
    assert dev_images[seed.EMPTY_REPOSITORY] == []
    assert all(d["imageSizeInBytes"] > 0 for d in every)


def test_multi_arch_index_has_two_platforms_and_attestations(dev: Any) -> None:
    index = _manifest(dev, seed.MULTIARCH_REPOSITORY, imageTag=seed.MULTIARCH_TAG)
    assert index["mediaType"] == OCI_INDEX
    platforms = [(m["platform"]["os"], m["platform"]["architecture"]) for m in index["manifests"]]
    assert platforms == [
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("unknown", "unknown"),
        ("unknown", "unknown"),
    ]
    attestation = index["manifests"][2]
    assert attestation["annotations"]["vnd.docker.reference.type"] == "attestation-manifest"
    assert attestation["annotations"]["vnd.docker.reference.digest"] == index["manifests"][0]["digest"]


def test_image_config_is_realistic(dev: Any) -> None:
    manifest = _manifest(dev, seed.API_REPOSITORY, imageTag=seed.API_LATEST)
    url = dev.get_download_url_for_layer(
        repositoryName=seed.API_REPOSITORY, layerDigest=manifest["config"]["digest"]
    )
    config = json.loads(urllib3.request("GET", url["downloadUrl"]).data)
    container = config["config"]
    assert {"Env", "Entrypoint", "Cmd", "Labels", "ExposedPorts", "WorkingDir", "User"} <= set(container)
    assert container["Labels"]["org.opencontainers.image.version"] == seed.API_LATEST
    assert any(h.get("empty_layer") for h in config["history"])
    non_empty = [h for h in config["history"] if not h.get("empty_layer")]
    assert len(non_empty) == len(config["rootfs"]["diff_ids"]) == len(manifest["layers"])


def test_repository_settings(dev: Any) -> None:
    repositories = {
        r["repositoryName"]: r for r in dev.describe_repositories(maxResults=1000)["repositories"]
    }
    assert repositories[seed.IMMUTABLE_REPOSITORY]["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repositories[seed.API_REPOSITORY]["imageTagMutability"] == "MUTABLE"
    tags = dev.list_tags_for_resource(resourceArn=repositories[seed.API_REPOSITORY]["repositoryArn"])["tags"]
    assert {"Key": "team", "Value": "web"} in tags
    policy = json.loads(dev.get_repository_policy(repositoryName=seed.API_REPOSITORY)["policyText"])
    assert policy["Statement"][0]["Principal"]["AWS"].startswith("arn:aws:iam::222222222222:")
    lifecycle = json.loads(
        dev.get_lifecycle_policy(repositoryName=seed.BIG_REPOSITORY)["lifecyclePolicyText"]
    )
    assert lifecycle["rules"][0]["action"]["type"] == "expire"


def test_pushes_have_fixed_times_before_the_epoch(dev_images: dict[str, list[dict[str, Any]]]) -> None:
    pushed = [d["imagePushedAt"] for details in dev_images.values() for d in details]
    assert max(pushed) <= seed.DEMO_EPOCH
    assert min(pushed).year >= 2021


def test_prod_holds_promoted_releases(prod: Any, dev: Any) -> None:
    names = [r["repositoryName"] for r in prod.describe_repositories()["repositories"]]
    assert names == list(seed.PROD_REPOSITORIES)
    prod_index = prod.describe_images(
        repositoryName=seed.MULTIARCH_REPOSITORY, imageIds=[{"imageTag": seed.PROMOTED_GATEWAY_TAG}]
    )["imageDetails"][0]
    dev_index = dev.describe_images(
        repositoryName=seed.MULTIARCH_REPOSITORY, imageIds=[{"imageTag": seed.PROMOTED_GATEWAY_TAG}]
    )["imageDetails"][0]
    assert prod_index["imageDigest"] == dev_index["imageDigest"]
    assert prod_index["imagePushedAt"] > dev_index["imagePushedAt"]  # promoted after it was built
    frontend = [r for r in names if r == seed.FRONTEND_REPOSITORY]
    assert frontend == []  # not promoted yet: something left to copy


def test_scan_findings_agree_with_the_summary(dev: Any) -> None:
    image_id = {"imageTag": seed.API_LATEST}
    detail = dev.describe_images(repositoryName=seed.API_REPOSITORY, imageIds=[image_id])["imageDetails"][0]
    counts = detail["imageScanFindingsSummary"]["findingSeverityCounts"]
    first = dev.describe_image_scan_findings(repositoryName=seed.API_REPOSITORY, imageId=image_id)
    findings = first["imageScanFindings"]["findings"]
    assert Counter(f["severity"] for f in findings) == Counter(counts)
    again = dev.describe_image_scan_findings(repositoryName=seed.API_REPOSITORY, imageId=image_id)
    assert again["imageScanFindings"] == first["imageScanFindings"]


def _blob(ecr: Any, repository: str, digest: str) -> bytes:
    url = ecr.get_download_url_for_layer(repositoryName=repository, layerDigest=digest)["downloadUrl"]
    response = urllib3.request("GET", url, retries=False, timeout=30)
    assert response.status == 200, (repository, digest)
    return bytes(response.data)


@pytest.mark.parametrize("profile", ["demo-dev", "demo-prod"])
def test_every_seeded_image_is_complete_and_consistent(demo_sandbox: SandboxProcess, profile: str) -> None:
    """Seeded data is what a client could have pushed: every blob downloads and matches its digest and size,
    every index child is present, and sizes follow ECR's rule (layer sum; an index: its largest child)."""
    import hashlib

    ecr = demo_sandbox.session(profile).client("ecr")
    checked: set[tuple[str, str]] = set()
    for page in ecr.get_paginator("describe_repositories").paginate():
        for repository in (r["repositoryName"] for r in page["repositories"]):
            details = [
                d
                for p in ecr.get_paginator("describe_images").paginate(repositoryName=repository)
                for d in p["imageDetails"]
            ]
            sizes = {d["imageDigest"]: d["imageSizeInBytes"] for d in details}
            for start in range(0, len(details), 100):
                ids = [{"imageDigest": d["imageDigest"]} for d in details[start : start + 100]]
                got = ecr.batch_get_image(repositoryName=repository, imageIds=ids)
                assert got["failures"] == []
                for image in got["images"]:
                    raw = image["imageManifest"].encode()
                    digest = image["imageId"]["imageDigest"]
                    assert "sha256:" + hashlib.sha256(raw).hexdigest() == digest
                    manifest = json.loads(raw)
                    if "manifests" in manifest:
                        children = [m["digest"] for m in manifest["manifests"]]
                        assert all(child in sizes for child in children), (repository, digest)
                        assert sizes[digest] == max(sizes[child] for child in children)
                        continue
                    if manifest.get("schemaVersion") == 1:
                        descriptors = [{"digest": layer["blobSum"]} for layer in manifest["fsLayers"]]
                    else:
                        descriptors = [manifest["config"], *manifest["layers"]]
                        assert sizes[digest] == sum(layer["size"] for layer in manifest["layers"])
                    for descriptor in descriptors:
                        if (repository, descriptor["digest"]) in checked:
                            continue
                        if "foreign" in descriptor.get("mediaType", ""):
                            continue  # non-distributable: registries never store it (web/checkout's Windows base)
                        data = _blob(ecr, repository, descriptor["digest"])
                        assert "sha256:" + hashlib.sha256(data).hexdigest() == descriptor["digest"]
                        assert descriptor.get("size", len(data)) == len(data)
                        checked.add((repository, descriptor["digest"]))
    assert checked
