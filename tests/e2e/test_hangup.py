"""Closing the terminal (SIGHUP: a closed window, ``tmux kill-server``) ends ``ecrtui --demo`` and ``ecrtui sandbox``
cleanly: the demo's blob spill files (megabytes) and its profile directory (which holds a credentials file) do not
stay behind in the temp dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecrtui.sandbox.seed import DEV_REPOSITORIES

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
]

DEADLINE_SECONDS = 60.0


def _wait(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)  # polling interval


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its new parent) counts as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


@pytest.mark.parametrize(
    ("command", "ready"),
    [
        ("--demo", f"Repositories ({len(DEV_REPOSITORIES)})"),
        ("sandbox", "Ctrl-C to stop."),
    ],
)
def test_closing_the_terminal_removes_the_temporary_files(tmp_path: Path, command: str, ready: str) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    pid_file = tmp_path / "pid"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_", "TMUX"))}
    env.update(
        {"HOME": str(tmp_path), "TERM": "xterm-256color", "TMPDIR": str(temp), "TEXTUAL_ANIMATIONS": "none"}
    )
    shell = f"echo $$ > {pid_file}; exec {sys.executable} -m ecrtui {command}"
    tmux = ["tmux", "-L", f"ecrtui-hangup-{os.getpid()}-{command.strip('-')}"]
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "t", "-x", "120", "-y", "36", shell], env=env, check=True
    )
    try:

        def screen() -> str:
            result = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True)
            return result.stdout

        _wait(lambda: ready in screen(), f"'{ready}' on the screen")
        pid = int(pid_file.read_text())
        left = sorted(p.name for p in temp.iterdir())
        assert any(n.startswith("ecrtui-sandbox-blobs-") for n in left), left  # what must not stay behind
        assert any(n.startswith(("ecrtui-demo-", "ecrtui-sandbox-profiles-")) for n in left), left
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=30)  # SIGHUP to the process
    _wait(lambda: not _alive(pid), "the process to exit")
    assert sorted(p.name for p in temp.iterdir()) == []
