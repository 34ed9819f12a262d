"""What the replication view and the inspector's Replication tab say, from the data layer's records (no app)."""

from __future__ import annotations

from datetime import UTC, datetime

from ecrtui.ecr.registry_policy import ReplicationGrant
from ecrtui.ecr.replication import (
    BackfillProgress,
    BackfillStatus,
    ImageReplication,
    ImageReplicationStatus,
    ReplicationBackfill,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationRule,
    ReplicationStatus,
)
from ecrtui.ui.replication_text import (
    backfill_counts,
    backfill_detail,
    grant_lines,
    image_status_lines,
    image_status_summary,
    matching_names,
    no_status_reason,
    rule_lines,
)
from ecrtui.ui.screens.backfill_report import report_facts
from ecrtui.ui.screens.replication_backfill import backfill_plan

DEV, PROD = "111111111111", "222222222222"
PROD_WEST = ReplicationDestination("eu-west-1", PROD)
DEV_WEST = ReplicationDestination("us-west-2", DEV)
NAMES = ["web/gateway", "data/etl", "web/api", "web/frontend", "web/checkout"]
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def backfill(
    status: BackfillStatus, progress: BackfillProgress | None = None, **kw: object
) -> ReplicationBackfill:
    return ReplicationBackfill(
        "0f8b5d7e-1c2a-4e55-9a0b-3c4d5e6f7a8b",
        DEV,
        PROD_WEST,
        status,
        started_at=datetime(2026, 6, 1, 11, 0, tzinfo=UTC),
        progress=progress,
        **kw,  # type: ignore[arg-type]
    )


def test_rule_lines_give_each_filter_destination_and_deletion_setting_a_row() -> None:
    config = ReplicationConfiguration(
        DEV,
        (
            ReplicationRule((PROD_WEST, DEV_WEST), ("web/",)),
            ReplicationRule((DEV_WEST,), delete_replication=True),
        ),
    )
    lines = rule_lines(config, NAMES)
    assert [(line.rule, line.kind, line.value) for line in lines] == [
        (0, "filter", "web/"),
        (0, "destination", "eu-west-1 (222222222222)"),
        (0, "destination", "us-west-2 (111111111111)"),
        (0, "deletions", "not replicated"),
        (1, "every", "every repository"),
        (1, "destination", "us-west-2 (111111111111)"),
        (1, "deletions", "replicated"),
    ]
    assert lines[0].note == "web/api, web/checkout, web/frontend +1"
    assert lines[1].note == "another account: needs its registry policy"
    assert lines[1].detail.startswith(
        "Another account: eu-west-1 (222222222222) must allow account 111111111111 ecr:ReplicateImage"
    )
    assert lines[2].note == "this account"
    assert len({line.key for line in lines}) == len(lines), "row keys are unique"
    assert lines[1].destination == PROD_WEST
    assert lines[0].prefix == "web/"


def test_matching_names() -> None:
    assert matching_names("data/", NAMES) == "data/etl"
    assert matching_names("nothing/", NAMES) == "matches none of the repositories listed"


def test_grants() -> None:
    assert grant_lines(()) == ["none: no other account may replicate into this registry"]
    assert grant_lines(
        (ReplicationGrant("*", replicate=True, create_repository=False), ReplicationGrant(DEV, False, False))
    ) == [
        "every account may replicate into existing repositories only",
        "account 111111111111 is named but may not replicate (ecr:ReplicateImage is not granted)",
    ]


def test_backfill_counts() -> None:
    assert backfill_counts(backfill(BackfillStatus.PREPARING)) == "ECR is listing the images to replicate"
    moving = backfill(BackfillStatus.IN_PROGRESS, BackfillProgress(1200, 1100, 3, ("ImageTagImmutable",)))
    assert backfill_counts(moving) == "1,100 of 1,200 replicated, 3 failed (ImageTagImmutable)"
    assert backfill_counts(moving, codes=False) == "1,100 of 1,200 replicated, 3 failed"
    assert backfill_detail(moving).splitlines() == [
        "eu-west-1 (222222222222), in progress: 1,100 of 1,200 replicated, 3 failed",
        "ImageTagImmutable: the destination's tags are immutable and the tag already names another image there",
    ]
    failed = backfill(BackfillStatus.FAILED, failure_code="DestinationNotConfigured")
    assert backfill_counts(failed).startswith(
        "DestinationNotConfigured: the destination left the replication rules"
    )
    assert backfill_counts(backfill(BackfillStatus.STOPPED)) == "no image replicated"


def test_report_facts_explain_the_failure_codes() -> None:
    ended = backfill(
        BackfillStatus.COMPLETE,
        BackfillProgress(4, 2, 2, ("ReplicateImageAccessDenied",)),
        ended_at=datetime(2026, 6, 1, 11, 5, tzinfo=UTC),
    )
    facts = report_facts(ended, NOW)
    assert "Started      2026-06-01T11:00:00Z (an hour ago)" in facts
    assert "Ended        2026-06-01T11:05:00Z" in facts
    assert facts[-1].startswith(
        "Failure code ReplicateImageAccessDenied: the destination registry's permissions policy"
    )
    assert "Progress     2 of 4 replicated, 2 failed" in facts


def test_image_status_lines_and_why_there_are_none() -> None:
    replication = ImageReplication(
        "web/api",
        "sha256:" + "a" * 64,
        "v1",
        (
            ImageReplicationStatus(PROD_WEST, ReplicationStatus.COMPLETE),
            ImageReplicationStatus(DEV_WEST, ReplicationStatus.FAILED, "ImageTagImmutable"),
        ),
    )
    lines = image_status_lines(replication)
    assert lines == [
        ("eu-west-1 (222222222222)", "COMPLETE", ""),
        ("us-west-2 (111111111111)", "FAILED", "ImageTagImmutable"),
    ]
    summary = image_status_summary(replication).splitlines()
    assert summary[0] == "2 of 2 destinations finished, 1 failed"
    assert summary[1].startswith(
        "us-west-2 (111111111111): ImageTagImmutable: the destination's tags are immutable"
    )
    none = ImageReplication("web/api", "sha256:" + "a" * 64, "v1")
    assert "pushed before them" in no_status_reason(none, (PROD_WEST,))
    assert no_status_reason(none, ()) == "No replication: no rule of this registry covers web/api."
    assert "no rule covers web/api, or the image was pushed before its rule" in no_status_reason(none, None)


def test_backfill_plan_says_what_will_be_copied_and_what_stands_in_the_way() -> None:
    config = ReplicationConfiguration(DEV, (ReplicationRule((PROD_WEST,), ("web/",)),))
    plan = backfill_plan(config, PROD_WEST)
    assert "every image and tag already in the repositories starting web/ (rule 1)" in plan
    assert "Another account: eu-west-1 (222222222222) must allow account 111111111111" in plan
    running = backfill_plan(config, PROD_WEST, [backfill(BackfillStatus.IN_PROGRESS)])
    assert "ECR runs one per destination region at a time" in running
