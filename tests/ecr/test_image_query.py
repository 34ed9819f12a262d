"""``parse_image_query``: a short digest is kept apart for the listing to expand; full references are validated
exactly as ``parse_reference`` does, which still refuses a short digest (ECR's calls take full ones only)."""

from __future__ import annotations

import pytest

from ecrtui.ecr.refs import InvalidReference, RegistryRef, check_digest, parse_image_query, parse_reference

FULL = "sha256:" + "2aa4292d4348" + "0" * 52
HOME = RegistryRef("111111111111", "us-east-1")


@pytest.mark.parametrize(
    ("text", "name", "tag", "prefix"),
    [
        ("web/api@sha256:2aa4292d4348", "web/api", None, "sha256:2aa4292d4348"),
        ("web/api@sha256:2aa4292d", "web/api", None, "sha256:2aa4292d"),
        ("web/api:v1@sha256:2aa4292d", "web/api", "v1", "sha256:2aa4292d"),
        (
            "111111111111.dkr.ecr.us-east-1.amazonaws.com/web/api@sha256:2aa4292d4348",
            "web/api",
            None,
            "sha256:2aa4292d4348",
        ),
    ],
)
def test_a_short_digest_is_kept_apart(text: str, name: str, tag: str | None, prefix: str) -> None:
    query = parse_image_query(text, HOME)
    assert (query.ref.name, query.ref.tag, query.ref.digest, query.digest_prefix) == (name, tag, None, prefix)
    assert query.ref.registry == HOME


def test_a_full_digest_is_a_plain_reference() -> None:
    query = parse_image_query(f"web/api@{FULL}", HOME)
    assert query.digest_prefix is None
    assert query.ref == parse_reference(f"web/api@{FULL}", HOME)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("web/api@sha256:2aa4292", "too short: give at least 8 hex digits"),
        ("web/api@sha256:", r"followed by 64 hex digits \(has 0\)"),
        ("web/api@sha256:2AA4292D4348", "followed by 64 hex digits"),
        ("web/api@sha512:2aa4292d4348", "sha512' is not supported"),
        (f"web/api@{FULL}0", r"followed by 64 hex digits \(has 65\)"),
        ("Web/api@sha256:2aa4292d4348", "uppercase"),
    ],
)
def test_bad_digests_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidReference, match=message):
        parse_image_query(text)


def test_full_references_still_refuse_a_short_digest() -> None:
    with pytest.raises(InvalidReference, match="64 hex digits"):
        parse_reference("web/api@sha256:2aa4292d4348")
    with pytest.raises(InvalidReference, match="64 hex digits"):
        check_digest("sha256:2aa4292d4348")
