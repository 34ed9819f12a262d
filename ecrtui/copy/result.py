"""What a copy did, and why one was refused: the result every front end reports (``--json``, the jobs panel)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ecrtui.ecr.errors import Conflict, EcrError

__all__ = ["BatchResult", "CopyFailed", "CopyRefused", "CopyResult"]


class CopyRefused(Conflict):
    """The plan found problems (a tag that cannot move, no repository, access denied...): nothing was written."""

    title = "Copy refused"

    def __init__(self, problems: Sequence[str]) -> None:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}" if problems else "the copy was refused", operation="PlanCopy")
        self.problems = tuple(problems)


class CopyFailed(Conflict):
    """Some copies of a batch failed (each one's reason is in ``failures``)."""

    title = "Copy failed"

    def __init__(self, failures: Sequence[str], result: BatchResult, errors: Sequence[EcrError] = ()) -> None:
        super().__init__(
            f"{len(failures)} of {len(result.copies) + len(failures)} copies failed: {failures[0]}"
        )
        self.failures = tuple(failures)
        self.errors = tuple(errors)
        self.result = result


@dataclass(frozen=True, slots=True)
class CopyResult:
    source: str
    """``URI:TAG`` or ``URI@DIGEST`` of the source image."""
    destination: str
    """The destination repository's URI."""
    digest: str
    media_type: str
    tags: tuple[str, ...]
    blobs_uploaded: int
    blobs_skipped: int
    bytes_uploaded: int
    manifests_put: int
    referrers_copied: int
    seconds: float
    tags_written: int = 0
    created_repository: bool = False
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The fields ``ecrtui copy --json`` prints."""
        return {
            "source": self.source,
            "destination": self.destination,
            "digest": self.digest,
            "media_type": self.media_type,
            "tags": list(self.tags),
            "blobs_uploaded": self.blobs_uploaded,
            "blobs_skipped": self.blobs_skipped,
            "bytes_uploaded": self.bytes_uploaded,
            "manifests_put": self.manifests_put,
            "referrers_copied": self.referrers_copied,
            "seconds": round(self.seconds, 3),
            "created_repository": self.created_repository,
            "warnings": list(self.warnings),
        }

    @property
    def nothing_done(self) -> bool:
        """An unchanged re-copy: everything was already there."""
        return not (self.blobs_uploaded or self.manifests_put or self.tags_written or self.created_repository)

    @property
    def summary(self) -> str:
        """One line for a notification or the end of the CLI's output."""
        if self.nothing_done:
            what = "nothing to do, the destination already has it"
        else:
            what = (
                f"{self.blobs_uploaded} blob(s) uploaded, {self.blobs_skipped} already there, "
                f"{self.manifests_put} manifest(s) put, {self.tags_written} tag(s) written"
            )
        return f"{self.source} → {self.destination}: {what}"


@dataclass(frozen=True, slots=True)
class BatchResult:
    copies: tuple[CopyResult, ...]
    seconds: float

    @property
    def bytes_uploaded(self) -> int:
        return sum(c.bytes_uploaded for c in self.copies)
