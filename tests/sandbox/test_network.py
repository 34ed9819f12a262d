"""Network simulation: latency per request, a per-stream bandwidth limit that overlaps, seeded faults."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

from ecr_pusher import Pusher

Factory = Callable[..., "SandboxProcess"]
NO_RETRIES = Config(retries={"total_max_attempts": 1})
PATIENT = Config(retries={"total_max_attempts": 30, "mode": "standard"})


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_latency_is_added_to_api_calls_and_blob_requests(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory("--seed", "empty", "--latency-ms", "300")
    ecr = sandbox.session("demo-dev").client("ecr")
    ecr.create_repository(repositoryName="lat/test")
    digest = Pusher(ecr).upload("lat/test", b"tiny")
    assert _timed(lambda: ecr.describe_repositories()) >= 0.3
    url = ecr.get_download_url_for_layer(repositoryName="lat/test", layerDigest=digest)["downloadUrl"]
    assert _timed(lambda: urllib3.request("GET", url)) >= 0.3


def test_bandwidth_limits_each_stream_and_streams_overlap(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory("--seed", "empty", "--bandwidth-mbps", "16")  # 2 MB/s per stream
    ecr = sandbox.session("demo-dev").client("ecr")
    ecr.create_repository(repositoryName="bw/test")
    data = os.urandom(1_000_000)
    digest = Pusher(ecr).upload("bw/test", data)
    url = ecr.get_download_url_for_layer(repositoryName="bw/test", layerDigest=digest)["downloadUrl"]

    def fetch() -> None:
        assert urllib3.request("GET", url, timeout=30).data == data

    single = _timed(fetch)
    assert single >= 0.45  # 1 MB at 2 MB/s
    with ThreadPoolExecutor(3) as pool:
        together = _timed(lambda: list(pool.map(lambda _: fetch(), range(3))))
    assert together < 2 * single  # three limited streams overlap instead of queueing (3x)


def test_bandwidth_limits_layer_part_uploads(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory("--seed", "empty", "--bandwidth-mbps", "16")
    ecr = sandbox.session("demo-dev").client("ecr")
    ecr.create_repository(repositoryName="bw/upload")
    single = _timed(lambda: Pusher(ecr).upload("bw/upload", os.urandom(600_000)))
    assert single >= 0.3  # 600 kB (800 kB as base64 JSON) at 2 MB/s
    with ThreadPoolExecutor(3) as pool:
        together = _timed(
            lambda: list(pool.map(lambda _: Pusher(ecr).upload("bw/upload", os.urandom(600_000)), range(3)))
        )
    assert together < 2 * single  # uploads are limited per stream, not serialised


def _outcomes(sandbox: SandboxProcess, calls: int) -> list[str]:
    ecr = sandbox.session("demo-dev").client("ecr", config=NO_RETRIES)
    outcomes = []
    for _ in range(calls):
        try:
            ecr.describe_repositories()
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(str(error.response["Error"]["Code"]))
    return outcomes


def test_faults_are_throttling_or_server_errors_at_the_given_rate_and_reproducible(
    sandbox_factory: Factory,
) -> None:
    first = _outcomes(sandbox_factory("--seed", "empty", "--fail-rate", "0.4", "--fail-seed", "7"), 60)
    assert set(first) == {"ok", "ThrottlingException", "ServerException"}
    assert 0.2 <= first.count("ok") / len(first) <= 0.8
    second = _outcomes(sandbox_factory("--seed", "empty", "--fail-rate", "0.4", "--fail-seed", "7"), 60)
    assert second == first
    other_seed = _outcomes(sandbox_factory("--seed", "empty", "--fail-rate", "0.4", "--fail-seed", "8"), 60)
    assert other_seed != first


def test_blob_downloads_drop_mid_stream(sandbox_factory: Factory) -> None:
    sandbox = sandbox_factory("--seed", "empty", "--fail-rate", "0.5", "--fail-seed", "3")
    ecr = sandbox.session("demo-dev").client("ecr", config=PATIENT)
    ecr.create_repository(repositoryName="faults/blobs")
    data = os.urandom(300_000)
    digest = Pusher(ecr).upload("faults/blobs", data)
    complete = dropped = 0
    for _ in range(12):
        url = ecr.get_download_url_for_layer(repositoryName="faults/blobs", layerDigest=digest)["downloadUrl"]
        try:
            body = urllib3.request("GET", url, retries=False, timeout=10).data
        except urllib3.exceptions.HTTPError:  # IncompleteRead / ProtocolError: the stream was cut
            dropped += 1
            continue
        assert body == data  # a stream that finishes is never corrupted
        complete += 1
    assert complete > 0
    assert dropped > 0
