"""``ecrtui copy``: batch totals that add up, and ``--platform`` refused for a single-platform image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecrtui.sandbox import seed
from tests.cli.cli_run import cli_env, ecrtui, one_line


@pytest.fixture(scope="module")
def env(rw_sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return cli_env(rw_sandbox, tmp_path_factory.mktemp("state"))


def distinct_blobs(client: Any, repository: str) -> set[str]:
    """Every config and layer digest the repository's images reference, read back from ECR."""
    digests: set[str] = set()
    ids = client.list_images(repositoryName=repository, maxResults=1000)["imageIds"]
    for image in client.batch_get_image(repositoryName=repository, imageIds=ids)["images"]:
        manifest = json.loads(image["imageManifest"])
        digests.add(manifest["config"]["digest"])
        digests.update(layer["digest"] for layer in manifest["layers"])
    return digests


def test_all_tags_totals_count_each_blob_once(env: dict[str, str], rw_sandbox: Any, tmp_path: Path) -> None:
    result = ecrtui(
        env, "copy", seed.FRONTEND_REPOSITORY, "batch/frontend", "--all-tags", "--create-repo", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    copies = data["copies"]
    assert len(copies) > 2
    client = rw_sandbox.session("demo-dev").client("ecr")
    blobs = distinct_blobs(client, "batch/frontend")
    assert data["blobs_uploaded"] == len(blobs)  # a fresh repository: every blob uploaded, once
    assert data["blobs_skipped"] == 0
    assert data["manifests_put"] == len(copies)
    assert data["referrers_copied"] == sum(c["referrers_copied"] for c in copies)
    assert data["bytes_uploaded"] == sum(c["bytes_uploaded"] for c in copies)
    for copy in copies[1:]:  # the shared base layers went up with the first copy: the others skipped them
        assert copy["blobs_skipped"] > 0
    again = ecrtui(
        env, "copy", seed.FRONTEND_REPOSITORY, "batch/frontend-more", "--all-tags", "--create-repo"
    )
    assert again.returncode == 0, again.stderr
    total = again.stdout.strip().splitlines()[-1]
    assert total.startswith(f"{len(copies)} of {len(copies)} copied: ")
    assert f"{len(blobs)} blob(s) uploaded" in total


def test_platform_on_a_single_platform_image_is_bad_usage(env: dict[str, str]) -> None:
    for extra in ((), ("--dry-run",)):
        result = ecrtui(
            env,
            "copy",
            "--platform",
            "linux/arm64",
            f"{seed.FRONTEND_REPOSITORY}:latest",
            "batch/single",
            *extra,
        )
        assert result.returncode == 2
        assert "is not an index" in one_line(result)
    index = ecrtui(
        env,
        "copy",
        "--platform",
        "linux/arm64",
        "web/gateway:v2.1.0",
        "batch/gw",
        "--create-repo",
        "--dry-run",
    )
    assert index.returncode == 0, index.stderr
