"""The distribution API's URL space: which endpoint a path names, with its repository name and reference."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Endpoint(Enum):
    PING = "ping"
    MANIFEST = "manifest"
    BLOB = "blob"
    UPLOADS = "uploads"
    """``/v2/NAME/blobs/uploads/``: start an upload (or mount)."""
    UPLOAD = "upload"
    """``/v2/NAME/blobs/uploads/ID``: one upload session."""
    TAGS = "tags"
    REFERRERS = "referrers"
    CATALOG = "catalog"


# OCI distribution spec: path components of lowercase alphanumerics joined by '.', '_', '__' or runs of '-'.
_NAME = r"(?P<name>[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*)"
_REFERENCE = r"(?P<reference>[A-Za-z0-9_][A-Za-z0-9._-]{0,299}|[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+)"
_DIGEST = r"(?P<reference>[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+)"
_ROUTES: tuple[tuple[Endpoint, re.Pattern[str]], ...] = (
    (Endpoint.PING, re.compile(r"^/v2/?$")),
    (Endpoint.CATALOG, re.compile(r"^/v2/_catalog$")),
    (Endpoint.UPLOADS, re.compile(rf"^/v2/{_NAME}/blobs/uploads/?$")),
    (Endpoint.UPLOAD, re.compile(rf"^/v2/{_NAME}/blobs/uploads/(?P<reference>[A-Za-z0-9-]+)$")),
    (Endpoint.MANIFEST, re.compile(rf"^/v2/{_NAME}/manifests/{_REFERENCE}$")),
    (Endpoint.BLOB, re.compile(rf"^/v2/{_NAME}/blobs/{_DIGEST}$")),
    (Endpoint.TAGS, re.compile(rf"^/v2/{_NAME}/tags/list$")),
    (Endpoint.REFERRERS, re.compile(rf"^/v2/{_NAME}/referrers/{_DIGEST}$")),
)


@dataclass(frozen=True, slots=True)
class Route:
    endpoint: Endpoint
    name: str = ""
    reference: str = ""


def route(path: str) -> Route | None:
    """The endpoint ``path`` names, or None for a path outside the API (answered 404 ``NAME_INVALID``)."""
    for endpoint, pattern in _ROUTES:
        match = pattern.match(path)
        if match:
            groups = match.groupdict()
            return Route(endpoint, groups.get("name") or "", groups.get("reference") or "")
    return None


def is_digest(reference: str) -> bool:
    return ":" in reference
