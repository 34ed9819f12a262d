"""``q`` quits at once even while an ECR call hangs (an endpoint that accepts and never answers): in a real
terminal, the process must exit long before the client's own timeouts would give up (3 attempts of 20 s)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
]

EXIT_DEADLINE_SECONDS = 45.0
"""Below the 60 s a stalled call takes to fail, far above what quitting takes."""


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A TCP port that takes connections (the kernel's backlog) and never answers a byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_q_quits_while_a_call_hangs(tmp_path: Path, silent_endpoint: str) -> None:
    config = tmp_path / "config"
    config.write_text("[profile stalled]\nregion = us-east-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[stalled]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = x\n")
    exit_file = tmp_path / "exit-code"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_", "TMUX"))}
    env.update(
        {
            "AWS_CONFIG_FILE": str(config),
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_ENDPOINT_URL_STS": silent_endpoint,
            "HOME": str(tmp_path),
            "TERM": "xterm-256color",
        }
    )
    command = f"{sys.executable} -m ecrtui --profile stalled --endpoint-url {silent_endpoint}; echo $? > {exit_file}"
    tmux = ["tmux", "-L", f"ecrtui-stalled-{os.getpid()}"]
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "t", "-x", "120", "-y", "36", command], env=env, check=True
    )
    try:
        deadline = time.monotonic() + 60
        # The Repositories pane says "Loading…" once its DescribeRepositories call is out (and hanging).
        while "Loading…" not in (
            screen := subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True
            ).stdout
        ):
            assert time.monotonic() < deadline, f"the app never started listing:\n{screen}"
            time.sleep(0.1)  # polling interval
        subprocess.run([*tmux, "send-keys", "-t", "t", "q"], check=True)
        deadline = time.monotonic() + EXIT_DEADLINE_SECONDS
        while not (exit_file.exists() and exit_file.read_text().strip()):
            assert time.monotonic() < deadline, "ecrtui did not exit while a call was hanging"
            time.sleep(0.1)  # polling interval
        assert exit_file.read_text().strip() == "0"
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=30)
