"""Replication records without a server: reading what a person writes, refusing what ECR would, explaining codes,
and reading a registry policy's effect on incoming replication."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrtui.ecr.errors import InvalidInput, ServiceError
from ecrtui.ecr.registry_policy import RegistryPolicy, ReplicationGrant, allows
from ecrtui.ecr.replication import (
    BackfillResult,
    BackfillStatus,
    ReplicationBackfill,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationRule,
    explain_failure,
)

DEV, PROD = "111111111111", "222222222222"
PROD_WEST = ReplicationDestination("eu-west-1", PROD)


def document(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"rules": list(rules)}


class TestFromDocument:
    def test_reads_rules_filters_and_delete_replication_and_writes_them_back(self) -> None:
        raw = document(
            {
                "destinations": [
                    {"region": "eu-west-1", "registryId": PROD},
                    {"region": "us-west-2", "registryId": DEV},
                ],
                "repositoryFilters": [{"filter": "web/", "filterType": "PREFIX_MATCH"}],
                "deleteReplication": {"enabled": True},
            },
            {"destinations": [{"region": "ap-south-1", "registryId": DEV}]},
        )
        config = ReplicationConfiguration.from_document(raw, DEV)
        first, second = config.rules
        assert first == ReplicationRule(
            (PROD_WEST, ReplicationDestination("us-west-2", DEV)), ("web/",), delete_replication=True
        )
        assert second.repository_prefixes == ()
        assert config.to_api() == raw
        assert config.destinations_for("web/api") == (
            PROD_WEST,
            ReplicationDestination("us-west-2", DEV),
            ReplicationDestination("ap-south-1", DEV),
        )
        assert config.destinations_for("data/etl") == (ReplicationDestination("ap-south-1", DEV),)
        assert config.cross_account_destinations() == (PROD_WEST,)
        assert "ecr:ReplicateImage" in config.requirement(PROD_WEST)
        assert config.requirement(ReplicationDestination("us-west-2", DEV)) == ""

    def test_accepts_describe_registry_output(self) -> None:
        shown = {
            "registryId": DEV,
            "replicationConfiguration": document({"destinations": [PROD_WEST.to_api()]}),
        }
        assert ReplicationConfiguration.from_document(shown, DEV).destinations == (PROD_WEST,)

    @pytest.mark.parametrize(
        ("raw", "words"),
        [
            ([], "the configuration must be an object"),
            ({}, 'no "rules"'),
            ({"rules": {}}, "rules must be a list"),
            (
                document({"destinations": [{"region": "eu-west-1"}]}),
                "rules[0].destinations[0].registryId must be a string",
            ),
            (document({"destinations": [], "repositoryFilters": []}), "must not be empty"),
            (
                document(
                    {"destinations": [], "repositoryFilters": [{"filter": "ab", "filterType": "SUFFIX"}]}
                ),
                "PREFIX_MATCH",
            ),
            (document({"destinations": [], "deleteReplication": {"enabled": "yes"}}), "true or false"),
            (document({"destinations": [], "colour": "blue"}), "unknown field 'colour'"),
        ],
    )
    def test_bad_documents_name_the_problem(self, raw: Any, words: str) -> None:
        with pytest.raises(InvalidInput) as refused:
            ReplicationConfiguration.from_document(raw, DEV)
        assert words in str(refused.value)
        assert refused.value.operation is None  # the person's input: the CLI exits 2


class TestValidate:
    def config(self, *rules: ReplicationRule) -> ReplicationConfiguration:
        return ReplicationConfiguration(DEV, rules)

    def test_a_good_configuration_passes(self) -> None:
        self.config(ReplicationRule((PROD_WEST,), ("web/",))).validate("us-east-1")

    @pytest.mark.parametrize(
        ("rules", "words"),
        [
            ((ReplicationRule((PROD_WEST,)),) * 26, "at most 25"),
            (
                (
                    ReplicationRule(
                        tuple(ReplicationDestination("us-west-2", f"{i:012d}") for i in range(101))
                    ),
                ),
                "at most 100",
            ),
            ((ReplicationRule((ReplicationDestination("us-east-1", DEV),)),), "this registry itself"),
            ((ReplicationRule((ReplicationDestination("EU-WEST-1", PROD),)),), "not a region name"),
            ((ReplicationRule((ReplicationDestination("eu-west-1", "2222"),)),), "not an account id"),
            ((ReplicationRule((ReplicationDestination("cn-north-1", PROD),)),), "another AWS partition"),
            ((ReplicationRule((PROD_WEST,), ("Web/",)),), "not a repository-name prefix"),
            ((ReplicationRule((PROD_WEST,), ("w",)),), "not a repository-name prefix"),
        ],
    )
    def test_refuses_what_ecr_refuses(self, rules: tuple[ReplicationRule, ...], words: str) -> None:
        with pytest.raises(InvalidInput, match=words):
            self.config(*rules).validate("us-east-1")


class TestDestinations:
    def test_parse_region_and_account(self) -> None:
        assert ReplicationDestination.parse("eu-west-1", DEV) == ReplicationDestination("eu-west-1", DEV)
        assert ReplicationDestination.parse("eu-west-1:222222222222", DEV) == PROD_WEST
        assert PROD_WEST.key == "eu-west-1:222222222222"
        assert PROD_WEST.label == "eu-west-1 (222222222222)"

    @pytest.mark.parametrize("text", ["", "eu_west_1", "eu-west-1:abc", "eu-west-1:1234567890123"])
    def test_parse_refuses(self, text: str) -> None:
        with pytest.raises(InvalidInput):
            ReplicationDestination.parse(text, DEV)


class TestRecords:
    def test_backfill_from_api(self) -> None:
        backfill = ReplicationBackfill.from_api(
            {
                "replicationBackfillId": "00000000-0000-4000-8000-000000000000",
                "destination": PROD_WEST.to_api(),
                "status": "IN_PROGRESS",
                "progress": {
                    "totalReplicationCount": 10,
                    "completedReplicationCount": 6,
                    "failedReplicationCount": 1,
                    "failureCodes": ["ImageTagImmutable"],
                },
            },
            DEV,
        )
        assert backfill.registry_id == DEV
        assert backfill.status is BackfillStatus.IN_PROGRESS
        assert not backfill.status.is_final
        assert backfill.progress is not None
        assert backfill.progress.done == 7
        assert backfill.failed

    def test_an_unknown_status_is_a_one_line_service_error(self) -> None:
        with pytest.raises(ServiceError, match="unknown backfill status 'PONDERING'"):
            ReplicationBackfill.from_api({"status": "PONDERING", "destination": PROD_WEST.to_api()})

    def test_result_detail_explains_the_codes(self) -> None:
        result = BackfillResult.from_api(
            {
                "repositoryName": "web/gateway",
                "imageId": {"imageDigest": "sha256:" + "a" * 64, "imageTag": "v2"},
                "status": "FAILED",
                "failureCode": "ReferencedImagesNotReplicated",
                "subImageFailureCodes": ["ImageNotFound"],
            }
        )
        assert result.label == "web/gateway:v2"
        assert result.detail.startswith("ReferencedImagesNotReplicated: ")
        assert result.detail.endswith("(referenced images: ImageNotFound)")
        assert explain_failure("SomethingNew") == "SomethingNew"
        assert explain_failure(None) == ""


class TestRegistryPolicy:
    POLICY = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:aws:iam::{DEV}:root", "333333333333"]},
                    "Action": ["ecr:ReplicateImage", "ecr:CreateRepository"],
                    "Resource": f"arn:aws:ecr:eu-west-1:{PROD}:repository/*",
                },
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": "333333333333"},
                    "Action": "ecr:CreateRepository",
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "444444444444"},
                    "Action": "ecr:ReplicateImage",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-x"}},
                },
            ],
        }
    )

    def test_incoming_replication(self) -> None:
        policy = RegistryPolicy(PROD, "eu-west-1", self.POLICY)
        assert policy.incoming_replication() == (
            ReplicationGrant(DEV, replicate=True, create_repository=True),
            ReplicationGrant("333333333333", replicate=True, create_repository=False),
            ReplicationGrant("444444444444", replicate=False, create_repository=False),
        )

    def test_resources_and_nothing(self) -> None:
        arn = f"arn:aws:ecr:eu-west-1:{PROD}:repository/web/api"
        assert allows(self.POLICY, DEV, "ecr:replicateimage", arn)  # actions are case-insensitive
        assert not allows(self.POLICY, DEV, "ecr:ReplicateImage", arn.replace("eu-west-1", "us-east-1"))
        assert not allows(None, DEV, "ecr:ReplicateImage", arn)
        assert not allows("not json", DEV, "ecr:ReplicateImage", arn)


@pytest.mark.parametrize("region", ["mars-1", "mars", "eu-west-9"])
def test_a_region_ecr_does_not_run_in_is_refused_before_sending(region: str) -> None:
    """Caught as typed (the replication view) and by ``replication set`` (exit 2), not by ECR after a diff."""
    with pytest.raises(InvalidInput, match=f"ECR does not run in a region named '{region}'"):
        ReplicationDestination.parse(region, "111111111111")
    document = {"rules": [{"destinations": [{"region": region, "registryId": "222222222222"}]}]}
    with pytest.raises(InvalidInput, match="ECR does not run"):
        ReplicationConfiguration.from_document(document, "111111111111").validate("us-east-1")
