"""Time listing a large repository: EcrService pages (maxResults=1000) vs plain boto3 paging, and a cached revisit.

Starts its own sandbox (``ecrtui sandbox --seed empty --scale-images N --latency-ms L``) in a subprocess, so the
numbers include real HTTP and the simulated round-trip latency.

    .venv/bin/python bench/bench_data_layer.py --images 10000 --latency-ms 20
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox.process import start_sandbox_process

REPOSITORY = "scale/images"
REGISTRY = "111111111111"


def timed(label: str, runs: int, fn: Callable[[], tuple[int, int]]) -> None:
    times: list[float] = []
    images = calls = 0
    for _ in range(runs):
        started = time.perf_counter()
        images, calls = fn()
        times.append(time.perf_counter() - started)
    print(
        f"{label:<44} {images:>7} images {calls:>5} calls  median {statistics.median(times) * 1000:8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        profiles = Path(tmp)
        started = time.perf_counter()
        sandbox = start_sandbox_process(
            profiles,
            "--seed",
            "empty",
            "--scale-images",
            str(args.images),
            "--latency-ms",
            str(args.latency_ms),
        )
        print(
            f"sandbox with {args.images} images, {args.latency_ms} ms latency, up in {time.perf_counter() - started:.1f} s"
        )
        try:
            service = EcrService(session=sandbox.session("demo-dev"))
            service.identity()

            def ecrtui_pages() -> tuple[int, int]:
                service.reset_call_counts()
                count = sum(len(p) for p in service.iter_image_pages(REPOSITORY))
                return count, service.total_calls

            raw = sandbox.session("demo-dev").client("ecr")
            raw_calls = [0]
            raw.meta.events.register("before-call", lambda **_: raw_calls.__setitem__(0, raw_calls[0] + 1))

            def boto3_paginator(page_size: int | None) -> Callable[[], tuple[int, int]]:
                def run() -> tuple[int, int]:
                    raw_calls[0] = 0
                    config = {"PageSize": page_size} if page_size else {}
                    pages = raw.get_paginator("describe_images").paginate(
                        registryId=REGISTRY, repositoryName=REPOSITORY, PaginationConfig=config
                    )
                    return sum(len(p["imageDetails"]) for p in pages), raw_calls[0]

                return run

            def first_page() -> tuple[int, int]:
                service.reset_call_counts()
                return len(next(service.iter_image_pages(REPOSITORY))), service.total_calls

            cache = CachedEcr(service)
            cache.list_images(REPOSITORY)

            def cached_revisit() -> tuple[int, int]:
                service.reset_call_counts()
                return sum(len(p) for p in cache.iter_image_pages(REPOSITORY)), service.total_calls

            repository = service.get_repository(REPOSITORY)
            sample = cache.list_images(REPOSITORY)[: args.runs]
            cold = iter(sample)

            def open_cold() -> tuple[int, int]:
                service.reset_call_counts()
                cache.get_image_details(repository, next(cold))
                return 1, service.total_calls

            def open_warm() -> tuple[int, int]:
                service.reset_call_counts()
                cache.get_image_details(repository, sample[0])
                return 1, service.total_calls

            timed("EcrService.iter_image_pages (1000/page)", args.runs, ecrtui_pages)
            timed("  first page only (what the UI shows first)", args.runs, first_page)
            timed("boto3 paginator, default page (100)", args.runs, boto3_paginator(None))
            timed("boto3 paginator, PageSize=1000", args.runs, boto3_paginator(1000))
            timed("CachedEcr revisit within the TTL", args.runs, cached_revisit)
            timed("open an image, manifest not cached", args.runs, open_cold)
            timed("open the same image again (cached)", args.runs, open_warm)
        finally:
            sandbox.stop()


if __name__ == "__main__":
    main()
