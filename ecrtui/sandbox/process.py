"""Run ``ecrtui sandbox`` in a child process and know how to reach it.

moto's state is process-global, so independent sandboxes (a read-only demo for snapshot tests, a scratch one,
a 100,000-image one for a benchmark) each need their own process. This is the one place that starts such a
process, waits for its banner (``endpoint: http://...`` first, then a ``registry ACCOUNT REGION: http://...`` line
per registry server), keeps its output drained so a full pipe never blocks the server, and stops it. Tests,
benchmarks and the screenshot script use it. No moto import here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import boto3

__all__ = [
    "STARTUP_TIMEOUT",
    "RegistryLogin",
    "SandboxProcess",
    "SandboxStartError",
    "parse_registry_lines",
    "start_sandbox_process",
]

STARTUP_TIMEOUT = 90.0
"""Seconds to wait for the endpoint line (a 100,000-image seed on a loaded 2-core machine stays well under)."""


BANNER_END = "Ctrl-C to stop."
"""The last line of ``ecrtui sandbox``'s banner: once it is read, every registry line has been too."""


class SandboxStartError(RuntimeError):
    """The sandbox exited or never printed its endpoint; the message carries the end of its stderr."""


def parse_registry_lines(lines: list[str]) -> dict[tuple[str, str], str]:
    """``{(account, region): url}`` from the ``registry ACCOUNT REGION: http://HOST:PORT`` lines of a banner."""
    registries: dict[tuple[str, str], str] = {}
    for line in lines:
        if line.startswith("registry "):
            where, _, url = line.removeprefix("registry ").partition(": ")
            account, _, region = where.partition(" ")
            registries[(account, region)] = url.strip()
    return registries


@dataclass(frozen=True)
class RegistryLogin:
    """What ``GetAuthorizationToken`` gives a registry client: where the registry is and the credentials.

    ``host`` is what image references start with (``HOST:PORT/NAME:TAG``); ``creds`` is skopeo's ``--creds``.
    The password is a secret: it is left out of ``repr``.
    """

    url: str
    username: str
    password: str = field(repr=False)

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[-1].rstrip("/")

    @property
    def creds(self) -> str:
        return f"{self.username}:{self.password}"

    def reference(self, repository: str, tag_or_digest: str) -> str:
        """``HOST:PORT/NAME:TAG`` or ``HOST:PORT/NAME@sha256:...``."""
        separator = "@" if ":" in tag_or_digest else ":"
        return f"{self.host}/{repository}{separator}{tag_or_digest}"


@dataclass
class SandboxProcess:
    """A sandbox running in a child process, and how to reach it."""

    endpoint_url: str
    profiles_dir: Path
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    """Lines the sandbox printed (endpoint, registries, profiles, export line)."""

    @property
    def registries(self) -> dict[tuple[str, str], str]:
        """``{(account, region): http://HOST:PORT}`` of the registry servers running at start."""
        return parse_registry_lines(self.output)

    def registry_url(self, account_id: str, region: str) -> str:
        """The registry server of ``account_id`` in ``region`` as printed at start (``KeyError`` if none)."""
        try:
            return self.registries[(account_id, region)]
        except KeyError:
            raise KeyError(f"the sandbox printed no registry for {account_id} {region}") from None

    def registry_login(
        self, profile: str, region: str | None = None, registry_id: str | None = None
    ) -> RegistryLogin:
        """Log in the way a client does on AWS: ``GetAuthorizationToken`` as ``profile`` (in ``region``, for
        ``registry_id``'s registry, default the profile's own), then ``proxyEndpoint`` and ``AWS:PASSWORD``."""
        import base64

        client = self.session(profile).client("ecr", region_name=region)
        kwargs = {"registryIds": [registry_id]} if registry_id else {}
        data = client.get_authorization_token(**kwargs)["authorizationData"][0]
        username, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
        return RegistryLogin(data["proxyEndpoint"], username, password)

    @property
    def config_file(self) -> Path:
        return self.profiles_dir / "config"

    @property
    def credentials_file(self) -> Path:
        return self.profiles_dir / "credentials"

    @property
    def registries_file(self) -> Path:
        """``registries.json``: every registry server's address, kept current as servers start on demand."""
        return self.profiles_dir / "registries.json"

    @property
    def env(self) -> dict[str, str]:
        """The variables that point AWS tools at this sandbox (and nothing from the user's AWS setup)."""
        return {
            "AWS_CONFIG_FILE": str(self.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials_file),
        }

    def session(self, profile: str) -> boto3.Session:
        """A boto3 session for ``profile`` read from this sandbox's files, never from ~/.aws."""
        import boto3
        import botocore.session

        core = botocore.session.Session()
        core.set_config_variable("config_file", str(self.config_file))
        core.set_config_variable("credentials_file", str(self.credentials_file))
        core.set_config_variable("profile", profile)
        return boto3.Session(botocore_session=core)

    def stop(self) -> None:
        """Terminate the sandbox (SIGTERM stops it cleanly), killing it if it does not exit in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def start_sandbox_process(
    profiles_dir: Path,
    *args: str,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = STARTUP_TIMEOUT,
) -> SandboxProcess:
    """Start ``ecrtui sandbox --port 0 --profiles-dir DIR *args``; return once it printed its whole banner.

    ``preexec_fn`` runs in the child before exec (tests use it so the sandbox dies with them). On failure the
    child is killed and ``SandboxStartError`` says why.
    """
    profiles_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "ecrtui", "sandbox", "--port", "0", "--profiles-dir", str(profiles_dir)]
    command += args
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    lines: list[str] = []
    banner = threading.Event()
    with tempfile.TemporaryFile(mode="w+") as stderr_file:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
            preexec_fn=preexec_fn,
        )

        def drain() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                if line.rstrip("\n") == BANNER_END or not lines[0].startswith("endpoint: "):
                    banner.set()
            banner.set()

        threading.Thread(target=drain, name="sandbox-stdout", daemon=True).start()
        ready = banner.wait(timeout)
        if not ready or not lines or not lines[0].startswith("endpoint: ") or BANNER_END not in lines:
            process.kill()
            process.wait(timeout=15)
            stderr_file.seek(0)
            raise SandboxStartError(f"sandbox did not start ({' '.join(args)}): {stderr_file.read()[-2000:]}")
    sandbox = SandboxProcess(lines[0].removeprefix("endpoint: "), profiles_dir, process, lines)
    # The profile files are written before the endpoint line is printed.
    if not sandbox.config_file.exists():
        sandbox.stop()
        raise SandboxStartError("the sandbox printed its endpoint before writing its profiles")
    return sandbox
