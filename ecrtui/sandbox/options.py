"""Settings of one sandbox run, shared by the CLI, ``--demo`` and the test fixtures.

Kept free of moto imports so ``ecrtui --help`` and the option parser stay instant.
"""

from __future__ import annotations

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
    latency_ms: int = 0
    """Added to every API call and blob request."""
    bandwidth_mbps: float | None = None
    """Per-stream limit on blob downloads and layer-part upload bodies (megabits per second)."""
    fail_rate: float = 0.0
    """Fraction of calls that fail (throttling or HTTP 500; blob downloads drop mid-stream)."""
    fail_seed: int = 0
    scale_repos: int = 0
    """Extra repositories for benchmarks."""
    scale_images: int = 0
    """Images in one extra repository for benchmarks (up to 100,000)."""

    def validate(self) -> None:
        """Raise ``ValueError`` with a one-line message for a setting the sandbox cannot honour."""
        if self.seed not in SEED_NAMES:
            raise ValueError(f"unknown seed {self.seed!r}; choose one of {', '.join(SEED_NAMES)}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is out of range 0-65535")
        if self.url_ttl_seconds < 1:
            raise ValueError("url_ttl_seconds must be at least 1")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if self.bandwidth_mbps is not None and self.bandwidth_mbps <= 0:
            raise ValueError("bandwidth_mbps must be positive")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be between 0 and 1")
        if self.scale_repos < 0 or self.scale_images < 0:
            raise ValueError("scale counts must not be negative")
        if self.scale_images > 100_000:
            raise ValueError("scale_images is limited to 100,000 (the ECR per-repository quota)")
