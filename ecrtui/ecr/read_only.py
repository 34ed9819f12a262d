"""Read-only mode as a property of the ECR client: no call that changes ECR is ever sent.

Every mutating method of ``EcrService`` refuses itself first (with the input checks, in ``ServiceBase._guard``).
This is the backstop below them: a botocore hook that refuses, before the request is even built, any ECR
operation that is not a read, so a method added later that forgets its guard still cannot change anything.
Reads are recognised by name (Describe, List, Get, BatchGet, BatchCheck) plus the one call that only computes a
view (``StartLifecyclePolicyPreview`` changes no image and no setting).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecrtui.ecr.errors import ReadOnlyError

__all__ = ["READ_PREFIXES", "VIEW_OPERATIONS", "install_read_only_guard", "is_read_operation"]

READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "BatchCheck")
VIEW_OPERATIONS = frozenset({"StartLifecyclePolicyPreview"})


def is_read_operation(name: str) -> bool:
    """Whether an ECR API operation leaves ECR as it was."""
    return name.startswith(READ_PREFIXES) or name in VIEW_OPERATIONS


def install_read_only_guard(client: Any, is_read_only: Callable[[], bool]) -> None:
    """Make ``client`` refuse every changing operation while ``is_read_only()`` is true."""

    def refuse(model: Any = None, **_: Any) -> None:
        name = str(getattr(model, "name", ""))
        if is_read_only() and not is_read_operation(name):
            raise ReadOnlyError(f"Read-only mode: {name} is not allowed", operation=name)

    client.meta.events.register_first("before-parameter-build.ecr", refuse)
