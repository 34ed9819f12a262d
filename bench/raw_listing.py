"""The baseline the benchmarks compare ecrtui with: plain boto3 paging ``DescribeImages``, keeping the answers.

Run as a child process by ``bench_app.py`` (memory: what a process adds by keeping every ``imageDetails`` dict)
and imported for the timing (``raw_paging``). Reads the sandbox's profile files from ``AWS_CONFIG_FILE`` and
``AWS_SHARED_CREDENTIALS_FILE``; prints one JSON line.

    AWS_CONFIG_FILE=... AWS_SHARED_CREDENTIALS_FILE=... python bench/raw_listing.py demo-dev scale/images
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class RawPaging:
    first_page_s: float
    total_s: float
    calls: int
    images: int


def raw_paging(
    client: Any,
    repository: str,
    keep: list[dict[str, Any]] | None = None,
    on_page: Callable[[list[dict[str, Any]]], None] | None = None,
) -> RawPaging:
    """``DescribeImages`` with ``maxResults=1000`` until there is no ``nextToken`` (details kept in ``keep``,
    each page's details handed to ``on_page``)."""
    params: dict[str, Any] = {"repositoryName": repository, "maxResults": 1000}
    start = time.perf_counter()
    first = 0.0
    calls = images = 0
    while True:
        response = client.describe_images(**params)
        calls += 1
        details = response["imageDetails"]
        images += len(details)
        if keep is not None:
            keep.extend(details)
        if on_page is not None:
            on_page(details)
        if calls == 1:
            first = time.perf_counter() - start
        token = response.get("nextToken")
        if not token:
            return RawPaging(first, time.perf_counter() - start, calls, images)
        params["nextToken"] = token


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main() -> int:
    import boto3

    profile, repository = sys.argv[1], sys.argv[2]
    client = boto3.Session(profile_name=profile).client("ecr")
    client.describe_repositories(maxResults=1)  # the client is built and warm, as the app's is
    gc.collect()
    before = rss_kib()
    kept: list[dict[str, Any]] = []
    paging = raw_paging(client, repository, kept)
    gc.collect()
    after = rss_kib()
    print(json.dumps({"rss_before_kib": before, "rss_after_kib": after, "images": len(kept),
                      "total_s": paging.total_s}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
