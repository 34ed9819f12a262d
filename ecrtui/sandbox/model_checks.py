"""The constraints of botocore's ECR model (types, lengths, patterns, enums), checked as ECR checks them.

boto3 checks only required members and minimums before sending; ECR itself refuses everything else with a
``ValidationException`` that names the member ("1 validation error detected: Value ... at 'rules' failed to
satisfy constraint: ..."). Handlers for calls moto does not implement (or implements loosely) use these helpers,
so a request from any client (boto3, the AWS CLI, curl) gets ECR's answer and never a server error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ecrtui.sandbox.errors import ValidationException

__all__ = [
    "check_enum",
    "check_length",
    "check_pattern",
    "expect_bool",
    "expect_list",
    "expect_object",
    "expect_string",
]


def _refuse(value: Any, where: str, constraint: str) -> ValidationException:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ValidationException(
        f"1 validation error detected: Value {shown} at '{where}' failed to satisfy constraint: {constraint}"
    )


def expect_object(value: Any, where: str, *, required: bool = True) -> dict[str, Any]:
    """A JSON object member (``{}`` when absent and optional)."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise _refuse(value, where, "Member must be a structure")
    return value


def expect_list(value: Any, where: str, *, required: bool = True) -> list[Any]:
    """A JSON list member (``[]`` when absent and optional)."""
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise _refuse(value, where, "Member must be a list")
    return value


def expect_string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _refuse(value, where, "Member must be a string")
    return value


def expect_bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _refuse(value, where, "Member must be a boolean")
    return value


def check_length(value: str | list[Any], where: str, minimum: int | None, maximum: int | None) -> None:
    """A string's or a list's length within the model's ``min``/``max``."""
    if minimum is not None and len(value) < minimum:
        raise _refuse(value, where, f"Member must have length greater than or equal to {minimum}")
    if maximum is not None and len(value) > maximum:
        raise _refuse(value, where, f"Member must have length less than or equal to {maximum}")


def check_pattern(value: str, where: str, pattern: re.Pattern[str]) -> None:
    """A string that matches the model's pattern in full."""
    if not pattern.fullmatch(value):
        raise _refuse(value, where, f"Member must satisfy regular expression pattern: {pattern.pattern}")


def check_enum(value: Any, where: str, allowed: Iterable[str]) -> str:
    choices = list(allowed)
    if value not in choices:
        raise _refuse(value, where, f"Member must satisfy enum value set: [{', '.join(choices)}]")
    return str(value)
