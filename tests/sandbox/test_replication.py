"""ECR replication in the sandbox, through plain boto3 over HTTP: rules, asynchronous replication, cross-account
policies, deletions, per-image status and creation templates. Backfills are in ``test_backfills.py``.

The module's sandbox replicates after 20 ms; every wait is on a condition with a deadline. Each test writes the
replication configuration it needs (``PutReplicationConfiguration`` replaces the whole configuration) and uses
repositories of its own.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from ecrtui.sandbox.seed_replication import PROD_REGISTRY_POLICY
from tests.conftest import start_sandbox
from tests.ecr.pushing import push_image, push_index
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
_names = itertools.count()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    started = start_sandbox(
        tmp_path_factory.mktemp("replication"), "--seed", "demo", "--replication-delay-ms", "20"
    )
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def dev(sandbox: SandboxProcess) -> Any:
    return sandbox.session("demo-dev").client("ecr")


@pytest.fixture(scope="module")
def dev_west(sandbox: SandboxProcess) -> Any:
    """demo-dev's own registry in another region (us-west-2)."""
    return sandbox.session("demo-dev").client("ecr", region_name="us-west-2")


@pytest.fixture(scope="module")
def prod(sandbox: SandboxProcess) -> Any:
    return sandbox.session("demo-prod").client("ecr")


@pytest.fixture
def prod_policy(prod: Any) -> Iterator[Any]:
    """The demo's registry policy on demo-prod, restored after a test that changes it."""
    prod.put_registry_policy(policyText=json.dumps(PROD_REGISTRY_POLICY))
    yield prod
    prod.put_registry_policy(policyText=json.dumps(PROD_REGISTRY_POLICY))


def new_repository(client: Any, prefix: str = "rep") -> str:
    name = f"{prefix}/r{next(_names)}"
    client.create_repository(repositoryName=name)
    return name


def rule(*destinations: tuple[str, str], prefix: str | None = None, deletes: bool = False) -> dict[str, Any]:
    entry: dict[str, Any] = {"destinations": [{"region": r, "registryId": a} for r, a in destinations]}
    if prefix:
        entry["repositoryFilters"] = [{"filter": prefix, "filterType": "PREFIX_MATCH"}]
    if deletes:
        entry["deleteReplication"] = {"enabled": True}
    return entry


def configure(client: Any, *rules: dict[str, Any]) -> None:
    client.put_replication_configuration(replicationConfiguration={"rules": list(rules)})


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def statuses(client: Any, repository: str, reference: dict[str, str]) -> list[dict[str, str]]:
    return list(
        client.describe_image_replication_status(repositoryName=repository, imageId=reference)[
            "replicationStatuses"
        ]
    )


def settled(client: Any, repository: str, reference: dict[str, str]) -> list[dict[str, str]] | None:
    """The statuses once none is ``IN_PROGRESS`` (None before)."""
    found = statuses(client, repository, reference)
    return found if found and all(s["status"] != "IN_PROGRESS" for s in found) else None


def images_at(client: Any, repository: str) -> dict[str, set[str]]:
    """digest -> tags at a registry (empty when the repository does not exist)."""
    try:
        details = client.describe_images(repositoryName=repository)["imageDetails"]
    except client.exceptions.RepositoryNotFoundException:
        return {}
    return {d["imageDigest"]: set(d.get("imageTags", ())) for d in details}


class TestConfiguration:
    def test_rules_round_trip_with_filters_and_delete_replication(self, dev: Any) -> None:
        rules = [
            rule(("us-west-2", DEV), ("eu-west-1", PROD), prefix="team-a/", deletes=True),
            rule(("ap-southeast-2", DEV)),
        ]
        configure(dev, *rules)
        described = dev.describe_registry()
        assert described["registryId"] == DEV
        assert described["replicationConfiguration"]["rules"] == rules

    def test_up_to_25_rules_of_100_destinations(self, dev: Any) -> None:
        regions = ["us-west-2", "eu-west-1", "ap-south-1", "ca-central-1"]
        destinations = [(regions[i % 4], f"{400000000000 + i}") for i in range(100)]
        configure(dev, *[rule(*destinations, prefix=f"many{i}/") for i in range(25)])
        assert len(dev.describe_registry()["replicationConfiguration"]["rules"]) == 25

    @pytest.mark.parametrize(
        ("rules", "code", "words"),
        [
            ([rule(("us-west-2", DEV))] * 26, "ValidationException", "less than or equal to 25"),
            (
                [rule(*[("us-west-2", f"{500000000000 + i}") for i in range(101)])],
                "ValidationException",
                "less than or equal to 100",
            ),
            ([rule(("us-east-1", DEV))], "InvalidParameterException", "same as the source registry"),
            ([rule(("xx-nowhere-1", DEV))], "InvalidParameterException", "xx-nowhere-1"),
            ([rule(("cn-north-1", DEV))], "InvalidParameterException", "partition"),
            ([rule(("us-west-2", DEV), prefix="Team/")], "ValidationException", "regular expression"),
            (
                [
                    {
                        **rule(("us-west-2", DEV)),
                        "repositoryFilters": [{"filter": "ab", "filterType": "SUFFIX"}],
                    }
                ],
                "ValidationException",
                "enum",
            ),
        ],
        ids=[
            "26-rules",
            "101-destinations",
            "source-itself",
            "unknown-region",
            "other-partition",
            "bad-filter",
            "bad-type",
        ],
    )
    def test_refused_as_ecr_refuses_and_nothing_changes(
        self, dev: Any, rules: list[dict[str, Any]], code: str, words: str
    ) -> None:
        kept = [rule(("us-west-2", DEV), prefix="kept/")]
        configure(dev, *kept)
        with pytest.raises(ClientError) as refused:
            configure(dev, *rules)
        assert error_code(refused) == code
        assert words in refused.value.response["Error"]["Message"]
        assert dev.describe_registry()["replicationConfiguration"]["rules"] == kept

    def test_no_rules_turns_replication_off(self, dev: Any) -> None:
        configure(dev)
        assert dev.describe_registry()["replicationConfiguration"] == {"rules": []}


class TestPushReplicates:
    def test_same_account_other_region_with_identical_digests(self, dev: Any, dev_west: Any) -> None:
        repository = new_repository(dev)
        configure(dev, rule(("us-west-2", DEV), prefix=repository))
        pushed = push_image(dev, repository, "same-account", tag="v1")
        first = statuses(dev, repository, {"imageTag": "v1"})
        assert [(s["region"], s["registryId"]) for s in first] == [("us-west-2", DEV)]
        assert first[0]["status"] in ("IN_PROGRESS", "COMPLETE")
        done = wait_until(lambda: settled(dev, repository, {"imageTag": "v1"}), "replication to us-west-2")
        assert done == [{"region": "us-west-2", "registryId": DEV, "status": "COMPLETE"}]
        assert images_at(dev_west, repository) == {pushed.digest: {"v1"}}
        got = dev_west.batch_get_image(repositoryName=repository, imageIds=[{"imageDigest": pushed.digest}])
        assert got["images"][0]["imageManifest"].encode() == pushed.manifest  # byte-identical
        manifest = json.loads(pushed.manifest)
        blobs = [manifest["config"]["digest"], *(layer["digest"] for layer in manifest["layers"])]
        layers = dev_west.batch_check_layer_availability(repositoryName=repository, layerDigests=blobs)
        assert {layer["layerAvailability"] for layer in layers["layers"]} == {"AVAILABLE"}

    def test_a_tag_change_replicates(self, dev: Any, dev_west: Any) -> None:
        repository = new_repository(dev)
        configure(dev, rule(("us-west-2", DEV), prefix=repository))
        pushed = push_image(dev, repository, "retag", tag="v1")
        wait_until(lambda: images_at(dev_west, repository).get(pushed.digest) == {"v1"}, "first tag")
        dev.put_image(repositoryName=repository, imageManifest=pushed.manifest.decode(), imageTag="stable")
        wait_until(lambda: images_at(dev_west, repository).get(pushed.digest) == {"v1", "stable"}, "new tag")

    def test_index_and_children_keep_their_digests(self, dev: Any, dev_west: Any) -> None:
        repository = new_repository(dev)
        configure(dev, rule(("us-west-2", DEV), prefix=repository))
        amd = push_image(dev, repository, "amd")
        arm = push_image(dev, repository, "arm", arch="arm64")
        index = push_index(dev, repository, [(amd, "amd64"), (arm, "arm64")], tag="multi")
        wait_until(lambda: settled(dev, repository, {"imageTag": "multi"}), "index replication")
        assert images_at(dev_west, repository) == {
            amd.digest: set(),
            arm.digest: set(),
            index.digest: {"multi"},
        }

    def test_repositories_outside_the_filters_stay_home(self, dev: Any, dev_west: Any) -> None:
        covered, other = new_repository(dev, "in"), new_repository(dev, "out")
        configure(dev, rule(("us-west-2", DEV), prefix="in/"))
        push_image(dev, other, "not-replicated", tag="v1")
        push_image(dev, covered, "replicated", tag="v1")
        wait_until(lambda: settled(dev, covered, {"imageTag": "v1"}), "the covered repository")
        assert statuses(dev, other, {"imageTag": "v1"}) == []
        assert images_at(dev_west, other) == {}

    def test_replicated_content_is_not_replicated_again(self, dev: Any, dev_west: Any) -> None:
        repository = new_repository(dev)
        configure(dev, rule(("us-west-2", DEV), prefix=repository))
        dev_west.put_replication_configuration(
            replicationConfiguration={"rules": [rule(("ap-south-1", DEV), prefix=repository)]}
        )
        pushed = push_image(dev, repository, "one-hop", tag="v1")
        wait_until(lambda: images_at(dev_west, repository).get(pushed.digest), "first hop")
        assert statuses(dev_west, repository, {"imageTag": "v1"}) == []

    def test_unknown_image_and_repository(self, dev: Any) -> None:
        repository = new_repository(dev)
        with pytest.raises(ClientError) as missing_image:
            statuses(dev, repository, {"imageTag": "nope"})
        assert error_code(missing_image) == "ImageNotFoundException"
        with pytest.raises(ClientError) as missing_repository:
            statuses(dev, "no/such-repository", {"imageTag": "v1"})
        assert error_code(missing_repository) == "RepositoryNotFoundException"


class TestCrossAccount:
    def test_with_the_registry_policy_complete_and_created_from_the_template(
        self, dev: Any, prod_policy: Any
    ) -> None:
        repository = f"web/cross-{next(_names)}"
        dev.create_repository(repositoryName=repository)
        configure(dev, rule(("eu-west-1", PROD), prefix="web/"))
        pushed = push_image(dev, repository, "cross", tag="v1")
        done = wait_until(lambda: settled(dev, repository, {"imageDigest": pushed.digest}), "cross-account")
        assert done == [{"region": "eu-west-1", "registryId": PROD, "status": "COMPLETE"}]
        assert images_at(prod_policy, repository) == {pushed.digest: {"v1"}}
        created = prod_policy.describe_repositories(repositoryNames=[repository])["repositories"][0]
        assert created["imageTagMutability"] == "IMMUTABLE"  # demo-prod's REPLICATION template for web/
        tags = prod_policy.list_tags_for_resource(resourceArn=created["repositoryArn"])["tags"]
        assert {t["Key"]: t["Value"] for t in tags} == {"team": "web", "env": "prod"}

    def test_without_a_policy_failed_with_a_code(self, dev: Any, sandbox: SandboxProcess) -> None:
        repository = new_repository(dev)
        configure(dev, rule(("eu-west-1", ELSEWHERE), prefix=repository))
        push_image(dev, repository, "denied", tag="v1")
        done = wait_until(lambda: settled(dev, repository, {"imageTag": "v1"}), "denied replication")
        assert done == [
            {
                "region": "eu-west-1",
                "registryId": ELSEWHERE,
                "status": "FAILED",
                "failureCode": "ReplicateImageAccessDenied",
            }
        ]
        elsewhere = sandbox.session("demo-dev").client("ecr", region_name="eu-west-1")
        assert images_at(elsewhere, repository) == {}  # nothing was written there

    def test_missing_create_repository_permission_then_an_existing_repository(
        self, dev: Any, prod_policy: Any
    ) -> None:
        replicate_only = json.loads(json.dumps(PROD_REGISTRY_POLICY))
        replicate_only["Statement"][0]["Action"] = ["ecr:ReplicateImage"]
        prod_policy.put_registry_policy(policyText=json.dumps(replicate_only))
        repository = new_repository(dev)
        configure(dev, rule(("eu-west-1", PROD), prefix=repository))
        push_image(dev, repository, "no-create", tag="v1")
        done = wait_until(lambda: settled(dev, repository, {"imageTag": "v1"}), "replication without create")
        assert done[0]["failureCode"] == "CreateRepositoryAccessDenied"
        prod_policy.create_repository(repositoryName=repository)
        pushed = push_image(dev, repository, "into-existing", tag="v2")
        done = wait_until(lambda: settled(dev, repository, {"imageTag": "v2"}), "into an existing repository")
        assert done[0]["status"] == "COMPLETE"
        assert images_at(prod_policy, repository) == {pushed.digest: {"v2"}}

    def test_an_explicit_deny_wins(self, dev: Any, prod_policy: Any) -> None:
        policy = json.loads(json.dumps(PROD_REGISTRY_POLICY))
        policy["Statement"].append(
            {
                "Sid": "NoReplication",
                "Effect": "Deny",
                "Principal": {"AWS": DEV},
                "Action": "ecr:ReplicateImage",
                "Resource": "*",
            }
        )
        prod_policy.put_registry_policy(policyText=json.dumps(policy))
        repository = new_repository(dev)
        configure(dev, rule(("eu-west-1", PROD), prefix=repository))
        push_image(dev, repository, "deny", tag="v1")
        done = wait_until(lambda: settled(dev, repository, {"imageTag": "v1"}), "denied replication")
        assert done[0]["failureCode"] == "ReplicateImageAccessDenied"

    def test_an_immutable_tag_at_the_destination_fails_that_replication(
        self, dev: Any, prod_policy: Any
    ) -> None:
        repository = f"web/immutable-{next(_names)}"
        dev.create_repository(repositoryName=repository)
        configure(dev, rule(("eu-west-1", PROD), prefix="web/"))
        first = push_image(dev, repository, "first", tag="release")
        wait_until(lambda: settled(dev, repository, {"imageDigest": first.digest}), "first release")
        second = push_image(dev, repository, "second", tag="release")  # dev is MUTABLE: the tag moves there
        done = wait_until(lambda: settled(dev, repository, {"imageDigest": second.digest}), "second release")
        assert done[0]["failureCode"] == "ImageTagImmutable"
        assert images_at(prod_policy, repository) == {first.digest: {"release"}}


class TestDeletions:
    def test_deleting_an_image_replicates_with_delete_replication(self, dev: Any, dev_west: Any) -> None:
        repository = new_repository(dev)
        configure(dev, rule(("us-west-2", DEV), prefix=repository, deletes=True))
        pushed = push_image(dev, repository, "doomed", tag="v1")
        wait_until(lambda: images_at(dev_west, repository).get(pushed.digest), "the push")
        dev.batch_delete_image(repositoryName=repository, imageIds=[{"imageDigest": pushed.digest}])
        wait_until(lambda: pushed.digest not in images_at(dev_west, repository), "the deletion")

    def test_removing_a_tag_replicates_with_delete_replication(self, dev: Any, dev_west: Any) -> None:
        repository = new_repository(dev)
        configure(dev, rule(("us-west-2", DEV), prefix=repository, deletes=True))
        pushed = push_image(dev, repository, "two-tags", tag="a")
        dev.put_image(repositoryName=repository, imageManifest=pushed.manifest.decode(), imageTag="b")
        wait_until(lambda: images_at(dev_west, repository).get(pushed.digest) == {"a", "b"}, "both tags")
        dev.batch_delete_image(repositoryName=repository, imageIds=[{"imageTag": "a"}])
        wait_until(lambda: images_at(dev_west, repository).get(pushed.digest) == {"b"}, "the tag removal")

    def test_without_delete_replication_the_destination_keeps_it(self, dev: Any, dev_west: Any) -> None:
        """Replication runs in order of arrival, so once a later push has arrived the deletion had its turn."""
        repository = new_repository(dev)
        configure(dev, rule(("us-west-2", DEV), prefix=repository))
        kept = push_image(dev, repository, "kept", tag="v1")
        dev.put_image(repositoryName=repository, imageManifest=kept.manifest.decode(), imageTag="also")
        wait_until(lambda: images_at(dev_west, repository).get(kept.digest) == {"v1", "also"}, "the push")
        dev.batch_delete_image(repositoryName=repository, imageIds=[{"imageTag": "also"}])
        dev.batch_delete_image(repositoryName=repository, imageIds=[{"imageDigest": kept.digest}])
        marker = push_image(dev, repository, "marker", tag="after")
        wait_until(lambda: images_at(dev_west, repository).get(marker.digest), "the later push")
        assert images_at(dev_west, repository)[kept.digest] == {"v1", "also"}


class TestCreationTemplates:
    def test_create_describe_update_delete(self, dev: Any) -> None:
        created = dev.create_repository_creation_template(
            prefix="tpl-a", appliedFor=["REPLICATION"], imageTagMutability="IMMUTABLE", description="first"
        )["repositoryCreationTemplate"]
        assert created["prefix"] == "tpl-a"
        assert created["appliedFor"] == ["REPLICATION"]
        with pytest.raises(ClientError) as duplicate:
            dev.create_repository_creation_template(prefix="tpl-a/", appliedFor=["REPLICATION"])
        assert error_code(duplicate) == "TemplateAlreadyExistsException"
        dev.update_repository_creation_template(prefix="tpl-a", description="second")
        (described,) = dev.describe_repository_creation_templates(prefixes=["tpl-a"])[
            "repositoryCreationTemplates"
        ]
        # The model: "If this parameter is omitted, the default setting of MUTABLE will be used".
        assert (described["description"], described["imageTagMutability"]) == ("second", "MUTABLE")
        assert described["appliedFor"] == ["REPLICATION"]  # other members are kept
        assert described["updatedAt"] >= described["createdAt"]
        dev.delete_repository_creation_template(prefix="tpl-a")
        with pytest.raises(ClientError) as gone:
            dev.delete_repository_creation_template(prefix="tpl-a")
        assert error_code(gone) == "TemplateNotFoundException"

    @pytest.mark.parametrize(
        ("request_args", "code"),
        [
            ({"prefix": "Bad Prefix", "appliedFor": ["REPLICATION"]}, "ValidationException"),
            ({"prefix": "tpl-b", "appliedFor": ["SOMETIMES"]}, "ValidationException"),
            (
                {"prefix": "tpl-b", "appliedFor": ["REPLICATION"], "imageTagMutability": "SOMETIMES"},
                "ValidationException",
            ),
            (
                {
                    "prefix": "tpl-b",
                    "appliedFor": ["REPLICATION"],
                    "imageTagMutability": "IMMUTABLE",
                    "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "sha256-*"}],
                },
                "InvalidParameterException",
            ),
        ],
        ids=["prefix", "applied-for", "mutability", "filters-without-exclusion-mode"],
    )
    def test_refused_as_the_model_says(self, dev: Any, request_args: dict[str, Any], code: str) -> None:
        with pytest.raises(ClientError) as refused:
            dev.create_repository_creation_template(**request_args)
        assert error_code(refused) == code

    def test_paging(self, dev: Any) -> None:
        for letter in "cdefg":
            dev.create_repository_creation_template(prefix=f"page-{letter}", appliedFor=["CREATE_ON_PUSH"])
        paginator = dev.get_paginator("describe_repository_creation_templates")
        pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
        prefixes = [t["prefix"] for page in pages for t in page["repositoryCreationTemplates"]]
        assert [p for p in prefixes if p.startswith("page-")] == [f"page-{c}" for c in "cdefg"]
        assert len(pages) >= 3

    def test_longest_prefix_wins_then_root_then_defaults(self, dev: Any, dev_west: Any) -> None:
        dev_west.create_repository_creation_template(
            prefix="ROOT", appliedFor=["REPLICATION"], imageTagMutability="IMMUTABLE"
        )
        dev_west.create_repository_creation_template(
            prefix="tpl/deep",
            appliedFor=["REPLICATION"],
            imageTagMutability="MUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "latest"}],
            repositoryPolicy=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )
        dev_west.create_repository_creation_template(
            prefix="tpl", appliedFor=["PULL_THROUGH_CACHE"], imageTagMutability="IMMUTABLE"
        )
        deep, shallow = "tpl/deep/app", "tpl/app"
        for name in (deep, shallow):
            dev.create_repository(repositoryName=name)
        configure(dev, rule(("us-west-2", DEV), prefix="tpl/"))
        for name in (deep, shallow):
            push_image(dev, name, name.replace("/", "-"), tag="v1")
            wait_until(lambda n=name: settled(dev, n, {"imageTag": "v1"}), f"replication of {name}")
        made = {
            r["repositoryName"]: r
            for r in dev_west.describe_repositories(repositoryNames=[deep, shallow])["repositories"]
        }
        assert made[deep]["imageTagMutability"] == "MUTABLE_WITH_EXCLUSION"
        assert dev_west.get_repository_policy(repositoryName=deep)["policyText"]
        assert (
            made[shallow]["imageTagMutability"] == "IMMUTABLE"
        )  # ROOT: "tpl" is for pull-through cache only
        assert made[shallow]["encryptionConfiguration"] == {"encryptionType": "AES256"}
        dev_west.delete_repository_creation_template(prefix="ROOT")


def test_the_demo_is_configured_and_its_images_predate_the_rule(demo_sandbox: SandboxProcess) -> None:
    dev, prod = (demo_sandbox.session(p).client("ecr") for p in ("demo-dev", "demo-prod"))
    assert dev.describe_registry()["replicationConfiguration"]["rules"] == [
        rule(("eu-west-1", PROD), prefix="web/")
    ]
    policy = json.loads(prod.get_registry_policy()["policyText"])
    assert policy["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{DEV}:root"}
    assert statuses(dev, "web/api", {"imageTag": "v1.4.2"}) == []
    assert dev.list_replication_backfills()["backfills"] == []
