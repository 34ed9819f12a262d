"""The jobs panel's lines, from job snapshots: a line per job (bar, amount, rate, ETA, state), a line per item in
flight (a blob of a copy), failed items, and how a finished job ended.

Pure (no Textual): each line is a list of ``(text, style)`` parts with theme-variable styles, which the panel
assembles; tests read the text. Any kind of job is drawn the same way from what it reports: a copy counts bytes
and shows its blobs, a backfill counts images and lists the images that failed, a replication counts
destinations.

An item's label is cut in the middle when it is too long, so both ends stay: the child or image it belongs to
(first) and which blob it is (last). Below ``WIDE`` cells an item row has no bar of its own (the job's bar is
above it) and its label takes that room. Why a job or an item failed is wrapped in full under the job the cursor
is on (``expanded``) and cut to one line under the others, so the panel stays small with many failed jobs.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from ecrtui.jobs.events import ItemProgress, ItemState
from ecrtui.jobs.model import JobKind, JobSnapshot, JobState
from ecrtui.jobs.text import format_amount, format_eta, format_rate

__all__ = ["BAR_WIDTH", "MAX_FAILED", "MAX_IN_FLIGHT", "JobLine", "bar", "job_lines"]

BAR_WIDTH = 20
MAX_IN_FLIGHT = 4
"""Items in flight shown under a job (a copy moves 4 blobs at a time by default); the rest are counted."""
MAX_FAILED = 3
"""Failed items listed under a job; the rest are counted."""
AMOUNT_WIDTH = 16
RATE_WIDTH = 10
ETA_WIDTH = 9
STATE_WIDTH = 11
MIN_TITLE_WIDTH = 16
TAIL_WORDS = 3
"""Words at the end of an item's label that say which blob it is (``layer 1/2 3f2a9c1d``)."""
WIDE = 100
"""From this width the lines have rate and ETA columns."""

Part = tuple[str, str]

_MARKS = {
    JobState.QUEUED: ("…", "$text-muted"),
    JobState.RUNNING: ("▶", "$text-accent"),
    JobState.DONE: ("✓", "$text-success"),
    JobState.FAILED: ("✗", "$text-error"),
    JobState.CANCELLED: ("■", "$text-warning"),
}
_COUNTED = {JobKind.COPY: "", JobKind.BACKFILL: " images", JobKind.REPLICATION: " destinations"}


@dataclass(frozen=True, slots=True)
class JobLine:
    job_id: str
    parts: tuple[Part, ...]
    header: bool = False
    """The job's own line (the one the cursor sits on)."""

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)


def bar(fraction: float | None, width: int = BAR_WIDTH, style: str = "$accent") -> list[Part]:
    """``━━━━━━╺━━━━`` in two styles: done and to do (all to-do when the fraction is unknown)."""
    done = 0 if fraction is None else round(max(0.0, min(1.0, fraction)) * width)
    return [("━" * done, style), ("━" * (width - done), "$panel-lighten-2")]


@dataclass(frozen=True, slots=True)
class _Widths:
    """Column widths for a panel ``width`` cells wide: the title takes what the numbers leave."""

    title: int
    timing: bool
    """Rate and ETA columns (wide panels only)."""

    @classmethod
    def fit(cls, width: int) -> _Widths:
        timing = width >= WIDE
        fixed = 2 + 1 + BAR_WIDTH + 1 + AMOUNT_WIDTH + 2 + STATE_WIDTH
        if timing:
            fixed += 1 + RATE_WIDTH + 1 + ETA_WIDTH
        return cls(max(MIN_TITLE_WIDTH, width - fixed), timing)


def _cell(text: str, width: int, *, right: bool = False) -> str:
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


def _middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut in the middle when too long: the last ``TAIL_WORDS`` words (which blob:
    ``layer 1/2 3f2a9c1d``) stay whole when they take at most half, the start (which child) takes the rest."""
    if len(text) <= width:
        return text.ljust(width)
    words = text.rsplit(" ", TAIL_WORDS)
    tail = " " + " ".join(words[1:]) if len(words) > TAIL_WORDS else ""
    if not tail or len(tail) > (width - 1) // 2:
        tail = text[len(text) - (width - 1) // 2 :]
    return text[: width - 1 - len(tail)] + "…" + tail


def _said(
    job_id: str, lead: Part, text: str, style: str, width: int, *, expanded: bool, tail: Part | None = None
) -> list[JobLine]:
    """A message under a job: wrapped in full under ``lead`` (indented below it) when ``expanded``, else one line
    cut with ``…``; ``tail`` (a hint) ends the last line, or the one line."""
    room = max(8, width - len(lead[0]))
    extra = len(tail[0]) if tail is not None else 0
    if not expanded:
        parts: list[Part] = [lead, (_cell(text, max(1, room - extra)).rstrip(), style)]
        return [JobLine(job_id, (*parts, *((tail,) if tail else ())))]
    wrapped = textwrap.wrap(text, room, break_on_hyphens=False) or [""]  # keep eu-west-1, ARNs whole
    indent = " " * len(lead[0])
    lines = [JobLine(job_id, ((indent, "") if n else lead, (line, style))) for n, line in enumerate(wrapped)]
    if tail is not None:
        last = lines[-1]
        if len(last.text) + extra <= width:
            lines[-1] = JobLine(job_id, (*last.parts, tail))
        else:
            lines.append(JobLine(job_id, ((indent, ""), tail)))
    return lines


def _state(snapshot: JobSnapshot) -> str:
    if snapshot.state is JobState.RUNNING and snapshot.progress is not None:
        return snapshot.progress.phase
    return snapshot.state.value


def _header(snapshot: JobSnapshot, widths: _Widths) -> JobLine:
    mark, style = _MARKS[snapshot.state]
    progress = snapshot.progress
    unit = progress.unit if progress is not None else "bytes"
    amount = format_amount(progress.done, progress.total, unit) + _COUNTED[snapshot.kind] if progress else ""
    fraction = snapshot.fraction
    bar_style = {JobState.FAILED: "$error", JobState.CANCELLED: "$warning", JobState.DONE: "$success"}.get(
        snapshot.state, "$accent"
    )
    rate = format_rate(snapshot.rate, unit, named=False)  # the amount names the unit
    eta = f"ETA {format_eta(snapshot.eta)}" if snapshot.eta is not None else ""
    parts: list[Part] = [
        (f"{mark} ", style),
        (_cell(snapshot.title, widths.title) + " ", "bold"),
        *bar(fraction, style=bar_style),
        (" " + _cell(amount, AMOUNT_WIDTH, right=True), ""),
    ]
    if widths.timing:
        parts += [
            (" " + _cell(rate, RATE_WIDTH, right=True), "$text-muted"),
            (" " + _cell(eta, ETA_WIDTH, right=True), "$text-muted"),
        ]
    parts.append(("  " + _cell(_state(snapshot), STATE_WIDTH), style))
    return JobLine(snapshot.id, tuple(parts), header=True)


def _failed_item(job_id: str, item: ItemProgress, width: int, *, expanded: bool) -> list[JobLine]:
    text = f"{item.label}: {item.detail or 'failed'}"
    return _said(job_id, ("    ✗ ", "$text-error"), text, "$text-error", width, expanded=expanded)


def _item(job_id: str, item: ItemProgress, unit: str, widths: _Widths) -> JobLine:
    amount = format_amount(item.done, item.total, "bytes" if unit == "bytes" else "items")
    fraction = item.done / item.total if item.total else None
    if widths.timing:
        label: list[Part] = [(_middle(item.label, widths.title - 2) + " ", "$text-muted")]
        label += bar(fraction, style="$primary")
    else:  # narrow: the label takes the bar's room (the job's bar is just above)
        label = [(_middle(item.label, widths.title - 2 + 1 + BAR_WIDTH), "$text-muted")]
    parts: list[Part] = [
        ("    ", ""),
        *label,
        (" " + _cell(amount, AMOUNT_WIDTH, right=True), "$text-muted"),
    ]
    if widths.timing:
        parts.append((" " * (2 + RATE_WIDTH + ETA_WIDTH), ""))
    parts.append(("  " + _cell(item.state.value, STATE_WIDTH), "$text-muted"))
    return JobLine(job_id, tuple(parts))


def _ending(snapshot: JobSnapshot, width: int, *, expanded: bool) -> list[JobLine]:
    """How a finished job ended: its summary, its error (in full when ``expanded``), or a warning count."""
    if snapshot.state is JobState.DONE and snapshot.summary:
        warnings = f" ({len(snapshot.warnings)} warnings)" if snapshot.warnings else ""
        return [JobLine(snapshot.id, (("    ", ""), (snapshot.summary + warnings, "$text-muted")))]
    if snapshot.state in (JobState.FAILED, JobState.CANCELLED):
        style = "$text-error" if snapshot.state is JobState.FAILED else "$text-warning"
        why = snapshot.error or snapshot.state.value
        hint = (" · r retries", "$text-muted")
        return _said(snapshot.id, ("    ", ""), why, style, width, expanded=expanded, tail=hint)
    if snapshot.state is JobState.RUNNING and snapshot.progress is not None and snapshot.progress.message:
        return [JobLine(snapshot.id, (("    ", ""), (snapshot.progress.message, "$text-muted")))]
    return []


def job_lines(snapshots: list[JobSnapshot], width: int, expanded: str | None = None) -> list[JobLine]:
    """Every job, newest first, each with its items in flight, failed items and how it ended, for a panel
    ``width`` cells wide (rate and ETA from ``WIDE`` cells); the reasons of job ``expanded`` wrap in full."""
    widths = _Widths.fit(width)
    lines: list[JobLine] = []
    for snapshot in reversed(snapshots):
        full = snapshot.id == expanded
        lines.append(_header(snapshot, widths))
        unit = snapshot.progress.unit if snapshot.progress is not None else "bytes"
        moving = [i for i in snapshot.items if not i.state.is_final and i.state is not ItemState.PENDING]
        lines += [_item(snapshot.id, item, unit, widths) for item in moving[:MAX_IN_FLIGHT]]
        if len(moving) > MAX_IN_FLIGHT:
            lines.append(
                JobLine(
                    snapshot.id,
                    (("    ", ""), (f"and {len(moving) - MAX_IN_FLIGHT} more in flight", "$text-muted")),
                )
            )
        failed = [i for i in snapshot.items if i.state is ItemState.FAILED]
        for item in failed[:MAX_FAILED]:
            lines += _failed_item(snapshot.id, item, width, expanded=full)
        if len(failed) > MAX_FAILED:
            lines.append(
                JobLine(
                    snapshot.id,
                    (("    ", ""), (f"and {len(failed) - MAX_FAILED} more failed", "$text-error")),
                )
            )
        lines += _ending(snapshot, width, expanded=full)
    return lines
