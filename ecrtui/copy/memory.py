"""Keep a copy's part buffers out of the malloc heap, so a 200 MiB layer peaks like a 20 MiB one.

Every part of a layer passes through a few buffers of its size (the download, its base64 copy, the JSON body). glibc
serves allocations that large with mmap and returns them on free, but after the first such free it raises its mmap
threshold to that size, so later parts come from the heap, which fragments and does not shrink: the peak grows with
the number of parts. Fixing the threshold (``mallopt(M_MMAP_THRESHOLD)``) keeps it from moving. A process-wide
setting, so the process that runs copies decides (``ecrtui copy`` does); a no-op where there is no glibc. The app
does not: its copy peak does not grow with the layer size under the default threshold (``bench/bench_app_copy.py``,
numbers in README), and the setting would change every large allocation of its listings too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["MMAP_THRESHOLD", "keep_large_buffers_off_the_heap"]

M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter number."""
MMAP_THRESHOLD = 1024 * 1024
"""Allocations from 1 MiB up (parts are 5-20 MiB) are mapped and unmapped, never kept in the heap."""


def keep_large_buffers_off_the_heap() -> bool:
    """Fix glibc's mmap threshold at 1 MiB; True when it was set (Linux with glibc), False otherwise."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
