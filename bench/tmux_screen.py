"""A real terminal for benchmarks: one tmux server on a private socket, driven through a control-mode client.

``tmux -C`` keeps one client attached, so sending a key or reading the screen is a line on a pipe, not a new
``tmux`` process per poll (which on a 2-core machine would steal the CPU the measured app needs). The screen is
read with its colours (``capture-pane -e``) so a benchmark can tell which row carries the cursor.
"""

from __future__ import annotations

import itertools
import os
import queue
import re
import shlex
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

_SOCKETS = itertools.count()
SGR = re.compile(r"\x1b\[([0-9;]*)m")
SHORT_DIGEST = re.compile(r"(?<=\s)sha256:[0-9a-f]{12}(?![0-9a-f])")
"""A short digest as the Images pane's rows show it, after a space (the inspector shows whole digests, and
``name@sha256:…`` or ``(sha256:…)`` in its title)."""


@dataclass(frozen=True)
class Screen:
    """One capture: the plain text and, per line, the background of each short digest shown."""

    text: str
    digests: list[tuple[str, str]]
    """``(short digest, background SGR)`` in screen order."""

    @property
    def cursor_digest(self) -> str | None:
        """The short digest on the row whose background differs from every other row's (the cursor)."""
        backgrounds: dict[str, list[str]] = {}
        for digest, background in self.digests:
            backgrounds.setdefault(background, []).append(digest)
        unique = [digests[0] for digests in backgrounds.values() if len(digests) == 1]
        return unique[0] if len(backgrounds) > 1 and len(unique) == 1 else None


def parse_screen(raw: str) -> Screen:
    """Plain text plus the background in force where each short digest starts."""
    lines: list[str] = []
    digests: list[tuple[str, str]] = []
    for line in raw.split("\n"):
        plain: list[str] = []
        background = ""
        position = 0
        spans: list[tuple[int, str]] = []
        for match in SGR.finditer(line):
            plain.append(line[position : match.start()])
            position = match.end()
            spans.append((sum(map(len, plain)), background))
            background = _background(match.group(1), background)
        plain.append(line[position:])
        spans.append((sum(map(len, plain)), background))
        text = "".join(plain)
        lines.append(text)
        for found in SHORT_DIGEST.finditer(text):
            in_force = next((bg for end, bg in spans if end > found.start()), background)
            digests.append((found.group(0), in_force))
    return Screen("\n".join(lines), digests)


def _background(params: str, current: str) -> str:
    """The background after one SGR sequence (``48;5;N``, ``48;2;R;G;B``, ``4x``, ``49`` or a reset)."""
    parts = params.split(";") if params else ["0"]
    index = 0
    while index < len(parts):
        part = parts[index]
        if part in ("0", "") or part == "49":
            current = ""
        elif part == "48" and index + 1 < len(parts):
            width = 3 if parts[index + 1] == "5" else 5
            current = ";".join(parts[index : index + width])
            index += width - 1
        elif part == "38" and index + 1 < len(parts):
            index += 2 if parts[index + 1] == "5" else 4
        elif (len(part) == 2 and part.startswith("4")) or (len(part) == 3 and part.startswith("10")):
            current = part
        index += 1
    return current


class Terminal:
    """A tmux server running one command at a fixed size; ``keys`` and ``screen`` go through ``tmux -C``."""

    def __init__(self, directory: Path, command: str, env: Mapping[str, str], size: tuple[int, int]) -> None:
        self.socket = f"ecrtui-bench-{os.getpid()}-{next(_SOCKETS)}"
        width, height = size
        conf = directory / "tmux.conf"
        conf.write_text(f"set -g default-size {width}x{height}\n")
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(conf), "new-session", "-d", "-s", "bench",
             "-x", str(width), "-y", str(height), command],
            check=True, env=dict(env), timeout=30,
        )  # fmt: skip
        # A control client must not resize the window to its own (unset) size.
        subprocess.run(
            ["tmux", "-L", self.socket, "set", "-g", "window-size", "manual"], check=True, timeout=30
        )
        self._control = subprocess.Popen(
            ["tmux", "-L", self.socket, "-C", "attach", "-t", "bench"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        self._replies: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, name="tmux-control", daemon=True).start()
        self._replies.get(timeout=30)  # the reply to ``attach`` itself
        self.pid = int(self.command("display-message -p -t bench '#{pane_pid}'").strip())

    def _read(self) -> None:
        """Collect each command's reply (between ``%begin`` and ``%end``); drop notifications."""
        assert self._control.stdout is not None
        block: list[str] | None = None
        for line in self._control.stdout:
            if block is None:
                if line.startswith("%begin"):
                    block = []
                continue
            if line.startswith(("%end", "%error")):
                self._replies.put("".join(block))
                block = None
            else:
                block.append(line)

    def command(self, text: str) -> str:
        """Run one tmux command on the control client and return its output."""
        assert self._control.stdin is not None
        self._control.stdin.write(text + "\n")
        self._control.stdin.flush()
        return self._replies.get(timeout=30)

    def keys(self, *keys: str) -> None:
        self.command("send-keys -t bench " + " ".join(shlex.quote(key) for key in keys))

    def screen(self) -> Screen:
        return parse_screen(self.command("capture-pane -p -e -t bench"))

    def wait_for(self, condition: Callable[[Screen], bool], what: str, timeout: float = 120.0) -> Screen:
        deadline = time.perf_counter() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.perf_counter() > deadline:
                raise SystemExit(f"timed out waiting for {what}; screen was:\n{screen.text}")
            time.sleep(0.005)

    def close(self) -> None:
        self._control.terminate()
        self._control.wait(timeout=30)
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


def rss_kib(pid: int) -> tuple[int, int]:
    """Resident and peak resident memory of a process (KiB), from ``/proc/PID/status``."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]
