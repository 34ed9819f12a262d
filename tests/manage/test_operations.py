"""Every management action through ``Manager``, against the sandbox: what each plan says before anything is sent,
its refusals (with no request made), and what executing it does, including the audit log.

Each test makes its own repository in the module's read-write sandbox.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.errors import InvalidInput
from ecrtui.ecr.models import Repository
from ecrtui.ecr.service import EcrService
from ecrtui.manage import AuditLog, Manager, RepositorySpec
from ecrtui.manage.plan import Plan
from tests.conftest import SandboxProcess
from tests.ecr.pushing import OCI_MANIFEST, Pushed, push_blob, push_image, push_index, put_manifest

_names = itertools.count()


@pytest.fixture(scope="module")
def ecr(rw_sandbox: SandboxProcess) -> Any:
    """Plain boto3, to set up content independently of the code under test."""
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def manager(rw_sandbox: SandboxProcess, audit: AuditLog) -> Manager:
    return Manager(
        CachedEcr(EcrService(session=rw_sandbox.session("demo-dev"))), audit=audit, profile="demo-dev"
    )


def new_repository(ecr: Any, **params: Any) -> str:
    name = f"ops/repo-{next(_names)}"
    ecr.create_repository(repositoryName=name, **params)
    return name


def image_of(manager: Manager, text: str) -> tuple[Repository, Any]:
    resolved = manager.resolve_image(text)
    return resolved.repository, resolved.summary


def sent(manager: Manager, operation: str) -> int:
    return manager.ecr.service.call_counts.get(operation, 0)


def push_referrer(ecr: Any, repository: str, subject: Pushed, kind: str = "sig") -> str:
    config = push_blob(ecr, repository, b"{}")
    document = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": f"application/vnd.example.{kind}",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": config, "size": 2},
            "layers": [],
            "subject": {
                "mediaType": subject.media_type,
                "digest": subject.digest,
                "size": len(subject.manifest),
            },
        }
    ).encode()
    return put_manifest(ecr, repository, document, OCI_MANIFEST)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def text_of(plan: Plan) -> str:
    return "\n".join(plan.describe())


class TestTags:
    def test_a_new_tag_then_moving_it_says_which_image_loses_it(
        self, manager: Manager, ecr: Any, audit: AuditLog
    ) -> None:
        name = new_repository(ecr)
        first = push_image(ecr, name, "first", tag="v1")
        second = push_image(ecr, name, "second", tag="v2")
        repository, image = image_of(manager, f"{name}:v2")
        new = manager.plan_tag(repository, image, "stable")
        assert new.lines == ("stable is new in " + name,)
        assert manager.execute(new).ok
        repository, image = image_of(manager, f"{name}@{first.digest}")
        move = manager.plan_tag(repository, image, "stable")
        text = text_of(move)
        assert f"stable moves from v2, stable ({second.digest[:19]})" in text
        assert f"to v1 ({first.digest[:19]})" in text
        assert "loses its only tag" not in text  # v2 keeps v2
        outcome = manager.execute(move)
        assert outcome.ok
        assert manager.resolve_image(f"{name}:stable").summary.digest == first.digest
        repository, image = image_of(manager, f"{name}:v1")
        lonely = manager.plan_tag(repository, image, "v2")
        assert any("loses its only tag and stays, untagged" in line for line in lonely.lines)
        entries = audit.read()
        assert [(e.action, e.target, e.result) for e in entries] == [
            ("tag", f"{name}:stable", "ok"),
            ("tag", f"{name}:stable", "ok"),
        ]
        assert entries[1].detail == f"image {first.digest}, moved from {second.digest}"
        assert (entries[0].profile, entries[0].account, entries[0].region) == (
            "demo-dev",
            "111111111111",
            "us-east-1",
        )

    def test_an_immutable_tag_is_not_moved_and_nothing_is_sent(
        self, manager: Manager, ecr: Any, audit: AuditLog
    ) -> None:
        name = new_repository(ecr, imageTagMutability="IMMUTABLE")
        push_image(ecr, name, "one", tag="v1")
        other = push_image(ecr, name, "two", tag="v2")
        repository, image = image_of(manager, f"{name}:v2")
        plan = manager.plan_tag(repository, image, "v1")
        assert plan.nothing_to_do
        (refusal,) = plan.refusals
        assert "cannot move: the repository's tags are immutable" in refusal.message
        puts = sent(manager, "PutImage")
        outcome = manager.execute(plan)
        assert sent(manager, "PutImage") == puts
        assert [i.status for i in outcome.items] == ["refused"]
        assert audit.read()[-1].result.startswith("refused: v1 is on v1")
        assert manager.resolve_image(f"{name}:v2").summary.digest == other.digest

    @pytest.mark.parametrize(
        ("mutability", "filters", "movable", "fixed"),
        [
            ("IMMUTABLE_WITH_EXCLUSION", ["latest"], "latest", "v1"),
            ("MUTABLE_WITH_EXCLUSION", ["v*"], "latest", "v1"),
        ],
    )
    def test_exclusion_filters_decide_which_tags_move(
        self, manager: Manager, ecr: Any, mutability: str, filters: list[str], movable: str, fixed: str
    ) -> None:
        name = new_repository(
            ecr,
            imageTagMutability=mutability,
            imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": f} for f in filters],
        )
        push_image(ecr, name, "old", tag=movable)
        put_manifest(ecr, name, push_image(ecr, name, "old-release").manifest, OCI_MANIFEST, fixed)
        new = push_image(ecr, name, "new", tag="candidate")
        repository, image = image_of(manager, f"{name}:candidate")
        assert manager.execute(manager.plan_tag(repository, image, movable)).ok
        blocked = manager.plan_tag(repository, image, fixed)
        assert blocked.refusals
        assert not manager.execute(blocked).ok
        assert manager.resolve_image(f"{name}:{movable}").summary.digest == new.digest

    def test_bad_tags_and_archived_images_are_refused(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        push_image(ecr, name, "cold", tag="cold")
        repository, image = image_of(manager, f"{name}:cold")
        with pytest.raises(InvalidInput, match="contains a space"):
            manager.plan_tag(repository, image, "v 1")
        ecr.update_image_storage_class(
            repositoryName=name, imageId={"imageTag": "cold"}, targetStorageClass="ARCHIVE"
        )
        repository, image = image_of(manager, f"{name}:cold")
        plan = manager.plan_tag(repository, image, "warm")
        assert "restore it first" in plan.refusals[0].message

    def test_untag_keeps_an_image_with_other_tags(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        pushed = push_image(ecr, name, "two-tags", tag="a")
        put_manifest(ecr, name, pushed.manifest, pushed.media_type, "b")
        repository, image = image_of(manager, f"{name}:a")
        plan = manager.plan_untag(repository, image, "a")
        assert not plan.destructive
        assert plan.lines == ("a is removed; the image keeps b",)
        assert manager.execute(plan).ok
        assert manager.resolve_image(f"{name}:b").summary.tags == ("b",)

    def test_removing_the_last_tag_deletes_the_image_and_orphans_its_referrers(
        self, manager: Manager, ecr: Any
    ) -> None:
        name = new_repository(ecr)
        pushed = push_image(ecr, name, "only", tag="only")
        push_referrer(ecr, name, pushed)
        repository, image = image_of(manager, f"{name}:only")
        plan = manager.plan_untag(repository, image, "only")
        assert plan.destructive
        assert plan.needs_confirmation
        text = text_of(plan)
        assert "ECR deletes the image with it" in text
        assert "left without their subject: <untagged>" in text
        assert manager.execute(plan).ok
        remaining = [d["imageDigest"] for d in ecr.describe_images(repositoryName=name)["imageDetails"]]
        assert pushed.digest not in remaining
        assert len(remaining) == 1  # the signature stays, without its subject

    def test_the_last_tag_of_a_platform_image_is_refused(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        child = push_image(ecr, name, "platform", tag="amd64-only")
        push_index(ecr, name, [(child, "amd64")], tag="multi")
        repository, image = image_of(manager, f"{name}:amd64-only")
        plan = manager.plan_untag(repository, image, "amd64-only")
        (refusal,) = plan.refusals
        assert refusal.code == "ImageReferencedByManifestList"
        assert "index multi" in refusal.message
        deletes = sent(manager, "BatchDeleteImage")
        assert not manager.execute(plan).ok
        assert sent(manager, "BatchDeleteImage") == deletes


class TestDelete:
    def test_a_platform_image_of_an_index_that_stays_is_refused_before_sending(
        self, manager: Manager, ecr: Any, audit: AuditLog
    ) -> None:
        name = new_repository(ecr)
        amd, arm = push_image(ecr, name, "amd"), push_image(ecr, name, "arm", arch="arm64")
        push_index(ecr, name, [(amd, "amd64"), (arm, "arm64")], tag="v1")
        repository, child = image_of(manager, f"{name}@{amd.digest}")
        plan = manager.plan_delete_images(repository, [child])
        assert plan.nothing_to_do
        (refusal,) = plan.refusals
        assert refusal.code == "ImageReferencedByManifestList"
        assert "is listed by index v1" in refusal.message
        deletes = sent(manager, "BatchDeleteImage")
        outcome = manager.execute(plan)
        assert sent(manager, "BatchDeleteImage") == deletes
        assert [i.status for i in outcome.items] == ["refused"]
        assert audit.read()[-1].action == "delete-images"
        assert "refused" in audit.read()[-1].result

    def test_an_index_and_its_platforms_go_together_index_first(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        amd, arm = push_image(ecr, name, "amd"), push_image(ecr, name, "arm", arch="arm64")
        index = push_index(ecr, name, [(amd, "amd64"), (arm, "arm64")], tag="v1")
        keep = push_image(ecr, name, "keep", tag="keep")
        repository, top = image_of(manager, f"{name}:v1")
        children = [manager.resolve_image(f"{name}@{d.digest}").summary for d in (amd, arm)]
        plan = manager.plan_delete_images(repository, [*children, top])
        assert plan.waves == ((index.digest,), (amd.digest, arm.digest))
        assert plan.destructive
        assert "tags that disappear: v1" in plan.lines
        assert manager.execute(plan).ok
        assert [d["imageDigest"] for d in ecr.describe_images(repositoryName=name)["imageDetails"]] == [
            keep.digest
        ]

    def test_deleting_an_index_alone_names_the_platforms_it_leaves(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        amd = push_image(ecr, name, "amd")
        push_index(ecr, name, [(amd, "amd64")], tag="v1")
        repository, top = image_of(manager, f"{name}:v1")
        plan = manager.plan_delete_images(repository, [top])
        assert any(
            line.startswith("index v1") and "leaves 1 platform image behind" in line for line in plan.lines
        )

    def test_a_subject_with_referrers_names_them(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        subject = push_image(ecr, name, "signed", tag="v1")
        signature = push_referrer(ecr, name, subject)
        repository, image = image_of(manager, f"{name}:v1")
        plan = manager.plan_delete_images(repository, [image])
        assert f"left without their subject: <untagged> ({signature[:19]})" in plan.lines
        both = manager.plan_delete_images(
            repository, [image, manager.resolve_image(f"{name}@{signature}").summary]
        )
        assert not any("without their subject" in line for line in both.lines)

    def test_many_images_go_in_chunks_of_100_with_each_failure_reported(
        self, manager: Manager, ecr: Any, audit: AuditLog
    ) -> None:
        name = new_repository(ecr)
        config = push_blob(ecr, name, b'{"architecture":"amd64","os":"linux"}')
        digests = []
        for number in range(150):
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": OCI_MANIFEST,
                    "config": {
                        "mediaType": "application/vnd.oci.image.config.v1+json",
                        "digest": config,
                        "size": 37,
                    },
                    "layers": [],
                    "annotations": {"n": str(number)},
                }
            ).encode()
            digests.append(put_manifest(ecr, name, manifest, OCI_MANIFEST, f"t{number}"))
        repository = manager.repository(name)
        summaries = manager.ecr.service.list_images(name)
        plan = manager.plan_delete_images(repository, summaries)
        assert plan.title == f"Delete 150 images from {name}"
        assert "and 130 more images" in plan.lines
        assert len(plan.sent) == 150
        assert f"tags that disappear: {', '.join(f't{n}' for n in range(20))} and 130 more" in plan.lines
        ecr.batch_delete_image(repositoryName=name, imageIds=[{"imageDigest": digests[7]}])  # gone meanwhile
        calls = sent(manager, "BatchDeleteImage")
        outcome = manager.execute(plan)
        assert sent(manager, "BatchDeleteImage") == calls + 2
        failed = outcome.of("failed")
        assert [(i.target, i.code) for i in failed] == [(f"{name}@{digests[7]}", "ImageNotFound")]
        assert len(outcome.of("ok")) == 149
        assert len(audit.read()) == 150
        assert ecr.describe_images(repositoryName=name)["imageDetails"] == []


class TestArchive:
    def test_archive_then_restore(self, manager: Manager, ecr: Any, audit: AuditLog) -> None:
        name = new_repository(ecr)
        pushed = push_image(ecr, name, "archive-me", tag="old")
        repository, image = image_of(manager, f"{name}:old")
        plan = manager.plan_archive(repository, [image])
        assert plan.costs
        assert plan.needs_confirmation
        assert any("at least 90 days" in note for note in plan.notes)
        outcome = manager.execute(plan)
        assert [i.message for i in outcome.items] == ["now ARCHIVED"]
        repository, image = image_of(manager, f"{name}:old")
        assert image.status == "ARCHIVED"
        again = manager.plan_archive(repository, [image])
        assert again.nothing_to_do
        assert [i.message for i in again.skipped] == ["already archived"]
        restore = manager.plan_restore(repository, [image])
        assert not restore.needs_confirmation
        assert any("up to 20 minutes" in note for note in restore.notes)
        assert [i.message for i in manager.execute(restore).items] == ["now ACTIVATING"]
        wait_for(lambda: manager.resolve_image(f"{name}:old").summary.status == "ACTIVE", "the restore")
        assert [(e.action, e.result) for e in audit.read()] == [
            ("archive", "ok: now ARCHIVED"),
            ("restore", "ok: now ACTIVATING"),
        ]
        assert pushed.digest in audit.read()[0].target

    def test_archiving_a_platform_of_an_index_says_pulls_will_fail(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        amd = push_image(ecr, name, "amd")
        push_index(ecr, name, [(amd, "amd64")], tag="v1")
        repository, child = image_of(manager, f"{name}@{amd.digest}")
        plan = manager.plan_archive(repository, [child])
        assert any("pulling that platform through the index will fail" in line for line in plan.lines)
        repository, top = image_of(manager, f"{name}:v1")
        assert any(
            "platform images stay active" in line for line in manager.plan_archive(repository, [top]).lines
        )


class TestScans:
    def test_scans_of_what_ecr_cannot_scan_are_refused_first(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        child = push_image(ecr, name, "scannable", tag="img")
        push_index(ecr, name, [(child, "amd64")], tag="multi")
        repository, image = image_of(manager, f"{name}:img")
        index = manager.resolve_image(f"{name}:multi").summary
        plan = manager.plan_scan(repository, [image, index])
        assert [r.code for r in plan.refusals] == ["UnsupportedImageTypeException"]
        outcome = manager.execute(plan)
        assert [(i.status, i.message) for i in outcome.items if i.status == "ok"] == [
            ("ok", "scan IN_PROGRESS")
        ]


class TestRepositories:
    def test_create_checks_everything_first(self, manager: Manager, audit: AuditLog) -> None:
        with pytest.raises(InvalidInput, match="uppercase"):
            manager.plan_create_repository(RepositorySpec("Ops/Bad"))
        with pytest.raises(InvalidInput, match="at most 5"):
            manager.plan_create_repository(
                RepositorySpec("ops/x", "IMMUTABLE", tuple(f"f{n}" for n in range(6)))
            )
        spec = RepositorySpec(
            f"ops/created-{next(_names)}", "IMMUTABLE", ("latest",), True, resource_tags={"team": "ops"}
        )
        plan = manager.plan_create_repository(spec)
        assert "tags: immutable except latest" in plan.lines
        assert manager.execute(plan).ok
        created = manager.repository(spec.name)
        assert created.image_tag_mutability == "IMMUTABLE_WITH_EXCLUSION"
        exists = manager.plan_create_repository(spec)
        assert exists.refusals[0].code == "RepositoryAlreadyExistsException"
        assert audit.read()[0].action == "create-repository"

    def test_a_repository_holding_images_is_deleted_only_with_force(
        self, manager: Manager, ecr: Any, audit: AuditLog
    ) -> None:
        name = new_repository(ecr)
        push_image(ecr, name, "a", tag="x")
        push_image(ecr, name, "b")
        ecr.update_image_storage_class(
            repositoryName=name, imageId={"imageTag": "x"}, targetStorageClass="ARCHIVE"
        )
        repository = manager.repository(name)
        plan = manager.plan_delete_repository(repository)
        assert plan.confirm_word == name
        assert plan.lines[0] == "2 images (1 archived) and 1 tags go with it"
        assert plan.refusals[0].code == "RepositoryNotEmptyException"
        assert not manager.execute(plan).ok
        assert manager.repository(name).name == name
        forced = manager.plan_delete_repository(repository, force=True)
        assert not forced.refusals
        assert manager.execute(forced).ok
        assert name not in [r.name for r in manager.ecr.list_repositories(refresh=True)]
        assert [e.result.split(":")[0] for e in audit.read()] == ["refused", "ok"]

    def test_mutability_and_resource_tags(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr, tags=[{"Key": "team", "Value": "a"}, {"Key": "old", "Value": "1"}])
        repository = manager.repository(name)
        plan = manager.plan_set_tag_mutability(repository, "IMMUTABLE", ["latest", "dev-*"])
        assert plan.lines == ("tags: mutable → immutable except latest, dev-*",)
        assert manager.execute(plan).ok
        repository = manager.repository(name)
        assert manager.plan_set_tag_mutability(repository, "IMMUTABLE", ["latest", "dev-*"]).nothing_to_do
        tags = manager.plan_resource_tags(repository, {"team": "b", "env": "dev"}, ["old"])
        assert tags.lines == ("team=b (was a)", "env=dev (new)", "remove old (was 1)")
        assert manager.execute(tags).ok
        assert manager.ecr.get_resource_tags(repository.arn) == {"team": "b", "env": "dev"}

    def test_policies(self, manager: Manager, ecr: Any) -> None:
        name = new_repository(ecr)
        for number in range(3):
            push_image(ecr, name, f"img{number}", tag=f"t{number}")
        repository = manager.repository(name)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": ["ecr:BatchGetImage"]}]})  # fmt: skip
        set_policy = manager.plan_repository_policy(repository, policy)
        assert not set_policy.destructive
        assert manager.execute(set_policy).ok
        remove = manager.plan_repository_policy(repository, None)
        assert remove.destructive
        assert "replaces: Pull" in remove.lines
        lifecycle = json.dumps({"rules": [{"rulePriority": 1, "description": "keep 2", "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2}, "action": {"type": "expire"}}]})  # fmt: skip
        plan = manager.plan_lifecycle_policy(repository, lifecycle)
        assert plan.destructive
        assert plan.lines == (
            "rule 1: any, more than 2 images → expire",
            "now it would expire 1 and archive 0 images (ECR acts within 24 hours)",
        )
        assert manager.execute(plan).ok
        assert manager.plan_lifecycle_policy(repository, lifecycle).nothing_to_do


def test_read_only_mode_refuses_and_records_it(rw_sandbox: SandboxProcess, ecr: Any, audit: AuditLog) -> None:
    name = new_repository(ecr)
    push_image(ecr, name, "keep-me", tag="v1")
    manager = Manager(
        CachedEcr(EcrService(session=rw_sandbox.session("demo-dev"), read_only=True)),
        audit=audit,
        profile="demo-dev",
    )
    repository, image = image_of(manager, f"{name}:v1")
    outcome = manager.execute(manager.plan_delete_images(repository, [image]))
    assert [i.status for i in outcome.items] == ["refused"]
    assert "Read-only mode: BatchDeleteImage is not allowed" in outcome.items[0].message
    assert audit.read()[-1].result.startswith("refused: Read-only mode")
    assert manager.resolve_image(f"{name}:v1").summary.digest == image.digest
    assert manager.ecr.service.call_counts.get("BatchDeleteImage", 0) == 0


def test_login_and_pull_lines(manager: Manager) -> None:
    repository, image = image_of(manager, "web/api:v1.4.2")
    endpoint = manager.ecr.registry_endpoint()
    assert manager.login_line().endswith(f"--password-stdin {endpoint.host}")
    assert manager.pull_line(repository, image) == f"docker pull {endpoint.host}/web/api@{image.digest}"
    assert manager.pull_line(repository, image, by_tag=True) == f"docker pull {endpoint.host}/web/api:v1.4.2"


def test_the_audit_log_holds_no_secret(
    rw_sandbox: SandboxProcess, manager: Manager, ecr: Any, audit: AuditLog
) -> None:
    name = new_repository(ecr)
    push_image(ecr, name, "one", tag="v1")
    repository, image = image_of(manager, f"{name}:v1")
    manager.execute(manager.plan_tag(repository, image, "v2"))
    manager.execute(manager.plan_delete_images(repository, [image]))
    secrets = [
        line.split("=", 1)[1].strip()
        for line in rw_sandbox.credentials_file.read_text().splitlines()
        if line.startswith(("aws_access_key_id", "aws_secret_access_key"))
    ]
    text = audit.path.read_text()
    assert len(secrets) == 4
    assert not [s for s in secrets if s in text]
