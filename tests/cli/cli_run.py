"""Running ``python -m ecrtui ...`` as a user does, against a sandbox, with a private audit log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ecrtui.manage.audit import AUDIT_FILE_NAME, AuditEntry, AuditLog

__all__ = ["audit_entries", "cli_env", "ecrtui", "one_line"]


def cli_env(sandbox: Any, state: Path, profile: str = "demo-dev") -> dict[str, str]:
    """The sandbox's profiles, no user settings, and the audit log under ``state`` (never the user's own)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_", "XDG_"))}
    return {
        **base,
        **sandbox.env,
        "AWS_PROFILE": profile,
        "ECRTUI_CONFIG": os.devnull,
        "XDG_STATE_HOME": str(state),
    }


def ecrtui(
    env: dict[str, str], *args: str, stdin: Any = subprocess.DEVNULL, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=stdin,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failure prints on stderr (fails if there are more, or none)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def audit_entries(state: Path) -> list[AuditEntry]:
    return AuditLog(state / "ecrtui" / AUDIT_FILE_NAME).read()
