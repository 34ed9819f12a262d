"""The audit log: JSON lines with time, profile, account, region, action, target and result; never a secret."""

from __future__ import annotations

import json
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecrtui.manage.audit import AuditEntry, AuditLog, default_audit_path

WHEN = datetime(2026, 6, 1, 12, 30, 15, 250000, tzinfo=UTC)


def entry(number: int, result: str = "ok") -> AuditEntry:
    return AuditEntry(
        WHEN, "demo-dev", "111111111111", "us-east-1", "delete-images", f"web/api@{number}", result
    )


def test_entries_round_trip_as_json_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "state" / "audit.jsonl")
    log.append(entry(1))
    log.append(
        AuditEntry(WHEN, None, "111111111111", "us-east-1", "tag", "web/api:v1", "failed: nope", "moved")
    )
    lines = log.path.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first == {
        "time": "2026-06-01T12:30:15.250000Z",
        "profile": "demo-dev",
        "account": "111111111111",
        "region": "us-east-1",
        "action": "delete-images",
        "target": "web/api@1",
        "result": "ok",
        "detail": "",
    }
    assert log.read() == [
        entry(1),
        AuditEntry(WHEN, None, "111111111111", "us-east-1", "tag", "web/api:v1", "failed: nope", "moved"),
    ]


def test_only_the_owner_can_read_it(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(entry(1))
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


def test_the_last_entries_and_damaged_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for number in range(5):
        log.append(entry(number))
    with log.path.open("a") as handle:
        handle.write('not json\n{"time": "yesterday"}\n\n')
    log.append(entry(5))
    assert [e.target for e in log.read(3)] == ["web/api@3", "web/api@4", "web/api@5"]
    assert len(log.read()) == 6
    assert AuditLog(tmp_path / "missing.jsonl").read() == []


def test_secrets_in_messages_are_redacted(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    log.append(
        entry(1, f"failed: signed with AKIAIOSFODNN7EXAMPLE and {secret} at https://x/y?X-Amz-Signature=abc")
    )
    text = log.path.read_text()
    assert "AKIAIOSFODNN7EXAMPLE" not in text
    assert secret not in text
    assert "X-Amz-Signature=abc" not in text
    assert log.read()[0].result.startswith("failed: signed with")


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")

    def write(base: int) -> None:
        for number in range(100):
            log.append(entry(base + number, "ok " + "x" * 300))

    threads = [threading.Thread(target=write, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = log.read()
    assert len(entries) == 400
    assert len({e.target for e in entries}) == 400


def test_default_path_is_under_the_user_state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_audit_path() == tmp_path / "ecrtui" / "audit.jsonl"
