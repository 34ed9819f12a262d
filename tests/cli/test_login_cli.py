"""``ecrtui login``: the docker login line and pull lines, built from ``proxyEndpoint``, work as printed (checked
with skopeo against the sandbox's registry), and never carry the token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ecrtui.sandbox import seed
from tests.conftest import SandboxProcess
from tests.sandbox.registry_client import skopeo_in


def ecrtui(sandbox: SandboxProcess, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", *args],
        env={**env, **sandbox.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_lines_name_the_registry_of_proxy_endpoint_and_pull_with_skopeo(
    demo_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    login = demo_sandbox.registry_login("demo-dev")
    result = ecrtui(
        demo_sandbox, "login", f"{seed.API_REPOSITORY}:{seed.API_LATEST}", "--profile", "demo-dev"
    )
    assert result.returncode == 0, result.stderr
    login_line, pull_line = result.stdout.splitlines()
    assert login_line == (
        "aws ecr get-login-password --region us-east-1 --profile demo-dev | "
        f"docker login --username AWS --password-stdin {login.host}"
    )
    digest = (
        demo_sandbox.session("demo-dev")
        .client("ecr")
        .describe_images(repositoryName=seed.API_REPOSITORY, imageIds=[{"imageTag": seed.API_LATEST}])[
            "imageDetails"
        ][0]["imageDigest"]
    )
    assert pull_line == f"docker pull {login.host}/{seed.API_REPOSITORY}@{digest}"
    assert login.password not in result.stdout + result.stderr  # the token is never printed
    skopeo = skopeo_in(tmp_path / "skopeo")
    pulled = skopeo.inspect(
        login, seed.API_REPOSITORY, digest
    )  # the printed reference, pulled by a real client
    assert pulled["Digest"] == digest


def test_json_by_tag_and_bad_input(demo_sandbox: SandboxProcess) -> None:
    login = demo_sandbox.registry_login("demo-dev")
    result = ecrtui(demo_sandbox, "--profile", "demo-dev", "login", "--by-tag", "--json", "web/api:v1.4.0")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["pull"] == [f"docker pull {login.host}/web/api:v1.4.0"]
    assert document["login"].endswith(login.host)
    bad_account = ecrtui(demo_sandbox, "login", "--profile", "demo-dev", "--registry-id", "12345")
    assert bad_account.returncode == 2
    assert len(bad_account.stderr.strip().splitlines()) == 1
    missing = ecrtui(demo_sandbox, "login", "--profile", "demo-dev", "web/api:no-such-tag")
    assert missing.returncode == 1
    assert missing.stderr.startswith("ecrtui login: ")
    assert len(missing.stderr.strip().splitlines()) == 1
