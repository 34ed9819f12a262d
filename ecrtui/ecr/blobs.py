"""Download a blob (an image config, a layer) from the presigned URL ``GetDownloadUrlForLayer`` returns.

A streamed urllib3 GET with connect/read timeouts, retries on 5xx and connection errors (with backoff, honouring
Retry-After up to a cap), a size cap checked before and while reading, and a hash check of the bytes against the
digest they were asked for. The URL is a bearer secret: it is never put in an error message or a log line.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

import urllib3
import urllib3.exceptions as u3e
from urllib3.util import Retry, Timeout

from ecrtui.ecr.errors import (
    AccessDenied,
    Cancelled,
    EcrError,
    IntegrityError,
    InvalidInput,
    NetworkError,
    NotFound,
    ServiceError,
    Throttled,
    translate,
)

__all__ = [
    "DEFAULT_MAX_BLOB_BYTES",
    "MAX_RETRY_AFTER",
    "BlobDownloader",
    "CappedRetry",
    "IncompleteRange",
    "hasher_for",
    "verify_digest",
]

DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024
"""Image configs are KiBs; a cap keeps a hostile or mistaken descriptor from filling memory."""

_CHUNK = 256 * 1024
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
MAX_RETRY_AFTER = 10.0
"""Longest wait a ``Retry-After`` header can impose: a storage answer of "come back in an hour" must not park a
worker (and the inspector) for an hour; the retry still happens, sooner."""


class CappedRetry(Retry):
    """urllib3's ``Retry`` with ``Retry-After`` honoured only up to ``MAX_RETRY_AFTER`` seconds."""

    def get_retry_after(self, response: urllib3.BaseHTTPResponse) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, MAX_RETRY_AFTER)


def hasher_for(digest: str) -> hashlib._Hash:
    """A fresh hash object for the algorithm a digest names (``sha256:...``, ``sha512:...``)."""
    algorithm, _, hex_part = digest.partition(":")
    if algorithm not in ("sha256", "sha384", "sha512") or not hex_part:
        raise InvalidInput(f"Unsupported digest '{digest[:80]}': expected sha256:<hex>")
    return hashlib.new(algorithm)


def verify_digest(data: bytes, digest: str, what: str = "blob") -> None:
    """Raise ``IntegrityError`` unless ``data`` hashes to ``digest``."""
    h = hasher_for(digest)
    h.update(data)
    actual = f"{digest.partition(':')[0]}:{h.hexdigest()}"
    if actual != digest:
        raise IntegrityError(f"The {what} fetched as {_short(digest)} hashes to {_short(actual)}")


class IncompleteRange(NetworkError):
    """A ranged download that broke off after some bytes: ``data`` holds them, so the caller resumes after."""

    def __init__(self, message: str, data: bytes, *, operation: str | None = None) -> None:
        super().__init__(message, operation=operation)
        self.data = data


def _content_range_total(header: str | None) -> int | None:
    """The total size in ``Content-Range: bytes a-b/TOTAL`` (None when absent or ``*``)."""
    if not header or "/" not in header:
        return None
    total = header.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


def _short(digest: str) -> str:
    algorithm, _, hex_part = digest.partition(":")
    return f"{algorithm}:{hex_part[:12]}"


class BlobDownloader:
    """Fetch blobs over one shared, thread-safe urllib3 pool."""

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retries: int = 3,
        backoff_factor: float = 0.25,
        max_bytes: int = DEFAULT_MAX_BLOB_BYTES,
        pool: urllib3.PoolManager | None = None,
        on_request: Callable[[], None] | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self._retries = retries
        self._timeout = Timeout(connect=connect_timeout, read=read_timeout)
        self._retry = CappedRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            status_forcelist=_RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            backoff_factor=backoff_factor,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._pool = pool or urllib3.PoolManager(num_pools=8, maxsize=16)
        self._on_request = on_request

    def fetch(
        self,
        url: str,
        digest: str,
        *,
        expected_size: int | None = None,
        max_bytes: int | None = None,
        cancel: threading.Event | None = None,
    ) -> bytes:
        """The verified bytes of the blob ``digest`` at ``url``; errors are ``EcrError`` subclasses."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        if expected_size is not None and expected_size > limit:
            raise InvalidInput(
                f"Blob {_short(digest)} is {expected_size:,} bytes, over the {limit:,}-byte limit"
            )
        hasher_for(digest)  # refuse an unsupported digest before any request
        attempt = 0
        while True:
            attempt += 1
            try:
                data = self._fetch_once(url, digest, limit, cancel)
            except (u3e.ProtocolError, u3e.ReadTimeoutError, u3e.IncompleteRead) as exc:
                # The body broke after the headers: urllib3 does not retry that, so retry the whole GET.
                if attempt > self._retries:
                    raise translate(exc, "DownloadBlob") from None
                continue
            except EcrError:
                raise
            except Exception as exc:
                raise translate(exc, "DownloadBlob") from None
            if expected_size is not None and len(data) != expected_size:
                raise IntegrityError(
                    f"Blob {_short(digest)} is {len(data):,} bytes; its descriptor says {expected_size:,}",
                    operation="DownloadBlob",
                )
            verify_digest(data, digest)
            return data

    def _fetch_once(self, url: str, digest: str, limit: int, cancel: threading.Event | None) -> bytes:
        if cancel is not None and cancel.is_set():
            raise Cancelled("Download cancelled", operation="DownloadBlob")
        if self._on_request is not None:
            self._on_request()
        response = self._pool.request(
            "GET", url, preload_content=False, timeout=self._timeout, retries=self._retry, redirect=True
        )
        try:
            self._check_status(response.status, digest)
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > limit:
                raise InvalidInput(
                    f"Blob {_short(digest)} is {int(length):,} bytes, over the {limit:,}-byte limit",
                    operation="DownloadBlob",
                )
            parts: list[bytes] = []
            total = 0
            for chunk in response.stream(_CHUNK):
                if cancel is not None and cancel.is_set():
                    raise Cancelled("Download cancelled", operation="DownloadBlob")
                total += len(chunk)
                if total > limit:
                    raise InvalidInput(
                        f"Blob {_short(digest)} is over the {limit:,}-byte limit", operation="DownloadBlob"
                    )
                parts.append(chunk)
            return b"".join(parts)
        finally:
            response.release_conn()

    def fetch_range(
        self,
        url: str,
        digest: str,
        start: int,
        end: int,
        *,
        cancel: threading.Event | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> tuple[bytearray, int | None]:
        """Bytes ``start`` .. ``end`` (inclusive) of a blob, and the blob's total size when the server says it.

        One GET with a ``Range`` header (streamed, so ``on_bytes`` can report progress). Statuses become
        ``EcrError``s as in ``fetch`` (403: the URL expired, ask for a fresh one); a body that breaks off raises
        ``IncompleteRange`` carrying the bytes that did arrive, so the caller resumes with a smaller range.
        Nothing is hashed here: the caller hashes the whole blob in order.
        """
        if cancel is not None and cancel.is_set():
            raise Cancelled("Download cancelled", operation="DownloadBlob")
        if self._on_request is not None:
            self._on_request()
        wanted = end - start + 1
        filled = 0
        buffer = bytearray()
        try:
            response = self._pool.request(
                "GET",
                url,
                headers={"Range": f"bytes={start}-{end}"},
                preload_content=False,
                timeout=self._timeout,
                retries=self._retry,
                redirect=True,
            )
        except u3e.HTTPError as exc:
            raise translate(exc, "DownloadBlob") from None
        try:
            self._check_status(response.status, digest)
            total = _content_range_total(response.headers.get("Content-Range"))
            if response.status == 200 and start > 0:  # the server ignored Range: never take the wrong bytes
                raise ServiceError(
                    f"Storage ignored the byte range for blob {_short(digest)}", operation="DownloadBlob"
                )
            length = response.headers.get("Content-Length")
            if response.status == 200:
                total = int(length) if length is not None and length.isdigit() else None
            # One buffer of the final size, filled in place: growing it chunk by chunk would copy it over and over.
            size = min(wanted, int(length)) if length is not None and length.isdigit() else wanted
            buffer = bytearray(size)
            view = memoryview(buffer)
            try:
                while filled < size:  # read1: what has arrived, so a body that breaks off keeps its bytes
                    chunk = response.read1(min(_CHUNK, size - filled))
                    if not chunk:
                        break
                    if cancel is not None and cancel.is_set():
                        raise Cancelled("Download cancelled", operation="DownloadBlob")
                    view[filled : filled + len(chunk)] = chunk
                    filled += len(chunk)
                    if on_bytes is not None:
                        on_bytes(len(chunk))
            except (u3e.ProtocolError, u3e.ReadTimeoutError, u3e.IncompleteRead, OSError) as exc:
                raise IncompleteRange(
                    f"The download of blob {_short(digest)} broke off ({type(exc).__name__})",
                    bytes(view[:filled]),
                    operation="DownloadBlob",
                ) from None
            finally:
                view.release()
            del buffer[filled:]
            expected = wanted if total is None else min(wanted, total - start)
            if filled < expected:
                raise IncompleteRange(
                    f"The download of blob {_short(digest)} ended early ({filled:,} of {expected:,} bytes)",
                    bytes(buffer),
                    operation="DownloadBlob",
                )
            return buffer, total
        finally:
            if filled < wanted or response.status == 200:
                response.close()  # unread bytes left on the connection must not reach the next request
            response.release_conn()

    @staticmethod
    def _check_status(status: int, digest: str) -> None:
        if 200 <= status < 300:
            return
        what = f"blob {_short(digest)}"
        op = "DownloadBlob"
        if status == 404:
            raise NotFound(f"The {what} is not in the registry's storage", operation=op, code="HTTP 404")
        if status in (401, 403):
            raise AccessDenied(
                f"Download of {what} refused (the download URL expired or access is denied)",
                operation=op,
                code=f"HTTP {status}",
            )
        if status in (429, 503):
            raise Throttled(
                f"Storage is throttling the download of {what}", operation=op, code=f"HTTP {status}"
            )
        if status >= 500:
            raise NetworkError(
                f"Storage answered HTTP {status} for {what}", operation=op, code=f"HTTP {status}"
            )
        raise ServiceError(f"Storage answered HTTP {status} for {what}", operation=op, code=f"HTTP {status}")
