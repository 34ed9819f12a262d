"""``endpoint_url`` is ECR's endpoint only: STS keeps its own (a VPC endpoint for ECR does not answer STS).

STS then finds its endpoint as the AWS CLI does: the profile's ``endpoint_url`` (how the sandbox's profile files
point every service at it), or an ``sts`` entry in the profile's ``services`` section. Both over real HTTP, with
the ECR endpoint an address where nothing listens: if STS were sent there, the identity call would fail.
"""

from __future__ import annotations

import socket
from pathlib import Path

import boto3
import botocore.session
import pytest

from ecrtui.ecr.service import EcrService
from ecrtui.ecr.session import ClientSettings
from tests.conftest import SandboxProcess

DEV = "111111111111"


def closed_port_url() -> str:
    """An http:// address on loopback where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def session_from(config: Path, credentials: Path, profile: str) -> boto3.Session:
    core = botocore.session.Session()
    core.set_config_variable("config_file", str(config))
    core.set_config_variable("credentials_file", str(credentials))
    core.set_config_variable("profile", profile)
    return boto3.Session(botocore_session=core)


def no_retries() -> ClientSettings:
    return ClientSettings(max_attempts=1, connect_timeout=2, read_timeout=2)


def test_sts_uses_the_profiles_endpoint_not_the_ecr_one(demo_sandbox: SandboxProcess) -> None:
    ecr_endpoint = closed_port_url()
    service = EcrService(
        session=demo_sandbox.session("demo-dev"), endpoint_url=ecr_endpoint, settings=no_retries()
    )
    assert service.endpoint_url == ecr_endpoint
    assert service.identity().account_id == DEV


def test_sts_follows_the_profiles_services_section(demo_sandbox: SandboxProcess, tmp_path: Path) -> None:
    """A profile with no endpoint of its own, whose ``services`` section gives STS one (the sandbox's)."""
    config = tmp_path / "config"
    config.write_text(
        "[profile split]\nregion = us-east-1\nservices = split-endpoints\n\n"
        f"[services split-endpoints]\nsts =\n  endpoint_url = {demo_sandbox.endpoint_url}\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text(
        Path(demo_sandbox.credentials_file).read_text().replace("[demo-dev]", "[split]", 1)
    )
    service = EcrService(
        session=session_from(config, credentials, "split"),
        endpoint_url=closed_port_url(),
        settings=no_retries(),
    )
    assert service.identity().account_id == DEV


def test_ecr_still_goes_to_the_endpoint_given(demo_sandbox: SandboxProcess) -> None:
    """The other half: the explicit endpoint is where ECR calls go (nothing answers there: a network error)."""
    from ecrtui.ecr.errors import NetworkError

    service = EcrService(
        session=demo_sandbox.session("demo-dev"), endpoint_url=closed_port_url(), settings=no_retries()
    )
    with pytest.raises(NetworkError):
        list(service.iter_repository_pages(DEV))
