"""A local Amazon ECR on moto, corrected to behave like the real service (``ecrtui sandbox``, ``--demo``, tests).

``Sandbox`` imports moto; the options and profiles do not, so they are cheap to import.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ecrtui.sandbox.options import SandboxOptions
from ecrtui.sandbox.profiles import SANDBOX_PROFILES, ProfileFiles, SandboxProfile

# A library logs, the application decides where to: without this, Python's last-resort handler would print the
# sandbox's errors to stderr, over the TUI under ``ecrtui --demo``. ``ecrtui sandbox`` adds a stderr handler.
logging.getLogger("ecrtui.sandbox").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from ecrtui.sandbox.server import Sandbox

__all__ = ["SANDBOX_PROFILES", "ProfileFiles", "Sandbox", "SandboxOptions", "SandboxProfile"]


def __getattr__(name: str) -> Any:
    if name == "Sandbox":
        from ecrtui.sandbox.server import Sandbox

        return Sandbox
    raise AttributeError(name)
