"""Peak memory of a copy run by the app (the copy dialog's job), with glibc's default mmap threshold and with the one
``ecrtui copy`` fixes (``ecrtui/copy/memory.py``): does the app need the same setting?

For each layer size (20 and 200 MiB, one layer, ``ecrtui sandbox --seed demo --scale-layer-mib N``, no network
limits) and each setting, a fresh process runs the App headless on that sandbox, opens the copy dialog on
``scale/large-layer:latest`` in demo-dev, plans the copy to demo-prod (creating the repository), starts it and waits
for the job to end. It reports the process's peak resident set (``VmHWM``) before the copy (the App with its panes
and a listing loaded) and after it, and their difference: what the copy added to the app's peak.

    .venv/bin/python bench/bench_app_copy.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ecrtui.sandbox.process import start_sandbox_process

CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path

fixed = sys.argv[1] == "fixed"
if fixed:
    from ecrtui.copy.memory import keep_large_buffers_off_the_heap
    assert keep_large_buffers_off_the_heap(), "no glibc mallopt here"

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.jobs.model import JobState
from ecrtui.sandbox.scale_layer import LARGE_LAYER_REPOSITORY, LARGE_LAYER_TAG
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.screens.copy_dialog import CopyDialog


def high_water() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit("no VmHWM")


async def until(pilot, condition, what, seconds=600):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def main() -> None:
    files = AwsFiles(Path(sys.argv[2]), Path(sys.argv[3]))
    app = EcrTuiApp(Settings(), aws_files=files, open_registry=RegistryEntry(profile="demo-dev"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.panes_ready and app.repositories.repositories, "repositories")
        target = next(r for r in app.repositories.repositories if r.name == LARGE_LAYER_REPOSITORY)
        app.open_repository(target)
        await until(pilot, lambda: app.image is not None and LARGE_LAYER_TAG in app.image.tags, "the image")
        app.copying.open()
        await until(pilot, lambda: isinstance(app.screen, CopyDialog) and app.screen.preview is not None, "the plan")
        dialog = app.screen
        dialog.query_one("#copy-create").value = True
        await until(pilot, lambda: not dialog.query_one("#copy-start").disabled, "Copy enabled")
        before = high_water()
        started = time.perf_counter()
        dialog.action_start()
        await until(pilot, lambda: app.jobs.board.jobs() and app.jobs.board.jobs()[0].state.is_final, "the copy")
        seconds = time.perf_counter() - started
        job = app.jobs.board.jobs()[0]
        if job.state is not JobState.DONE:
            raise SystemExit(f"the copy ended {job.state}: {job.snapshot().errors}")
        print(json.dumps({"before_kib": before, "after_kib": high_water(), "seconds": seconds}))


asyncio.run(main())
"""


def run(mib: int, setting: str, runs: int) -> list[dict[str, float]]:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            box = start_sandbox_process(Path(tmp), "--seed", "demo", "--scale-layer-mib", str(mib))
            with box:
                env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
                env["TEXTUAL_ANIMATIONS"] = "none"
                child = subprocess.run(
                    [sys.executable, "-c", CHILD, setting, str(box.config_file), str(box.credentials_file)],
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=900,
                )
                if child.returncode:
                    raise SystemExit(f"{mib} MiB / {setting}: {child.stderr[-3000:]}")
                results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per size and setting (median reported)")
    args = parser.parse_args()
    print("peak RSS of the app copying one layer (median of runs; MiB)")
    print(f"{'layer':>7} {'setting':>9} {'before':>8} {'after':>8} {'added':>8} {'seconds':>8}")
    added: dict[tuple[int, str], float] = {}
    for setting in ("default", "fixed"):
        for mib in (20, 200):
            results = run(mib, setting, args.runs)
            before = statistics.median(r["before_kib"] for r in results) / 1024
            after = statistics.median(r["after_kib"] for r in results) / 1024
            delta = statistics.median(r["after_kib"] - r["before_kib"] for r in results) / 1024
            seconds = statistics.median(r["seconds"] for r in results)
            added[(mib, setting)] = delta
            print(f"{mib:>4} MiB {setting:>9} {before:8.1f} {after:8.1f} {delta:8.1f} {seconds:8.1f}")
    for setting in ("default", "fixed"):
        small, large = added[(20, setting)], added[(200, setting)]
        print(f"{setting}: the 200 MiB copy added {large:.1f} MiB, the 20 MiB one {small:.1f} MiB")


if __name__ == "__main__":
    main()
