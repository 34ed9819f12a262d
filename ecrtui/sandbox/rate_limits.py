"""ECR's per-registry request quotas, answered with ``ThrottlingException`` as ECR does.

A copier that bursts ``PutImage`` or layer uploads works against moto and fails against ECR, so the sandbox
enforces the documented default rates (per account and region, see docs/ecr-behaviour.md) with one token bucket
per registry and operation. Each bucket holds one second of requests, so a short burst up to the rate passes and
a sustained rate above it is refused. botocore's retries (backoff with jitter) absorb occasional throttling, as
they do against ECR. ``--no-rate-limits`` switches it off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from ecrtui.sandbox.errors import EcrServiceError

__all__ = ["ECR_RATE_QUOTAS", "RateLimiter", "ThrottlingException"]

ECR_RATE_QUOTAS: Mapping[str, float] = {
    "PutImage": 10.0,
    "InitiateLayerUpload": 100.0,
    "CompleteLayerUpload": 100.0,
    "UploadLayerPart": 500.0,
    "BatchCheckLayerAvailability": 1000.0,
    "BatchGetImage": 2000.0,
    "GetDownloadUrlForLayer": 3000.0,
}
"""Requests per second per registry (account and region): ECR's default service quotas."""


class ThrottlingException(EcrServiceError):
    code = "ThrottlingException"


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, updated: float) -> None:
        self.tokens = tokens
        self.updated = updated


class RateLimiter:
    """Token buckets per (registry, region, operation); ``check`` raises ``ThrottlingException`` when empty."""

    def __init__(
        self, quotas: Mapping[str, float] = ECR_RATE_QUOTAS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._quotas = dict(quotas)
        self._clock = clock
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()
        self.throttled: dict[str, int] = {}
        """Refusals so far, by operation (what a test or a benchmark reads)."""

    @classmethod
    def scaled(cls, scale: float = 1.0) -> RateLimiter:
        """ECR's quotas times ``scale`` (``--rate-limit-scale``: a lower quota makes throttling certain in tests)."""
        return cls({operation: rate * scale for operation, rate in ECR_RATE_QUOTAS.items()})

    def check(self, registry_id: str, region: str, operation: str) -> None:
        """Take one request's token, or refuse the request as ECR would."""
        rate = self._quotas.get(operation)
        if rate is None:
            return
        now = self._clock()
        key = (registry_id, region, operation)
        with self._lock:
            bucket = self._buckets.get(key)
            capacity = max(rate, 1.0)  # one second of requests, and at least one (a scaled quota below 1/s)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1.0 - 1e-9:  # float error: n refills of 1/rate must make a token
                bucket.tokens -= 1.0
                return
            self.throttled[operation] = self.throttled.get(operation, 0) + 1
        raise ThrottlingException(f"Rate exceeded for {operation} (quota: {rate:g} per second per registry)")
