"""One change to the replication rules at a time, without a server: the whole configuration it makes, what it
refuses, what it means in words, and the diff the confirmation shows."""

from __future__ import annotations

import pytest

from ecrtui.ecr.errors import InvalidInput
from ecrtui.ecr.replication import ReplicationConfiguration, ReplicationDestination, ReplicationRule
from ecrtui.ecr.replication_edits import (
    AddDestination,
    AddFilter,
    RemoveDestination,
    RemoveFilter,
    SetDeleteReplication,
    configuration_diff,
)

DEV, PROD, OTHER = "111111111111", "222222222222", "333333333333"
PROD_WEST = ReplicationDestination("eu-west-1", PROD)
DEV_WEST = ReplicationDestination("us-west-2", DEV)
OTHER_CENTRAL = ReplicationDestination("eu-central-1", OTHER)
DEMO = ReplicationConfiguration(DEV, (ReplicationRule((PROD_WEST,), ("web/",)),))


class TestApply:
    def test_add_a_destination_to_a_rule(self) -> None:
        after = AddDestination(0, OTHER_CENTRAL).apply(DEMO)
        assert after.rules == (ReplicationRule((PROD_WEST, OTHER_CENTRAL), ("web/",)),)
        assert after.registry_id == DEV
        assert DEMO.rules[0].destinations == (PROD_WEST,), "the configuration shown is not changed in place"

    def test_add_a_destination_without_a_rule_makes_a_rule_for_every_repository(self) -> None:
        empty = ReplicationConfiguration(DEV)
        after = AddDestination(None, DEV_WEST).apply(empty)
        assert after.rules == (ReplicationRule((DEV_WEST,)),)
        assert AddDestination(None, DEV_WEST).describe(empty) == (
            "Add rule 1: every repository to us-west-2 (111111111111)"
        )

    def test_remove_the_last_destination_removes_the_rule(self) -> None:
        edit = RemoveDestination(0, PROD_WEST)
        assert edit.apply(DEMO).rules == ()
        assert "the whole rule is removed" in edit.consequences(DEMO)[0]

    def test_remove_one_of_two_destinations_keeps_the_rule(self) -> None:
        two = AddDestination(0, DEV_WEST).apply(DEMO)
        assert RemoveDestination(0, PROD_WEST).apply(two).rules == (ReplicationRule((DEV_WEST,), ("web/",)),)
        assert not any("removed" in note for note in RemoveDestination(0, PROD_WEST).consequences(two))

    def test_filters(self) -> None:
        two = AddFilter(0, "data/").apply(DEMO)
        assert two.rules[0].repository_prefixes == ("web/", "data/")
        assert RemoveFilter(0, "web/").apply(two).rules[0].repository_prefixes == ("data/",)
        every = RemoveFilter(0, "web/").apply(DEMO)
        assert every.rules[0].repository_prefixes == ()
        assert every.rules[0].applies_to("anything/at-all")
        assert "EVERY repository" in RemoveFilter(0, "web/").consequences(DEMO)[0]
        narrowed = AddFilter(0, "web/").consequences(
            ReplicationConfiguration(DEV, (ReplicationRule((PROD_WEST,)),))
        )
        assert "applied to every repository" in narrowed[0]

    def test_deletion_replication(self) -> None:
        on = SetDeleteReplication(0, enabled=True).apply(DEMO)
        assert on.rules[0].delete_replication
        assert on.to_api()["rules"][0]["deleteReplication"] == {"enabled": True}
        assert (
            "delete it in eu-west-1 (222222222222) too"
            in SetDeleteReplication(0, enabled=True).consequences(DEMO)[0]
        )
        assert not SetDeleteReplication(0, enabled=False).apply(on).rules[0].delete_replication

    @pytest.mark.parametrize(
        ("edit", "words"),
        [
            (AddDestination(0, PROD_WEST), "already a destination of rule 1"),
            (AddDestination(3, DEV_WEST), "there is no rule 4 (the registry has 1)"),
            (AddDestination(0, ReplicationDestination("EU West", DEV)), "is not a region name"),
            (RemoveDestination(0, DEV_WEST), "is not a destination of rule 1"),
            (AddFilter(0, "web/"), "already has the filter 'web/'"),
            (AddFilter(0, "Web/"), "is not a repository-name prefix"),
            (AddFilter(0, "w"), "is not a repository-name prefix"),
            (RemoveFilter(0, "data/"), "has no filter 'data/'"),
            (SetDeleteReplication(0, enabled=False), "already does not replicate deletions"),
        ],
    )
    def test_refusals_name_the_problem(self, edit: object, words: str) -> None:
        with pytest.raises(InvalidInput, match=words.replace("(", r"\(").replace(")", r"\)")):
            edit.apply(DEMO)  # type: ignore[attr-defined]

    def test_what_ecr_refuses_is_left_to_validate(self) -> None:
        itself = AddDestination(0, ReplicationDestination("us-east-1", DEV)).apply(DEMO)
        with pytest.raises(InvalidInput, match="is this registry itself"):
            itself.validate("us-east-1")


class TestWords:
    def test_a_destination_in_another_account_says_what_it_needs(self) -> None:
        notes = AddDestination(0, OTHER_CENTRAL).consequences(DEMO)
        assert notes[0] == (
            "Another account: eu-central-1 (333333333333) must allow account 111111111111 ecr:ReplicateImage (and "
            "ecr:CreateRepository to create missing repositories) in its registry policy in eu-central-1"
        )
        assert "backfill" in notes[-1]
        own = AddDestination(0, DEV_WEST).consequences(DEMO)
        assert not any(note.startswith("Another account") for note in own)

    def test_descriptions(self) -> None:
        assert AddDestination(0, OTHER_CENTRAL).describe(DEMO) == "Add eu-central-1 (333333333333) to rule 1"
        assert RemoveFilter(0, "web/").describe(DEMO) == "Remove the filter 'web/' from rule 1"
        assert SetDeleteReplication(0, enabled=True).describe(DEMO) == (
            "Replicate deletions and tag removals for rule 1"
        )


def test_the_diff_shows_before_and_after_as_ecr_takes_it() -> None:
    after = AddDestination(0, OTHER_CENTRAL).apply(DEMO)
    diff = configuration_diff(DEMO, after, "current", "after the change")
    assert diff[:2] == ["--- current", "+++ after the change"]
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert '+          "region": "eu-central-1",' in added
    assert '+          "registryId": "333333333333"' in added
    assert not [line for line in diff if line.startswith("-") and not line.startswith("---")]
    assert configuration_diff(DEMO, DEMO) == []
