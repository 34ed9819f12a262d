"""The sandbox's AWS profiles and the shared config/credentials files that point boto3 at it.

Real AWS tooling (boto3, the AWS CLI, ``ecrtui --profile``) reads profiles from ``AWS_CONFIG_FILE`` and
``AWS_SHARED_CREDENTIALS_FILE``; writing those files with ``endpoint_url`` per profile lets every tool reach the
sandbox with no other setting. No moto import here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SandboxProfile:
    """One profile: a named principal in one account, with its home region."""

    name: str
    account_id: str
    region: str
    user_name: str


SANDBOX_PROFILES: tuple[SandboxProfile, ...] = (
    SandboxProfile("demo-dev", "111111111111", "us-east-1", "dev-engineer"),
    SandboxProfile("demo-prod", "222222222222", "eu-west-1", "prod-deployer"),
)
DEV_PROFILE, PROD_PROFILE = SANDBOX_PROFILES


@dataclass(frozen=True, slots=True)
class Credentials:
    """Access key pair moto maps to the profile's account (moto does not check signatures)."""

    access_key_id: str
    secret_access_key: str

    def __repr__(self) -> str:
        return f"Credentials(access_key_id={self.access_key_id[:4]}..., secret=***)"


@dataclass(frozen=True, slots=True)
class ProfileFiles:
    """Where the profile files went, and the environment that makes AWS tools read them."""

    directory: Path
    config_file: Path
    credentials_file: Path

    @property
    def env(self) -> dict[str, str]:
        """``AWS_CONFIG_FILE`` and ``AWS_SHARED_CREDENTIALS_FILE`` for a child process or ``os.environ``."""
        return {
            "AWS_CONFIG_FILE": str(self.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials_file),
        }

    @property
    def export_line(self) -> str:
        """A shell line a user can paste to point their tools at the sandbox."""
        return (
            f"export AWS_CONFIG_FILE={self.config_file} AWS_SHARED_CREDENTIALS_FILE={self.credentials_file}"
        )


def render_config(endpoint_url: str, profiles: tuple[SandboxProfile, ...] = SANDBOX_PROFILES) -> str:
    """The shared-config text: region and endpoint per profile."""
    sections = [
        f"[profile {p.name}]\nregion = {p.region}\nendpoint_url = {endpoint_url}\noutput = json\n"
        for p in profiles
    ]
    return "\n".join(sections)


def render_credentials(credentials: dict[str, Credentials]) -> str:
    """The shared-credentials text: one key pair per profile."""
    sections = [
        f"[{name}]\naws_access_key_id = {c.access_key_id}\naws_secret_access_key = {c.secret_access_key}\n"
        for name, c in credentials.items()
    ]
    return "\n".join(sections)


def write_profile_files(
    directory: Path, endpoint_url: str, credentials: dict[str, Credentials]
) -> ProfileFiles:
    """Write ``DIR/config`` and ``DIR/credentials`` (credentials readable by the owner only)."""
    directory.mkdir(parents=True, exist_ok=True)
    config_file = directory / "config"
    credentials_file = directory / "credentials"
    config_file.write_text(render_config(endpoint_url), encoding="utf-8")
    fd = os.open(credentials_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(render_credentials(credentials))
    return ProfileFiles(directory, config_file, credentials_file)
