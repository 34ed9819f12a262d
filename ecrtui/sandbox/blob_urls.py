"""Presigned layer URLs: what ``GetDownloadUrlForLayer`` returns and what the blob route accepts.

Like an S3 presigned URL, the URL carries an expiry time and an HMAC over what it grants, never the caller's
credentials. The key is random per sandbox start, so URLs from an earlier run stop working.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode

BLOB_PATH_PREFIX = "/_sandbox/blobs/"


@dataclass(frozen=True, slots=True)
class BlobGrant:
    """One repository's blob, as named by a signed URL."""

    account_id: str
    region: str
    repository: str
    digest: str
    expires: int


class BadSignature(Exception):
    """The URL was altered or was not made by this sandbox."""


class Expired(Exception):
    """The URL's lifetime has passed."""


def _signature(key: bytes, grant: BlobGrant) -> str:
    message = "\n".join(
        [grant.account_id, grant.region, grant.repository, grant.digest, str(grant.expires)]
    ).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign_url(base_url: str, key: bytes, grant: BlobGrant) -> str:
    """``base_url`` (scheme and host) plus a path naming the blob and a query with expiry and signature."""
    query = urlencode(
        {
            "repository": grant.repository,
            "X-Sandbox-Expires": str(grant.expires),
            "X-Sandbox-Signature": _signature(key, grant),
        }
    )
    path = f"{BLOB_PATH_PREFIX}{grant.account_id}/{grant.region}/{quote(grant.digest, safe=':')}"
    return f"{base_url.rstrip('/')}{path}?{query}"


def verify(path: str, query_string: str, key: bytes, now: float) -> BlobGrant:
    """The grant a request path and query name; ``BadSignature`` or ``Expired`` when it is not honoured."""
    parts = path[len(BLOB_PATH_PREFIX) :].split("/")
    query = parse_qs(query_string, keep_blank_values=True)
    try:
        account_id, region, digest = parts
        repository = query["repository"][0]
        expires = int(query["X-Sandbox-Expires"][0])
        signature = query["X-Sandbox-Signature"][0]
    except (ValueError, KeyError, IndexError):
        raise BadSignature("malformed blob URL") from None
    grant = BlobGrant(account_id, region, repository, digest, expires)
    if not hmac.compare_digest(signature, _signature(key, grant)):
        raise BadSignature("signature does not match")
    if now > expires:
        raise Expired("request has expired")
    return grant
