"""skopeo, a registry client nobody here wrote, against the sandbox's registry face on the demo seed.

Pulls (``inspect``, ``copy`` to a directory) use the shared read-only demo sandbox: a pull changes nothing (pull
times come from the seed). Pushes (registry to registry, and from a directory) use the module's own sandbox.
Every pulled file is checked against its digest, and every image is compared with what the ECR API reports.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ecr.models import ImageKind
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox import seed
from ecrtui.sandbox.process import RegistryLogin
from ecrtui.ui.app import EcrTuiApp
from tests.conftest import SandboxProcess
from tests.sandbox.registry_client import Skopeo, pull_and_verify, sha256, skopeo_in

DEV, PROD = "111111111111", "222222222222"

DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"

KINDS = {
    "docker-image": (seed.API_REPOSITORY, seed.API_LATEST, DOCKER_V2),
    "oci-image": (seed.FRONTEND_REPOSITORY, "latest", OCI_MANIFEST),
    "manifest-list": (seed.MANIFEST_LIST_REPOSITORY, "latest", DOCKER_LIST),
    "oci-index": (seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG, OCI_INDEX),
    "artifact": (seed.ARTIFACT_REPOSITORY, "0.6.0", OCI_MANIFEST),
}


@pytest.fixture(scope="module")
def skopeo(tmp_path_factory: pytest.TempPathFactory) -> Skopeo:
    return skopeo_in(tmp_path_factory.mktemp("skopeo-home"))


@pytest.fixture(scope="module")
def demo_dev(demo_sandbox: SandboxProcess) -> RegistryLogin:
    return demo_sandbox.registry_login("demo-dev")


def described(sandbox: SandboxProcess, profile: str, repository: str, reference: str) -> dict[str, Any]:
    """What the ECR API says about one image (plain boto3: independent of the registry face)."""
    key = "imageDigest" if reference.startswith("sha256:") else "imageTag"
    ecr = sandbox.session(profile).client("ecr")
    detail: dict[str, Any] = ecr.describe_images(repositoryName=repository, imageIds=[{key: reference}])[
        "imageDetails"
    ][0]
    return detail


def test_login_finds_each_registry_through_proxy_endpoint(demo_sandbox: SandboxProcess) -> None:
    for profile, account, region in (("demo-dev", DEV, "us-east-1"), ("demo-prod", PROD, "eu-west-1")):
        login = demo_sandbox.registry_login(profile)
        assert login.url == demo_sandbox.registry_url(account, region)
        assert login.username == "AWS"
        assert login.password not in repr(login)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_inspect_raw_is_the_stored_manifest(
    skopeo: Skopeo, demo_sandbox: SandboxProcess, demo_dev: RegistryLogin, kind: str
) -> None:
    repository, tag, media_type = KINDS[kind]
    detail = described(demo_sandbox, "demo-dev", repository, tag)
    raw = skopeo.inspect(demo_dev, repository, tag, raw=True)
    assert sha256(raw) == detail["imageDigest"]
    assert detail["imageManifestMediaType"] == media_type
    assert json.loads(raw).get("mediaType", OCI_MANIFEST) == media_type


def test_inspect_shows_the_image_config_and_every_tag(
    skopeo: Skopeo, demo_sandbox: SandboxProcess, demo_dev: RegistryLogin
) -> None:
    info = skopeo.inspect(demo_dev, seed.API_REPOSITORY, seed.API_LATEST)
    detail = described(demo_sandbox, "demo-dev", seed.API_REPOSITORY, seed.API_LATEST)
    assert info["Digest"] == detail["imageDigest"]
    assert info["Architecture"] == "amd64"
    assert info["Os"] == "linux"
    assert set(seed.API_RELEASES) <= set(info["RepoTags"])
    ecr = demo_sandbox.session("demo-dev").client("ecr")
    # The registry's tag list names every tag of the repository, archived images' too (ListImages lists only
    # ACTIVE images unless asked for ANY).
    listed = ecr.list_images(
        repositoryName=seed.API_REPOSITORY, maxResults=1000, filter={"imageStatus": "ANY"}
    )
    tags = {i["imageTag"] for i in listed["imageIds"] if "imageTag" in i}
    assert set(info["RepoTags"]) == tags


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_copy_to_a_directory_verifies_every_digest(
    skopeo: Skopeo, demo_sandbox: SandboxProcess, demo_dev: RegistryLogin, tmp_path: Path, kind: str
) -> None:
    repository, tag, media_type = KINDS[kind]
    detail = described(demo_sandbox, "demo-dev", repository, tag)
    pulled = pull_and_verify(skopeo, demo_dev, repository, tag, tmp_path / "image")
    assert pulled.digest == detail["imageDigest"]
    assert pulled.media_type == media_type
    if media_type in (OCI_INDEX, DOCKER_LIST):
        children = json.loads(pulled.manifest)["manifests"]
        assert len(pulled.children) == len(children) >= 2  # every platform, attestations included
    else:
        assert len(pulled.blobs) >= 2  # config and at least one layer


def test_an_unauthenticated_pull_is_refused(skopeo: Skopeo, demo_dev: RegistryLogin) -> None:
    result = skopeo.run(
        "inspect",
        "--tls-verify=false",
        "--no-creds",
        f"docker://{demo_dev.reference(seed.API_REPOSITORY, 'latest')}",
    )
    assert result.returncode != 0
    assert "unauthorized" in result.stderr.lower()


def test_another_accounts_token_is_refused(
    skopeo: Skopeo, demo_sandbox: SandboxProcess, demo_dev: RegistryLogin
) -> None:
    """prod's token on dev's registry: genuine, but not dev's (no repository policy is evaluated)."""
    prod_token = demo_sandbox.registry_login("demo-prod", region="us-east-1", registry_id=DEV)
    assert prod_token.url == demo_dev.url  # asked in dev's region, so valid there
    result = skopeo.run(
        "inspect",
        "--tls-verify=false",
        "--creds",
        prod_token.creds,
        f"docker://{demo_dev.reference(seed.FRONTEND_REPOSITORY, 'latest')}",
    )
    assert result.returncode != 0
    assert "denied" in result.stderr.lower()
    assert f"arn:aws:iam::{PROD}:root is not authorized to perform: ecr:BatchGetImage" in result.stderr


@pytest.fixture(scope="module")
def logins(rw_sandbox: SandboxProcess) -> tuple[RegistryLogin, RegistryLogin]:
    return rw_sandbox.registry_login("demo-dev"), rw_sandbox.registry_login("demo-prod")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_copy_between_the_two_demo_registries_keeps_every_digest(
    skopeo: Skopeo, rw_sandbox: SandboxProcess, logins: tuple[RegistryLogin, RegistryLogin], kind: str
) -> None:
    dev_login, prod_login = logins
    repository, tag, media_type = KINDS[kind]
    target = f"copied/{kind}"
    prod = rw_sandbox.session("demo-prod").client("ecr")
    prod.create_repository(repositoryName=target)
    source = described(rw_sandbox, "demo-dev", repository, tag)

    skopeo.copy_between(dev_login, repository, tag, prod_login, target, "copied")

    copied = described(rw_sandbox, "demo-prod", target, "copied")
    assert copied["imageDigest"] == source["imageDigest"]
    assert copied["imageSizeInBytes"] == source["imageSizeInBytes"]
    assert copied["imageManifestMediaType"] == media_type
    assert copied["registryId"] == PROD
    assert skopeo.inspect(prod_login, target, "copied", raw=True) == skopeo.inspect(
        dev_login, repository, tag, raw=True
    )
    listed = prod.describe_images(repositoryName=target)["imageDetails"]
    if media_type in (OCI_INDEX, DOCKER_LIST):
        dev_children = json.loads(skopeo.inspect(dev_login, repository, tag, raw=True))["manifests"]
        assert {d["imageDigest"] for d in listed} == {source["imageDigest"]} | {
            c["digest"] for c in dev_children
        }
    else:
        assert [d["imageDigest"] for d in listed] == [source["imageDigest"]]


@pytest.fixture(scope="module")
def pushed_by_skopeo(
    skopeo: Skopeo,
    rw_sandbox: SandboxProcess,
    logins: tuple[RegistryLogin, RegistryLogin],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, str, float]:
    """An image skopeo pushes from a directory into a new prod repository: (repository, digest, push time)."""
    dev_login, prod_login = logins
    directory = tmp_path_factory.mktemp("to-push") / "image"
    pulled = pull_and_verify(skopeo, dev_login, seed.FRONTEND_REPOSITORY, "latest", directory)
    repository = "pushed/by-skopeo"
    rw_sandbox.session("demo-prod").client("ecr").create_repository(repositoryName=repository)
    before = time.time()
    skopeo.ok(
        "copy",
        "--preserve-digests",
        "--dest-tls-verify=false",
        "--dest-creds",
        prod_login.creds,
        f"dir:{directory}",
        f"docker://{prod_login.reference(repository, 'from-dir')}",
    )
    return repository, pulled.digest, before


def test_an_image_pushed_by_skopeo_is_what_the_ecr_api_lists(
    rw_sandbox: SandboxProcess, pushed_by_skopeo: tuple[str, str, float]
) -> None:
    repository, digest, before = pushed_by_skopeo
    service = EcrService(session=rw_sandbox.session("demo-prod"))
    listed = service.list_images(repository)
    assert [(i.digest, i.tags) for i in listed] == [(digest, ("from-dir",))]
    (summary,) = service.describe_images(repository, ["from-dir"])
    assert summary.digest == digest
    assert summary.kind is ImageKind.IMAGE
    assert summary.pushed_at is not None
    assert summary.pushed_at.timestamp() >= before - 1
    source = described(rw_sandbox, "demo-dev", seed.FRONTEND_REPOSITORY, "latest")
    assert summary.size_bytes == source["imageSizeInBytes"]


def test_an_image_pushed_by_skopeo_shows_in_the_app(
    rw_sandbox: SandboxProcess, pushed_by_skopeo: tuple[str, str, float]
) -> None:
    repository, digest, _ = pushed_by_skopeo

    async def scenario() -> None:
        files = AwsFiles(rw_sandbox.config_file, rw_sandbox.credentials_file)
        app = EcrTuiApp(Settings(), aws_files=files, open_registry=RegistryEntry(profile="demo-prod"))
        app.animation_level = "none"
        async with app.run_test(size=(140, 40)) as pilot:
            await until(pilot, lambda: app.header.account == PROD)
            await until(pilot, lambda: any(r.name == repository for r in app.repositories.repositories))
            await until(pilot, lambda: not app.repositories.is_loading)
            assert app.repositories.table.move_cursor_to_key(repository)
            await pilot.press("enter")
            await until(pilot, lambda: app.images.summaries and not app.images.is_loading)
            assert [(s.digest, s.tags) for s in app.images.summaries] == [(digest, ("from-dir",))]
            await until(pilot, lambda: app.inspector.details is not None)
            details = app.inspector.details
            assert details is not None
            assert details.summary.digest == digest

    asyncio.run(scenario())


async def until(pilot: Any, condition: Any, deadline_seconds: float = 30.0) -> None:
    """Run the app until ``condition()`` holds, failing after the deadline (no sleeps)."""
    deadline = time.monotonic() + deadline_seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        await pilot.pause()
