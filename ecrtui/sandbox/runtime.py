"""The sandbox's process-wide state: blob bytes, in-progress uploads, URL signing, the clock and one lock.

moto's backends are process-global, so the corrections that sit on top of them are too: one sandbox per process
(tests start sandboxes as subprocesses). The handlers in ``ecr_handlers`` reach this state through ``current()``.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ecrtui.sandbox.blobstore import BlobStore, UploadBuffer

if TYPE_CHECKING:
    from ecrtui.sandbox.rate_limits import RateLimiter


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Runtime:
    """State shared by the ECR handlers and the blob route of one running sandbox."""

    blobs: BlobStore = field(default_factory=BlobStore)
    uploads: dict[str, UploadBuffer] = field(default_factory=dict)
    url_ttl_seconds: int = 600
    token_ttl_seconds: int = 12 * 3600
    """Lifetime of a ``GetAuthorizationToken`` token (ECR: 12 hours)."""
    url_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    clock: Callable[[], datetime] = utc_now
    lock: threading.RLock = field(default_factory=threading.RLock)
    """Serialises changes to moto's backends (moto itself is not thread-safe)."""
    activation_seconds: float = 3.0
    """How long a restored image stays ACTIVATING (and a started scan IN_PROGRESS) before it settles."""
    deferred: list[tuple[datetime, Callable[[], None]]] = field(default_factory=list)
    """Changes due later (a restore finishing, a scan completing); ``deferred.settle_due`` applies them."""
    lifecycle_now: datetime | None = None
    """When lifecycle rules are evaluated (None: now); the demo pins it to the day after its newest push."""
    rate_limiter: RateLimiter | None = None
    """ECR's per-registry request quotas (None: ``--no-rate-limits``)."""


_current = Runtime()


def current() -> Runtime:
    return _current


def reset(runtime: Runtime) -> Runtime:
    """Replace the process-wide state (a new sandbox start); the old blob store is closed."""
    global _current
    _current.blobs.close()
    _current = runtime
    return runtime
