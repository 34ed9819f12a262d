"""``ecrtui inspect IMAGE --referrers [--json]`` as a user runs it, against the demo registry (never changed):
the signatures and SBOMs naming an image, what each is, and the exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from ecrtui.sandbox.seed import CHECKOUT_REPOSITORY
from ecrtui.sandbox.seed_copy_cases import CHECKOUT_SIGNED_TAG
from tests.conftest import SandboxProcess

SIGNED = f"{CHECKOUT_REPOSITORY}:{CHECKOUT_SIGNED_TAG}"


@pytest.fixture(scope="module")
def env(demo_sandbox: SandboxProcess) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
    return {**base, **demo_sandbox.env, "AWS_PROFILE": "demo-dev"}


def ecrtui(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def api_referrers(demo_sandbox: SandboxProcess, tag: str) -> list[dict[str, Any]]:
    client = demo_sandbox.session("demo-dev").client("ecr")
    image = client.describe_images(repositoryName=CHECKOUT_REPOSITORY, imageIds=[{"imageTag": tag}])
    digest = image["imageDetails"][0]["imageDigest"]
    answer = client.list_image_referrers(
        repositoryName=CHECKOUT_REPOSITORY, subjectId={"imageDigest": digest}
    )
    return list(answer["referrers"])


def test_referrers_as_json_are_what_ecr_lists_with_their_kind(
    env: dict[str, str], demo_sandbox: SandboxProcess
) -> None:
    result = ecrtui(env, "inspect", SIGNED, "--referrers", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    expected = api_referrers(demo_sandbox, CHECKOUT_SIGNED_TAG)
    assert len(expected) >= 2, "the demo signs v3.2.0 and attaches an SBOM"
    assert {r["digest"] for r in listed} == {r["digest"] for r in expected}
    by_digest = {r["digest"]: r for r in expected}
    for item in listed:
        assert item["artifact_type"] == by_digest[item["digest"]].get("artifactType")
        assert item["size_bytes"] == by_digest[item["digest"]]["size"]
        assert item["status"] == "ACTIVE"
    assert {"signature", "sbom"} <= {item["kind"] for item in listed}


def test_referrers_as_a_table_with_full_digests(env: dict[str, str], demo_sandbox: SandboxProcess) -> None:
    result = ecrtui(env, "inspect", SIGNED, "--referrers")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["KIND", "ARTIFACT", "TYPE", "SIZE", "STATUS", "DIGEST"]
    digests = {row.split()[-1] for row in rows}
    assert digests == {r["digest"] for r in api_referrers(demo_sandbox, CHECKOUT_SIGNED_TAG)}


def test_an_image_without_referrers_says_so_and_succeeds(env: dict[str, str]) -> None:
    result = ecrtui(env, "inspect", "web/api:v1.4.2", "--referrers")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "no signatures, SBOMs or attestations name web/api:v1.4.2 as their subject"
    )
    assert json.loads(ecrtui(env, "inspect", "web/api:v1.4.2", "--referrers", "--json").stdout) == []


def test_referrers_cannot_be_combined_with_another_view(env: dict[str, str]) -> None:
    result = ecrtui(env, "inspect", SIGNED, "--referrers", "--layers")
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


def test_a_missing_image_is_one_line_and_exit_1(env: dict[str, str]) -> None:
    result = ecrtui(env, "inspect", f"{CHECKOUT_REPOSITORY}:no-such-tag", "--referrers")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
