"""What the replication view and the inspector's Replication tab say: rows of the rules table, backfill lines,
an image's status per destination. Pure functions over the data layer's records (no Textual), so the wording is
tested once and the widgets stay thin layouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ecrtui.ecr.registry_policy import ReplicationGrant
from ecrtui.ecr.replication import (
    BackfillStatus,
    ImageReplication,
    ReplicationBackfill,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationStatus,
    explain_failure,
)
from ecrtui.ui.format import count, relative_time

__all__ = [
    "RuleLine",
    "backfill_counts",
    "backfill_detail",
    "grant_lines",
    "image_status_lines",
    "image_status_summary",
    "matching_names",
    "rule_lines",
    "status_style",
]

RuleKind = Literal["filter", "every", "destination", "deletions"]

_STYLES = {
    "COMPLETE": "green",
    "FAILED": "red",
    "IN_PROGRESS": "yellow",
    "PREPARING": "yellow",
    "STOPPING": "yellow",
    "STOPPED": "dim",
}
NAMES_SHOWN = 3
"""Repository names a filter row lists before saying how many more it matches."""


def status_style(status: str) -> str:
    """The Rich style a replication or backfill status is drawn in (green done, red failed, yellow moving)."""
    return _STYLES.get(status, "")


@dataclass(frozen=True, slots=True)
class RuleLine:
    """One row of the rules table: a filter, a destination or the deletion setting of one rule."""

    key: str
    """Stable row key (the cursor stays on it across reloads)."""
    rule: int
    """The rule's index (shown 1-based)."""
    kind: RuleKind
    value: str
    note: str
    """Short, for the table's last column."""
    detail: str
    """In full, under the table while the row is highlighted."""
    prefix: str | None = None
    destination: ReplicationDestination | None = None


def matching_names(prefix: str | None, names: list[str]) -> str:
    """Which of the loaded repositories a filter matches: ``web/api, web/checkout, web/frontend +1``."""
    matched = sorted(n for n in names if prefix is None or n.startswith(prefix))
    if not matched:
        return "matches none of the repositories listed"
    shown = ", ".join(matched[:NAMES_SHOWN])
    more = len(matched) - NAMES_SHOWN
    return shown + (f" +{more}" if more > 0 else "")


def rule_lines(config: ReplicationConfiguration, repository_names: list[str]) -> list[RuleLine]:
    """The rows of the rules table, rule by rule: its filters, its destinations, its deletion setting."""
    lines: list[RuleLine] = []
    for index, rule in enumerate(config.rules):
        number = index + 1
        if rule.repository_prefixes:
            for prefix in rule.repository_prefixes:
                lines.append(
                    RuleLine(
                        f"{index}:filter:{prefix}",
                        index,
                        "filter",
                        prefix,
                        matching_names(prefix, repository_names),
                        f"Rule {number} replicates repositories whose name starts with {prefix!r}: "
                        + matching_names(prefix, repository_names),
                        prefix=prefix,
                    )
                )
        else:
            lines.append(
                RuleLine(
                    f"{index}:every",
                    index,
                    "every",
                    "every repository",
                    "no filter",
                    f"Rule {number} has no filter: it replicates every repository of the registry",
                )
            )
        for destination in rule.destinations:
            requirement = config.requirement(destination)
            lines.append(
                RuleLine(
                    f"{index}:destination:{destination.key}",
                    index,
                    "destination",
                    destination.label,
                    "another account: needs its registry policy" if requirement else "this account",
                    f"Another account: {requirement}"
                    if requirement
                    else f"{destination.label} is this account's own registry: no policy is needed",
                    destination=destination,
                )
            )
        replicated = "replicated" if rule.delete_replication else "not replicated"
        lines.append(
            RuleLine(
                f"{index}:deletions",
                index,
                "deletions",
                replicated,
                "deleted there too" if rule.delete_replication else "images deleted here stay there",
                f"Rule {number}: deleting an image or removing a tag here is {replicated} to its destinations",
            )
        )
    return lines


def grant_lines(grants: tuple[ReplicationGrant, ...]) -> list[str]:
    """Who this registry's policy lets replicate into it, one line each."""
    if not grants:
        return ["none: no other account may replicate into this registry"]
    return [grant.summary for grant in grants]


def backfill_counts(backfill: ReplicationBackfill, *, codes: bool = True) -> str:
    """``12 of 45 replicated, 2 failed (CODE)`` (the codes only with ``codes``); what a backfill without counts is
    doing otherwise."""
    progress = backfill.progress
    if backfill.status is BackfillStatus.PREPARING:
        return "ECR is listing the images to replicate"
    if progress is None:
        if backfill.status is BackfillStatus.FAILED:
            return explain_failure(backfill.failure_code) or "failed: no reason given"
        return "no image replicated"
    text = f"{count(progress.completed)} of {count(progress.total)} replicated"
    if progress.failed:
        text += f", {count(progress.failed)} failed"
        if codes and progress.failure_codes:
            text += f" ({', '.join(progress.failure_codes)})"
    return text


def backfill_detail(backfill: ReplicationBackfill) -> str:
    """The line under the backfills table for the highlighted one: its counts and each failure code explained."""
    state = backfill.status.value.lower().replace("_", " ")
    lines = [f"{backfill.destination.label}, {state}: {backfill_counts(backfill, codes=False)}"]
    if backfill.failure_code:
        lines.append(explain_failure(backfill.failure_code))
    lines.extend(
        explain_failure(code) for code in (backfill.progress.failure_codes if backfill.progress else ())
    )
    return "\n".join(lines)


def backfill_started(backfill: ReplicationBackfill, now: datetime) -> str:
    """When it started, relative to ``now`` (the app's clock)."""
    return relative_time(backfill.started_at, now) if backfill.started_at else "-"


def image_status_lines(replication: ImageReplication) -> list[tuple[str, str, str]]:
    """``(destination, status, failure code)`` per destination."""
    return [
        (
            status.destination.label,
            str(status.status),
            (status.failure_code or "") if status.status is ReplicationStatus.FAILED else "",
        )
        for status in replication.statuses
    ]


def image_status_summary(replication: ImageReplication) -> str:
    """``2 of 2 destinations finished, 1 failed``, then each failure explained, one line each."""
    statuses = replication.statuses
    finished = sum(1 for s in statuses if s.status.is_final)
    failed = replication.failed
    noun = "destination" if len(statuses) == 1 else "destinations"
    lines = [f"{finished} of {len(statuses)} {noun} finished" + (f", {len(failed)} failed" if failed else "")]
    lines.extend(f"{s.destination.label}: {explain_failure(s.failure_code) or 'failed'}" for s in failed)
    return "\n".join(lines)


def no_status_reason(
    replication: ImageReplication, destinations: tuple[ReplicationDestination, ...] | None
) -> str:
    """Why an image has no replication status: no rule covers its repository, or it predates the rules."""
    name = replication.repository_name
    if destinations is None:
        return (
            f"No replication recorded for {replication.label}: no rule covers {name}, or the image was pushed "
            "before its rule (a backfill replicates those)."
        )
    if not destinations:
        return f"No replication: no rule of this registry covers {name}."
    where = ", ".join(d.label for d in destinations)
    return (
        f"No replication recorded yet: the rules send {name} to {where}, but this image was pushed before them. "
        "A backfill from the replication view replicates it."
    )
