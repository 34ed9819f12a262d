"""``ecrtui sandbox`` as a user runs it: clear one-line errors, clean shutdown, light imports."""

from __future__ import annotations

import shlex
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
        (["--fail-rate", "2"], "--fail-rate must be between 0 and 1"),
        (["--fail-rate", "nan"], "--fail-rate must be between 0 and 1"),
        (["--port", "70000"], "--port 70000 is out of range"),
        (["--host", ""], "--host must not be empty"),
        (["--bandwidth-mbps", "0"], "--bandwidth-mbps must be a positive number"),
        (["--bandwidth-mbps", "nan"], "--bandwidth-mbps must be a positive number"),
        (["--latency-ms", "-5"], "--latency-ms must not be negative"),
        (["--scale-images", "100001"], "--scale-images must be between 0 and 100,000"),
        (["--scale-repos", "-1"], "--scale-repos must not be negative"),
        (["--url-ttl-seconds", "0"], "--url-ttl-seconds must be at least 1"),
        (["--activation-seconds", "-1"], "--activation-seconds must be between 0 and 3600"),
        (["--activation-seconds", "nan"], "--activation-seconds must be between 0 and 3600"),
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


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_signal_stops_cleanly(
    sandbox_factory: Callable[..., SandboxProcess], stop_signal: signal.Signals
) -> None:
    sandbox = sandbox_factory("--seed", "empty")
    sandbox.process.send_signal(stop_signal)
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
    assert len(demo_sandbox.output) == 6 + len(demo_sandbox.registries)
    assert not any("HTTP/1.1" in line or "POST" in line for line in demo_sandbox.output)


@pytest.mark.parametrize(
    ("module", "banned"),
    [
        ("ecrtui.cli.sandbox", ("moto", "flask", "boto3", "textual", "rich")),
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


def test_export_line_survives_a_path_with_spaces(tmp_path: Path) -> None:
    from ecrtui.sandbox.profiles import ProfileFiles

    directory = tmp_path / "my profiles $HOME"
    files = ProfileFiles(directory, directory / "config", directory / "credentials")
    shell = f'{files.export_line}; printf "%s\\n%s" "$AWS_CONFIG_FILE" "$AWS_SHARED_CREDENTIALS_FILE"'
    result = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, check=True, timeout=30)
    assert result.stdout.splitlines() == [str(files.config_file), str(files.credentials_file)]


def test_default_profiles_dir_is_temporary_and_removed_on_exit() -> None:
    """Without ``--profiles-dir`` the files go to a temporary directory that Ctrl-C removes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ecrtui", "sandbox", "--seed", "empty"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # the banner, up to its last line (or the end of output)
            lines.append(line)
            if line.startswith("Ctrl-C to stop."):
                break
        export = next(line for line in lines if line.startswith("export "))
        config = Path(shlex.split(export)[1].removeprefix("AWS_CONFIG_FILE="))
        assert config.is_file()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=15)
    assert not config.parent.exists()
    assert process.stderr is not None
    assert process.stderr.read() == ""


def test_profiles_dir_with_real_aws_files_is_refused(tmp_path: Path) -> None:
    """``--profiles-dir ~/.aws`` by mistake must not overwrite a user's own profiles and keys."""
    (tmp_path / "config").write_text("[default]\nregion = eu-central-1\n")
    (tmp_path / "credentials").write_text("[default]\naws_access_key_id = AKIAREALKEY\n")
    result = _run("--seed", "empty", "--profiles-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "was not written by ecrtui sandbox" in result.stderr
    assert (tmp_path / "config").read_text() == "[default]\nregion = eu-central-1\n"
    assert (tmp_path / "credentials").read_text() == "[default]\naws_access_key_id = AKIAREALKEY\n"


def test_restart_with_the_same_profiles_dir_replaces_its_own_files(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    endpoints = []
    for _ in range(2):
        process = subprocess.Popen(
            [sys.executable, "-m", "ecrtui", "sandbox", "--seed", "empty", "--profiles-dir", str(profiles)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            first_line = process.stdout.readline()
            assert first_line.startswith("endpoint: "), process.stderr.read() if process.stderr else ""
            endpoints.append(first_line.split()[1])
            assert endpoints[-1] in (profiles / "config").read_text()
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        (
            "# Written by ecrtui sandbox; replaced on every start. Do not put your own profiles here.\n[x]\n",
            True,
        ),
        ("[profile demo-dev]\nregion = us-east-1\n\n[profile demo-prod]\nregion = eu-west-1\n", True),
        ("[demo-dev]\naws_access_key_id = A\n", True),  # credentials written before the marker existed
        ("", True),
        ("[default]\nregion = eu-central-1\n", False),
        ("[profile demo-dev]\nregion = us-east-1\n[profile work]\nregion = us-west-2\n", False),
        ("just some text\n", False),
    ],
)
def test_only_sandbox_written_files_are_replaced(text: str, ours: bool) -> None:
    from ecrtui.sandbox.profiles import _is_sandbox_file

    assert _is_sandbox_file(text) is ours
