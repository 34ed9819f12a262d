"""Unit tests of the human-readable formatting helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ecrtui.ui.format import count, exact_time, human_size, relative_time, short_digest

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (None, "-"),
        (-1, "-"),
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1 kB"),
        (1536, "1.54 kB"),
        (12_345_678, "12.3 MB"),
        (123_456_789, "123 MB"),
        (999_500, "1 MB"),
        (999_999_999, "1 GB"),
        (9_996, "10 kB"),
        (99_960, "100 kB"),
        (2 * 10**18, "2 EB"),
    ],
)
def test_human_size_is_decimal_with_three_figures(size: int | None, text: str) -> None:
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=0), "now"),
        (timedelta(seconds=59), "59 seconds ago"),
        (timedelta(seconds=-30), "30 seconds from now"),
        (timedelta(minutes=1), "a minute ago"),
        (timedelta(minutes=5, seconds=29), "5 minutes ago"),
        (timedelta(hours=1), "an hour ago"),
        (timedelta(days=3, hours=23), "3 days ago"),
        (timedelta(days=16), "16 days ago"),
        (timedelta(days=30), "30 days ago"),
        (timedelta(days=59), "59 days ago"),
        (timedelta(days=61), "2 months ago"),
        (timedelta(days=70), "2 months ago"),
        (timedelta(days=400), "a year ago"),
        (timedelta(days=800), "2 years ago"),
        (timedelta(minutes=-5), "5 minutes from now"),
    ],
)
def test_relative_time_uses_the_injected_now(delta: timedelta, text: str) -> None:
    assert relative_time(NOW - delta, NOW) == text


def test_relative_time_handles_unknown_naive_and_other_zones() -> None:
    assert relative_time(None, NOW) == "never"
    assert relative_time(datetime(2026, 6, 1, 11, 0, 0), NOW) == "an hour ago"
    plus_two = timezone(timedelta(hours=2))
    assert relative_time(datetime(2026, 6, 1, 13, 0, 0, tzinfo=plus_two), NOW) == "an hour ago"


def test_exact_time_is_utc_iso() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert exact_time(datetime(2026, 6, 1, 14, 30, 5, tzinfo=plus_two)) == "2026-06-01T12:30:05Z"
    assert exact_time(None) == "-"


def test_short_digest_keeps_algorithm_and_twelve_hex() -> None:
    digest = "sha256:" + "0123456789abcdef" * 4
    assert short_digest(digest) == "sha256:0123456789ab"
    assert short_digest("not-a-digest") == "not-a-digest"


def test_count_has_thousands_separators() -> None:
    assert count(100_000) == "100,000"
    assert count(7) == "7"
