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
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ecrtui.ecr.errors import Cancelled, ReadOnlyError, redact

if TYPE_CHECKING:
    from ecrtui.jobs.events import ProgressCallback
    from ecrtui.jobs.model import JobOutcome, JobRunner

__all__ = [
    "AUDIT_FILE_NAME",
    "REPLICATION_BACKFILL",
    "REPLICATION_SET",
    "AuditEntry",
    "AuditLog",
    "ChangeRecorder",
    "audited_runner",
    "backfill_target",
    "default_audit_path",
    "replication_target",
    "result_of",
    "utc_now",
]

AUDIT_FILE_NAME = "audit.jsonl"

REPLICATION_SET = "replication set"
"""The action of replacing a registry's replication rules (``ecrtui replication set``, the replication view)."""
REPLICATION_BACKFILL = "replication backfill"
"""The action of starting (and following) a replication backfill."""


def replication_target(account: str, region: str) -> str:
    """The target of a replication-rules entry: the registry whose rules changed."""
    return f"replication rules of {account} ({region})"


def backfill_target(destination_label: str) -> str:
    return f"backfill to {destination_label}"


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


def utc_now() -> datetime:
    return datetime.now(UTC)


def result_of(error: BaseException | None) -> str:
    """An entry's result for how a change ended: ``ok``, ``cancelled: …``, ``refused: …`` or ``failed: …`` (the
    reason's first line, as the commands print it)."""
    if error is None:
        return "ok"
    text = str(error).strip()
    reason = text.splitlines()[0] if text else type(error).__name__
    if isinstance(error, Cancelled | KeyboardInterrupt):
        return f"cancelled: {reason}" if text else "cancelled"
    if isinstance(error, ReadOnlyError):
        return f"refused: {reason}"
    return f"failed: {reason}"


class _Session(Protocol):
    """What an entry needs of the session that made the change (an ``EcrService``)."""

    @property
    def profile(self) -> str | None: ...

    @property
    def region(self) -> str: ...

    @property
    def account_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ChangeRecorder:
    """Appends entries for changes made as one identity (profile, account, region): the copy, replication and
    backfill twins of what ``Manager.execute`` records for image and repository changes."""

    log: AuditLog
    profile: str | None
    account: str
    region: str
    clock: Callable[[], datetime] = utc_now

    @classmethod
    def of(cls, log: AuditLog, session: _Session, account: str | None = None) -> ChangeRecorder:
        """For changes sent through ``session`` to ``account``'s registry (default: the session's own)."""
        return cls(log, session.profile, account or session.account_id, session.region)

    def record(
        self,
        action: str,
        target: str,
        error: BaseException | None = None,
        detail: str = "",
        *,
        result: str | None = None,
    ) -> None:
        """One entry: ``action`` on ``target`` ended with ``error`` (None: ok), or with ``result`` when given."""
        self.log.append(
            AuditEntry(
                self.clock(),
                self.profile,
                self.account,
                self.region,
                action,
                target,
                result or result_of(error),
                detail,
            )
        )


def audited_runner(
    runner: JobRunner, recorder: Callable[[], ChangeRecorder], action: str, target: str
) -> JobRunner:
    """``runner`` (a job's work) with one audit entry appended when it ends: ok, failed or cancelled.

    ``recorder`` is made in the job's thread (naming the account may need an STS call, never on the UI thread).
    """

    def run(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        try:
            outcome = runner(report, cancel)
        except BaseException as error:
            recorder().record(action, target, error)
            raise
        recorder().record(action, target, None, outcome.summary)
        return outcome

    return run
