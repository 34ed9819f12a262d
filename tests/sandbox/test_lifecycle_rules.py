"""Lifecycle policy rules and their evaluation, unit by unit (the ECR user guide's own examples among them)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.images import SandboxImage
from ecrtui.sandbox.lifecycle_rules import evaluate, parse_policy, preview_entry

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def image(
    name: str,
    tags: tuple[str, ...] = (),
    *,
    days_old: float,
    pulled_days_ago: float | None = None,
    status: str = "ACTIVE",
    archived_days_ago: float | None = None,
    children: tuple[SandboxImage, ...] = (),
) -> SandboxImage:
    if children:
        manifest = json.dumps(
            {"schemaVersion": 2, "manifests": [{"digest": c.image_digest} for c in children]}
        )
    else:
        manifest = json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:" + "0" * 64}, "name": name})
    made = SandboxImage(
        account_id="111111111111",
        registry_id="111111111111",
        repository_name="team/app",
        manifest=manifest,
        media_type="application/vnd.oci.image.index.v1+json"
        if children
        else "application/vnd.oci.image.manifest.v1+json",
        digest="sha256:" + hashlib.sha256(name.encode()).hexdigest(),
        size=1,
        pushed_at=NOW - timedelta(days=days_old),
        artifact_media_type=None,
        last_pulled_at=None if pulled_days_ago is None else NOW - timedelta(days=pulled_days_ago),
    )
    for tag in tags:
        made.update_tag(tag)
    made.image_status = status
    if archived_days_ago is not None:
        made.last_archived_at = NOW - timedelta(days=archived_days_ago)
    return made


def rule(priority: int, selection: dict[str, Any], action: str = "expire") -> dict[str, Any]:
    act: dict[str, str] = {"type": action}
    if action == "transition":
        act["targetStorageClass"] = "archive"
    return {"rulePriority": priority, "selection": selection, "action": act}


def policy(*rules: dict[str, Any]) -> str:
    return json.dumps({"rules": list(rules)})


def acted(text: str, images: list[SandboxImage]) -> dict[str, tuple[int, str]]:
    """Tags (or name) of each image acted on -> (rule priority, action)."""
    result = {}
    for outcome in evaluate(parse_policy(text), images, NOW):
        key = ",".join(outcome.image.image_tags) or outcome.image.image_digest[7:15]
        result[key] = (outcome.rule.priority, outcome.rule.action)
    return result


def test_the_user_guides_multiple_rules_example() -> None:
    """Rule 2 would expire B, but B carries a prod tag rule 1 selects: only A goes (by rule 1)."""
    images = [
        image("a", ("beta-1", "prod-1"), days_old=10),
        image("b", ("beta-2", "prod-2"), days_old=9),
        image("c", ("beta-3",), days_old=8),
    ]
    text = policy(
        rule(1, {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "imageCountMoreThan", "countNumber": 1}),
        rule(2, {"tagStatus": "tagged", "tagPatternList": ["beta*"], "countType": "imageCountMoreThan", "countNumber": 1}),
    )  # fmt: skip
    assert acted(text, images) == {"beta-1,prod-1": (1, "expire")}


def test_the_user_guides_multiple_tags_in_one_rule_example() -> None:
    """Every pattern of a rule must match one of the image's tags; the newest one is kept."""
    images = [
        image("a", ("alpha-1", "beta-1", "gamma-1"), days_old=10),
        image("b", ("alpha-2", "beta-2", "gamma-2"), days_old=9),
        image("c", ("alpha-3", "beta-3", "gamma-3"), days_old=8),
        image("d", ("alpha-4",), days_old=20),
    ]
    text = policy(
        rule(1, {"tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"], "countType": "imageCountMoreThan", "countNumber": 1})
    )  # fmt: skip
    assert set(acted(text, images)) == {"alpha-1,beta-1,gamma-1", "alpha-2,beta-2,gamma-2"}


def test_untagged_images_a_higher_rule_selects_are_counted_but_never_taken_by_any() -> None:
    """A young untagged image is kept by rule 1 and protected from rule 2, yet it counts for rule 2's limit."""
    images = [
        image("young-untagged", days_old=1),
        image("old-untagged", days_old=30),
        image("new", ("v3",), days_old=2),
        image("mid", ("v2",), days_old=5),
        image("old", ("v1",), days_old=40),
    ]
    text = policy(
        rule(
            1,
            {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
        ),
        rule(2, {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2}),
    )
    result = acted(text, images)
    assert result.pop("v1") == (2, "expire")
    assert result.pop("v2") == (2, "expire")  # third newest overall: the young untagged image counted
    assert list(result.values()) == [(1, "expire")]  # the old untagged image, by rule 1 only


def test_prefixes_match_the_start_of_any_tag() -> None:
    images = [image("a", ("release-1", "latest"), days_old=9), image("b", ("rel",), days_old=9)]
    text = policy(
        rule(1, {"tagStatus": "tagged", "tagPrefixList": ["release"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3})
    )  # fmt: skip
    assert acted(text, images) == {"release-1,latest": (1, "expire")}


def test_since_pulled_uses_the_push_when_never_pulled_and_transitions() -> None:
    images = [
        image("pulled-lately", ("a",), days_old=100, pulled_days_ago=2),
        image("never-pulled-old", ("b",), days_old=100),
        image("never-pulled-new", ("c",), days_old=3),
    ]
    text = policy(
        rule(1, {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 30}, "transition")
    )  # fmt: skip
    assert acted(text, images) == {"b": (1, "transition")}


def test_archive_rules_see_only_archived_images() -> None:
    images = [
        image("active-old", ("a",), days_old=500),
        image("archived-long", ("b",), days_old=500, status="ARCHIVED", archived_days_ago=100),
        image("archived-lately", ("c",), days_old=500, status="ARCHIVED", archived_days_ago=10),
    ]
    text = policy(
        rule(1, {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 90})
    )  # fmt: skip
    outcomes = evaluate(parse_policy(text), images, NOW)
    assert [o.image.image_tags for o in outcomes] == [["b"]]
    assert preview_entry(outcomes[0])["storageClass"] == "ARCHIVE"
    assert preview_entry(outcomes[0])["action"] == {"type": "EXPIRE"}


def test_an_index_child_goes_only_with_its_index() -> None:
    child_a, child_b = image("child-a", days_old=30), image("child-b", days_old=30)
    kept_index = image("index", ("v1",), days_old=30, children=(child_a,))
    lone_child_index = image("gone-index", ("v0",), days_old=60, children=(child_b,))
    text = policy(
        rule(1, {"tagStatus": "tagged", "tagPatternList": ["v0"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 40}),
        rule(2, {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7}),
    )  # fmt: skip
    result = acted(text, [child_a, child_b, kept_index, lone_child_index])
    assert result.pop("v0") == (1, "expire")
    assert result == {child_b.image_digest[7:15]: (2, "expire")}  # child-a stays: its index stays


def test_preview_entries_name_the_rule_and_the_action() -> None:
    text = policy(
        rule(3, {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "transition")
    )
    outcomes = evaluate(
        parse_policy(text), [image("n", ("new",), days_old=1), image("o", ("old",), days_old=2)], NOW
    )
    entry = preview_entry(outcomes[0])
    assert entry["imageTags"] == ["old"]
    assert entry["appliedRulePriority"] == 3
    assert entry["action"] == {"type": "TRANSITION", "targetStorageClass": "ARCHIVE"}
    assert entry["storageClass"] == "STANDARD"


GOOD = {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "Could not map policyString"),
        (json.dumps({"rules": []}), "missing required properties"),
        (policy(rule(0, GOOD)), "rulePriority must be an integer of at least 1"),
        (policy(rule(1, GOOD), rule(1, {**GOOD, "tagStatus": "untagged"})), "unique"),
        (policy(rule(1, {**GOOD, "tagStatus": "tagged"})), "exactly one of tagPrefixList and tagPatternList"),
        (policy(rule(1, {**GOOD, "tagPrefixList": ["v"]})), "go only with tagStatus tagged"),
        (policy(rule(1, {**GOOD, "tagStatus": "tagged", "tagPatternList": ["*a*b*c*d*e"]})), "more than 4 wildcards"),
        (policy(rule(1, {**GOOD, "countUnit": "days"})), "countUnit is not allowed"),
        (policy(rule(1, {**GOOD, "countType": "sinceImagePushed"})), "countUnit must be days"),
        (policy(rule(1, {**GOOD, "countType": "sinceImagePulled", "countUnit": "days"})), "can only transition"),
        (policy(rule(1, {**GOOD, "storageClass": "archive"})), "sinceImageTransitioned goes with storageClass archive"),
        (
            policy(rule(1, {**GOOD, "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 30})),
            "at least 90 days",
        ),
        (policy(rule(1, GOOD), rule(2, {**GOOD, "tagStatus": "untagged"})), "tagStatus any must have the highest"),
        (policy(rule(1, {**GOOD, "tagStatus": "untagged"}), rule(2, {**GOOD, "tagStatus": "untagged"})), "only one rule may select untagged"),
        (json.dumps({"rules": [{"rulePriority": 1, "selection": GOOD, "action": {"type": "transition"}}]}), "targetStorageClass archive"),
        (json.dumps({"rules": [{"rulePriority": 1, "selection": GOOD, "action": {"type": "delete"}}]}), "expire or transition"),
        (json.dumps({"rules": [{"rulePriority": 1, "selection": GOOD, "action": {"type": "expire"}, "x": 1}]}), "not allowed"),
    ],
)  # fmt: skip
def test_policies_ecr_refuses(text: str, reason: str) -> None:
    with pytest.raises(InvalidParameterException, match=reason) as caught:
        parse_policy(text)
    assert "Lifecycle policy validation failure" in str(caught.value)


def test_a_good_policy_is_sorted_by_priority() -> None:
    text = policy(
        rule(9, GOOD),
        rule(2, {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}),
        rule(5, {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 90}),
    )  # fmt: skip
    assert [r.priority for r in parse_policy(text)] == [2, 5, 9]
