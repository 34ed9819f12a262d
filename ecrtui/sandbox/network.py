"""Network simulation: latency, a per-stream bandwidth limit, and seeded faults.

Benchmarks and resilience tests need the sandbox to behave like ECR over a real network. Waiting is done with
``time.sleep`` (never by burning CPU), so parallel streams overlap as they would on a wire; faults come from a seeded
generator so a run can be reproduced with the same ``fail_seed``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

THROTTLE_BODY = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
SERVER_ERROR_BODY = b'{"__type":"ServerException","message":"Simulated internal error"}'
# Query-protocol services (STS) parse XML errors; a JSON body there would be an unparseable response.
XML_THROTTLE_BODY = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    b"<Message>Rate exceeded</Message></Error><RequestId>sandbox-fault</RequestId></ErrorResponse>"
)
XML_SERVER_ERROR_BODY = (
    b"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
    b"<Message>Simulated internal error</Message></Error><RequestId>sandbox-fault</RequestId></ErrorResponse>"
)


@dataclass(slots=True)
class NetworkSimulator:
    """Decides delays and faults for each request; thread-safe."""

    latency_ms: int = 0
    bandwidth_mbps: float | None = None
    fail_rate: float = 0.0
    fail_seed: int = 0
    deny_blob_downloads: bool = False
    """Refuse every blob download with S3's 403 AccessDenied (``--deny-blob-downloads``)."""
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.fail_seed)

    @property
    def bytes_per_second(self) -> float | None:
        return None if self.bandwidth_mbps is None else self.bandwidth_mbps * 1_000_000 / 8

    def delay(self) -> None:
        """The simulated round-trip latency, added once per request."""
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)

    def draw_fault(self) -> float | None:
        """None for a healthy request; otherwise a number in [0, 1) that picks the kind of fault."""
        if self.fail_rate <= 0:
            return None
        with self._lock:
            hit = self._random.random() < self.fail_rate
            kind = self._random.random()
        return kind if hit else None

    def limit(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Yield ``chunks`` no faster than the bandwidth limit allows for one stream."""
        rate = self.bytes_per_second
        if rate is None:
            yield from chunks
            return
        started = time.monotonic()
        sent = 0
        for chunk in chunks:
            sent += len(chunk)
            yield chunk
            ahead = sent / rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)


READ_CHUNK = 64 * 1024
"""How much of an upload body the throttled reader takes off the socket at a time."""


class ThrottledReader:
    """A ``wsgi.input`` wrapper that reads an upload body no faster than one stream's bandwidth."""

    def __init__(self, stream: IO[bytes], bytes_per_second: float) -> None:
        self._stream = stream
        self._rate = bytes_per_second
        self._started = time.monotonic()
        self._read = 0

    def _pace(self, count: int) -> None:
        self._read += count
        ahead = self._read / self._rate - (time.monotonic() - self._started)
        if ahead > 0:
            time.sleep(ahead)

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (all, when negative), taken off the socket a chunk at a time at the stream's rate:
        reading a whole part first and sleeping after would leave the client waiting for an answer as long as the
        part takes to send, and on a slow link that is longer than its read timeout."""
        parts: list[bytes] = []
        remaining = size
        while remaining != 0:
            data = self._stream.read(READ_CHUNK if remaining < 0 else min(READ_CHUNK, remaining))
            if not data:
                break
            self._pace(len(data))
            parts.append(data)
            remaining -= len(data) if remaining > 0 else 0
        return b"".join(parts)

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self._pace(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")
