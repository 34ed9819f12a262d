"""Strict JSON loading for manifests and configs, and the one error type their parsers raise.

Registry documents are content-addressed and some are signed, so anything that lets two readers see different
content (duplicate keys, NaN, invalid UTF-8) is refused rather than guessed at.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

_GZIP_MAGIC = b"\x1f\x8b"


def quoted(value: object, limit: int = 80) -> str:
    """`repr` of a document value, shortened so a hostile document cannot flood a message line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 14]}...{text[-11:]}"


class ManifestError(ValueError):
    """A document is not a manifest, index or image config ecrtui can read; `str()` is one line."""


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load_json_object(data: bytes, what: str) -> dict[str, Any]:
    """Decode `data` as one JSON object, raising ManifestError that says what is wrong with it.

    `what` names the expected document ("manifest", "image config") for the message.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ManifestError(f"{what} must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    if not raw.strip():
        raise ManifestError(f"{what} is empty")
    if raw.startswith(_GZIP_MAGIC):
        raise ManifestError(f"{what} is gzip-compressed data, not JSON")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{what} is binary data, not JSON text (not UTF-8 at byte {exc.start})") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except _DuplicateKeyError as exc:
        raise ManifestError(
            f"{what} has the JSON key {quoted(exc.key)} twice; readers disagree on which value wins, so it is refused"
        ) from None
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ManifestError(f"{what} is not valid JSON: {exc}") from None
    if isinstance(doc, list):
        hint = ""
        if doc and isinstance(doc[0], dict) and "RepoTags" in doc[0]:
            hint = " (this is the manifest.json of a `docker save` tarball, not a registry manifest)"
        raise ManifestError(f"{what} is a JSON array, expected an object{hint}")
    if not isinstance(doc, dict):
        raise ManifestError(f"{what} is a JSON {type(doc).__name__}, expected an object")
    return doc


PARSE_FIELDS = frozenset({"raw", "digest", "media_type", "warnings"})
"""Fields the parsers fill in themselves; same-named JSON keys must not reach validation (they stay in `.raw`)."""


def document_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` without keys that would collide with the parser-filled fields."""
    if PARSE_FIELDS.isdisjoint(doc):
        return doc
    return {key: value for key, value in doc.items() if key not in PARSE_FIELDS}


def validation_message(exc: ValidationError, what: str) -> str:
    """Turn pydantic's multi-line report into one line naming the first offending field."""
    errors = exc.errors(include_url=False)
    if not errors:
        return f"{what} is malformed"
    first = errors[0]
    loc = ".".join(str(part) for part in first["loc"]) or "document"
    msg = str(first["msg"]).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{what}: {loc}: {msg}{more}"
