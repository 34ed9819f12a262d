"""What ``ecrtui copy`` writes is pullable by a client nobody here wrote: skopeo pulls the copy from the destination
registry's registry face, every file checked against its digest, and finds the same bytes as at the source.

Each copy crosses accounts and regions (demo-dev in us-east-1 to demo-prod in eu-west-1) into a repository the copy
creates; the source is pulled too, and both pulls must hold the same manifest, platforms and blobs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_copy_cases import CHECKOUT_INDEX_TAG, CHECKOUT_SIGNED_TAG
from tests.cli.test_copy_cli import PROD_HOST, ecrtui
from tests.conftest import SandboxProcess
from tests.sandbox.registry_client import INDEX_TYPES, Skopeo, pull_and_verify, skopeo_in


@pytest.fixture(scope="module")
def skopeo(tmp_path_factory: pytest.TempPathFactory) -> Skopeo:
    return skopeo_in(tmp_path_factory.mktemp("skopeo-home"))


@pytest.mark.parametrize(
    ("repository", "tag", "is_index"),
    [
        (seed.API_REPOSITORY, "v1.4.1", False),  # Docker v2, several layers
        (seed.CHECKOUT_REPOSITORY, CHECKOUT_SIGNED_TAG, False),  # OCI, 12 layers, referrers
        (seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG, True),  # OCI index, every platform
        (seed.CHECKOUT_REPOSITORY, CHECKOUT_INDEX_TAG, True),  # OCI index with a signature and an SBOM
    ],
)
def test_a_copied_image_is_pulled_intact_by_skopeo(
    rw_sandbox: SandboxProcess, skopeo: Skopeo, tmp_path: Path, repository: str, tag: str, is_index: bool
) -> None:
    target = f"pulled/{repository.replace('/', '-')}"
    copied = ecrtui(
        rw_sandbox,
        f"{repository}:{tag}",
        f"{PROD_HOST}/{target}",
        "--source-profile",
        "demo-dev",
        "--dest-profile",
        "demo-prod",
        "--create-repo",
    )
    assert copied.returncode == 0, copied.stderr

    source = pull_and_verify(
        skopeo, rw_sandbox.registry_login("demo-dev"), repository, tag, tmp_path / "source"
    )
    pulled = pull_and_verify(skopeo, rw_sandbox.registry_login("demo-prod"), target, tag, tmp_path / "copy")

    assert pulled.digest == source.digest
    assert pulled.manifest == source.manifest
    assert pulled.media_type == source.media_type
    assert (pulled.media_type in INDEX_TYPES) is is_index
    assert pulled.children == source.children
    if is_index:
        assert len(pulled.children) >= 2, "every platform of the index was pulled"
    assert pulled.blobs == source.blobs
    assert pulled.blobs, "the image has blobs and each was pulled and verified"
