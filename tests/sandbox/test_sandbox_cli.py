"""``ecrtui sandbox`` as a user runs it: clear one-line errors, clean shutdown, light imports."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", "sandbox", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-rate", "2"], "fail_rate must be between 0 and 1"),
        (["--port", "70000"], "port 70000 is out of range"),
        (["--bandwidth-mbps", "0"], "bandwidth_mbps must be positive"),
        (["--scale-images", "100001"], "limited to 100,000"),
        (["--url-ttl-seconds", "0"], "url_ttl_seconds must be at least 1"),
    ],
)
def test_bad_options_give_one_line(args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


def test_port_in_use_gives_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run("--seed", "empty", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_unwritable_profiles_dir_gives_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = _run("--seed", "empty", "--profiles-dir", str(blocker / "profiles"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "cannot write profiles to" in result.stderr


def test_sigterm_stops_cleanly(sandbox_factory: Callable[..., SandboxProcess]) -> None:
    sandbox = sandbox_factory("--seed", "empty")
    sandbox.process.send_signal(signal.SIGTERM)
    assert sandbox.process.wait(timeout=30) == 0


def test_output_names_profiles_and_never_credentials(demo_sandbox: SandboxProcess) -> None:
    text = "\n".join(demo_sandbox.output)
    assert "profile demo-dev: account 111111111111, region us-east-1" in text
    assert "profile demo-prod: account 222222222222, region eu-west-1" in text
    credentials = demo_sandbox.credentials_file.read_text()
    secrets = [line.split("=", 1)[1].strip() for line in credentials.splitlines() if "=" in line]
    assert secrets
    assert not any(secret in text for secret in secrets)
    assert oct(demo_sandbox.credentials_file.stat().st_mode & 0o777) == "0o600"


def test_requests_are_not_logged(demo_sandbox: SandboxProcess) -> None:
    """Request lines would print presigned URLs; the only output is the banner."""
    ecr = demo_sandbox.session("demo-dev").client("ecr")
    ecr.describe_repositories(maxResults=1)
    ecr.describe_repositories(maxResults=2)
    assert len(demo_sandbox.output) == 6
    assert not any("HTTP/1.1" in line or "POST" in line for line in demo_sandbox.output)


@pytest.mark.parametrize(
    ("module", "banned"),
    [
        ("ecrtui.sandbox_cli", ("moto", "flask", "boto3", "textual", "rich")),
        ("ecrtui.sandbox", ("moto", "textual", "rich")),
        ("ecrtui.sandbox.seed", ("moto", "textual", "rich")),
        ("ecrtui.sandbox.server", ("textual", "rich")),
    ],
)
def test_imports_stay_light(module: str, banned: tuple[str, ...]) -> None:
    code = f"import sys, {module}; print(sorted(m for m in {banned!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
