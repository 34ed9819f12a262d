"""What every change has in common: a plan that says what will happen before anything is sent, and its outcome.

A ``Plan`` is built from reads only. It names the change (``title``), lists what will happen and what will be
lost (``lines``), the items it will not send because ECR would refuse them (``refusals``, each with the reason),
and facts worth knowing first (``notes``: the 90-day archive charge, how long a restore takes). ``destructive``
plans must be confirmed (defaulting to no), some by typing a word (``confirm_word``, a repository's name).
``Manager.execute(plan)`` then runs it: one ``ItemResult`` per target, every one written to the audit log.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, TypeVar

from ecrtui.ecr.errors import EcrError, ReadOnlyError
from ecrtui.ecr.refs import short_digest

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.models import ImageSummary

__all__ = ["ItemResult", "ItemStatus", "Outcome", "Plan", "attempt", "image_label", "joined"]

ItemStatus = Literal["ok", "failed", "refused", "skipped"]
LISTED = 20
"""Images a plan names one per line; the rest are counted (the plan's own fields hold them all)."""
T = TypeVar("T")


def image_label(summary: ImageSummary) -> str:
    """``v1.4.2, latest (sha256:0123456789ab)`` or ``<untagged> (sha256:…)``: how a person recognises an image."""
    tags = ", ".join(summary.tags) if summary.tags else "<untagged>"
    return f"{tags} ({short_digest(summary.digest)})"


@dataclass(frozen=True, slots=True)
class ItemResult:
    """How one target of a change ended."""

    target: str
    status: ItemStatus
    message: str = ""
    code: str | None = None
    detail: str = ""
    """What the audit log keeps besides the result (the tags an image took with it ...)."""

    @property
    def result_text(self) -> str:
        """``ok``, or the status and its reason: ``failed: …``, ``refused: …``, ``skipped: …``."""
        if self.status == "ok" and not self.message:
            return "ok"
        return f"{self.status}: {self.message}" if self.message else self.status

    @classmethod
    def from_error(cls, target: str, error: EcrError, detail: str = "") -> ItemResult:
        status: ItemStatus = "refused" if isinstance(error, ReadOnlyError) else "failed"
        return cls(target, status, str(error), error.code, detail)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The results of one executed plan."""

    action: str
    title: str
    items: tuple[ItemResult, ...]

    def of(self, status: ItemStatus) -> tuple[ItemResult, ...]:
        return tuple(i for i in self.items if i.status == status)

    @property
    def ok(self) -> bool:
        """True when nothing failed or was refused (skipped items are fine: nothing needed doing)."""
        return all(i.status in ("ok", "skipped") for i in self.items)

    def summary(self) -> str:
        """``2 ok, 1 refused`` in a fixed order, for a status line."""
        counts = [(s, len(self.of(s))) for s in ("ok", "failed", "refused", "skipped")]
        return ", ".join(f"{n} {s}" for s, n in counts if n) or "nothing to do"


class Plan(ABC):
    """A change worked out before it is made. Subclasses are frozen dataclasses built by ``Manager.plan_*``."""

    action: ClassVar[str]
    """The audit log's name for the change (``delete-images``, ``tag``, ``archive`` ...)."""

    @property
    def destructive(self) -> bool:
        """Something is lost for good: confirm first, defaulting to no."""
        return False

    @property
    def costs(self) -> bool:
        """The change is charged (the archive's minimum storage period): confirm first."""
        return False

    @property
    @abstractmethod
    def title(self) -> str:
        """One line naming the change: ``Delete 3 images from web/api``."""

    @property
    def lines(self) -> tuple[str, ...]:
        """What will happen and what will be lost, one line each."""
        return ()

    @property
    def refusals(self) -> tuple[ItemResult, ...]:
        """Targets not sent because ECR would refuse them, each with the reason (status ``refused``)."""
        return ()

    @property
    def notes(self) -> tuple[str, ...]:
        """Facts to know before confirming (charges, delays)."""
        return ()

    @property
    def confirm_word(self) -> str | None:
        """A word the user must type to confirm (None: yes/no is enough)."""
        return None

    @property
    def nothing_to_do(self) -> bool:
        """True when executing would send nothing (everything skipped or refused)."""
        return False

    @property
    def needs_confirmation(self) -> bool:
        return (self.destructive or self.costs) and not self.nothing_to_do

    @abstractmethod
    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        """Make the change (refusals included as results); ``Manager.execute`` is the way to call it."""

    def describe(self) -> list[str]:
        """The whole plan as text lines: title, lines, refusals, notes (what a confirmation shows)."""
        text = [self.title, *(f"  {line}" for line in self.lines)]
        text += [f"  not sent: {r.target}: {r.message}" for r in self.refusals]
        text += [f"  note: {n}" for n in self.notes]
        return text


def attempt(
    target: str, call: Callable[[], T], detail: str = "", ok_message: str = ""
) -> tuple[ItemResult, T | None]:
    """Run one ECR call for one target: its result, and the call's value when it succeeded."""
    try:
        value = call()
    except EcrError as error:
        return ItemResult.from_error(target, error, detail), None
    return ItemResult(target, "ok", ok_message, detail=detail), value


def joined(values: Sequence[str], limit: int = 8) -> str:
    """``a, b, c`` with ``and N more`` after ``limit`` items."""
    shown = ", ".join(values[:limit])
    return f"{shown} and {len(values) - limit} more" if len(values) > limit else shown
