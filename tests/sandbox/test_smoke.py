"""The fixtures start sandboxes that real boto3 reaches through the profile files alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess


def test_profiles_land_in_their_accounts(demo_sandbox: SandboxProcess) -> None:
    for profile, account in (("demo-dev", "111111111111"), ("demo-prod", "222222222222")):
        identity = demo_sandbox.session(profile).client("sts").get_caller_identity()
        assert identity["Account"] == account


def test_first_line_is_endpoint_and_export_line_points_at_files(demo_sandbox: SandboxProcess) -> None:
    assert demo_sandbox.output[0] == f"endpoint: {demo_sandbox.endpoint_url}"
    assert demo_sandbox.endpoint_url.startswith("http://127.0.0.1:")
    export = next(line for line in demo_sandbox.output if line.startswith("export "))
    assert f"AWS_CONFIG_FILE={demo_sandbox.config_file}" in export
    assert f"AWS_SHARED_CREDENTIALS_FILE={demo_sandbox.credentials_file}" in export


def test_plain_boto3_in_a_child_process_needs_only_the_env(demo_sandbox: SandboxProcess) -> None:
    """The exported variables alone are enough: endpoint and region come from the profile."""
    code = (
        "import boto3; s = boto3.Session(profile_name='demo-prod');"
        "print(s.client('sts').get_caller_identity()['Account'], s.region_name)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | demo_sandbox.env
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["222222222222", "eu-west-1"]


def test_user_aws_environment_is_stripped() -> None:
    assert "AWS_PROFILE" not in os.environ
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert os.environ["TEXTUAL_ANIMATIONS"] == "none"


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_aws_cli_reaches_the_sandbox_with_only_the_env(demo_sandbox: SandboxProcess) -> None:
    """The README's promise: paste the export line and the AWS CLI works with ``--profile``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | demo_sandbox.env
    command = ["aws", "--profile", "demo-prod", "ecr", "describe-repositories", "--output", "json"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    repositories = json.loads(result.stdout)["repositories"]
    assert {r["registryId"] for r in repositories} == {"222222222222"}
    assert all(r["repositoryUri"].startswith("222222222222.dkr.ecr.eu-west-1.") for r in repositories)
