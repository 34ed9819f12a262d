"""Load benchmark (diagnostic): a 100,000-image repository, raw boto3 paging against the real Images pane alone.

The pane runs in a headless app with nothing else on screen, so this isolates the pane's own cost; the app as
people use it (in a terminal, with the inspector, keys held while it loads) is ``bench_app.py``.

Starts ``ecrtui sandbox --seed empty --scale-images N`` as a subprocess (real HTTP to moto), then, each run:

a. raw boto3 ``DescribeImages`` paging of ``scale/images`` with ``maxResults=1000`` to the end (time, calls):
   stock boto3, and (a') the same with the timestamp parser ``EcrService`` installs (a stricter baseline);
b. the real ``ImagesPane`` in a headless app (``App.run_test(size=(120, 36))``) loading the same repository
   through ``CachedEcr(EcrService(...))``: time from ``load()`` to the first frame showing rows (and how long
   after the data layer yielded its first page; target < 0.5 s), and to the full count (target <= 1.3x raw);
c. key-press latency (``down``; median and p95) while the pane loads (a second load, so the presses do not
   inflate b) and after it (target < 50 ms);
d. filter latency on every row, one keystroke at a time through the pane's filter line (target < 100 ms);
and the longest pauses of Python's cyclic garbage collector, with what the benchmark was doing at the time.

A key press is sent exactly as ``Pilot.press`` sends it (``driver.send_message(events.Key)``) and timed until
the first frame painted after its effect (cursor moved / filter applied). ``Pilot.press`` itself then waits for
the whole process to go idle, which while a worker pages means the worker, not the key. "Frame" is the
``App._display`` call of the screen update, including turning it into terminal bytes as a real terminal would.

    .venv/bin/python bench/bench_load.py                   # 100,000 images, 2 runs
    .venv/bin/python bench/bench_load.py --images 10000 --runs 1 --latency-ms 20
    .venv/bin/python bench/bench_load.py --profile pstats  # also cProfile the main thread during the load
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import RenderableType
from textual import events, on
from textual.app import App, ComposeResult
from textual.screen import Screen

from ecrtui.ecr.batches import ManifestBatch
from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.ecr.service import EcrService
from ecrtui.ecr.session import use_fast_timestamps
from ecrtui.sandbox.process import SandboxProcess, start_sandbox_process
from ecrtui.ui.widgets.images_pane import ImageSource, ImagesPane

REPOSITORY = "scale/images"  # ecrtui.sandbox.scale.SCALE_IMAGES_REPOSITORY (not imported: it imports moto)
REGISTRY = "111111111111"  # demo-dev, where the scale images go
PROFILE = "demo-dev"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (120, 36)
TYPIST_GAP_S = 0.02  # between presses: a fast key repeat, not a flood
FILTER_QUERIES = ("build-04242", "~b4242")
TIMEOUT_S = 600.0


# -- the sandbox ------------------------------------------------------------------------------------------------


@contextmanager
def scale_sandbox(images: int, latency_ms: int) -> Iterator[SandboxProcess]:
    """Start the sandbox with ``images`` images in ``scale/images``; stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="ecrtui-bench-load-") as directory:
        args = ("--seed", "empty", "--scale-images", str(images), "--latency-ms", str(latency_ms))
        with start_sandbox_process(Path(directory), *args) as sandbox:
            yield sandbox


# -- a. raw paging ------------------------------------------------------------------------------------------------


@dataclass
class RawPaging:
    first_page_s: float
    total_s: float
    cpu_s: float
    calls: int
    images: int


def raw_paging(client: Any) -> RawPaging:
    """``DescribeImages`` with ``maxResults=1000`` until there is no ``nextToken``."""
    params: dict[str, Any] = {"repositoryName": REPOSITORY, "maxResults": 1000}
    start, cpu = time.perf_counter(), time.process_time()
    first = 0.0
    calls = images = 0
    while True:
        response = client.describe_images(**params)
        calls += 1
        images += len(response["imageDetails"])
        if calls == 1:
            first = time.perf_counter() - start
        token = response.get("nextToken")
        if not token:
            return RawPaging(first, time.perf_counter() - start, time.process_time() - cpu, calls, images)
        params["nextToken"] = token


# -- b. c. d. the pane ----------------------------------------------------------------------------------------------


class PageProbe:
    """An ``ImageSource`` that notes when the data layer hands over each page (in the worker thread)."""

    def __init__(self, inner: CachedEcr) -> None:
        self.inner = inner
        self.page_times: list[float] = []

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        image_status: str | None = None,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[Sequence[ImageSummary]]:
        pages = self.inner.iter_image_pages(
            repository_name, registry_id, image_status=image_status, refresh=refresh, cancel=cancel
        )
        for page in pages:
            self.page_times.append(time.perf_counter())
            yield page

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        return self.inner.get_manifests(repository_name, digests, registry_id)


class PaneApp(App[None]):
    """The Images pane, full screen, with the pane styles the real app uses; counts painted frames."""

    CSS_PATH = [Path(__file__).parents[1] / "ecrtui" / "ui" / "widgets" / "table_pane.tcss"]

    def __init__(self) -> None:
        super().__init__()
        self.pane = ImagesPane(clock=lambda: NOW)
        self.frames = 0
        self.awaited: Callable[[], bool] | None = None
        self.awaited_at = 0.0
        self.painted_event = asyncio.Event()
        self.loaded_at = 0.0
        self.loaded_event = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield self.pane

    def on_mount(self) -> None:
        self.pane.focus()
        gc.collect()  # as EcrTuiApp does once its startup objects are loaded (see _backend_imported)
        gc.freeze()

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        """Count frames, rendered to terminal bytes as a real terminal's app would; note the awaited one."""
        super()._display(screen, renderable)
        if renderable is None or self._batch_count:
            return
        render_segments = getattr(renderable, "render_segments", None)
        if render_segments is not None:
            render_segments(self.console)
        self.frames += 1
        if self.awaited is not None and self.awaited():
            self.awaited = None
            self.awaited_at = time.perf_counter()
            self.painted_event.set()

    async def painted(self, condition: Callable[[], bool]) -> float:
        """The time of the first frame painted while ``condition`` holds (checked at paint time)."""
        self.painted_event.clear()
        self.awaited = condition
        await wait_for(self.painted_event)
        return self.awaited_at

    def load(self, source: ImageSource, repository: Repository) -> float:
        """Start a fresh load of ``repository`` (bypassing the cache); return when it started."""
        self.loaded_event.clear()
        start = time.perf_counter()
        self.pane.load(source, repository, refresh=True)
        return start

    async def loaded(self) -> float:
        """The time the pane said every page had arrived (``ImagesLoaded``)."""
        await wait_for(self.loaded_event)
        return self.loaded_at

    @on(ImagesPane.ImagesLoaded)
    def _loaded(self) -> None:
        self.loaded_at = time.perf_counter()
        self.loaded_event.set()


async def wait_for(event: asyncio.Event) -> None:
    """Wait for ``event`` without spinning the event loop (a busy poll would steal the GIL from the worker)."""
    try:
        await asyncio.wait_for(event.wait(), TIMEOUT_S)
    except TimeoutError:
        raise SystemExit("benchmark timed out waiting for the pane") from None


async def press(app: PaneApp, key: str, done: Callable[[], bool]) -> float:
    """Seconds from sending ``key`` (as Pilot does) until ``done()`` holds and a frame shows it."""
    driver = app._driver
    assert driver is not None
    character = key if len(key) == 1 else None
    event = events.Key(key, character)
    event.set_sender(app)
    start = time.perf_counter()
    driver.send_message(event)
    return await app.painted(done) - start


async def cursor_presses(app: PaneApp, count: int, keep_going: Callable[[], bool]) -> list[float]:
    """Up to ``count`` ``down`` presses, each timed until the moved cursor is painted (``home`` at the end)."""
    table = app.pane.table
    latencies: list[float] = []
    while len(latencies) < count and keep_going():
        if table.visible_count < 2:
            await asyncio.sleep(0.001)
            continue
        before = table.cursor
        if before >= table.visible_count - 1:
            latencies.append(await press(app, "home", lambda: table.cursor == 0))
        else:
            latencies.append(await press(app, "down", lambda b=before: table.cursor != b))  # type: ignore[misc]
        await asyncio.sleep(TYPIST_GAP_S)
    return latencies


async def type_filter(app: PaneApp, query: str) -> list[float]:
    """Open the filter with ``/`` and type ``query``; per keystroke, until the table applied it and painted."""
    pane, table = app.pane, app.pane.table
    await press(app, "slash", lambda: pane.filter_input.has_focus)
    latencies = []
    for end in range(1, len(query) + 1):
        typed = query[:end]
        key = "tilde" if typed[-1] == "~" else "minus" if typed[-1] == "-" else typed[-1]
        app_key = events.Key(key, typed[-1])
        driver = app._driver
        assert driver is not None
        app_key.set_sender(app)
        start = time.perf_counter()
        driver.send_message(app_key)
        latencies.append(await app.painted(lambda t=typed: table.filter_query == t) - start)  # type: ignore[misc]
        await asyncio.sleep(TYPIST_GAP_S)
    return latencies


class GcPauses:
    """Pauses of Python's cyclic collector (any thread: it holds the GIL, so everything stalls meanwhile)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self.phases: list[str] = []
        self.phase = "start"
        """What the benchmark is doing (set by it), noted with each pause."""
        self._started = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._started))
            self.phases.append(self.phase)

    def full(self) -> list[tuple[float, str]]:
        """Durations of the full (generation 2) collections, each with its phase."""
        return [
            (duration, phase)
            for (generation, duration), phase in zip(self.pauses, self.phases, strict=True)
            if generation == 2
        ]


@dataclass
class PaneRun:
    first_page_s: float = 0.0
    first_rows_s: float = 0.0
    full_s: float = 0.0
    cpu_s: float = 0.0
    rows: int = 0
    title: str = ""
    presses_loading: list[float] = field(default_factory=list)
    full_with_presses_s: float = 0.0
    presses_after: list[float] = field(default_factory=list)
    filters: dict[str, list[float]] = field(default_factory=dict)
    filter_shown: dict[str, int] = field(default_factory=dict)
    filter_clear_s: float = 0.0
    gc_full: list[tuple[float, str]] = field(default_factory=list)
    gc_load_s: float = 0.0


async def pane_run(service: CachedEcr, presses: int, profiler: cProfile.Profile | None) -> PaneRun:
    """One headless app: a clean load, a load with key presses, presses after, then filters."""
    result = PaneRun()
    with GcPauses() as collector:
        await drive(PaneApp(), service, result, presses, profiler, collector)
    result.gc_full = collector.full()
    return result


async def drive(
    app: PaneApp,
    service: CachedEcr,
    result: PaneRun,
    presses: int,
    profiler: cProfile.Profile | None,
    collector: GcPauses,
) -> None:
    """The measurements of ``pane_run``, in order, filling ``result``."""
    pane, table = app.pane, app.pane.table
    repository = Repository.model_construct(registry_id=REGISTRY, name=REPOSITORY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # idle: nothing is loading yet
        assert table.has_focus

        # b. a clean load: nothing else on the main thread.
        collector.phase = "the clean load"
        probe = PageProbe(service)
        source: ImageSource = probe  # the probe must satisfy what the pane asks of the data layer
        if profiler:
            profiler.enable()
        cpu, pauses = time.process_time(), len(collector.pauses)
        start = app.load(source, repository)
        shown = await app.painted(lambda: table.row_count > 0 or not pane.is_loading)
        loaded = await app.loaded()
        result.cpu_s = time.process_time() - cpu
        result.gc_load_s = sum(duration for _, duration in collector.pauses[pauses:])
        if profiler:
            profiler.disable()
        result.first_page_s = probe.page_times[0] - start
        result.first_rows_s = shown - start
        result.full_s = loaded - start
        result.rows = table.row_count
        result.title = str(pane.border_title)

        # c. the same load again (refresh: the network path), pressing keys while it pages.
        collector.phase = "key presses while loading"
        start = app.load(source, repository)
        result.presses_loading = await cursor_presses(app, presses, lambda: pane.is_loading)
        result.full_with_presses_s = await app.loaded() - start
        collector.phase = "key presses after loading"
        result.presses_after = await cursor_presses(app, presses, lambda: True)

        # d. filters, typed into the pane's filter line; esc clears.
        collector.phase = "filtering"
        for query in FILTER_QUERIES:
            result.filters[query] = await type_filter(app, query)
            result.filter_shown[query] = table.visible_count
            result.filter_clear_s = await press(app, "escape", lambda: table.filter_query == "")
        collector.phase = "app shutdown"


# -- report ---------------------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(
    raws: list[RawPaging], fast_raws: list[RawPaging], runs: list[PaneRun]
) -> list[tuple[str, str, str, str]]:
    """Rows of (measure, value, target, verdict); medians over the runs, key presses pooled."""

    def med(values: Iterable[float]) -> float:
        return statistics.median(list(values))

    raw_total = med(r.total_s for r in raws)
    fast_total = med(r.total_s for r in fast_raws)
    full = med(r.full_s for r in runs)
    after_page = med(r.first_rows_s - r.first_page_s for r in runs)
    loading = [x for r in runs for x in r.presses_loading]
    after = [x for r in runs for x in r.presses_after]
    rows = [
        (f"a. raw paging: {raws[0].images:,} images, {raws[0].calls} calls", ms(raw_total), "", ""),
        ("a. raw paging: first page", ms(med(r.first_page_s for r in raws)), "", ""),
        ("a. raw paging: CPU of this process", ms(med(r.cpu_s for r in raws)), "", ""),
        ("a'. raw paging with ecrtui's timestamp parser", ms(fast_total), "", ""),
        ("a'. its CPU", ms(med(r.cpu_s for r in fast_raws)), "", ""),
        ("b. load -> data layer's first page", ms(med(r.first_page_s for r in runs)), "", ""),
        ("b. load -> first rows painted", ms(med(r.first_rows_s for r in runs)), "", ""),
        ("b. first rows after first page", ms(after_page), "< 500 ms", verdict(after_page < 0.5)),
        (f"b. load -> full count ({runs[0].rows:,} rows)", ms(full), "", ""),
        ("b. full load: CPU of this process (all threads)", ms(med(r.cpu_s for r in runs)), "", ""),
        ("b. full load: of which garbage collection", ms(med(r.gc_load_s for r in runs)), "", ""),
        (
            "b. full count / raw paging",
            f"{full / raw_total:.2f}x",
            "<= 1.3x",
            verdict(full / raw_total <= 1.3),
        ),
        ("b'. full count / raw paging with the fast parser", f"{full / fast_total:.2f}x", "", ""),
        ("c. full count while pressing keys", ms(med(r.full_with_presses_s for r in runs)), "", ""),
    ]
    for label, values in (("while loading", loading), ("after load", after)):
        if not values:
            rows.append((f"c. key press {label}", "n/a", "< 50 ms", "no presses"))
            continue
        rows.append(
            (
                f"c. key press {label}: median ({len(values)})",
                ms(med(values)),
                "< 50 ms",
                verdict(med(values) < 0.05),
            )
        )
        rows.append((f"c. key press {label}: p95", ms(p95(values)), "< 50 ms", verdict(p95(values) < 0.05)))
        rows.append((f"c. key press {label}: slowest", ms(max(values)), "", ""))
    for query in FILTER_QUERIES:
        keystrokes = [x for r in runs for x in r.filters[query]]
        shown = runs[0].filter_shown[query]
        rows.append(
            (
                f"d. filter {query!r} ({shown:,} shown): median key",
                ms(med(keystrokes)),
                "< 100 ms",
                verdict(med(keystrokes) < 0.1),
            )
        )
        slowest = max(keystrokes)
        at = next(query[: r.filters[query].index(slowest) + 1] for r in runs if slowest in r.filters[query])
        rows.append(
            (f"d. filter {query!r}: slowest key ({at!r})", ms(slowest), "< 100 ms", verdict(slowest < 0.1))
        )
    clear = med(r.filter_clear_s for r in runs)
    rows.append(("d. filter cleared (esc)", ms(clear), "< 100 ms", verdict(clear < 0.1)))
    pauses = sorted((x for r in runs for x in r.gc_full), reverse=True)
    for duration, phase in pauses[:3]:
        rows.append(
            (f"full GC pause during {phase}", ms(duration), "", f"{len(pauses) / len(runs):.0f} per run")
        )
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
    parser.add_argument("--presses", type=int, default=200, help="key presses while loading and after (200)")
    parser.add_argument("--latency-ms", type=int, default=0, help="sandbox latency added to every call (0)")
    parser.add_argument(
        "--profile", metavar="FILE", help="cProfile the main thread during the clean load; stats to FILE"
    )
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.profile else None
    raws: list[RawPaging] = []
    fast_raws: list[RawPaging] = []
    runs: list[PaneRun] = []
    with scale_sandbox(args.images, args.latency_ms) as sandbox:
        # Separate sessions: EcrService installs its timestamp parser on the session it is given.
        stock = sandbox.session(PROFILE).client("ecr", endpoint_url=sandbox.endpoint_url)
        fast_session = sandbox.session(PROFILE)
        use_fast_timestamps(fast_session)
        fast = fast_session.client("ecr", endpoint_url=sandbox.endpoint_url)
        service = CachedEcr(
            EcrService(profile=PROFILE, endpoint_url=sandbox.endpoint_url, session=sandbox.session(PROFILE))
        )
        for number in range(args.runs):
            raws.append(raw_paging(stock))
            fast_raws.append(raw_paging(fast))
            runs.append(asyncio.run(pane_run(service, args.presses, profiler)))
            print(
                f"run {number + 1}/{args.runs}: raw {ms(raws[-1].total_s)}, pane {ms(runs[-1].full_s)}",
                flush=True,
            )
    if raws[0].images != args.images or runs[0].rows != args.images:
        print(f"warning: expected {args.images:,} images, raw saw {raws[0].images:,}, pane {runs[0].rows:,}")
    print(f"\nload benchmark: {args.images:,} images, {args.runs} runs, terminal {SIZE[0]}x{SIZE[1]}")
    print(f"pane title after load: {runs[0].title}")
    print_table(report(raws, fast_raws, runs))
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
