"""``ecrtui copy`` as a user runs it: a real process against a sandbox, exit codes, stderr lines, ``--json``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from ecrtui.sandbox import seed
from ecrtui.sandbox.scale_layer import LARGE_LAYER_REPOSITORY

PROD_HOST = "222222222222.dkr.ecr.eu-west-1.amazonaws.com"
DEV_HOST = "111111111111.dkr.ecr.us-east-1.amazonaws.com"
JSON_FIELDS = {
    "source",
    "destination",
    "digest",
    "media_type",
    "tags",
    "blobs_uploaded",
    "blobs_skipped",
    "bytes_uploaded",
    "manifests_put",
    "referrers_copied",
    "seconds",
}


def environment(sandbox: Any) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
    return {**base, **sandbox.env, "ECRTUI_CONFIG": os.devnull}


def ecrtui(sandbox: Any, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", "copy", *args],
        capture_output=True,
        text=True,
        env=environment(sandbox),
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def prod_ecr(rw_sandbox: Any) -> Any:
    return rw_sandbox.session("demo-prod").client("ecr")


def repositories(client: Any) -> set[str]:
    return {r["repositoryName"] for r in client.describe_repositories(maxResults=1000)["repositories"]}


def test_dry_run_writes_nothing(rw_sandbox: Any, prod_ecr: Any) -> None:
    before = repositories(prod_ecr)
    result = ecrtui(
        rw_sandbox,
        f"{seed.FRONTEND_REPOSITORY}:latest",
        f"{PROD_HOST}/{seed.FRONTEND_REPOSITORY}",
        "--profile",
        "demo-dev",
        "--dest-profile",
        "demo-prod",
        "--create-repo",
        "--dry-run",
    )
    assert result.returncode == 0, result.stderr
    assert f"copy {DEV_HOST}/{seed.FRONTEND_REPOSITORY}:latest" in result.stdout
    assert f"create repository {seed.FRONTEND_REPOSITORY}" in result.stdout
    assert "tag latest: create" in result.stdout
    assert repositories(prod_ecr) == before


def test_missing_repository_without_create_repo(rw_sandbox: Any, prod_ecr: Any) -> None:
    result = ecrtui(
        rw_sandbox,
        f"{seed.ETL_REPOSITORY}:1.8.1",
        f"{PROD_HOST}/data/nowhere",
        "--profile",
        "demo-dev",
        "--dest-profile",
        "demo-prod",
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"ecrtui copy: destination repository {PROD_HOST}/data/nowhere does not exist (create it, or copy with "
        "--create-repo); nothing was written"
    ]
    assert "data/nowhere" not in repositories(prod_ecr)


def test_json_output_then_an_unchanged_recopy(rw_sandbox: Any, prod_ecr: Any) -> None:
    args = (
        f"{seed.CHECKOUT_REPOSITORY}:v3.2.0",
        f"{PROD_HOST}/{seed.CHECKOUT_REPOSITORY}",
        "--source-profile",
        "demo-dev",
        "--dest-profile",
        "demo-prod",
        "--create-repo",
        "--json",
    )
    first = ecrtui(rw_sandbox, *args)
    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout)
    assert set(document) >= JSON_FIELDS
    assert document["source"] == f"{DEV_HOST}/{seed.CHECKOUT_REPOSITORY}:v3.2.0"
    assert document["destination"] == f"{PROD_HOST}/{seed.CHECKOUT_REPOSITORY}"
    assert document["tags"] == ["v3.2.0"]
    assert document["media_type"] == "application/vnd.oci.image.manifest.v1+json"
    assert document["blobs_uploaded"] > 12
    assert document["bytes_uploaded"] > 1_000_000
    assert document["manifests_put"] == 3  # the image and its two referrers
    assert document["referrers_copied"] == 2
    described = prod_ecr.describe_images(
        repositoryName=seed.CHECKOUT_REPOSITORY, imageIds=[{"imageTag": "v3.2.0"}]
    )
    assert described["imageDetails"][0]["imageDigest"] == document["digest"]
    assert "ecrtui copy: blobs" in first.stderr  # plain progress lines on stderr when it is not a terminal
    assert "\r" not in first.stderr
    again = ecrtui(rw_sandbox, *args)
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert (second["blobs_uploaded"], second["bytes_uploaded"], second["manifests_put"]) == (0, 0, 0)
    assert second["digest"] == document["digest"]


def test_options_after_the_subcommand_and_a_text_summary(rw_sandbox: Any) -> None:
    result = ecrtui(
        rw_sandbox, f"{seed.API_REPOSITORY}:v1.0.0", "web/api-v1", "--create-repo", "--profile", "demo-dev"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("1 tag(s) written")
    assert f"{DEV_HOST}/{seed.API_REPOSITORY}:v1.0.0 → {DEV_HOST}/web/api-v1" in result.stdout


def test_every_tagged_image_of_a_repository(rw_sandbox: Any, prod_ecr: Any) -> None:
    result = ecrtui(
        rw_sandbox,
        seed.ETL_REPOSITORY,
        f"{PROD_HOST}/data/etl-all",
        "--all-tags",
        "--create-repo",
        "--profile",
        "demo-dev",
        "--dest-profile",
        "demo-prod",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["copies"]) == 10
    assert document["failed"] == []
    tags = {
        i["imageTag"]
        for i in prod_ecr.list_images(repositoryName="data/etl-all")["imageIds"]
        if "imageTag" in i
    }
    assert tags >= {"1.6.0", "1.8.1", "stable", "latest", "1.7"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Web/Api:v1", "web/x"), "uppercase"),
        (("web/api:v1", "web/x@sha256:" + "0" * 64), "not an image digest"),
        (("web/api:v1", "web/x", "--platform", "linux"), "os/architecture"),
        (("web/api:v1", "web/x", "--jobs", "0"), "--jobs"),
        (("web/api", "web/x"), "names a repository"),
        (("docker.io/library/nginx:1", "web/x"), "Docker Hub"),
    ],
)
def test_bad_usage_exits_2_with_one_line(rw_sandbox: Any, args: tuple[str, ...], message: str) -> None:
    result = ecrtui(rw_sandbox, *args, "--profile", "demo-dev")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ecrtui copy: ")
    assert message in lines[0]


def test_an_immutable_tag_that_would_move_is_refused(rw_sandbox: Any) -> None:
    result = ecrtui(
        rw_sandbox,
        f"{seed.IMMUTABLE_REPOSITORY}:node-20.19.1",
        f"{PROD_HOST}/{seed.IMMUTABLE_REPOSITORY}:alpine-3.20.3",
        "--profile",
        "demo-dev",
        "--dest-profile",
        "demo-prod",
    )
    assert result.returncode == 1
    assert "tag 'alpine-3.20.3' already points at" in result.stderr
    assert "copy under another tag, or add an exclusion filter" in result.stderr
    assert "Traceback" not in result.stderr


def test_read_only_refuses_but_dry_run_plans(rw_sandbox: Any) -> None:
    refused = ecrtui(
        rw_sandbox, f"{seed.API_REPOSITORY}:v1.0.1", "web/ro", "--profile", "demo-dev", "--read-only"
    )
    assert refused.returncode == 1
    assert (
        refused.stderr.strip()
        == "ecrtui copy: Read-only mode: a copy writes to the destination (--dry-run shows the plan)"
    )
    planned = ecrtui(
        rw_sandbox,
        f"{seed.API_REPOSITORY}:v1.0.1",
        "web/ro",
        "--profile",
        "demo-dev",
        "--read-only",
        "--dry-run",
        "--create-repo",
    )
    assert planned.returncode == 0, planned.stderr


def test_ctrl_c_cancels_cleanly(sandbox_factory: Any) -> None:
    """SIGINT mid-copy: exit 130, one line, no traceback, no manifest; the blob in flight is not completed."""
    sandbox = sandbox_factory("--seed", "empty", "--scale-layer-mib", "40", "--bandwidth-mbps", "24")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ecrtui",
            "copy",
            f"{LARGE_LAYER_REPOSITORY}:latest",
            "copied/big",
            "--create-repo",
            "--profile",
            "demo-dev",
            "--jobs",
            "1",
        ],
        env=environment(sandbox),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    seen = ""
    while "ecrtui copy: blobs" not in seen:  # the transfer has started
        assert time.monotonic() < deadline, seen
        line = process.stderr.readline()
        assert line, f"exited early: {seen}"
        seen += line
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, seen + err
    assert "Traceback" not in seen + err
    assert "run it again to upload only what is missing" in err
    ecr = sandbox.session("demo-dev").client("ecr")
    try:
        images = ecr.list_images(repositoryName="copied/big")["imageIds"]
    except ecr.exceptions.RepositoryNotFoundException:
        images = []  # the signal came before the repository was created: nothing written either
    assert images == []
    assert out == ""


def test_a_10_mib_part_over_a_slow_link_goes_through(sandbox_factory: Any) -> None:
    """8 Mbit/s: one UploadLayerPart of 10 MiB takes ~15 s to send and its writes stall for seconds while the
    socket buffers drain. A 5 s write timeout dropped it every time ("cannot connect", retried forever)."""
    sandbox = sandbox_factory("--seed", "empty", "--scale-layer-mib", "10", "--bandwidth-mbps", "8")
    done = ecrtui(
        sandbox,
        f"{LARGE_LAYER_REPOSITORY}:latest",
        "copied/slow",
        "--create-repo",
        "--jobs",
        "1",
        "--json",
        "--profile",
        "demo-dev",
    )
    assert done.returncode == 0, done.stderr
    assert "trying again" not in done.stderr, done.stderr
    ecr = sandbox.session("demo-dev").client("ecr")
    source = ecr.batch_get_image(repositoryName=LARGE_LAYER_REPOSITORY, imageIds=[{"imageTag": "latest"}])
    copied = ecr.batch_get_image(repositoryName="copied/slow", imageIds=[{"imageTag": "latest"}])
    assert copied["images"][0]["imageManifest"] == source["images"][0]["imageManifest"]
    assert json.loads(done.stdout)["blobs_uploaded"] == 2
