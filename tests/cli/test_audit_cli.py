"""``ecrtui audit`` as a user runs it: how many entries, and bad counts refused (no AWS call)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecrtui.manage.audit import AUDIT_FILE_NAME, AuditEntry, AuditLog


def audit(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_", "XDG_"))}
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", "audit", *args],
        capture_output=True,
        text=True,
        env={**base, "XDG_STATE_HOME": str(state)},
        timeout=60,
    )


@pytest.fixture
def state(tmp_path: Path) -> Path:
    log = AuditLog(tmp_path / "ecrtui" / AUDIT_FILE_NAME)
    for number in range(3):
        when = datetime(2026, 6, 1, 12, number, tzinfo=UTC)
        log.append(
            AuditEntry(when, "demo-dev", "111111111111", "us-east-1", "tag", f"web/api:t{number}", "ok")
        )
    return tmp_path


@pytest.mark.parametrize("count", ["0", "-1"])
def test_a_count_below_one_is_bad_usage_not_an_empty_log(state: Path, count: str) -> None:
    result = audit(state, "-n", count)
    assert result.returncode == 2
    assert "must be at least 1" in result.stderr
    assert "no changes recorded" not in result.stderr
    assert result.stdout == ""


def test_n_shows_the_latest_entries(state: Path) -> None:
    result = audit(state, "-n", "2")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert [row.split()[-2] for row in rows] == ["web/api:t1", "web/api:t2"]
