"""The real app as people use it: ``ecrtui`` in a terminal, a 100,000-image repository, keys held meanwhile.

Starts ``ecrtui sandbox --seed empty --scale-images N`` (real HTTP to moto), then for each run:

a. raw boto3 paging of ``scale/images`` (``DescribeImages``, ``maxResults=1000``) in this process: the baseline;
b. the real ``ecrtui --profile demo-dev`` (the sandbox's profile files) in tmux at 120x36. With the cursor on the
   repository, ``→`` opens it and moves into its list while it loads; then ``j`` is held: one press every 33 ms
   as a terminal's key repeat sends them, whether or not the app kept up, each timed until the screen shows the
   cursor that many rows down (see ``HeldKey``). Everything is read from the screen: time to the first rows,
   time to the full count (``Images (100,000)``), key latency while loading and for 100 presses after;
c. the same, opening the repository and pressing nothing (``--idle`` runs only add this);
d. memory: the app's resident memory before the repository is opened and after it is listed (and its peak),
   against a plain boto3 process that pages the same repository and keeps every ``imageDetails`` dict.

Targets (issue 7, item 2 and issue 12): full count within 1.3x raw paging with the user in the list; keys under
50 ms meanwhile; the memory a listing adds at most 1.0x what the plain boto3 process adds (aim 0.5x).

    .venv/bin/python bench/bench_app.py                      # 100,000 images, 2 runs
    .venv/bin/python bench/bench_app.py --images 20000 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from raw_listing import raw_paging
from tmux_screen import Screen, Terminal, rss_kib

from ecrtui.sandbox.process import SandboxProcess, start_sandbox_process

REPOSITORY = "scale/images"
PROFILE = "demo-dev"
SIZE = (120, 36)
KEY_GAP_S = 0.033
"""A held key: about 30 presses a second, as a terminal's key repeat sends them."""
KEY_TIMEOUT_S = 2.0
POLL_S = 0.004
"""Pause between two reads of the screen: polling flat out would take the CPU the measured app needs."""
PRESSES_AFTER = 100
TITLE = re.compile(r"Images \(([\d,]+)(…?)\)")


@dataclass
class AppRun:
    first_rows_s: float = 0.0
    full_s: float = 0.0
    presses_loading: list[float] = field(default_factory=list)
    loading_at: list[float] = field(default_factory=list)
    """For each press while loading, when it was sent (seconds after ``→``): where the slow ones fall."""
    presses_after: list[float] = field(default_factory=list)
    lost_presses: int = 0
    rss_before_kib: int = 0
    rss_after_kib: int = 0
    peak_kib: int = 0


def full_count(screen: Screen, images: int) -> bool:
    match = TITLE.search(screen.text)
    return match is not None and not match.group(2) and match.group(1) == f"{images:,}"


def start_app(directory: Path, sandbox: SandboxProcess, profile: Path | None = None) -> Terminal:
    """``ecrtui --profile demo-dev`` in tmux, reading only the sandbox's AWS files (under cProfile with
    ``profile``: the main thread's statistics go to that file when the app quits)."""
    home = directory / "home"
    home.mkdir(exist_ok=True)
    drop = ("AWS_", "ECRTUI_", "TMUX", "COLUMNS", "LINES")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(sandbox.env)
    env.update({"HOME": str(home), "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none"})
    python = f"{sys.executable} -m cProfile -o {profile}" if profile else sys.executable
    command = f"exec {python} -m ecrtui --profile {PROFILE}"
    return Terminal(directory, command, env, SIZE)


class HeldKey:
    """``j`` held down: one press every ``KEY_GAP_S`` whatever the app is doing (a terminal's key repeat does
    not wait for the screen), each timed until the screen shows the cursor that many rows further down.

    The scale repository's images were pushed one a minute, in listing order, and the list is sorted newest
    first, so each ``j`` moves the cursor to the image pushed one minute earlier: the number of rows the cursor
    has moved is read from the image under it (``ranks``: short digest -> place in push order), even when
    several presses are painted in one frame or pages arrive above the cursor meanwhile.
    """

    def __init__(self, term: Terminal, ranks: dict[str, int], run: AppRun, images: int, start: float) -> None:
        self.term, self.ranks, self.run, self.images, self.start = term, ranks, run, images, start
        self.sent: list[float] = []
        self.shown = 0
        self.origin: int | None = None

    def look(self) -> None:
        """Read the screen once: the full count, and every press the cursor's row now accounts for."""
        screen = self.term.screen()
        now = time.perf_counter()
        if not self.run.full_s and full_count(screen, self.images):
            self.run.full_s = now - self.start
        cursor = screen.cursor_digest
        if cursor is None or cursor not in self.ranks or self.origin is None:
            return
        moved = self.origin - self.ranks[cursor]
        while self.shown < min(moved, len(self.sent)):
            sent = self.sent[self.shown]
            loading = not self.run.full_s or sent < self.start + self.run.full_s
            (self.run.presses_loading if loading else self.run.presses_after).append(now - sent)
            if loading:
                self.run.loading_at.append(sent - self.start)
            self.shown += 1

    def begin(self) -> None:
        """One press off the top row (the top row follows the newest page), then count from where it landed."""
        top = self.term.screen().cursor_digest
        self.term.keys("j")
        deadline = time.perf_counter() + 60
        while self.origin is None:
            cursor = self.term.screen().cursor_digest
            if cursor is not None and cursor != top and cursor in self.ranks:
                self.origin = self.ranks[cursor]
            elif time.perf_counter() > deadline:
                raise SystemExit("the first j never moved the cursor")

    def hold(self, until: Callable[[], bool]) -> None:
        """Press every ``KEY_GAP_S`` until ``until()``, reading the screen in between."""
        next_press = time.perf_counter()
        while not until():
            if time.perf_counter() >= next_press:
                self.term.keys("j")
                self.sent.append(time.perf_counter())
                next_press += KEY_GAP_S
            self.look()
            time.sleep(POLL_S)

    def release(self) -> None:
        """Stop pressing; wait for the presses still in flight (those never shown count as lost)."""
        deadline = time.perf_counter() + KEY_TIMEOUT_S
        while self.shown < len(self.sent) and time.perf_counter() < deadline:
            self.look()
            time.sleep(POLL_S)
        self.run.lost_presses += len(self.sent) - self.shown


def app_run(
    directory: Path,
    sandbox: SandboxProcess,
    images: int,
    ranks: dict[str, int],
    hold_keys: bool,
    profile: Path | None = None,
) -> AppRun:
    run = AppRun()
    term = start_app(directory, sandbox, profile)
    try:
        term.wait_for(lambda s: REPOSITORY in s.text and "Repositories (1)" in s.text, "the repository list")
        time.sleep(0.5)  # let the account lookups and the first frames settle before measuring memory
        run.rss_before_kib, _ = rss_kib(term.pid)
        start = time.perf_counter()
        term.keys("Right")  # open the highlighted repository and move into its list
        while not run.first_rows_s:
            screen = term.screen()
            if screen.digests:
                run.first_rows_s = time.perf_counter() - start
            elif time.perf_counter() - start > 120:
                raise SystemExit(f"no rows after 120 s:\n{screen.text}")
            time.sleep(POLL_S)
        if hold_keys:
            key = HeldKey(term, ranks, run, images, start)
            key.begin()
            key.hold(lambda: bool(run.full_s) or time.perf_counter() - start > 600)
            after = len(key.sent)
            key.hold(lambda: len(key.sent) >= after + PRESSES_AFTER)
            key.release()
        while not run.full_s:
            if full_count(term.screen(), images):
                run.full_s = time.perf_counter() - start
            elif time.perf_counter() - start > 600:
                raise SystemExit("no full count after 600 s")
            time.sleep(POLL_S)
        time.sleep(0.5)  # grouping and the last repaint
        run.rss_after_kib, run.peak_kib = rss_kib(term.pid)
        term.keys("q")
        if profile is not None:
            deadline = time.perf_counter() + 60
            while not profile.exists() and time.perf_counter() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)
    finally:
        term.close()
    return run


def push_ranks(client: Any) -> dict[str, int]:
    """Short digest -> place in push order (0 = first pushed), from one plain paging of the repository."""
    pushed: list[tuple[Any, str]] = []

    def note(details: list[dict[str, Any]]) -> None:
        pushed.extend((item["imagePushedAt"], item["imageDigest"][:19]) for item in details)

    raw_paging(client, REPOSITORY, on_page=note)
    return {digest: rank for rank, (_, digest) in enumerate(sorted(pushed))}


def raw_memory(sandbox: SandboxProcess) -> dict[str, float]:
    """The plain boto3 process: resident memory before and after keeping every ``imageDetails`` dict."""
    script = Path(__file__).with_name("raw_listing.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | sandbox.env
    output = subprocess.run(
        [sys.executable, str(script), PROFILE, REPOSITORY],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def mib(kib: float) -> str:
    return f"{kib / 1024:,.0f} MiB"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(
    raws: list[float], runs: list[AppRun], idle: list[AppRun], memory: dict[str, float], images: int
) -> list[tuple[str, str, str, str]]:
    med = statistics.median
    raw = med(raws)
    full = med(r.full_s for r in runs)
    rows = [
        (f"a. raw boto3 paging ({images:,} images)", ms(raw), "", ""),
        ("b. → then j held: first rows on screen", ms(med(r.first_rows_s for r in runs)), "", ""),
        (f"b. → then j held: Images ({images:,}) on screen", ms(full), "", ""),
        ("b. full count / raw paging", f"{full / raw:.2f}x", "<= 1.3x", verdict(full / raw <= 1.3)),
    ]
    for label, values in (
        ("while loading", [x for r in runs for x in r.presses_loading]),
        ("after load", [x for r in runs for x in r.presses_after]),
    ):
        if not values:
            rows.append((f"b. key {label}", "n/a", "< 50 ms", "no presses"))
            continue
        rows.append(
            (
                f"b. key {label}: median ({len(values)})",
                ms(med(values)),
                "< 50 ms",
                verdict(med(values) < 0.05),
            )
        )
        rows.append((f"b. key {label}: p95", ms(p95(values)), "< 50 ms", verdict(p95(values) < 0.05)))
        rows.append((f"b. key {label}: slowest", ms(max(values)), "", ""))
    lost = sum(r.lost_presses for r in runs)
    rows.append(("b. presses never shown (2 s after the last)", str(lost), "0", verdict(lost == 0)))
    if idle:
        idle_full = med(r.full_s for r in idle)
        rows.append(("c. → and no keys: first rows", ms(med(r.first_rows_s for r in idle)), "", ""))
        rows.append(("c. → and no keys: full count", ms(idle_full), "", ""))
        rows.append(
            (
                "c. full count / raw paging",
                f"{idle_full / raw:.2f}x",
                "<= 1.3x",
                verdict(idle_full / raw <= 1.3),
            )
        )
    app_added = med(r.rss_after_kib - r.rss_before_kib for r in runs)
    raw_added = memory["rss_after_kib"] - memory["rss_before_kib"]
    rows += [
        ("d. app resident before opening", mib(med(r.rss_before_kib for r in runs)), "", ""),
        ("d. app resident after the listing", mib(med(r.rss_after_kib for r in runs)), "", ""),
        ("d. app peak resident", mib(med(r.peak_kib for r in runs)), "", ""),
        ("d. app: memory the listing added", mib(app_added), "", f"{app_added * 1024 / images:,.0f} B/image"),
        ("d. plain boto3 keeping imageDetails: added", mib(raw_added), "", f"{raw_added * 1024 / images:,.0f} B/image"),
        ("d. app / plain boto3", f"{app_added / raw_added:.2f}x", "<= 1.0x", verdict(app_added <= raw_added)),
    ]  # fmt: skip
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    width = max(len(row[0]) for row in rows)
    for name, value, target, ok in rows:
        print(f"{name:<{width}}  {value:>10}  {target:<9} {ok}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=100_000, help="images in scale/images (100000)")
    parser.add_argument("--runs", type=int, default=2, help="repetitions; medians are reported (2)")
    parser.add_argument("--idle", action="store_true", help="also open the repository without pressing keys")
    parser.add_argument(
        "--profile", metavar="FILE", help="run the app under cProfile (one run); stats to FILE"
    )
    parser.add_argument(
        "--profile-idle",
        action="store_true",
        help="with --profile and --idle: profile the first run without keys instead of the one with keys",
    )
    args = parser.parse_args()
    raws: list[float] = []
    runs: list[AppRun] = []
    idle: list[AppRun] = []
    with tempfile.TemporaryDirectory(prefix="ecrtui-bench-app-") as name:
        directory = Path(name)
        scale = ("--seed", "empty", "--scale-images", str(args.images))
        with start_sandbox_process(directory / "profiles", *scale) as sandbox:
            client = sandbox.session(PROFILE).client("ecr", endpoint_url=sandbox.endpoint_url)
            memory = raw_memory(sandbox)
            ranks = push_ranks(client)
            for number in range(args.runs):
                paging = raw_paging(client, REPOSITORY)
                if paging.images != args.images:
                    raise SystemExit(f"expected {args.images:,} images, raw paging saw {paging.images:,}")
                raws.append(paging.total_s)
                profile = Path(args.profile).resolve() if args.profile and number == 0 else None
                held_profile, idle_profile = (None, profile) if args.profile_idle else (profile, None)
                runs.append(
                    app_run(directory, sandbox, args.images, ranks, hold_keys=True, profile=held_profile)
                )
                if args.idle:
                    idle.append(
                        app_run(directory, sandbox, args.images, ranks, hold_keys=False, profile=idle_profile)
                    )
                print(
                    f"run {number + 1}/{args.runs}: raw {ms(raws[-1])}, app {ms(runs[-1].full_s)}", flush=True
                )
    print(f"\nreal-app benchmark: {args.images:,} images, {args.runs} runs, tmux {SIZE[0]}x{SIZE[1]}")
    print_table(report(raws, runs, idle, memory, args.images))
    slowest = sorted(
        (
            (latency, at, number)
            for number, r in enumerate(runs, 1)
            for latency, at in zip(r.presses_loading, r.loading_at, strict=True)
        ),
        reverse=True,
    )[:10]
    print("\nslowest presses while loading (run: sent after →, latency):")
    print("  " + ", ".join(f"{number}: {at:.2f} s {ms(latency)}" for latency, at, number in slowest))
    if args.profile:
        which = "without keys" if args.profile_idle else "with keys held"
        print(f"\nmain thread of the first run {which} (cProfile, {args.profile}):")
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
