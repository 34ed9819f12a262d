"""Startup in a real terminal: time to first frame, and time until the demo's repositories are on screen.

Each case is started as a child process on a real pseudo-terminal (120x36) and its output is read as the
terminal would receive it. The first-frame clock stops when the output first contains the marker the first
frame paints ("Registries", which the minimal Textual app started the same way paints too; target: ecrtui at most
2x the minimal app). For `ecrtui --demo` a second clock stops when the Repositories pane's title shows the
listed count (``Repositories (13)``, not the ``Repositories (0…)`` of the loading pane): the sandbox started and
seeded, boto3 imported, the service built and the first DescribeRepositories answered and painted. The child is
then terminated and reaped.

    .venv/bin/python bench/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

MINIMAL_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

class Minimal(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Registries")
        yield Footer()

Minimal().run()
"""

MARKER = re.compile(rb"Registries")
LISTED = re.compile(rb"Repositories \([1-9][\d,]*\)")
"""The Repositories title once the demo's repositories are listed (before: ``Repositories (0)``, then
``Repositories (0…)`` while the first page is on its way)."""
TIMEOUT_S = 60.0


def times_to_markers(argv: list[str], env: dict[str, str], markers: list[re.Pattern[bytes]]) -> list[float]:
    """Seconds from spawn until the pty output first matches each marker, in order."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True
    )
    os.close(slave)
    seen = b""
    elapsed: list[float] = []
    try:
        deadline = start + TIMEOUT_S
        while time.perf_counter() < deadline and len(elapsed) < len(markers):
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = (seen + chunk)[-200_000:]
            while len(elapsed) < len(markers) and markers[len(elapsed)].search(seen):
                elapsed.append(time.perf_counter() - start)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    if len(elapsed) < len(markers):
        missing = markers[len(elapsed)].pattern.decode()
        raise SystemExit(f"{argv!r}: no {missing!r} on screen within {TIMEOUT_S:.0f} s")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(TERM="xterm-256color", TEXTUAL_ANIMATIONS="none", COLUMNS="120", LINES="36")
    minimal_file = Path(__file__).with_name(".minimal_app.py")
    minimal_file.write_text(MINIMAL_APP)
    try:
        cases = {
            "minimal Textual app": [sys.executable, str(minimal_file)],
            "ecrtui --demo": [sys.executable, "-m", "ecrtui", "--demo"],
        }
        first: dict[str, list[float]] = {name: [] for name in cases}
        listed: list[float] = []
        for _ in range(args.runs):  # interleave so machine noise hits both alike
            first["minimal Textual app"] += times_to_markers(cases["minimal Textual app"], env, [MARKER])
            frame, repositories = times_to_markers(cases["ecrtui --demo"], env, [MARKER, LISTED])
            first["ecrtui --demo"].append(frame)
            listed.append(repositories)
    finally:
        minimal_file.unlink(missing_ok=True)
    print(f"startup, {args.runs} runs each (120x36 pty)")
    print(f"{'case':<40} {'median':>9} {'min':>9} {'max':>9}")
    rows = [(f"first frame: {name}", values) for name, values in first.items()]
    rows.append(("ecrtui --demo: repositories on screen", listed))
    for name, values in rows:
        print(
            f"{name:<40} {statistics.median(values) * 1000:>7.0f}ms {min(values) * 1000:>7.0f}ms "
            f"{max(values) * 1000:>7.0f}ms"
        )
    ratio = statistics.median(first["ecrtui --demo"]) / statistics.median(first["minimal Textual app"])
    print(f"first frame, ratio ecrtui/minimal (median): {ratio:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
