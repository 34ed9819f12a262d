"""Settings of one sandbox run, shared by the CLI, ``--demo`` and the test fixtures.

Kept free of moto imports so ``ecrtui --help`` and the option parser stay instant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

SeedName = Literal["demo", "empty"]
SEED_NAMES: tuple[SeedName, ...] = ("demo", "empty")


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    """Everything that shapes a sandbox: where it listens, what it holds, how its network behaves."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: SeedName = "demo"
    url_ttl_seconds: int = 600
    """Lifetime of a ``GetDownloadUrlForLayer`` URL; an expired URL answers 403 like S3."""
    token_ttl_seconds: int = 12 * 3600
    """Lifetime of a ``GetAuthorizationToken`` token (ECR: 12 hours); the registries refuse it afterwards."""
    latency_ms: int = 0
    """Added to every API call, registry request and blob request."""
    bandwidth_mbps: float | None = None
    """Per-stream limit on blob downloads and layer-part upload bodies (megabits per second)."""
    fail_rate: float = 0.0
    """Fraction of calls that fail (throttling or HTTP 500; blob downloads drop mid-stream)."""
    fail_seed: int = 0
    deny_blob_downloads: bool = False
    """Every layer or config download (the presigned URL) answers 403 AccessDenied, as S3 does when a VPC endpoint
    or bucket policy blocks ECR's layer bucket: a deterministic fault for the paths that read blobs."""
    scale_repos: int = 0
    """Extra repositories for benchmarks."""
    scale_images: int = 0
    """Images in one extra repository for benchmarks (up to 100,000)."""
    activation_seconds: float = 3.0
    """How long a restored image stays ACTIVATING (and a started image scan IN_PROGRESS)."""
    replication_delay_ms: int = 500
    """How long ECR's replication takes: before a push is replicated, and per image of a backfill."""
    rate_limits: bool = True
    rate_limit_scale: float = 1.0
    """Multiplies every quota (0.1: PutImage 1 per second): tests that must see throttling on any machine speed."""
    """ECR's per-registry request quotas (PutImage 10/s, ...), answered with ``ThrottlingException``."""
    scale_layer_mib: int = 0
    """Size of each layer of ``scale/large-layer:latest`` (0: no such image)."""
    scale_layers: int = 1
    """Number of layers of that image."""

    def validate(self) -> None:
        """Raise ``OptionError`` (a ``ValueError``) with a one-line reason for a setting the sandbox cannot honour."""
        if self.seed not in SEED_NAMES:
            raise OptionError("seed", f"{self.seed!r} is unknown; choose one of {', '.join(SEED_NAMES)}")
        if not self.host.strip():
            raise OptionError(
                "host", "must not be empty (use 127.0.0.1 for loopback, 0.0.0.0 for every address)"
            )
        if not 0 <= self.port <= 65535:
            raise OptionError("port", f"{self.port} is out of range 0-65535")
        if self.url_ttl_seconds < 1:
            raise OptionError("url_ttl_seconds", "must be at least 1")
        if self.token_ttl_seconds < 1:
            raise OptionError("token_ttl_seconds", "must be at least 1")
        if self.latency_ms < 0:
            raise OptionError("latency_ms", "must not be negative")
        if self.bandwidth_mbps is not None and not (0 < self.bandwidth_mbps < math.inf):
            raise OptionError("bandwidth_mbps", "must be a positive number")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise OptionError("fail_rate", "must be between 0 and 1")
        if self.scale_repos < 0:
            raise OptionError("scale_repos", "must not be negative")
        if not 0 < self.rate_limit_scale <= 1:  # also refuses NaN
            raise OptionError("rate_limit_scale", "must be more than 0 and at most 1")
        if not 0 <= self.activation_seconds <= 3600:  # also refuses NaN
            raise OptionError("activation_seconds", "must be between 0 and 3600")
        if not 0 <= self.replication_delay_ms <= 3_600_000:
            raise OptionError("replication_delay_ms", "must be between 0 and 3,600,000 (one hour)")
        if not 0 <= self.scale_images <= 100_000:
            raise OptionError("scale_images", "must be between 0 and 100,000 (the ECR per-repository quota)")
        if not 0 <= self.scale_layer_mib <= 52_000:
            raise OptionError("scale_layer_mib", "must be between 0 and 52,000 (ECR's largest layer)")
        if not 1 <= self.scale_layers <= 100:
            raise OptionError("scale_layers", "must be between 1 and 100")


class OptionError(ValueError):
    """A bad setting: ``field`` names it (the CLI shows it as its ``--flag``), ``reason`` says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} {reason}")
        self.field = field
        self.reason = reason

    @property
    def flag(self) -> str:
        return "--" + self.field.replace("_", "-")
