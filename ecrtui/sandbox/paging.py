"""ECR-style pagination: ``maxResults`` (1-1000, default 100) and an opaque ``nextToken``.

The token names the position and the key of the next item, so a page costs O(page) on an unchanged listing and
still resumes at the right item when the listing changed between pages. A token that does not decode, or that
belongs to another call, is refused with ``InvalidParameterException`` as ECR does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from ecrtui.sandbox.errors import InvalidParameterException

T = TypeVar("T")

DEFAULT_PAGE = 100
MAX_PAGE = 1000


def page_size(max_results: object) -> int:
    """Validate ``maxResults`` as ECR does."""
    if max_results is None:
        return DEFAULT_PAGE
    if not isinstance(max_results, int) or isinstance(max_results, bool) or not 1 <= max_results <= MAX_PAGE:
        raise InvalidParameterException(
            f"Invalid parameter at 'maxResults' failed to satisfy constraint: "
            f"'Member must have value between 1 and {MAX_PAGE}' (got {max_results!r})"
        )
    return max_results


def encode_token(scope: str, offset: int, key: str) -> str:
    raw = json.dumps({"s": scope, "o": offset, "k": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, scope: str) -> tuple[int, str]:
    bad = InvalidParameterException(
        "Invalid parameter at 'nextToken' failed to satisfy constraint: 'invalid token'"
    )
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeError):
        raise bad from None
    if not isinstance(data, dict) or data.get("s") != scope:
        raise bad
    offset, key = data.get("o"), data.get("k")
    if not isinstance(offset, int) or offset < 0 or not isinstance(key, str):
        raise bad
    return offset, key


def paginate(
    items: Sequence[T],
    key_of: Callable[[T], str],
    scope: str,
    max_results: object,
    next_token: object,
) -> tuple[Sequence[T], str | None]:
    """One page of ``items`` and the token of the next page (None on the last page)."""
    size = page_size(max_results)
    start = 0
    if next_token is not None:
        if not isinstance(next_token, str) or not next_token:
            raise InvalidParameterException("Invalid parameter at 'nextToken': empty token")
        offset, key = _decode_token(next_token, scope)
        if offset < len(items) and key_of(items[offset]) == key:
            start = offset
        else:
            found = next((i for i, item in enumerate(items) if key_of(item) == key), None)
            start = found if found is not None else min(offset, len(items))
    end = min(start + size, len(items))
    page = items[start:end]
    token = encode_token(scope, end, key_of(items[end])) if end < len(items) else None
    return page, token
