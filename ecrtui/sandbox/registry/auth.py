"""Who may use a registry server: HTTP Basic with user ``AWS`` and a password from ``GetAuthorizationToken``.

What ECR answers, and so what the sandbox answers:

- no credentials, or a password ECR did not issue: 401 ``Not Authorized`` with a ``WWW-Authenticate: Basic``
  challenge (clients then send the credentials they were given);
- a token issued in another region: 400 (ECR tokens are regional; ``docker login`` reports "400 Bad Request");
- an expired token: 403 ``DENIED`` "Your authorization token has expired. Reauthenticate and try again.";
- a valid token of another account: ``/v2/`` answers 200 (the token is genuine), a repository call is 403
  ``DENIED`` naming the action unless the repository's policy lets that account in (``repository_access``; see
  docs/ecr-behaviour.md).
"""

from __future__ import annotations

import base64
import binascii

from ecrtui.sandbox.registry.context import RegistryAddress
from ecrtui.sandbox.registry.errors import RegistryError
from ecrtui.sandbox.registry.tokens import USERNAME, InvalidToken, TokenClaims, read_password
from ecrtui.sandbox.repository_access import Caller, denial
from ecrtui.sandbox.runtime import current

SERVICE = "ecr.amazonaws.com"


def challenge(realm: str) -> RegistryError:
    """The 401 a client gets before it has sent credentials (or after sending ones ECR did not issue)."""
    return RegistryError(
        401,
        "UNAUTHORIZED",
        "Not Authorized",
        headers={"WWW-Authenticate": f'Basic realm="{realm}",service="{SERVICE}"'},
    )


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def authenticate(
    header: str | None, registry: RegistryAddress, realm: str, key: bytes, now: float
) -> TokenClaims:
    """The claims of the request's token, or the ``RegistryError`` ECR would answer."""
    credentials = _basic_credentials(header)
    if credentials is None or credentials[0] != USERNAME:
        raise challenge(realm)
    try:
        claims = read_password(key, credentials[1])
    except InvalidToken:
        raise challenge(realm) from None
    if claims.region != registry.region:
        raise RegistryError(
            400,
            "DENIED",
            f"Your authorization token was issued in region {claims.region}; get one in {registry.region} "
            f"to use this registry",
        )
    if now > claims.expires:
        raise RegistryError(
            403, "DENIED", "Your authorization token has expired. Reauthenticate and try again."
        )
    return claims


def authorize(claims: TokenClaims, registry: RegistryAddress, action: str, name: str) -> None:
    """Refuse a repository call made with another account's token unless the repository's policy allows it."""
    caller = Caller(claims.account_id, f"arn:aws:iam::{claims.account_id}:root")
    with current().lock:
        error = denial(caller, action, registry.account_id, registry.region, name)
    if error is not None:
        raise RegistryError(403, "DENIED", error.message)
