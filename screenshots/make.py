"""Render SVG screenshots of the main ecrtui views from the demo sandbox.

Starts ``ecrtui sandbox --seed demo`` as a subprocess (its own profile files, never the user's AWS config), then
drives the real ``EcrTuiApp`` headless with Pilot for each view and saves ``screenshots/<name>.svg``. The output is
deterministic: the demo seed has fixed content and timestamps, the app's clock is fixed, animations are off and
toasts are cleared before each capture, so re-running only changes a file when the app's look changed. The copy
dialog shots only plan (nothing is written); the jobs panel shot is staged with scripted jobs on a fixed job clock
(a real copy's rate and timing would differ on every run).

    .venv/bin/python screenshots/make.py                 # every view
    .venv/bin/python screenshots/make.py main help       # only these
    .venv/bin/python screenshots/make.py --list          # the view names
    .venv/bin/python screenshots/make.py --check         # exit 1 if a committed SVG is out of date
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressCallback
from ecrtui.jobs.model import JobKind, JobOutcome, JobState
from ecrtui.sandbox.process import start_sandbox_process
from ecrtui.ui.app import EcrTuiApp

OUT_DIR = Path(__file__).resolve().parent
FIXED_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WIDE = (120, 36)
SMALL = (80, 24)
DEADLINE_S = 60.0

# Seed names (ecrtui/sandbox/seed.py); repeated here so this script does not import moto.
API_REPOSITORY = "web/api"
API_LATEST = "v1.4.2"
MULTIARCH_REPOSITORY = "web/gateway"
MULTIARCH_TAG = "v2.1.0"
IMMUTABLE_REPOSITORY = "platform/base"

AppPilot = Pilot[int]


@contextmanager
def demo_sandbox(profiles: Path) -> Iterator[AwsFiles]:
    """Run the demo sandbox in a subprocess; yield the AWS files it wrote; stop it afterwards."""
    with start_sandbox_process(profiles, "--seed", "demo") as sandbox:
        yield AwsFiles(sandbox.config_file, sandbox.credentials_file)


async def until(pilot: AppPilot, condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` holds; fail with ``what`` after the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        await pilot.pause()


def app_of(pilot: AppPilot) -> EcrTuiApp:
    app = pilot.app
    assert isinstance(app, EcrTuiApp)
    return app


async def started(pilot: AppPilot) -> EcrTuiApp:
    """The demo-dev registry is identified and its repositories are listed."""
    app = app_of(pilot)
    await until(
        pilot,
        lambda: app.panes_ready and app.header.account != "" and app.sessions.accounts_settled,
        "the account in the header",
    )
    await until(
        pilot, lambda: app.repositories.repositories and not app.repositories.is_loading, "the repositories"
    )
    return app


async def open_image(pilot: AppPilot, repository: str, tag: str) -> EcrTuiApp:
    """Put the cursor on ``repository``, press enter, put the cursor on ``tag``; wait for the inspector."""
    app = await started(pilot)
    if not app.repositories.table.move_cursor_to_key(repository):
        raise SystemExit(f"screenshots: no repository {repository} in the demo seed")
    app.repositories.table.focus()
    await pilot.press("enter")
    await until(pilot, lambda: app.images.repository is not None, f"{repository} to open")
    await until(
        pilot, lambda: app.images.summaries and not app.images.is_loading, f"the images of {repository}"
    )
    summary = next((s for s in app.images.summaries if tag in s.tags), None)
    if summary is None:
        raise SystemExit(f"screenshots: no tag {tag} in {repository}")
    key = next(k for k in app.images.table.visible_keys if k.endswith(summary.digest))
    app.images.table.move_cursor_to_key(key)

    def inspected() -> bool:
        details = app.inspector.details
        return app.image == summary and details is not None and details.summary.digest == summary.digest

    await until(pilot, inspected, f"the inspector to show {repository}:{tag}")
    return app


def showing(repository: str, tag: str, tab_steps: int = 0) -> Callable[[AppPilot], Awaitable[None]]:
    """A scenario: open ``repository:tag`` and press ``]`` ``tab_steps`` times."""

    async def scenario(pilot: AppPilot) -> None:
        app = await open_image(pilot, repository, tag)
        for _ in range(tab_steps):
            await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.inspector.details is not None

    return scenario


async def help_screen(pilot: AppPilot) -> None:
    """``?`` over the main screen (with web/api open, so the help sits over a full screen)."""
    app = await open_image(pilot, API_REPOSITORY, API_LATEST)
    await pilot.press("question_mark")
    await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "the help screen")


async def delete_review(pilot: AppPilot) -> None:
    """``d`` on the multi-arch index: the review of the deletion (shown, never confirmed)."""
    app = await open_image(pilot, MULTIARCH_REPOSITORY, MULTIARCH_TAG)
    await pilot.press("d")
    await until(pilot, lambda: type(app.screen).__name__ == "PlanReviewScreen", "the review")
    await app.workers.wait_for_complete()


def copy_dialog(
    repository: str, tag: str, new_tag: str | None = None
) -> Callable[[AppPilot], Awaitable[None]]:
    """A scenario: ``c`` on ``repository:tag`` (optionally under ``new_tag``), until the plan is shown."""

    async def scenario(pilot: AppPilot) -> None:
        app = await open_image(pilot, repository, tag)
        await pilot.press("c")
        await until(pilot, lambda: getattr(app.screen, "preview", None) is not None, "the copy plan")
        if new_tag is not None:
            await pilot.click("#copy-tags")
            await pilot.press("end", *["backspace"] * len(tag), *new_tag, "enter")
            await until(pilot, lambda: getattr(app.screen, "preview", None) is not None, "the new plan")
            app.screen.query_one("#copy-registry").focus()

    return scenario


async def jobs_panel(pilot: AppPilot) -> None:
    """``J`` with three staged copies: one finished, one failed, one running (2 of 6 MB at 1 MB/s)."""
    app = await open_image(pilot, API_REPOSITORY, API_LATEST)
    now = [1000.0]
    app.jobs.board.clock = lambda: now[0]
    reported = threading.Event()

    def finished(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("done", 22_900, 22_900))
        return JobOutcome("22.9 kB uploaded in 2 blobs · 4 already there · 1 manifest put · 1 tag written")

    def failed(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(JobProgress("blobs", 0, 1_220_000))
        raise RuntimeError("access denied: ecr:InitiateLayerUpload on 333333333333/platform/base")

    def running(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        report(ItemProgress("a", "layer 2/4 (2.6 MB)", ItemState.UPLOADING, 1_300_000, 2_600_000))
        report(ItemProgress("b", "layer 3/4 (3.1 MB)", ItemState.DOWNLOADING, 500_000, 3_100_000))
        report(JobProgress("blobs", 0, 6_000_000))
        now[0] += 2
        report(JobProgress("blobs", 2_000_000, 6_000_000))
        reported.set()
        cancel.wait(60)
        raise RuntimeError("cancelled")

    for title, work in (
        ("web/api:v1.4.1 → demo-prod web/api", finished),
        ("platform/base:python-3.12.10 → shared-base", failed),
    ):
        job = app.jobs.start(JobKind.COPY, title, work)
        await until(pilot, lambda job=job: job.state.is_final, title)
    app.jobs.start(JobKind.COPY, "web/gateway:v2.1.0 → demo-prod web/gateway", running)
    await until(pilot, reported.is_set, "the running job")
    await pilot.press("J")
    panel = app.query_one("#jobs")
    await until(
        pilot,
        lambda: len(getattr(panel, "shown", ())) == 3 and panel.shown[-1].state is JobState.RUNNING,  # type: ignore[attr-defined]
        "the panel",
    )


async def replication_view(pilot: AppPilot) -> None:
    """``E`` over the main screen: demo-dev's replication rules, incoming replication and backfills."""
    app = await open_image(pilot, API_REPOSITORY, API_LATEST)
    await pilot.press("E")
    await until(
        pilot,
        lambda: type(app.screen).__name__ == "ReplicationScreen" and getattr(app.screen, "overview", None),
        "the replication view",
    )


@dataclass(frozen=True)
class Shot:
    """One screenshot: a file name, a terminal size and how to get there."""

    name: str
    size: tuple[int, int]
    scenario: Callable[[AppPilot], Awaitable[None]]
    about: str


SHOTS = (
    Shot("main", WIDE, showing(API_REPOSITORY, API_LATEST), "main screen, web/api v1.4.2 selected (Summary)"),
    Shot("inspector-manifest", WIDE, showing(API_REPOSITORY, API_LATEST, 1), "the Manifest tab"),
    Shot("inspector-config", WIDE, showing(API_REPOSITORY, API_LATEST, 2), "the Config tab"),
    Shot("inspector-layers", WIDE, showing(API_REPOSITORY, API_LATEST, 3), "the Layers tab"),
    Shot("index-platforms", WIDE, showing(MULTIARCH_REPOSITORY, MULTIARCH_TAG, 4), "a multi-arch index"),
    Shot("help", WIDE, help_screen, "the ? help screen"),
    Shot("review-delete", WIDE, delete_review, "d on an index: what a deletion would lose"),
    Shot("replication", WIDE, replication_view, "the replication view (E)"),
    Shot("small-80x24", SMALL, showing(API_REPOSITORY, API_LATEST), "the 80x24 layout"),
    Shot("copy-dialog", WIDE, copy_dialog(API_REPOSITORY, "v1.4.1"), "c: the copy dialog and its plan"),
    Shot(
        "copy-conflict",
        WIDE,
        copy_dialog(IMMUTABLE_REPOSITORY, "debian-bookworm-20260513", "alpine-3.20.3"),
        "a tag conflict refused in the plan",
    ),
    Shot("jobs-panel", WIDE, jobs_panel, "J: the jobs panel (staged jobs)"),
)


async def capture(shot: Shot, files: AwsFiles, out_dir: Path) -> Path:
    """Run a fresh app for ``shot`` and save its SVG."""
    app = EcrTuiApp(
        Settings(), aws_files=files, open_registry=RegistryEntry(profile="demo-dev"), clock=lambda: FIXED_NOW
    )
    app.animation_level = "none"
    async with app.run_test(size=shot.size) as pilot:
        await shot.scenario(pilot)
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        name = f"{shot.name}.svg"
        app.save_screenshot(filename=name, path=str(out_dir))
    return out_dir / name


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="views to render (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output directory (default: {OUT_DIR})")
    parser.add_argument("--list", action="store_true", help="list the views and exit")
    parser.add_argument(
        "--check",
        action="store_true",
        help="render to a temporary directory and compare with --out; write nothing",
    )
    args = parser.parse_args()
    if args.list:
        for shot in SHOTS:
            print(f"{shot.name:<20} {shot.size[0]}x{shot.size[1]}  {shot.about}")
        return 0
    known = {shot.name: shot for shot in SHOTS}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        print(f"screenshots: unknown view {', '.join(unknown)} (try --list)", file=sys.stderr)
        return 2
    chosen = [known[name] for name in args.names] if args.names else list(SHOTS)
    with tempfile.TemporaryDirectory(prefix="ecrtui-screenshots-") as work:
        target = Path(work) / "svg" if args.check else args.out
        target.mkdir(parents=True, exist_ok=True)
        with demo_sandbox(Path(work)) as files:
            for shot in chosen:
                path = asyncio.run(capture(shot, files, target))
                if not args.check:
                    print(f"wrote {path}")
        if args.check:
            return check(chosen, target, args.out)
    return 0


def check(shots: list[Shot], rendered: Path, committed: Path) -> int:
    """Compare fresh renders with the files in ``committed``; 1 if any differs or is missing."""
    stale = []
    for shot in shots:
        name = f"{shot.name}.svg"
        old = committed / name
        if not old.is_file() or old.read_bytes() != (rendered / name).read_bytes():
            stale.append(shot.name)
    if stale:
        print(f"screenshots: out of date: {', '.join(stale)} (run screenshots/make.py)", file=sys.stderr)
        return 1
    print(f"screenshots: {len(shots)} up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
