"""Human-readable formatting for the UI: sizes, times, digests, counts.

Sizes and relative times come from ``humanize``; the rest are one-liners. Pure functions with no Textual import,
so the panes, the inspector and the tests share one wording. Sizes are decimal (1 MB = 1,000,000 bytes) because
the AWS console and the ECR API's ``imageSizeInBytes`` users compare against it use decimal units. Relative times
take ``now`` explicitly: the app injects a clock and the tests pin it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import humanize

if TYPE_CHECKING:
    from ecrtui.ecr.models import ImageSummary, Repository

SHORT_DIGEST_HEX = 12
"""How many hex characters of a digest the lists show (as ``docker images`` does)."""
_YEAR = timedelta(days=365)


def human_size(size_bytes: int | None) -> str:
    """A decimal size with three significant figures (``1.54 kB``, ``12.3 MB``, ``123 MB``); ``-`` when unknown.

    Below 1 kB it is ``999 B`` rather than humanize's ``999 Bytes``, which would not fit the Size columns.
    """
    if size_bytes is None or size_bytes < 0:
        return "-"
    if size_bytes < 1000:
        return f"{size_bytes} B"
    return humanize.naturalsize(size_bytes, format="%.3g")


_DAYS_BEFORE_MONTHS = timedelta(days=60)
"""Below this, relative times count days."""


def relative_time(when: datetime | None, now: datetime) -> str:
    """``3 days ago``, ``an hour ago``, ``now``; ``never`` when unknown; ``… from now`` when clocks disagree.

    Days are counted up to two months (humanize alone calls 16 days "a month", too vague for builds pushed
    weeks apart), then months; beyond a year only whole years are said (``a year ago``, not ``1 year, 11 months
    ago``): the lists have narrow columns and the inspector shows the exact time next to it. Naive datetimes are
    taken as UTC, because ECR returns aware ones and the seed data is UTC.
    """
    if when is None:
        return "never"
    delta = _as_utc(now) - _as_utc(when)
    if delta >= _YEAR:
        delta = _YEAR * (delta // _YEAR)
    return humanize.naturaltime(delta, months=abs(delta) >= _DAYS_BEFORE_MONTHS)


def image_uri(repository: Repository, summary: ImageSummary, *, digest_form: bool) -> str:
    """``URI:tag`` (first tag) or ``URI@sha256:…``; untagged images only have the digest form."""
    if not digest_form and summary.tags:
        return f"{repository.uri}:{summary.tags[0]}"
    return f"{repository.uri}@{summary.digest}"


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
