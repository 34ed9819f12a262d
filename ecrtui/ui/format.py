"""Human-readable formatting for the UI: sizes, times, digests, counts.

Pure functions with no Textual import, so the panes, the inspector and the tests share one wording. Sizes are
decimal (1 MB = 1,000,000 bytes) because the AWS console and the ECR API's ``imageSizeInBytes`` users compare
against it use decimal units. Relative times take ``now`` explicitly: the app injects a clock and the tests pin it.
"""

from __future__ import annotations

from datetime import UTC, datetime

_SIZE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")
_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_MONTH = 30 * _DAY
_YEAR = 365 * _DAY
SHORT_DIGEST_HEX = 12
"""How many hex characters of a digest the lists show (as ``docker images`` does)."""


def human_size(size_bytes: int | None) -> str:
    """A decimal size such as ``12.3 MB``; ``-`` when unknown.

    Three significant figures at most, so columns stay narrow: ``999 B``, ``1.5 kB``, ``12.3 MB``, ``123 MB``.
    """
    if size_bytes is None or size_bytes < 0:
        return "-"
    if size_bytes < 1000:
        return f"{size_bytes} B"
    value = float(size_bytes)
    for unit in _SIZE_UNITS[1:]:
        value /= 1000
        if value < 999.5 or unit == _SIZE_UNITS[-1]:
            # Thresholds account for rounding, so 9.996 shows as "10.0", not "10.00".
            if value < 9.995:
                return f"{value:.2f} {unit}"
            if value < 99.95:
                return f"{value:.1f} {unit}"
            return f"{value:.0f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def relative_time(when: datetime | None, now: datetime) -> str:
    """``3 days ago``, ``just now``; ``never`` when unknown; ``in the future`` when clocks disagree.

    Naive datetimes are taken as UTC, because ECR returns aware ones and the seed data is UTC.
    """
    if when is None:
        return "never"
    seconds = (_as_utc(now) - _as_utc(when)).total_seconds()
    if seconds < -_MINUTE:
        return "in the future"
    if seconds < _MINUTE:
        return "just now"
    for size, unit in (
        (_YEAR, "year"),
        (_MONTH, "month"),
        (_DAY, "day"),
        (_HOUR, "hour"),
        (_MINUTE, "minute"),
    ):
        if seconds >= size:
            return f"{_plural(int(seconds // size), unit)} ago"
    raise AssertionError("unreachable")  # pragma: no cover


def exact_time(when: datetime | None) -> str:
    """An unambiguous UTC timestamp, ``2026-05-29T08:30:00Z``; ``-`` when unknown."""
    if when is None:
        return "-"
    return _as_utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def short_digest(digest: str) -> str:
    """``sha256:`` plus the first 12 hex characters; other strings unchanged."""
    algorithm, sep, hex_part = digest.partition(":")
    if not sep:
        return digest
    return f"{algorithm}:{hex_part[:SHORT_DIGEST_HEX]}"


def count(value: int) -> str:
    """A count with thousands separators: ``100,000``."""
    return f"{value:,}"


def _as_utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
