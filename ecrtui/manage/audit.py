"""The audit log: one JSON line per change ecrtui made or tried to make, under the user state directory.

Each entry says when, as whom (profile, account, region), what (action, target) and how it ended (result: ``ok``,
``failed: …``, ``refused: …``, ``skipped: …``), with an optional detail (the tags an image lost, where a tag moved
from). Credentials never reach it: entries are built from names, digests and redacted messages only. Lines are
appended with one ``write`` on a file opened ``O_APPEND``, so the app and a headless command running at the same
time do not interleave their lines. The file is readable by its owner only.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ecrtui.ecr.errors import redact

__all__ = ["AUDIT_FILE_NAME", "AuditEntry", "AuditLog", "default_audit_path"]

AUDIT_FILE_NAME = "audit.jsonl"


def default_audit_path() -> Path:
    """``<user state dir>/ecrtui/audit.jsonl`` (``~/.local/state/ecrtui`` on Linux, ``$XDG_STATE_HOME`` honoured)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("ecrtui")) / AUDIT_FILE_NAME


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change: when, who, what, how it ended."""

    time: datetime
    profile: str | None
    account: str
    region: str
    action: str
    target: str
    result: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.result == "ok"

    def to_json(self) -> str:
        data = asdict(self)
        data["time"] = self.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> AuditEntry:
        """Parse one line; ``ValueError`` for anything that is not an entry."""
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        time = datetime.strptime(str(data["time"]), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return cls(
            time=time,
            profile=data.get("profile"),
            account=str(data["account"]),
            region=str(data["region"]),
            action=str(data["action"]),
            target=str(data["target"]),
            result=str(data["result"]),
            detail=str(data.get("detail") or ""),
        )


class AuditLog:
    """Append-only JSON lines at ``path``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_audit_path()

    def append(self, entry: AuditEntry) -> None:
        """Add one entry (its result and detail redacted, each on one line)."""
        safe = AuditEntry(
            time=entry.time,
            profile=entry.profile,
            account=entry.account,
            region=entry.region,
            action=entry.action,
            target=entry.target,
            result=redact(entry.result),
            detail=redact(entry.detail),
        )
        line = (safe.to_json() + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line)
        finally:
            os.close(descriptor)

    def entries(self) -> Iterator[AuditEntry]:
        """Every readable entry, oldest first (a damaged line is skipped, never fatal)."""
        try:
            handle = self.path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    yield AuditEntry.from_json(line)
                except (ValueError, KeyError, TypeError):
                    continue

    def read(self, limit: int | None = None) -> list[AuditEntry]:
        """The last ``limit`` entries (all when None), oldest first."""
        if limit is None:
            return list(self.entries())
        return list(deque(self.entries(), maxlen=max(limit, 0)))
