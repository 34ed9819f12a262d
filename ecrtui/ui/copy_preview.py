"""What the copy dialog shows and decides from a plan: the facts, the problems, and whether the copy may start.

Pure (no Textual): the dialog turns these lines into styled text; the tests read them directly. A preview is what
one planning pass found: the engine's plans (one per image), the platforms of an index, and whether ECR's own
replication already sends the source repository to the chosen destination (then the dialog offers to let ECR
replicate instead of copying through this machine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from ecrtui.config import RegistryEntry
from ecrtui.ui.format import human_size, short_digest

if TYPE_CHECKING:
    from ecrtui.copy.plan import CopyPlan
    from ecrtui.copy.result import CopyResult
    from ecrtui.ecr.models import ImageSummary
    from ecrtui.ecr.replication import ReplicationDestination

__all__ = [
    "MAX_IMAGE_LINES",
    "CopyForm",
    "CopyPreview",
    "LineKind",
    "PlanLine",
    "ReplicationOffer",
    "Route",
    "Transfer",
    "blocking_reason",
    "plan_lines",
    "result_summary",
    "route_help",
]

MAX_IMAGE_LINES = 5
"""A batch lists this many images' tags, then says how many more."""

LineKind = Literal["fact", "problem", "warning", "note", "good"]


class Route(StrEnum):
    """How the image gets there."""

    CLIENT = "client"
    """Through this machine: the copy engine streams the blobs and puts the manifests, now."""
    ECR = "ecr"
    """ECR's replication: a backfill, server-side, of every image the rules send to that destination."""


@dataclass(frozen=True, slots=True)
class CopyForm:
    """What the dialog's fields say: the images, where to, under which tags, which platforms, with referrers."""

    images: tuple[ImageSummary, ...]
    """One image, or the marked images (of one repository)."""
    destination: RegistryEntry
    repository: str
    tags: tuple[str, ...] | None
    """Destination tags; None: each image keeps its own (marked images)."""
    platforms: tuple[str, ...] = ()
    """For an index: only these ``os/arch[/variant]`` (empty: every platform, the same digest)."""
    referrers: bool = True


@dataclass(frozen=True, slots=True)
class ReplicationOffer:
    """The destination is one ECR's replication rules already send the source repository to."""

    destination: ReplicationDestination
    prefixes: tuple[str, ...]
    """Repository-name prefixes of the rules that name it (empty: every repository)."""
    source_registry_id: str

    @property
    def covers(self) -> str:
        """``repositories starting with web/`` or ``every repository``."""
        if not self.prefixes:
            return "every repository"
        return "repositories starting with " + ", ".join(self.prefixes)


@dataclass(frozen=True, slots=True)
class CopyPreview:
    """One planning pass: a plan per image (reads only: nothing was written)."""

    plans: tuple[CopyPlan, ...]
    destination_name: str
    """The registry row's name, ``demo-prod``."""
    platforms: tuple[str, ...] = ()
    """``os/arch[/variant]`` of a single index source (the dialog lets you choose); empty otherwise."""
    replication: ReplicationOffer | None = None

    @property
    def destination_uri(self) -> str:
        return self.plans[0].request.destination.uri

    @property
    def missing_repository(self) -> bool:
        """The destination repository does not exist (the plan would create it)."""
        return any(plan.create_repository is not None for plan in self.plans)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for plan in self.plans for p in plan.problems)

    @property
    def nothing_to_do(self) -> bool:
        return all(plan.nothing_to_do for plan in self.plans)

    @property
    def transfer(self) -> Transfer:
        """What moves, each blob counted once per destination repository (as the engine uploads it)."""
        return Transfer.of(self.plans)


@dataclass(frozen=True, slots=True)
class Transfer:
    """The blobs of a batch: images of one repository share layers, and the engine sends a shared one once."""

    uploads: int
    bytes: int
    present: int

    @classmethod
    def of(cls, plans: Sequence[CopyPlan]) -> Transfer:
        sizes: dict[tuple[str, str], int] = {}
        present: set[tuple[str, str]] = set()
        for plan in plans:
            uri = plan.request.destination.uri
            for blob in plan.uploads:
                sizes[(uri, blob.digest)] = blob.size or 0
            present.update((uri, b.digest) for b in plan.blobs if b.action == "skip")
        return cls(len(sizes), sum(sizes.values()), len(present - sizes.keys()))


@dataclass(frozen=True, slots=True)
class PlanLine:
    label: str
    """A short heading (``Transfer``, ``Tags``) or an empty string for a continuation."""
    text: str
    kind: LineKind = "fact"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def route_help(preview: CopyPreview, route: Route) -> str:
    """What each choice will do, in one sentence (the dialog shows both next to the choice)."""
    offer = preview.replication
    if route is Route.CLIENT:
        images = _plural(len(preview.plans), "image")
        size = human_size(preview.transfer.bytes)
        what = "this image" if len(preview.plans) == 1 else images
        return f"a client copy of {what} now: {size} through this machine"
    assert offer is not None
    return (
        f"a backfill by ECR of every image and tag of the {offer.covers} to {offer.destination.label}, "
        "server-side (nothing passes through this machine)"
    )


def plan_lines(
    preview: CopyPreview, *, create_repository: bool, route: Route = Route.CLIENT
) -> list[PlanLine]:
    """The plan as the dialog shows it: what moves, what is there, each tag's fate, problems, warnings, notes."""
    if route is Route.ECR and preview.replication is not None:
        return _backfill_lines(preview.replication)
    plans = preview.plans
    lines = [PlanLine("To", preview.destination_uri)]
    if preview.missing_repository:
        new = next(p.create_repository for p in plans if p.create_repository is not None)
        assert new is not None
        settings = f"{new.tag_mutability.lower()}, scan on push {'on' if new.scan_on_push else 'off'}"
        if create_repository:
            lines.append(PlanLine("", f"creates {new.name} (as the source: {settings})", "note"))
        else:
            lines.append(
                PlanLine(
                    "",
                    f"{new.name} does not exist in {preview.destination_name}: tick 'Create it'",
                    "problem",
                )
            )
    transfer = preview.transfer
    if transfer.uploads or transfer.present:
        lines.append(
            PlanLine(
                "Transfer",
                f"{human_size(transfer.bytes)} in {_plural(transfer.uploads, 'blob')}"
                f" · {transfer.present} already there",
            )
        )
    else:
        lines.append(PlanLine("Transfer", "nothing to copy: the images are already there"))
    puts = sum(len(p.manifests_to_put) for p in plans)
    manifests = sum(len(p.manifests) for p in plans)
    referrers = sum(len(p.referrers) for p in plans)
    extra = f" · {_plural(referrers, 'referrer')}" if referrers else ""
    lines.append(PlanLine("Manifests", f"{puts} to put · {manifests - puts} already there{extra}"))
    lines += _tag_lines(plans)
    lines += [PlanLine("✗", problem, "problem") for problem in preview.problems]
    lines += [
        PlanLine("!", warning, "warning") for warning in dict.fromkeys(w for p in plans for w in p.warnings)
    ]
    lines += [PlanLine("·", note, "note") for note in dict.fromkeys(n for p in plans for n in p.notes)]
    if preview.nothing_to_do:
        lines.append(PlanLine("✓", "nothing to do: the destination already has it, with its tags", "good"))
    return lines


def _tag_lines(plans: tuple[CopyPlan, ...]) -> list[PlanLine]:
    def fate(plan: CopyPlan) -> str:
        if not plan.tags:
            return "untagged"
        return ", ".join(
            f"{step.tag} {step.action.value}"
            + (
                f" (now {short_digest(step.current)})"
                if step.current and step.action.value != "unchanged"
                else ""
            )
            for step in plan.tags
        )

    if len(plans) == 1:
        return [PlanLine("Tags", fate(plans[0]))]
    lines = [
        PlanLine("Tags" if number == 0 else "", f"{short_digest(plan.source_digest)}: {fate(plan)}")
        for number, plan in enumerate(plans[:MAX_IMAGE_LINES])
    ]
    if len(plans) > MAX_IMAGE_LINES:
        lines.append(PlanLine("", f"and {len(plans) - MAX_IMAGE_LINES} more images"))
    return lines


def _backfill_lines(offer: ReplicationOffer) -> list[PlanLine]:
    return [
        PlanLine("Backfill", f"every image and tag of the {offer.covers}"),
        PlanLine("To", f"{offer.destination.label}, by ECR (same repository names)"),
        PlanLine("·", "one backfill per destination region at a time; the jobs panel follows it", "note"),
        PlanLine("·", "cancelling the job stops the backfill (what ECR already copied stays)", "note"),
    ]


def blocking_reason(preview: CopyPreview | None, *, create_repository: bool, route: Route) -> str | None:
    """Why the copy cannot start now (None: it can)."""
    if preview is None:
        return "planning…"
    if route is Route.ECR and preview.replication is not None:
        return None
    if preview.missing_repository and not create_repository:
        return f"the repository does not exist in {preview.destination_name}: tick 'Create it'"
    if preview.problems:
        count = len(preview.problems)
        return f"refused: {count} problem{'s' * (count != 1)} (✗ above); nothing is written"
    return None


def result_summary(copies: Sequence[CopyResult]) -> str:
    """One line for a finished copy (the jobs panel and the notification): what moved and what was there."""
    if copies and all(copy.nothing_done for copy in copies):
        return "nothing to do: the destination already had it"
    uploaded = sum(c.blobs_uploaded for c in copies)
    skipped = sum(c.blobs_skipped for c in copies)
    puts = sum(c.manifests_put for c in copies)
    written = f"{_plural(sum(c.tags_written for c in copies), 'tag')} written"
    if not (uploaded or skipped or puts):  # every manifest was there: only tags moved
        line = f"nothing to copy: already there · {written}"
    else:
        line = (
            f"{human_size(sum(c.bytes_uploaded for c in copies))} uploaded in {_plural(uploaded, 'blob')}"
            f" · {skipped} already there · {_plural(puts, 'manifest')} put · {written}"
        )
    return f"{len(copies)} images: {line}" if len(copies) > 1 else line
