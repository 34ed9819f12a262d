"""Content-addressed storage for the cache: a size-capped memory LRU and an optional size-capped disk store.

Content named by its digest never goes stale, so it never expires; it is only evicted for space. What comes off
disk is hashed again before use (a corrupt or tampered file is dropped, not trusted). Disk problems (read-only
home, full disk) make the disk store a no-op rather than an error: a cache is an optimisation.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Generic, TypeVar

import platformdirs

__all__ = ["DiskStore", "MemoryLru", "default_cache_dir"]

_log = logging.getLogger(__name__)
_SHA256 = re.compile(r"^sha256:[a-f0-9]{64}$")

V = TypeVar("V")


def default_cache_dir() -> Path:
    """``platformdirs.user_cache_dir("ecrtui")``: where the app keeps manifests and configs between runs."""
    return Path(platformdirs.user_cache_dir("ecrtui"))


class MemoryLru(Generic[V]):
    """A thread-safe LRU keyed by digest, capped by the byte size the caller assigns each value."""

    def __init__(self, cap_bytes: int) -> None:
        self.cap_bytes = cap_bytes
        self._items: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value: V, size: int) -> None:
        if size > self.cap_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.cap_bytes and self._items:
                _, (_, evicted) = self._items.popitem(last=False)
                self._size -= evicted

    def discard(self, key: str) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._size


class DiskStore:
    """Files named by sha256 digest under ``root/kind/``, least recently used evicted past ``cap_bytes``.

    Each file holds a one-line header (a media type, may be empty) and then the exact bytes.
    """

    def __init__(self, root: Path, cap_bytes: int) -> None:
        self.root = root
        self.cap_bytes = cap_bytes
        self._lock = threading.Lock()
        self._size: int | None = None

    def _path(self, kind: str, digest: str) -> Path | None:
        if not _SHA256.match(digest):
            return None
        return self.root / kind / digest.removeprefix("sha256:")

    def get(self, kind: str, digest: str) -> tuple[str, bytes] | None:
        """``(media_type, data)`` if stored and intact."""
        path = self._path(kind, digest)
        if path is None:
            return None
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        header, sep, data = blob.partition(b"\n")
        if not sep or "sha256:" + hashlib.sha256(data).hexdigest() != digest:
            _log.debug("dropping corrupt cache file for %s", digest)
            self._remove(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # mark as recently used
        return header.decode("utf-8", "replace"), data

    def put(self, kind: str, digest: str, data: bytes, media_type: str = "") -> None:
        """Store ``data`` (already verified by the caller) unless it alone exceeds the cap."""
        path = self._path(kind, digest)
        if path is None or "\n" in media_type:
            return
        payload = media_type.encode("utf-8") + b"\n" + data
        if len(payload) > self.cap_bytes:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                return
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.replace(tmp, path)
            except OSError:
                self._remove(Path(tmp))  # a full disk must not leave half-written files behind
                raise
        except OSError as exc:
            _log.debug("disk cache write failed: %s", type(exc).__name__)
            return
        with self._lock:
            self._size = self._scan_size() if self._size is None else self._size + len(payload)
            if self._size > self.cap_bytes:
                self._evict()

    def discard(self, kind: str, digest: str) -> None:
        path = self._path(kind, digest)
        if path is not None:
            with self._lock:
                self._remove(path)
                self._size = None

    @property
    def size_bytes(self) -> int:
        with self._lock:
            if self._size is None:
                self._size = self._scan_size()
            return self._size

    def _files(self) -> list[os.DirEntry[str]]:
        entries: list[os.DirEntry[str]] = []
        if not self.root.is_dir():
            return entries
        for kind in os.scandir(self.root):
            if kind.is_dir():
                entries.extend(e for e in os.scandir(kind.path) if e.is_file() and not e.name.startswith("."))
        return entries

    def _scan_size(self) -> int:
        try:
            return sum(e.stat().st_size for e in self._files())
        except OSError:
            return 0

    def _evict(self) -> None:
        try:
            files = sorted(((e.stat(), e.path) for e in self._files()), key=lambda f: f[0].st_mtime)
        except OSError:
            self._size = None
            return
        target = self.cap_bytes * 9 // 10  # evict a little extra so every write does not rescan
        size = sum(st.st_size for st, _ in files)
        for st, path in files:
            if size <= target:
                break
            size -= st.st_size
            self._remove(Path(path))
        self._size = size

    @staticmethod
    def _remove(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()
