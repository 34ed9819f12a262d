"""ECR's per-registry request quotas: on by default, ``ThrottlingException`` above the rate, off with a flag."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ecrtui.sandbox.rate_limits import ECR_RATE_QUOTAS, RateLimiter, ThrottlingException

PUTS = 60
THREADS = 6


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("operation", sorted(ECR_RATE_QUOTAS))
def test_a_bucket_holds_one_second_and_refills_at_the_rate(operation: str) -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    rate = int(ECR_RATE_QUOTAS[operation])
    for _ in range(rate):
        limiter.check("111111111111", "us-east-1", operation)
    with pytest.raises(ThrottlingException):
        limiter.check("111111111111", "us-east-1", operation)
    limiter.check("222222222222", "us-east-1", operation)  # another registry has its own quota
    limiter.check("111111111111", "eu-west-1", operation)  # and so has another region
    clock.now += 1 / rate
    limiter.check("111111111111", "us-east-1", operation)
    with pytest.raises(ThrottlingException):
        limiter.check("111111111111", "us-east-1", operation)
    assert limiter.throttled == {operation: 2}


def test_calls_without_a_quota_pass() -> None:
    limiter = RateLimiter(clock=FakeClock())
    for _ in range(10_000):
        limiter.check("111111111111", "us-east-1", "DescribeImages")


def _burst_puts(ecr: Any, repository: str, puts: int = PUTS) -> tuple[int, int, float, list[int]]:
    """``puts`` PutImage calls from THREADS threads; returns (accepted, throttled, seconds, botocore retry
    counts)."""
    ecr.create_repository(repositoryName=repository)
    layer = b"rate limited layer"
    config = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
    for blob in (layer, config):
        upload = ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
        ecr.upload_layer_part(
            repositoryName=repository,
            uploadId=upload,
            partFirstByte=0,
            partLastByte=len(blob) - 1,
            layerPartBlob=blob,
        )
        ecr.complete_layer_upload(
            repositoryName=repository,
            uploadId=upload,
            layerDigests=["sha256:" + hashlib.sha256(blob).hexdigest()],
        )
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": "sha256:" + hashlib.sha256(config).hexdigest(),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + hashlib.sha256(layer).hexdigest(),
                    "size": len(layer),
                }
            ],
        }
    )
    counts = {"ok": 0}
    codes: list[str] = []
    retries: list[int] = []
    lock = threading.Lock()
    numbers = iter(range(puts))

    def worker() -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            try:
                answer = ecr.put_image(
                    repositoryName=repository, imageManifest=manifest, imageTag=f"t{number}"
                )
            except ClientError as error:
                with lock:
                    codes.append(error.response["Error"]["Code"])
            else:
                with lock:
                    counts["ok"] += 1
                    retries.append(answer["ResponseMetadata"]["RetryAttempts"])

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(codes) <= {"ThrottlingException"}
    return counts["ok"], len(codes), time.monotonic() - started, retries


def test_put_image_above_the_quota_is_throttled(sandbox_factory: Any) -> None:
    """A tenth of ECR's quota (PutImage 1 per second): a burst of 60 from 6 threads outruns it on any machine."""
    sandbox = sandbox_factory("--seed", "empty", "--rate-limit-scale", "0.1")
    ecr = sandbox.session("demo-dev").client(
        "ecr", config=Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS)
    )
    accepted, throttled, seconds, _ = _burst_puts(ecr, "burst/no-retries")
    assert accepted + throttled == PUTS
    assert accepted <= 1 + 1 * seconds + 1  # the bucket: one token to start with, then one per second
    assert throttled >= PUTS - (1 + seconds + 1)


def test_botocore_retries_absorb_throttling(sandbox_factory: Any) -> None:
    """PutImage at 2 per second, 12 puts from 6 threads at once: some are refused, botocore's retries (standard
    mode, backoff with jitter) put every one in the end."""
    sandbox = sandbox_factory("--seed", "empty", "--rate-limit-scale", "0.2")
    ecr = sandbox.session("demo-dev").client(
        "ecr", config=Config(retries={"mode": "standard", "max_attempts": 10}, max_pool_connections=THREADS)
    )
    accepted, throttled, _, retries = _burst_puts(ecr, "burst/with-retries", puts=12)
    assert (accepted, throttled) == (12, 0)
    assert sum(retries) > 0  # some calls were throttled and retried


def test_the_quota_scale_is_checked() -> None:
    from ecrtui.sandbox.options import OptionError, SandboxOptions

    for bad in (0.0, -1.0, 1.5, float("nan")):
        with pytest.raises(OptionError, match="rate_limit_scale"):
            SandboxOptions(rate_limit_scale=bad).validate()
    scaled = RateLimiter.scaled(0.1)
    scaled.check("111111111111", "us-east-1", "PutImage")  # one token to start, whatever the rate
    with pytest.raises(ThrottlingException):
        scaled.check("111111111111", "us-east-1", "PutImage")


def test_no_rate_limits_flag(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory("--seed", "empty", "--no-rate-limits")
    ecr = sandbox.session("demo-dev").client(
        "ecr", config=Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS)
    )
    assert _burst_puts(ecr, "burst/unlimited")[:2] == (PUTS, 0)
