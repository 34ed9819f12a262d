"""How failures read: a title by kind, one line, a copyable log entry (pure functions, no app)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ecrtui.ecr import errors
from ecrtui.ui.error_report import is_expected, make_entry, one_line, title_for

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("error", "title"),
    [
        (errors.AccessDenied("no"), "Access denied"),
        (errors.NotFound("gone"), "Not found"),
        (errors.Throttled("slow down"), "Throttled"),
        (errors.CredentialsError("expired"), "Credentials problem"),
        (errors.NetworkError("refused"), "Network problem"),
        (errors.ReadOnlyError("read-only mode"), "Read-only mode"),
        (errors.ConfigurationError("no region"), "Configuration problem"),
        (RuntimeError("bug"), "Unexpected error"),
    ],
)
def test_titles_by_kind(error: BaseException, title: str) -> None:
    assert title_for(error) == title


def test_expected_entry_keeps_request_id_and_operation_once() -> None:
    error = errors.NotFound(
        "The repository 'x' does not exist",
        operation="DescribeImages",
        request_id="req-123",
        code="RepositoryNotFoundException",
    )
    entry = make_entry(error, "listing images of x", NOW)
    assert is_expected(error)
    assert (entry.title, entry.message, entry.request_id) == (
        "Not found",
        "The repository 'x' does not exist",
        "req-123",
    )
    text = entry.as_text()
    assert text.count("req-123") == 1
    assert "Operation: DescribeImages" in text
    assert "while: listing images of x" in text
    assert "Traceback" not in text


def test_unexpected_entry_keeps_the_traceback_for_the_log_only() -> None:
    try:
        {}["missing"]
    except KeyError as error:
        entry = make_entry(error, "background task", NOW)
    assert entry.title == "Unexpected error"
    assert entry.message == "'missing'"
    assert "Traceback" in entry.detail
    assert "\n" not in entry.message


def test_one_line_never_spans_lines() -> None:
    assert one_line(ValueError("first\nsecond")) == "first"
    assert one_line(ValueError("")) == "ValueError"


def test_data_layer_redacts_before_the_log_sees_it() -> None:
    url = "https://bucket.s3.amazonaws.com/layer?X-Amz-Signature=abc&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP"
    entry = make_entry(errors.NetworkError(f"GET {url} failed"), "download", NOW)
    assert "X-Amz-Signature=abc" not in entry.as_text()
    assert "AKIAABCDEFGHIJKLMNOP" not in entry.as_text()
