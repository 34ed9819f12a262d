"""The sandbox's AWS profiles and the shared config/credentials files that point boto3 at it.

Real AWS tooling (boto3, the AWS CLI, ``ecrtui --profile``) reads profiles from ``AWS_CONFIG_FILE`` and
``AWS_SHARED_CREDENTIALS_FILE``; writing those files with ``endpoint_url`` per profile lets every tool reach the
sandbox with no other setting. No moto import here.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shlex
import tempfile
from collections.abc import Sequence
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

MARKER = "# Written by ecrtui sandbox; replaced on every start. Do not put your own profiles here."
"""First line of both files: lets a restart replace them, and stops the sandbox overwriting anything else."""
_SECTION = re.compile(r"^\s*\[(?:profile\s+)?([^\]]+)\]", re.MULTILINE)


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
    registries_file: Path | None = None
    """``registries.json``: the registry servers' addresses (see ``write_registries_file``)."""

    @property
    def env(self) -> dict[str, str]:
        """``AWS_CONFIG_FILE`` and ``AWS_SHARED_CREDENTIALS_FILE`` for a child process or ``os.environ``."""
        return {
            "AWS_CONFIG_FILE": str(self.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials_file),
        }

    @property
    def export_line(self) -> str:
        """A shell line a user can paste to point their tools at the sandbox (paths quoted when needed)."""
        config, credentials = shlex.quote(str(self.config_file)), shlex.quote(str(self.credentials_file))
        return f"export AWS_CONFIG_FILE={config} AWS_SHARED_CREDENTIALS_FILE={credentials}"


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


def _is_sandbox_file(text: str) -> bool:
    """Written by a sandbox: the marker line, or (files from before the marker) only sandbox profiles, or empty."""
    if text.startswith(MARKER):
        return True
    names = {match.group(1).strip() for match in _SECTION.finditer(text)}
    return names <= {p.name for p in SANDBOX_PROFILES} and (bool(names) or not text.strip())


def _refuse_foreign_file(path: Path) -> None:
    """Never overwrite AWS files the sandbox did not write (``--profiles-dir ~/.aws`` must not eat real keys)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    if not _is_sandbox_file(text):
        raise FileExistsError(
            errno.EEXIST,
            f"{path} exists and was not written by ecrtui sandbox; not overwriting it",
            str(path),
        )


def write_profile_files(
    directory: Path, endpoint_url: str, credentials: dict[str, Credentials]
) -> ProfileFiles:
    """Write ``DIR/config`` and ``DIR/credentials`` (credentials readable by the owner only).

    Files from an earlier sandbox start are replaced; any other existing file is refused with ``FileExistsError``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    config_file = directory / "config"
    credentials_file = directory / "credentials"
    for path in (config_file, credentials_file):
        _refuse_foreign_file(path)
    config_file.write_text(f"{MARKER}\n{render_config(endpoint_url)}", encoding="utf-8")
    fd = os.open(credentials_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"{MARKER}\n{render_credentials(credentials)}")
    return ProfileFiles(directory, config_file, credentials_file)


REGISTRIES_FILE = "registries.json"
REGISTRIES_MARKER = "ecrtui sandbox; replaced on every start"
"""The ``writtenBy`` value of ``registries.json``: a file without it is not the sandbox's and is never replaced."""


@dataclass(frozen=True, slots=True)
class RegistryEndpoint:
    """Where one registry (account, region) speaks the registry API."""

    account_id: str
    region: str
    url: str
    """``http://HOST:PORT``; ``HOST:PORT`` is what image references and ``docker login`` name."""

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[-1]


def render_registries(endpoint_url: str, registries: Sequence[RegistryEndpoint]) -> str:
    """``registries.json``: the API endpoint and, per registry, its address and the profiles whose home it is."""
    entries = [
        {
            "account": r.account_id,
            "region": r.region,
            "url": r.url,
            "host": r.host,
            "profiles": [
                p.name for p in SANDBOX_PROFILES if (p.account_id, p.region) == (r.account_id, r.region)
            ],
        }
        for r in registries
    ]
    document = {"writtenBy": REGISTRIES_MARKER, "endpoint": endpoint_url, "registries": entries}
    return json.dumps(document, indent=2) + "\n"


def _refuse_foreign_registries_file(path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    try:
        ours = json.loads(text).get("writtenBy") == REGISTRIES_MARKER
    except (ValueError, AttributeError):
        ours = False
    if not ours:
        raise FileExistsError(
            errno.EEXIST,
            f"{path} exists and was not written by ecrtui sandbox; not overwriting it",
            str(path),
        )


def write_registries_file(directory: Path, endpoint_url: str, registries: Sequence[RegistryEndpoint]) -> Path:
    """Write ``DIR/registries.json`` atomically (it is rewritten while the sandbox runs, and read by tools).

    ``FileExistsError`` when DIR holds a ``registries.json`` the sandbox did not write.
    """
    path = directory / REGISTRIES_FILE
    _refuse_foreign_registries_file(path)
    fd, temporary = tempfile.mkstemp(prefix=".registries-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render_registries(endpoint_url, registries))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_registries_file(path: Path) -> list[RegistryEndpoint]:
    """The registries a ``registries.json`` lists (for tests and tools that find the sandbox by its files)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [RegistryEndpoint(e["account"], e["region"], e["url"]) for e in document["registries"]]
