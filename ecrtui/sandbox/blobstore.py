"""Content-addressed blob bytes, shared by every repository of the sandbox.

moto throws layer bytes away at ``CompleteLayerUpload``; the sandbox keeps them so copies can be verified end to
end. Which repository holds which digest stays in moto's ``Repository.layers`` (digest -> size); the bytes live here
once, whatever the number of repositories that hold them. Small blobs stay in memory, large ones spill to a temp
directory so memory stays bounded, and reads are streamed in chunks.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_SIZE = 64 * 1024
SPILL_THRESHOLD = 1024 * 1024


def sha256_digest(data: bytes) -> str:
    """The OCI digest string of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class _Blob:
    size: int
    data: bytes | None = None
    path: Path | None = None


@dataclass(slots=True)
class UploadBuffer:
    """The bytes of one in-progress layer upload, hashed as they arrive."""

    path: Path
    size: int = 0
    part_sizes: list[int] = field(default_factory=list)
    hasher: hashlib._Hash = field(default_factory=hashlib.sha256)

    def append(self, data: bytes) -> None:
        with self.path.open("ab") as fh:
            fh.write(data)
        self.hasher.update(data)
        self.size += len(data)
        self.part_sizes.append(len(data))

    @property
    def digest(self) -> str:
        return "sha256:" + self.hasher.hexdigest()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class BlobStore:
    """Thread-safe map from digest to bytes (in memory or in a spill file)."""

    def __init__(self, spill_threshold: int = SPILL_THRESHOLD) -> None:
        self._spill_threshold = spill_threshold
        self._blobs: dict[str, _Blob] = {}
        self._lock = threading.Lock()
        self._dir: Path | None = None

    def _directory(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="ecrtui-sandbox-blobs-"))
            atexit.register(self.close)  # also when the owner never calls stop()
        return self._dir

    def put(self, data: bytes, digest: str | None = None) -> str:
        """Store ``data``; return its digest. Storing the same bytes twice keeps one copy.

        ``digest`` may be passed by a caller that already computed it (the seeders), to avoid hashing twice.
        """
        digest = digest or sha256_digest(data)
        with self._lock:
            if digest in self._blobs:
                return digest
            if len(data) > self._spill_threshold:
                path = self._directory() / digest.replace(":", "-")
                path.write_bytes(data)
                self._blobs[digest] = _Blob(len(data), path=path)
            else:
                self._blobs[digest] = _Blob(len(data), data=bytes(data))
        return digest

    def put_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store bytes that arrive in chunks (a huge generated layer) without holding them; return digest and size."""
        upload = self.new_upload()
        with upload.path.open("ab") as fh:
            for chunk in chunks:
                fh.write(chunk)
                upload.hasher.update(chunk)
                upload.size += len(chunk)
        upload.part_sizes.append(upload.size)
        return self.adopt_upload(upload), upload.size

    def new_upload(self) -> UploadBuffer:
        """A spill file for an upload; parts are appended to it as they arrive."""
        with self._lock:
            fd, name = tempfile.mkstemp(prefix="upload-", dir=self._directory())
        os.close(fd)
        return UploadBuffer(Path(name))

    def adopt_upload(self, upload: UploadBuffer) -> str:
        """Move a finished upload into the store under its digest."""
        digest = upload.digest
        with self._lock:
            if digest in self._blobs:
                upload.discard()
                return digest
            if upload.size > self._spill_threshold:
                path = self._directory() / digest.replace(":", "-")
                upload.path.replace(path)
                self._blobs[digest] = _Blob(upload.size, path=path)
            else:
                self._blobs[digest] = _Blob(upload.size, data=upload.path.read_bytes())
                upload.discard()
        return digest

    def size(self, digest: str) -> int | None:
        """The blob's size, or None when the sandbox has never stored it."""
        blob = self._blobs.get(digest)
        return None if blob is None else blob.size

    def read(self, digest: str) -> bytes:
        """The whole blob (for small blobs such as configs); KeyError if unknown."""
        return b"".join(self.iter_range(digest, 0, self._blobs[digest].size))

    def iter_range(self, digest: str, start: int, end: int) -> Iterator[bytes]:
        """Yield bytes ``start`` .. ``end - 1`` in chunks; KeyError if unknown."""
        blob = self._blobs[digest]
        if blob.data is not None:
            for offset in range(start, end, CHUNK_SIZE):
                yield blob.data[offset : min(offset + CHUNK_SIZE, end)]
            return
        assert blob.path is not None
        with blob.path.open("rb") as fh:
            fh.seek(start)
            remaining = end - start
            while remaining > 0:
                chunk = fh.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    def close(self) -> None:
        """Forget every blob and delete the spill directory."""
        with self._lock:
            self._blobs.clear()
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None
