"""Benchmark the virtual table and the Images pane at 100,000 rows, headless (``App.run_test``).

Usage::

    .venv/bin/python bench/bench_table.py                 # synthetic rows, no network
    .venv/bin/python bench/bench_table.py --rows 1000000  # a bigger table
    .venv/bin/python bench/bench_table.py --sandbox       # also: a scaled sandbox, ImagesPane vs raw boto3 paging

Measures (each printed in a table; the targets come from issue 4):

- appending 100 pages of 1,000 rows to a ``VirtualTable`` (main-thread time per page, and in total);
- filter latency on every row: substring and fuzzy (``set_filter`` plus the repaint), target < 100 ms;
- key-press latency (``j``; median and p95 over 200+ presses) after loading and while pages are appended,
  target < 50 ms; a press is timed from the key event reaching the app until the first frame painted after
  the cursor moved (not ``pilot.press``, which waits for the whole process to go idle);
- the Images pane over an in-memory service: time from ``load`` to the first rows and to the full count;
- with ``--sandbox``: the same pane over the real data layer against ``ecrtui sandbox --scale-images N``,
  compared with raw boto3 ``DescribeImages`` paging of the same repository (targets: first rows < 0.5 s after
  the first page arrives; full count <= 1.3x raw paging).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widget import Widget

from ecrtui.ecr.batches import ManifestBatch
from ecrtui.ecr.listing import ImageListing
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.sandbox.process import start_sandbox_process
from ecrtui.ui.image_rows import IMAGE_COLUMNS, ImageRowSource, image_sort_options
from ecrtui.ui.widgets.images_pane import ImageSource, ImagesPane
from ecrtui.ui.widgets.virtual_table import VirtualTable

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAGE = 1000
PRESSES = 200
SIZE = (120, 36)
Result = tuple[str, str, str]


def synthetic_summaries(count: int, repository: str = "bench/images") -> list[ImageSummary]:
    """Images with distinct digests, tags on two in three, push times spread over a year."""
    result = []
    for number in range(count):
        digest = "sha256:" + hashlib.sha256(f"{repository}/{number}".encode()).hexdigest()
        tags = (f"build-{number}", f"v{number % 97}.{number % 13}") if number % 3 else ()
        result.append(
            ImageSummary.model_construct(
                registry_id="111111111111",
                repository_name=repository,
                digest=digest,
                tags=tags,
                size_bytes=(number * 7919) % 900_000_000,
                pushed_at=NOW - timedelta(minutes=(number * 104729) % 525_600),
                last_pulled_at=None,
                manifest_media_type="application/vnd.oci.image.manifest.v1+json",
                artifact_media_type="application/vnd.oci.image.config.v1+json",
                subject_digest=None,
                scan_severity_counts={},
            )
        )
    return result


class Harness(App[None]):
    """One widget, full screen."""

    CSS_PATH = [Path(__file__).parents[1] / "ecrtui" / "ui" / "widgets" / "table_pane.tcss"]

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget

        self.frames: list[float] = []
        """When each screen update was handed to the (headless) driver."""

    def on_mount(self) -> None:
        self.widget.focus()

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            self.frames.append(time.perf_counter())


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def press_latency(app: Harness, table: VirtualTable, key: str) -> float:
    """Seconds from a key event reaching the app until the first frame painted after the cursor moved.

    Pilot's ``press`` waits for the whole process to go idle (up to 1 s while a worker is busy), which would
    measure the worker, not the key; this sends the event the way Pilot does, polls the cursor, then waits
    for the next screen update.
    """
    driver = app._driver
    assert driver is not None
    before = table.cursor
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    start = time.perf_counter()
    driver.send_message(event)
    deadline = start + 10
    while table.cursor == before and time.perf_counter() < deadline:
        await asyncio.sleep(0)
    moved = time.perf_counter()
    while not (app.frames and app.frames[-1] >= moved) and time.perf_counter() < deadline:
        await asyncio.sleep(0)
    return app.frames[-1] - start if app.frames and app.frames[-1] >= moved else moved - start


async def timed_presses(
    app: Harness, table: VirtualTable, count: int, keep_going: Callable[[], bool] = lambda: True
) -> list[float]:
    """Latency of up to ``count`` presses: runs of ``j`` with a ``g`` (top) every 50 presses."""
    latencies = []
    for number in range(count):
        if not keep_going():
            break
        if table.visible_count < 2:
            await asyncio.sleep(0.001)
            continue
        key = "g" if number % 50 == 49 or table.cursor >= table.visible_count - 1 else "j"
        if key == "g" and table.cursor == 0:
            key = "j"
        latencies.append(await press_latency(app, table, key))
        await asyncio.sleep(0.002)  # a fast typist, not a flood
    return latencies


def repaint_time(table: VirtualTable) -> float:
    """Seconds to render every visible line of the table from scratch (what a full repaint costs it)."""
    table._line_cache.clear()
    start = time.perf_counter()
    for y in range(table.size.height):
        table.render_line(y)
    return time.perf_counter() - start


async def settle(condition: Callable[[], bool], timeout: float = 600, poll: float = 0.001) -> None:
    """Poll the event loop until ``condition`` (a benchmark may poll; the tests wait on messages)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("benchmark timed out")
        await asyncio.sleep(poll)


def latency_rows(label: str, latencies: list[float]) -> list[Result]:
    if not latencies:
        return [(label, "n/a", "no presses")]
    return [
        (f"{label}: median", ms(statistics.median(latencies)), f"{len(latencies)} presses; target < 50 ms"),
        (f"{label}: p95", ms(percentile(latencies, 0.95)), f"max {ms(max(latencies))}"),
    ]


def synthetic_listing(total: int) -> ImageListing:
    listing = ImageListing("111111111111", "bench/images")
    listing.append_summaries(synthetic_summaries(total))
    return listing


async def bench_table(total: int) -> list[Result]:
    """The bare VirtualTable over an image listing: appends, filters, sort, key presses."""
    listing = synthetic_listing(total)
    pages = range(PAGE, total + PAGE, PAGE)
    table = VirtualTable(IMAGE_COLUMNS, markable=True)
    app = Harness(table)
    results: list[Result] = []

    def grow(source: ImageRowSource, count: int) -> None:
        source.grow(count)
        table.source_grew()

    async with app.run_test(size=SIZE):
        append_times = []
        start = time.perf_counter()
        source = ImageRowSource(listing, NOW)
        table.set_source(source)
        for page in pages:
            began = time.perf_counter()
            grow(source, page)
            append_times.append(time.perf_counter() - began)
            await asyncio.sleep(0)
        total_time = time.perf_counter() - start
        results.append(
            (f"append {total:,} rows ({len(pages)} pages)", ms(total_time), "main thread, in total")
        )
        results.append(
            ("append one page", ms(statistics.median(append_times)), f"median; max {ms(max(append_times))}")
        )
        results.append(
            ("repaint every visible line", ms(repaint_time(table)), f"{table.size.height} lines, no cache")
        )
        results += latency_rows("key press after load", await timed_presses(app, table, PRESSES))
        for label, query in (
            ("filter substring", "build-4242"),
            ("filter fuzzy", "~b4242"),
            ("filter clear", ""),
        ):
            began = time.perf_counter()
            table.set_filter(query)
            repaint_time(table)
            elapsed = time.perf_counter() - began
            results.append(
                (label, ms(elapsed), f"{table.visible_count:,} rows shown, incl. repaint; target < 100 ms")
            )
        began = time.perf_counter()
        table.set_sort_options(image_sort_options(), position=3)
        results.append(
            ("sort every row (tag A-Z)", ms(time.perf_counter() - began), "keys built, stable sort")
        )

        # Key presses while pages keep arriving: one page every 10 ms, presses in between.
        for sorted_label, options in (("unsorted", []), ("sorted", image_sort_options())):
            table.set_sort_options(options)
            fresh = ImageRowSource(listing, NOW)
            table.set_source(fresh)
            done = asyncio.Event()

            async def feed(done: asyncio.Event = done, fresh: ImageRowSource = fresh) -> None:
                for page in pages:
                    grow(fresh, page)
                    await asyncio.sleep(0.01)
                done.set()

            feeder = asyncio.create_task(feed())
            during = await timed_presses(
                app, table, 10 * PRESSES, keep_going=lambda done=done: not done.is_set()
            )
            await feeder
            results += latency_rows(f"key press while appending ({sorted_label})", during)
    return results


class MemoryService:
    """An ImageSource over a list, with an optional delay per page (network stand-in)."""

    def __init__(self, summaries: list[ImageSummary], page_delay: float) -> None:
        self.summaries = summaries
        self.page_delay = page_delay

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        image_status: str | None = None,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[Sequence[ImageSummary]]:
        for chunk in _chunks(self.summaries, PAGE):
            if cancel is not None and cancel.wait(self.page_delay):
                return
            yield chunk

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        return ManifestBatch()


async def bench_pane(
    service: ImageSource, repository: Repository, label: str
) -> tuple[list[Result], float, float]:
    """The Images pane end to end: load to first rows, to full count, key presses during and after."""
    pane = ImagesPane(clock=lambda: NOW)
    app = Harness(pane)
    results: list[Result] = []
    async with app.run_test(size=SIZE):
        table = pane.table
        start = time.perf_counter()
        main_cpu = time.thread_time()
        pane.load(service, repository)
        await settle(lambda: table.row_count > 0 or not pane.is_loading, poll=0.005)
        first_rows = time.perf_counter() - start
        await settle(lambda: not pane.is_loading, poll=0.005)
        full = time.perf_counter() - start
        main_cpu = time.thread_time() - main_cpu
        results.append((f"{label}: load -> first rows", ms(first_rows), "sorted pushed ↓ (the default)"))
        results.append(
            (f"{label}: load -> full count", ms(full), f"{table.row_count:,} rows; {pane.border_title}")
        )
        results.append((f"{label}: UI thread CPU during load", ms(main_cpu), "rendering, appends, messages"))
        pane.load(service, repository)  # again, pressing keys all along
        during = await timed_presses(app, table, 10 * PRESSES, keep_going=lambda: pane.is_loading)
        await settle(lambda: not pane.is_loading)
        results += latency_rows(f"{label}: key press while loading", during)
        results += latency_rows(f"{label}: key press after", await timed_presses(app, table, PRESSES))
        began = time.perf_counter()
        table.cycle_sort()
        results.append(
            (f"{label}: cycle sort (s)", ms(time.perf_counter() - began), "pushed ↓ -> pushed ↑, every row")
        )
        began = time.perf_counter()
        table.set_filter("build-4242")
        results.append(
            (f"{label}: filter substring", ms(time.perf_counter() - began), f"{table.visible_count} shown")
        )
    return results, first_rows, full


def bench_row_building(total: int) -> list[Result]:
    summaries = synthetic_summaries(total)
    start = time.perf_counter()
    listing = ImageListing("111111111111", "bench/images")
    for chunk in _chunks(summaries, PAGE):
        listing.append_summaries(chunk)
    return [
        (
            f"columns for {total:,} images (from models)",
            ms(time.perf_counter() - start),
            "worker thread time; rows are formatted only when drawn",
        )
    ]


def bench_sandbox(images: int) -> list[Result]:
    """Scaled sandbox: raw boto3 paging vs the Images pane over CachedEcr(EcrService)."""

    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.service import EcrService
    from ecrtui.sandbox.scale import SCALE_IMAGES_REPOSITORY

    profiles = Path(tempfile.mkdtemp(prefix="ecrtui-bench-"))
    sandbox = start_sandbox_process(profiles, "--seed", "empty", "--scale-images", str(images))
    try:
        endpoint = sandbox.endpoint_url
        session = sandbox.session("demo-dev")
        client = session.client("ecr", endpoint_url=endpoint)

        start = time.perf_counter()
        first_page = 0.0
        seen = 0
        params: dict[str, Any] = {"repositoryName": SCALE_IMAGES_REPOSITORY, "maxResults": PAGE}
        while True:
            response = client.describe_images(**params)
            seen += len(response["imageDetails"])
            if not first_page:
                first_page = time.perf_counter() - start
            token = response.get("nextToken")
            if not token:
                break
            params["nextToken"] = token
        raw = time.perf_counter() - start

        service = CachedEcr(EcrService(profile="demo-dev", endpoint_url=endpoint, session=session))
        start = time.perf_counter()
        for _ in service.iter_image_pages(SCALE_IMAGES_REPOSITORY, refresh=True):
            pass
        data_layer = time.perf_counter() - start
        repository = Repository(registry_id="111111111111", name=SCALE_IMAGES_REPOSITORY)
        pane_results, first_rows, full = asyncio.run(
            bench_pane(_Refreshing(service), repository, "sandbox pane")
        )
    finally:
        sandbox.stop()
    return [
        (f"raw boto3 paging: first page ({seen:,} images)", ms(first_page), ""),
        ("raw boto3 paging: all pages", ms(raw), ""),
        (
            "data layer paging (CachedEcr, refresh)",
            ms(data_layer),
            f"{data_layer / raw:.2f}x raw: ImageSummary models",
        ),
        *pane_results,
        (
            "first rows after first page",
            ms(first_rows - first_page),
            "pane first rows - raw first page; target < 0.5 s",
        ),
        ("full count / raw paging", f"{full / raw:.2f}x", "target <= 1.3x"),
    ]


class _Refreshing:
    """Always ask the data layer with ``refresh=True`` so the cache never hides the network."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def iter_image_pages(
        self, repository_name: str, registry_id: str | None = None, **kwargs: Any
    ) -> Iterator[list[ImageSummary]]:
        kwargs["refresh"] = True
        result: Iterator[list[ImageSummary]] = self.inner.iter_image_pages(
            repository_name, registry_id, **kwargs
        )
        return result

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        result: ManifestBatch = self.inner.get_manifests(repository_name, digests, registry_id)
        return result


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def print_table(results: list[Result]) -> None:
    width = max(len(name) for name, _, _ in results)
    for name, value, note in results:
        print(f"{name:<{width}}  {value:>10}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the synthetic table (100000)")
    parser.add_argument(
        "--page-delay", type=float, default=0.02, help="seconds per page of the in-memory service"
    )
    parser.add_argument("--sandbox", action="store_true", help="also benchmark against a scaled sandbox")
    parser.add_argument(
        "--sandbox-images", type=int, default=100_000, help="images in the sandbox repository"
    )
    args = parser.parse_args()
    results = bench_row_building(args.rows)
    results += asyncio.run(bench_table(args.rows))
    service = MemoryService(synthetic_summaries(args.rows), args.page_delay)
    repository = Repository(registry_id="111111111111", name="bench/images")
    pane_results, _, _ = asyncio.run(
        bench_pane(service, repository, f"memory pane ({args.page_delay * 1000:.0f} ms/page)")
    )
    results += pane_results
    if args.sandbox:
        results += bench_sandbox(args.sandbox_images)
    print_table(results)


if __name__ == "__main__":
    main()
