"""A job's numbers as a person reads them: amounts, rates and times left, the same in the CLI and the app.

Sizes are decimal (``2.6 MB``), as the AWS console shows them and as the rest of ecrtui does; counts of images or
destinations are plain ``19/45``. Empty strings for what is not known yet, so a column stays blank, never "None".
"""

from __future__ import annotations

import humanize

__all__ = ["format_amount", "format_eta", "format_rate"]


def format_rate(rate: float | None, unit: str, *, named: bool = True) -> str:
    """``12.3 MB/s`` for bytes, ``4.0 images/s`` otherwise (``4.0/s`` unless ``named``: where the amount beside it
    names the unit already); empty when unknown."""
    if rate is None:
        return ""
    if unit == "bytes":
        return f"{humanize.naturalsize(rate)}/s"
    return f"{rate:.1f} {unit}/s" if named else f"{rate:.1f}/s"


def format_eta(seconds: float | None) -> str:
    """``1:05`` (minutes:seconds), ``1:02:03`` past an hour; empty when unknown."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


_DECIMAL_UNITS = (("B", 1), ("kB", 10**3), ("MB", 10**6), ("GB", 10**9), ("TB", 10**12))


def format_amount(done: int, total: int, unit: str) -> str:
    """``1.2/2.6 MB`` for bytes (both in the total's unit), ``19/45`` for counts; just the amount done when the
    total is unknown (0)."""
    if unit != "bytes":
        return f"{done}/{total}" if total else str(done)
    largest = max(done, total)
    name, size = next(((n, s) for n, s in _DECIMAL_UNITS if largest < s * 1000), _DECIMAL_UNITS[-1])
    if size == 1:
        return f"{done}/{total} B" if total else f"{done} B"
    return f"{done / size:.1f}/{total / size:.1f} {name}" if total else f"{done / size:.1f} {name}"
