"""Wait on a condition with a deadline (never on time): for work a server finishes in the background."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEADLINE_SECONDS = 60.0
"""Generous: the machine is shared; a condition that holds returns at once whatever the deadline."""


def wait_until(probe: Callable[[], T | None], what: str, *, deadline: float = DEADLINE_SECONDS) -> T:
    """Call ``probe`` until it returns something truthy and return that; fail naming ``what`` at the deadline."""
    ends = time.monotonic() + deadline
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < ends, f"timed out waiting for {what}"
        time.sleep(0.02)  # polling interval between probes, not a timing assumption
