"""Copy one blob from a source repository to a destination repository, streamed, in parts, verified.

Ranged GETs of the source's download URL feed ``UploadLayerPart`` in the part size ``InitiateLayerUpload`` asks
for (at least ceil(size / 4,200) and 5 MiB except the last part, at most 20 MiB); the next part downloads while the
current one uploads, and at most two parts are held, so memory is bounded by the part size whatever the blob's
size. sha256 is computed over the bytes the destination accepted, in order, and checked before
``CompleteLayerUpload``: a blob whose bytes do not match its digest is never completed (the upload simply
expires). Failures that a long copy must ride out are retried: a part that broke off resumes where it stopped
(``Range``); an expired URL (403) is replaced and the download resumes; 5xx, 503 SlowDown and throttling back off
with jitter; after ``InvalidLayerPartException`` the upload resumes after ``lastValidByteReceived``; an upload
ECR lost starts over. ``LayerAlreadyExistsException`` (another copy got there first) is success.
"""

from __future__ import annotations

import hashlib
import math
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ecrtui.copy.pacing import Backoff, retrying, wait
from ecrtui.copy.plan import BlobStep, short_digest
from ecrtui.copy.reachability import UNREACHABLE_SECONDS, EndpointUnreachable, ReachBudget
from ecrtui.copy.request import Side
from ecrtui.ecr.errors import (
    AccessDenied,
    Cancelled,
    EcrError,
    IntegrityError,
    InvalidInput,
    NetworkError,
    NotFound,
    Throttled,
)
from ecrtui.ecr.transfers import IncompleteRange, LayerUpload, PartRejected
from ecrtui.jobs.events import ItemState

__all__ = ["MAX_PART", "MAX_PARTS", "MIN_PART", "BlobTransfer", "TransferSettings", "part_size_for"]

MIB = 1024 * 1024
MIN_PART = 5 * MIB
"""ECR's smallest part, except the last."""
MAX_PART = 20 * MIB
"""ECR's largest part."""
MAX_PARTS = 4200
"""ECR's most parts per upload: a big layer needs parts of at least size / 4,200."""
PARTS_HELD = 2
"""Parts in memory per blob: one uploading, the next downloading."""

Report = Callable[[ItemState, int, "int | None", str], None]
"""(state, bytes the destination holds, blob size if known, detail)."""


def part_size_for(size: int | None, suggested: int) -> int:
    """The part size to upload with: ECR's suggestion, within [max(5 MiB, ceil(size / 4,200)), 20 MiB]."""
    lower = max(MIN_PART, math.ceil(size / MAX_PARTS) if size else 0)
    return min(MAX_PART, max(lower, suggested or MIN_PART))


@dataclass(frozen=True, slots=True)
class TransferSettings:
    attempts: int = 8
    """Tries per part (download or upload) for retryable failures."""
    url_refreshes: int = 6
    """Fresh download URLs per blob after 403s (an expired URL)."""
    restarts: int = 2
    """Whole-blob restarts after the destination lost an upload."""
    backoff: Backoff = field(default_factory=Backoff)
    unreachable_seconds: float = UNREACHABLE_SECONDS
    """How long a whole copy job keeps calling an endpoint that does not answer (``reachability``)."""


class _Restart(Exception):
    """The destination no longer holds what was sent: start the blob over with a new upload."""

    def __init__(self, reason: EcrError) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(slots=True)
class _Part:
    offset: int
    data: bytearray


@dataclass(slots=True)
class _End:
    total: int


class BlobTransfer:
    """One blob's copy; ``run()`` returns the bytes uploaded and raises an ``EcrError`` on failure."""

    def __init__(
        self,
        source: Side,
        destination: Side,
        blob: BlobStep,
        *,
        report: Report,
        cancel: threading.Event,
        settings: TransferSettings | None = None,
        reach: ReachBudget | None = None,
    ) -> None:
        """``reach``: the job's budget for endpoints that do not answer (its own when the blob is the job)."""
        self.source = source
        self.destination = destination
        self.blob = blob
        self._report = report
        self._cancel = cancel
        self._settings = settings or TransferSettings()
        budget = reach or ReachBudget(self._settings.unreachable_seconds)
        self._src_reach = budget.side(source)
        self._dst_reach = budget.side(destination)
        self._url: str | None = None
        self._refreshes = 0

    # -- the whole blob ---------------------------------------------------------------------------------------

    def run(self) -> int:
        for restart in range(self._settings.restarts + 1):
            try:
                return self._attempt()
            except _Restart as again:
                if restart >= self._settings.restarts:
                    raise again.reason from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self) -> int:
        self._check()
        self._report(ItemState.DOWNLOADING, 0, self.blob.size, "")
        dst = self.destination
        upload = retrying(
            lambda: dst.service.start_layer_upload(dst.repository, dst.registry_id),
            attempts=self._settings.attempts,
            backoff=self._settings.backoff,
            cancel=self._cancel,
            reach=self._dst_reach,
        )
        part_size = part_size_for(self.blob.size, upload.part_size)
        parts: queue.Queue[_Part | _End | BaseException] = queue.Queue()
        slots = threading.Semaphore(PARTS_HELD)
        stop = threading.Event()
        downloader = threading.Thread(
            target=self._download,
            args=(part_size, parts, slots, stop),
            name=f"ecrtui-copy-get-{self.blob.digest[7:19]}",
            daemon=True,
        )
        downloader.start()
        try:
            accepted = self._upload(upload, parts, slots, stop)
        finally:
            stop.set()
            downloader.join(timeout=60)
        return accepted

    def _check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("The copy was cancelled")

    # -- downloading (its own thread) --------------------------------------------------------------------------

    def _fresh_url(self) -> str:
        src = self.source
        self._url = retrying(
            lambda: src.service.layer_download_url(src.repository, self.blob.digest, src.registry_id),
            attempts=self._settings.attempts,
            backoff=self._settings.backoff,
            cancel=self._cancel,
            reach=self._src_reach,
        )
        return self._url

    def _download(
        self,
        part_size: int,
        parts: queue.Queue[_Part | _End | BaseException],
        slots: threading.Semaphore,
        stop: threading.Event,
    ) -> None:
        try:
            total = self.blob.size
            offset = 0
            while total is None or offset < total:
                while not slots.acquire(timeout=0.2):
                    if stop.is_set() or self._cancel.is_set():
                        return
                if stop.is_set():
                    return
                end = offset + part_size - 1 if total is None else min(offset + part_size, total) - 1
                data, learned = self._fetch(offset, end, stop)
                if total is None:
                    total = learned if learned is not None else offset + len(data)
                    if learned is None and len(data) == part_size:  # no size from the server: keep going
                        total = None
                elif learned is not None and learned != total:
                    raise IntegrityError(
                        f"Blob {short_digest(self.blob.digest)} is {learned:,} bytes in storage; its descriptor "
                        f"says {total:,}",
                        operation="DownloadBlob",
                    )
                if not data:
                    slots.release()
                    break
                parts.put(_Part(offset, data))
                offset += len(data)
            parts.put(_End(offset))
        except BaseException as error:  # handed to the uploading thread, which raises it
            parts.put(error)

    def _fetch(self, start: int, end: int, stop: threading.Event) -> tuple[bytearray, int | None]:
        """Bytes ``start``..``end`` with retries: resume a broken body, replace an expired URL, back off."""
        received = bytearray()
        total: int | None = None
        failures = 0
        url = self._url or self._fresh_url()
        while start + len(received) <= end:
            if self._cancel.is_set() or stop.is_set():
                raise Cancelled("The copy was cancelled")
            try:
                data, known = self._src_reach.call(
                    partial(
                        self.source.service.download_range,
                        url,
                        self.blob.digest,
                        start + len(received),
                        end,
                        cancel=stop,
                    )
                )
            except IncompleteRange as broken:
                received += broken.data
                failures += 1
                if failures >= self._settings.attempts:
                    raise
                wait(self._settings.backoff.delay(failures), self._cancel)
                continue
            except AccessDenied:  # the URL expired (or the grant is gone): a fresh one, then resume
                self._refreshes += 1
                if self._refreshes > self._settings.url_refreshes:
                    raise
                url = self._fresh_url()
                continue
            except EndpointUnreachable:
                raise
            except (Throttled, NetworkError):
                failures += 1
                if failures >= self._settings.attempts:
                    raise
                wait(self._settings.backoff.delay(failures), self._cancel)
                continue
            if not received:
                received = data
            else:
                received += data
            if known is not None:
                total = known
                end = min(end, total - 1)
            if not data:
                break
        return received, total

    # -- uploading (the calling thread) ------------------------------------------------------------------------

    def _next_part(self, parts: queue.Queue[_Part | _End | BaseException]) -> _Part | _End:
        while True:
            try:
                item = parts.get(timeout=0.2)
            except queue.Empty:
                self._check()
                continue
            if isinstance(item, BaseException):
                raise item
            return item

    def _upload(
        self,
        upload: LayerUpload,
        parts: queue.Queue[_Part | _End | BaseException],
        slots: threading.Semaphore,
        stop: threading.Event,
    ) -> int:
        hasher = hashlib.sha256()
        accepted = 0
        while True:
            item = self._next_part(parts)
            if isinstance(item, _End):
                break
            if item.offset != accepted:  # cannot happen: parts arrive in order
                raise IntegrityError(f"part at byte {item.offset:,} arrived when {accepted:,} were sent")
            accepted = self._send(upload, item, hasher)
            del item
            slots.release()
            self._report(ItemState.UPLOADING, accepted, self.blob.size, "")
            self._check()
        self._report(ItemState.VERIFYING, accepted, self.blob.size, "")
        actual = "sha256:" + hasher.hexdigest()
        if self.blob.size is not None and accepted != self.blob.size:
            raise IntegrityError(
                f"{self.blob.label} {short_digest(self.blob.digest)}: {accepted:,} bytes read, the descriptor says "
                f"{self.blob.size:,}; not completed",
                operation="CompleteLayerUpload",
            )
        if actual != self.blob.digest:
            raise IntegrityError(
                f"{self.blob.label} {short_digest(self.blob.digest)}: the source's bytes hash to "
                f"{short_digest(actual)}; not completed, nothing was stored",
                operation="CompleteLayerUpload",
            )
        dst = self.destination
        try:
            retrying(
                lambda: dst.service.complete_layer_upload(
                    dst.repository, upload.upload_id, self.blob.digest, dst.registry_id
                ),
                attempts=self._settings.attempts,
                backoff=self._settings.backoff,
                cancel=self._cancel,
                reach=self._dst_reach,
            )
        except NotFound as lost:
            if lost.code == "UploadNotFoundException":
                raise _Restart(lost) from None
            raise
        except InvalidInput as refused:
            if refused.code == "InvalidLayerException":
                raise IntegrityError(
                    str(refused), operation="CompleteLayerUpload", code=refused.code
                ) from None
            raise
        return accepted

    def _send(self, upload: LayerUpload, part: _Part, hasher: hashlib._Hash) -> int:
        """Upload one part; return the bytes the destination now holds. ``hasher`` sees exactly those bytes."""
        dst = self.destination
        data = part.data
        sent = 0  # bytes of this part the destination holds
        failures = 0
        while sent < len(data):
            first = part.offset + sent
            chunk = data if sent == 0 else data[sent:]
            try:
                last = self._dst_reach.call(
                    partial(
                        dst.service.upload_layer_part,
                        dst.repository,
                        upload.upload_id,
                        first,
                        chunk,
                        dst.registry_id,
                    )
                )
            except PartRejected as rejected:
                # e.g. a retried request whose first attempt had landed: trust what the destination holds
                holds = rejected.last_valid_byte + 1
                if not part.offset + sent <= holds <= part.offset + len(data):
                    raise _Restart(rejected) from None
                failures += 1
                if failures >= self._settings.attempts:
                    raise
                last = holds - 1
            except NotFound as lost:
                if lost.code == "UploadNotFoundException":
                    raise _Restart(lost) from None
                raise
            except EndpointUnreachable:
                raise
            except (Throttled, NetworkError):
                failures += 1
                if failures >= self._settings.attempts:
                    raise
                wait(self._settings.backoff.delay(failures), self._cancel)
                continue
            now = last + 1 - part.offset
            if now < sent:
                raise _Restart(IntegrityError("the destination reports fewer bytes than it had accepted"))
            hasher.update(memoryview(data)[sent:now])
            sent = now
        return part.offset + sent
