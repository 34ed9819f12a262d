"""ECR's registry-level account settings (``PutAccountSetting`` / ``GetAccountSetting``), which moto lacks.

The registry face needs ``BLOB_MOUNTING``: ECR mounts a blob from another repository of the same registry
(``POST /v2/NAME/blobs/uploads/?mount=DIGEST&from=OTHER``) only when the registry has it ``ENABLED``; it is off by
default, and then a mount request starts an ordinary upload. Settings are per registry (account and region), kept
on moto's backend so a sandbox restart forgets them.
"""

from __future__ import annotations

from typing import Any, cast

from moto.core.responses import ActionResult
from moto.ecr.models import ECRBackend

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.handler_support import backend_for

BLOB_MOUNTING = "BLOB_MOUNTING"

VALID_VALUES: dict[str, tuple[str, ...]] = {
    "BASIC_SCAN_TYPE_VERSION": ("AWS_NATIVE", "CLAIR"),
    "REGISTRY_POLICY_SCOPE": ("V1", "V2"),
    BLOB_MOUNTING: ("ENABLED", "DISABLED"),
}
"""botocore's model documents these names and values (``CLAIR`` and ``V1`` are the defaults being retired)."""

DEFAULTS = {"BASIC_SCAN_TYPE_VERSION": "AWS_NATIVE", "REGISTRY_POLICY_SCOPE": "V2", BLOB_MOUNTING: "DISABLED"}


def _settings(backend: ECRBackend) -> dict[str, str]:
    settings = getattr(backend, "sandbox_account_settings", None)
    if settings is None:
        settings = {}
        setattr(backend, "sandbox_account_settings", settings)  # noqa: B010 - moto's class has no such slot
    return cast(dict[str, str], settings)


def setting(backend: ECRBackend, name: str) -> str:
    """The value of ``name`` in this registry (its default until set)."""
    return _settings(backend).get(name, DEFAULTS[name])


def _checked_name(self: Any) -> str:
    name = self._get_param("name")
    if name not in VALID_VALUES:
        raise InvalidParameterException(
            f"Invalid parameter at 'name': {name!r} is not one of {', '.join(sorted(VALID_VALUES))}"
        )
    return str(name)


def put_account_setting(self: Any) -> ActionResult:
    name = _checked_name(self)
    value = self._get_param("value")
    if value not in VALID_VALUES[name]:
        raise InvalidParameterException(
            f"Invalid parameter at 'value': {value!r} is not valid for {name} ({', '.join(VALID_VALUES[name])})"
        )
    _settings(backend_for(self))[name] = str(value)
    return ActionResult({"name": name, "value": value})


def get_account_setting(self: Any) -> ActionResult:
    name = _checked_name(self)
    return ActionResult({"name": name, "value": setting(backend_for(self), name)})
