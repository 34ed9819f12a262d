"""Run ``ecrtui sandbox`` in a child process and know how to reach it.

moto's state is process-global, so independent sandboxes (a read-only demo for snapshot tests, a scratch one,
a 100,000-image one for a benchmark) each need their own process. This is the one place that starts such a
process, waits for its ``endpoint: http://...`` first line, keeps its output drained so a full pipe never
blocks the server, and stops it. Tests, benchmarks and the screenshot script use it. No moto import here.
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

__all__ = ["STARTUP_TIMEOUT", "SandboxProcess", "SandboxStartError", "start_sandbox_process"]

STARTUP_TIMEOUT = 90.0
"""Seconds to wait for the endpoint line (a 100,000-image seed on a loaded 2-core machine stays well under)."""


class SandboxStartError(RuntimeError):
    """The sandbox exited or never printed its endpoint; the message carries the end of its stderr."""


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
    """Start ``ecrtui sandbox --port 0 --profiles-dir DIR *args``; return once it printed its endpoint.

    ``preexec_fn`` runs in the child before exec (tests use it so the sandbox dies with them). On failure the
    child is killed and ``SandboxStartError`` says why.
    """
    profiles_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "ecrtui", "sandbox", "--port", "0", "--profiles-dir", str(profiles_dir)]
    command += args
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    lines: list[str] = []
    first_line = threading.Event()
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
                first_line.set()
            first_line.set()

        threading.Thread(target=drain, name="sandbox-stdout", daemon=True).start()
        ready = first_line.wait(timeout)
        if not ready or not lines or not lines[0].startswith("endpoint: "):
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
