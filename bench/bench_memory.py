"""Where the memory of a 100,000-image listing goes: ``tracemalloc`` over the real Images pane and data layer.

Starts ``ecrtui sandbox --seed empty --scale-images N``, then in this one process, each measured with
``tracemalloc`` (what Python allocated and still holds, after a full collection):

a. plain boto3 paging ``DescribeImages`` to the end and keeping every ``imageDetails`` dict (the baseline);
b. the real ``ImagesPane`` in a headless app at 120x36 listing the same repository through
   ``CachedEcr(EcrService(...))`` (the cache keeps the listing, the pane shows it): what the listing holds,
   broken down by where it was allocated, plus the table's own arrays after a sort and a filter;
c. the same listing in a second pane visit: the cache replays it, so nothing is added (one copy, shared).

The resident memory of the real app in a terminal is measured by ``bench_app.py`` (section d); this script
says what that memory is made of.

    .venv/bin/python bench/bench_memory.py                  # 100,000 images
    .venv/bin/python bench/bench_memory.py --images 20000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from raw_listing import raw_paging
from textual.app import App, ComposeResult

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.models import Repository
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox.process import start_sandbox_process
from ecrtui.ui.widgets.images_pane import ImagesPane

REPOSITORY = "scale/images"
REGISTRY = "111111111111"
PROFILE = "demo-dev"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (120, 36)
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("ecrtui/ecr/listing.py", "listing columns (typed arrays, tag tuples, digest index)"),
    ("botocore/", "strings from the API answer kept by the listing (digests, tags)"),
    ("json/", "strings from the API answer kept by the listing (digests, tags)"),
    ("ecrtui/ui/widgets/virtual_table.py", "table: display order, filter flags"),
    ("ecrtui/ui/table_layout.py", "table: display order, filter flags"),
    ("ecrtui/ui/image_rows.py", "row source: sort keys, lowercase tags for the filter"),
    ("ecrtui/ecr/cache.py", "cache bookkeeping"),
    ("textual/", "Textual (frames, line cache, messages)"),
    ("rich/", "Textual (frames, line cache, messages)"),
)


def traced(action: Callable[[], Any]) -> tuple[Any, int, tracemalloc.Snapshot, tracemalloc.Snapshot]:
    """Run ``action``; the bytes it left allocated (after a full collection) and the snapshots around it."""
    gc.collect()
    before_snapshot = tracemalloc.take_snapshot()
    before = tracemalloc.get_traced_memory()[0]
    result = action()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    return result, after - before, before_snapshot, tracemalloc.take_snapshot()


def category(filename: str) -> str:
    for needle, name in CATEGORIES:
        if needle in filename:
            return name
    return "other"


def breakdown(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> dict[str, int]:
    """Bytes added per category (by the file that allocated them)."""
    sizes: dict[str, int] = {}
    for stat in after.compare_to(before, "filename"):
        name = category(stat.traceback[0].filename)
        sizes[name] = sizes.get(name, 0) + stat.size_diff
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


class PaneApp(App[None]):
    CSS_PATH = [Path(__file__).parents[1] / "ecrtui" / "ui" / "widgets" / "table_pane.tcss"]

    def __init__(self) -> None:
        super().__init__()
        self.pane = ImagesPane(clock=lambda: NOW)

    def compose(self) -> ComposeResult:
        yield self.pane


async def pane_listing(service: CachedEcr, images: int) -> list[tuple[str, int, dict[str, int]]]:
    """Load the repository into the pane (then sort and filter it), then again from the cache."""
    app = PaneApp()
    repository = Repository(registry_id=REGISTRY, name=REPOSITORY)
    results: list[tuple[str, int, dict[str, int]]] = []
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        pane.focus()
        await pilot.pause()

        async def until(condition: Callable[[], bool]) -> None:
            while not condition():
                await pilot.pause(0.05)

        gc.collect()
        start, start_snapshot = tracemalloc.get_traced_memory()[0], tracemalloc.take_snapshot()
        pane.load(service, repository, refresh=True)
        await until(lambda: not pane.is_loading and pane.image_count == images)
        gc.collect()
        loaded, loaded_snapshot = tracemalloc.get_traced_memory()[0], tracemalloc.take_snapshot()
        results.append(
            ("b. listed (cache + pane)", loaded - start, breakdown(start_snapshot, loaded_snapshot))
        )

        await pilot.press("s", "s", "s")  # size order, then tag order: the sort keys are built
        pane.table.set_filter("build-0")  # a filter: flags, lowercase tags
        await pilot.pause()
        gc.collect()
        used = tracemalloc.get_traced_memory()[0]
        results.append(("b'. after sorting by tag and filtering", used - start, breakdown(start_snapshot, tracemalloc.take_snapshot())))  # fmt: skip
        pane.table.set_filter("")

        pane.clear()
        gc.collect()
        before_replay = tracemalloc.get_traced_memory()[0]
        pane.load(service, repository)  # within the TTL: replayed from the cache
        await until(lambda: not pane.is_loading and pane.image_count == images)
        gc.collect()
        results.append(
            ("c. opened again (from the cache)", tracemalloc.get_traced_memory()[0] - before_replay, {})
        )
    return results


def mib(size: float) -> str:
    return f"{size / 2**20:,.1f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=100_000, help="images in scale/images (100000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecrtui-bench-memory-") as name:
        scale = ("--seed", "empty", "--scale-images", str(args.images))
        with start_sandbox_process(Path(name), *scale) as sandbox:
            client = sandbox.session(PROFILE).client("ecr", endpoint_url=sandbox.endpoint_url)
            service = CachedEcr(
                EcrService(
                    profile=PROFILE, endpoint_url=sandbox.endpoint_url, session=sandbox.session(PROFILE)
                )
            )
            client.describe_repositories(maxResults=1)
            tracemalloc.start()
            kept: list[dict[str, Any]] = []
            _, raw, _, _ = traced(lambda: raw_paging(client, REPOSITORY, kept))
            kept.clear()
            gc.collect()
            results = asyncio.run(pane_listing(service, args.images))
            tracemalloc.stop()
    per_image = args.images
    print(f"memory benchmark: {args.images:,} images (tracemalloc: Python allocations still held)")
    print(
        f"{'a. plain boto3 keeping every imageDetails dict':<46} {mib(raw):>10}  {raw / per_image:6,.0f} B/image"
    )
    for label, size, parts in results:
        ratio = f"  {size / raw:.2f}x the plain boto3 dicts" if size > 0 else ""
        print(f"{label:<46} {mib(size):>10}  {size / per_image:6,.0f} B/image{ratio}")
        for part, part_size in parts.items():
            if abs(part_size) >= 64 * 1024:
                print(f"    {part:<64} {mib(part_size):>10}  {part_size / per_image:6,.0f} B/image")
    return 0


if __name__ == "__main__":
    sys.exit(main())
