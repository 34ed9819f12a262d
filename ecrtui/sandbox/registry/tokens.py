"""Registry passwords: what ``GetAuthorizationToken`` hands out and what the registry servers accept.

An ECR token is ``base64("AWS:" + password)``; the password is opaque to clients and carries who asked, for which
region, until when. Here it is a base64 JSON envelope like ECR's (``payload``, ``version``, ``expiration``) whose
payload is signed with a key that is random per sandbox start, so a token cannot be forged or altered, and tokens
from an earlier run stop working. No moto import here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

USERNAME = "AWS"
VERSION = "sandbox-1"


class InvalidToken(Exception):
    """The password was not made by this sandbox, or was altered."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a registry password proves: the caller's account, the region it was issued in, and its expiry."""

    account_id: str
    region: str
    expires: int
    """Unix seconds."""


def derive_key(sandbox_key: bytes) -> bytes:
    """The token signing key, derived from the sandbox's per-start secret (distinct from the blob URL key)."""
    return hmac.new(sandbox_key, b"ecrtui-sandbox registry token", hashlib.sha256).digest()


def _signature(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def mint_password(key: bytes, claims: TokenClaims) -> str:
    """The password half of a token (what ``docker login --password-stdin`` reads)."""
    payload = json.dumps(
        {"account": claims.account_id, "region": claims.region, "expires": claims.expires},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    envelope = {
        "payload": base64.b64encode(payload).decode(),
        "signature": _signature(key, payload),
        "version": VERSION,
        "expiration": claims.expires,
    }
    return base64.b64encode(json.dumps(envelope, separators=(",", ":")).encode()).decode()


def authorization_token(key: bytes, claims: TokenClaims) -> str:
    """``authorizationToken`` as ECR returns it: base64 of ``AWS:PASSWORD``."""
    return base64.b64encode(f"{USERNAME}:{mint_password(key, claims)}".encode()).decode()


def read_password(key: bytes, password: str) -> TokenClaims:
    """The claims a password carries; ``InvalidToken`` if it is malformed or its signature does not match."""
    try:
        envelope = json.loads(base64.b64decode(password, validate=True))
        payload = base64.b64decode(envelope["payload"], validate=True)
        signature = envelope["signature"]
        if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(key, payload)):
            raise InvalidToken("signature does not match")
        claims = json.loads(payload)
        return TokenClaims(str(claims["account"]), str(claims["region"]), int(claims["expires"]))
    except InvalidToken:
        raise
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise InvalidToken(f"malformed token: {type(error).__name__}") from None
