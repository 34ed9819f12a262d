"""End to end: ``ecrtui --demo`` in a real terminal (tmux), driven by real key presses, read off the screen.

Runs on a private tmux socket so it never touches the user's tmux sessions. Every wait polls the screen for a
condition with a deadline; nothing sleeps for a fixed time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecrtui.sandbox.seed import API_REPOSITORY, DEV_REPOSITORIES

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
]

DEADLINE_SECONDS = 60.0
WIDTH, HEIGHT = 120, 36

DEMO_REPOSITORIES_TITLE = f"Repositories ({len(DEV_REPOSITORIES)})"
"""What the Repositories pane's title says once the demo registry is listed."""


class Terminal:
    """One tmux server on a private socket with one session running a command."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=30
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        """Poll the screen until ``condition`` holds; fail with the last screen after the deadline."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; screen was:\n{text}")
            time.sleep(0.1)  # polling interval, not a timing assumption


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    # One server per test: reusing one name per worker process let a test's new-session reach the previous test's
    # server while it was still shutting down ("server exited unexpectedly").
    socket = f"ecrtui-e2e-{os.getpid()}-{tmp_path.name}"
    session = "ecrtui"
    exit_file = tmp_path / "exit-code"
    home = tmp_path / "home"
    home.mkdir()
    drop = (
        "AWS_",
        "ECRTUI_",
        "TMUX",
        "COLUMNS",
        "LINES",
        "XDG_",
    )  # the size must come from tmux; state under HOME
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update({"HOME": str(home), "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none"})
    command = f"{sys.executable} -m ecrtui --demo; echo $? > {exit_file}"
    # A fixed window size even without a client attached (and under pytest-xdist, where -x/-y alone may not hold).
    conf = tmp_path / "tmux.conf"
    conf.write_text(f"set -g default-size {WIDTH}x{HEIGHT}\n")
    subprocess.run(
        ["tmux", "-L", socket, "-f", str(conf), "new-session", "-d", "-s", session,
         "-x", str(WIDTH), "-y", str(HEIGHT), command],
        check=True, env=env, timeout=30,
    )  # fmt: skip
    term = Terminal(socket, session)
    try:
        yield term, exit_file
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)


def test_demo_navigates_with_real_keys(terminal: tuple[Terminal, Path]) -> None:
    term, exit_file = terminal
    first = term.wait_for(lambda s: "Registries" in s and "demo-dev" in s, "the first frame")
    assert "ecrtui" in first

    # The sandbox starts, boto3 loads, STS answers: the account shows and repositories list.
    term.wait_for(lambda s: "111111111111" in s, "the demo-dev account in the header")
    term.wait_for(lambda s: "Repositories" in s and "web" in s, "repositories of demo-dev")

    # The other profile's account is found in the background, without opening it.
    term.wait_for(lambda s: "222222222222" in s, "the demo-prod account in the registries pane")
    term.wait_for(lambda s: "Created" in s, "the Created column of the focused repositories pane")

    term.keys("Enter")  # open the highlighted repository
    term.wait_for(lambda s: "Images (" in s and "sha256:" in s, "images of the first repository")

    term.keys("s")  # cycle the sort
    term.wait_for(lambda s: "sort: pushed ↑" in s, "the next sort order in the pane subtitle")
    term.keys("/", "0", ".", "5")  # filter the images live
    term.wait_for(lambda s: "filter: 0.5" in s and "0.6.0" not in s, "the filtered list")
    term.keys("Escape")  # clears the filter
    term.wait_for(lambda s: "filter:" not in s and "0.6.0" in s, "the filter cleared")
    term.keys("y")  # copy the image URI (OSC 52): a toast says what was copied
    term.wait_for(lambda s: "Copied" in s, "the copy notification")
    term.keys("!")
    term.wait_for(lambda s: "Errors this session (0)" in s, "the (empty) error log")
    term.keys("Escape")
    term.wait_for(lambda s: "Errors this session" not in s, "the error log to close")

    term.keys("Enter")  # inspect the highlighted image
    term.wait_for(lambda s: "dkr.ecr" in s, "the inspector summary with the image URI")

    term.keys("]")  # next inspector tab: Manifest
    term.wait_for(lambda s: "schemaVersion" in s, "the manifest JSON")

    term.keys("?")
    term.wait_for(lambda s: "app.quit" in s, "the help screen with binding ids")
    term.keys("Escape")
    term.wait_for(lambda s: "app.quit" not in s, "the help screen to close")

    term.keys("q")
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not exit_file.exists() or not exit_file.read_text().strip():
        assert time.monotonic() < deadline, "ecrtui did not exit after q"
        time.sleep(0.1)
    assert exit_file.read_text().strip() == "0"


def test_keys_typed_in_one_burst_after_enter_reach_the_opened_list(terminal: tuple[Terminal, Path]) -> None:
    """A real terminal delivers ``enter/v1.4`` sent in one write as one read: the filter must land in the
    Images list just opened, not in the Repositories list the ``enter`` was pressed in."""
    term, _ = terminal
    term.wait_for(lambda s: DEMO_REPOSITORIES_TITLE in s, "the demo's repositories")
    names = sorted(DEV_REPOSITORIES)
    term.keys("G")  # the last repository (web/gateway: its releases are v2.x, web/api's v1.x)
    term.keys(*["k"] * (len(names) - 1 - names.index(API_REPOSITORY)))  # up to web/api
    term.wait_for(lambda s: "web/api" in s, "web/api on screen")
    term.keys("Enter", "/", "v", "1", ".", "4")  # one send-keys: one burst
    filtered = re.compile(r"Images \(\d+ of \d+\) · web/api")  # the Images title counts the filtered rows
    screen = term.wait_for(lambda s: filtered.search(s) is not None, "the Images list filtered")
    assert screen.count("filter: v1.4") == 1, "only one list is filtered"
    assert DEMO_REPOSITORIES_TITLE in screen, "the Repositories list is not"


def test_c_then_ctrl_s_copies_an_image_and_the_jobs_panel_shows_it_done(
    terminal: tuple[Terminal, Path],
) -> None:
    """The copy dialog's keys arrive in a real terminal (``ctrl+s`` too: the app's raw mode turns off the
    terminal's flow control), the copy runs as a job, and the panel says it is done."""
    term, exit_file = terminal
    term.wait_for(lambda s: DEMO_REPOSITORIES_TITLE in s and "222222222222" in s, "the demo's registries")
    term.keys("/", *API_REPOSITORY, "Enter")  # the filter leaves web/api alone under the cursor
    term.wait_for(lambda s: "filter: web/api" in s, "the Repositories list filtered")
    term.keys("Enter")
    term.wait_for(lambda s: "· web/api" in s and "sha256:" in s, "the images of web/api")
    term.keys("c")
    destination = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/web/api"
    screen = term.wait_for(  # the plan's header shows while it is computed; its lines come when it is ready
        lambda s: "Plan · nothing is written until you start" in s and destination in s, "the plan"
    )
    assert "demo-prod (eu-west-1)" in screen
    term.keys("C-s")
    term.wait_for(lambda s: "Jobs (1 done)" in s, "the copy done in the jobs panel")
    term.keys("q")  # nothing running: no question
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not exit_file.exists() or not exit_file.read_text().strip():
        assert time.monotonic() < deadline, "ecrtui did not exit after q"
        time.sleep(0.1)
    assert exit_file.read_text().strip() == "0"
