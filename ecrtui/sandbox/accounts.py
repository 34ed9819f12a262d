"""Give each sandbox profile its own AWS account inside moto.

moto picks the account of a request from its access key, by looking the key up in every account's IAM backend.
Creating each profile's user and key directly in its account's IAM backend is what makes ``demo-dev`` and
``demo-prod`` land in separate registries, and STS ``GetCallerIdentity`` answer with the right account.
"""

from __future__ import annotations

import secrets

from moto.iam.models import iam_backends

from ecrtui.sandbox.profiles import SANDBOX_PROFILES, Credentials, SandboxProfile


def _access_key_id(profile: SandboxProfile, index: int) -> str:
    """A recognisable 20-character key id, unique per profile (``AKIASANDBOX`` + padding)."""
    return f"AKIASANDBOX{index:02d}{profile.account_id[:7]}"


def create_profile_credentials(
    profiles: tuple[SandboxProfile, ...] = SANDBOX_PROFILES,
) -> dict[str, Credentials]:
    """Register one IAM user and access key per profile in its account; return the key pairs by profile."""
    result: dict[str, Credentials] = {}
    for index, profile in enumerate(profiles):
        backend = iam_backends[profile.account_id]["aws"]
        user = backend.users.get(profile.user_name) or backend.create_user(
            region_name=profile.region, user_name=profile.user_name
        )
        key_id = _access_key_id(profile, index)
        existing = next((k for k in user.access_keys if k.access_key_id == key_id), None)
        if existing is None:
            existing = user.create_access_key(prefix="AKIA")
            existing.access_key_id = key_id
            existing.secret_access_key = secrets.token_urlsafe(30)[:40]
            backend.access_keys[key_id] = existing
        result[profile.name] = Credentials(key_id, existing.secret_access_key)
    return result
