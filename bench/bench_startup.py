"""Time to first frame: `ecrtui --demo` against a minimal Textual app started the same way.

Both are started as child processes on a real pseudo-terminal (120x36); the clock stops when the terminal
output first contains the marker text the first frame paints ("Registries" for ecrtui, which the minimal app
paints too). The child is then sent `q`/ctrl+c and reaped. Target: ecrtui at most 2x the minimal app.

    .venv/bin/python bench/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
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

MARKER = b"Registries"
TIMEOUT_S = 60.0


def time_to_marker(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn until the pty output contains MARKER."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True
    )
    os.close(slave)
    seen = b""
    elapsed = float("nan")
    try:
        deadline = start + TIMEOUT_S
        while time.perf_counter() < deadline:
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
            if MARKER in seen:
                elapsed = time.perf_counter() - start
                break
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    if elapsed != elapsed:  # NaN: never saw the marker
        raise SystemExit(f"{argv!r}: no first frame within {TIMEOUT_S:.0f} s")
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
        results: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):  # interleave so machine noise hits both alike
            for name, argv in cases.items():
                results[name].append(time_to_marker(argv, env))
    finally:
        minimal_file.unlink(missing_ok=True)
    print(f"time to first frame, {args.runs} runs each (120x36 pty)")
    print(f"{'case':<22} {'median':>9} {'min':>9} {'max':>9}")
    for name, values in results.items():
        print(
            f"{name:<22} {statistics.median(values) * 1000:>7.0f}ms {min(values) * 1000:>7.0f}ms "
            f"{max(values) * 1000:>7.0f}ms"
        )
    ratio = statistics.median(results["ecrtui --demo"]) / statistics.median(results["minimal Textual app"])
    print(f"ratio ecrtui/minimal (median): {ratio:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
