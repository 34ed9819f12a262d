"""Fixtures shared by every test package: local ECR sandboxes over real HTTP, and a clean AWS environment.

Sandboxes run as subprocesses (``python -m ecrtui sandbox``) because moto's state is process-global; a fixture is
ready when the sandbox prints its ``endpoint:`` line. Tests never see the user's AWS settings: every ``AWS_*``
variable is removed at import and sessions are built from the sandbox's own profile files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import boto3

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

for _name in [n for n in os.environ if n.startswith("AWS_") or n == "MOTO_ACCOUNT_ID"]:
    del os.environ[_name]
# Point AWS tooling at empty files so nothing falls back to ~/.aws or instance metadata.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 90.0


@dataclass
class SandboxProcess:
    """A sandbox running in a child process, and how to reach it."""

    endpoint_url: str
    profiles_dir: Path
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    """Lines the sandbox printed (endpoint, profiles, export line)."""

    @property
    def config_file(self) -> Path:
        return self.profiles_dir / "config"

    @property
    def credentials_file(self) -> Path:
        return self.profiles_dir / "credentials"

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
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the test process dies, so no sandbox outlives a crashed run (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_sandbox(profiles_dir: Path, *args: str) -> SandboxProcess:
    """Start ``ecrtui sandbox`` with ``args``; return once it printed its endpoint (killed on failure)."""
    profiles_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "ecrtui",
        "sandbox",
        "--port",
        "0",
        "--profiles-dir",
        str(profiles_dir),
        *args,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    lines: list[str] = []
    first_line = threading.Event()
    with tempfile.TemporaryFile(mode="w+") as stderr_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
            preexec_fn=_die_with_parent,  # fixtures start sandboxes from the main thread
        )

        def drain() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                first_line.set()
            first_line.set()

        threading.Thread(target=drain, name="sandbox-stdout", daemon=True).start()
        ready = first_line.wait(STARTUP_TIMEOUT)
        if not ready or not lines or not lines[0].startswith("endpoint: "):
            process.kill()
            process.wait(timeout=15)
            stderr_file.seek(0)
            raise RuntimeError(f"sandbox did not start ({' '.join(args)}): {stderr_file.read()[-2000:]}")
    sandbox = SandboxProcess(lines[0].removeprefix("endpoint: "), profiles_dir, process, lines)
    # The profile files are written before the endpoint line is printed.
    assert sandbox.config_file.exists(), "sandbox printed its endpoint before writing the profiles"
    return sandbox


@pytest.fixture(scope="session")
def demo_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """The demo registry, shared by the whole session. Read-only: UI snapshots depend on its data."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("demo-sandbox"), "--seed", "demo")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture(scope="module")
def rw_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A demo registry of the test module's own; tests may change it."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("rw-sandbox"), "--seed", "demo")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator[Callable[..., SandboxProcess]]:
    """Start sandboxes with custom options (``factory("--latency-ms", "50")``); all stopped at teardown."""
    started: list[SandboxProcess] = []

    def factory(*args: str) -> SandboxProcess:
        sandbox = start_sandbox(tmp_path / f"sandbox-{len(started)}", *args)
        started.append(sandbox)
        return sandbox

    try:
        yield factory
    finally:
        for sandbox in started:
            sandbox.stop()
