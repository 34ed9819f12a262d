"""The data layer's management calls against the sandbox: checked input, archive and restore, scans, lifecycle
policies and the preview of the demo's policies, the login and pull lines, and what the cache forgets."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable

import pytest

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.errors import Conflict, InvalidInput, NotFound
from ecrtui.ecr.lifecycle import parse_lifecycle_policy
from ecrtui.ecr.login import RegistryEndpoint, login_command, pull_command
from ecrtui.ecr.mutability import TagRules, mutability_params
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_manage import ARCHIVED_API_RELEASES
from tests.conftest import SandboxProcess
from tests.ecr.pushing import push_image

_names = itertools.count()


@pytest.fixture(scope="module")
def service(rw_sandbox: SandboxProcess) -> EcrService:
    return EcrService(session=rw_sandbox.session("demo-dev"))


@pytest.fixture(scope="module")
def ecr(rw_sandbox: SandboxProcess) -> object:
    return rw_sandbox.session("demo-dev").client("ecr")


def fresh_name() -> str:
    return f"calls/repo-{next(_names)}"


def wait_for(condition: Callable[[], bool], what: str, deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class TestMutabilityRules:
    def test_filters_choose_the_with_exclusion_setting(self) -> None:
        assert mutability_params("IMMUTABLE", ["latest"]) == {
            "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "latest"}],
        }
        assert mutability_params("MUTABLE", []) == {"imageTagMutability": "MUTABLE"}

    @pytest.mark.parametrize(
        ("mutability", "filters", "message"),
        [
            ("IMMUTABLE_WITH_EXCLUSION", [], "needs at least one exclusion filter"),
            ("IMMUTABLE", [f"v{n}*" for n in range(6)], "at most 5"),
            ("IMMUTABLE", ["v 1"], "contains a space"),
            ("IMMUTABLE", ["v/1"], "contains '/'"),
            ("SOMETIMES", [], "is not one of"),
        ],
    )
    def test_bad_settings_say_why(self, mutability: str, filters: list[str], message: str) -> None:
        with pytest.raises(InvalidInput, match=message) as caught:
            mutability_params(mutability, filters)
        assert caught.value.operation is None  # refused before any call: the CLI's exit 2

    def test_which_tags_may_move(self) -> None:
        immutable = TagRules("IMMUTABLE_WITH_EXCLUSION", ("latest", "nightly-*"))
        assert not immutable.is_immutable("latest")
        assert not immutable.is_immutable("nightly-2026")
        assert immutable.is_immutable("v1")
        assert "matches none of its exclusions" in (immutable.why_immutable("v1") or "")
        assert immutable.describe() == "immutable except latest, nightly-*"
        mutable = TagRules("MUTABLE_WITH_EXCLUSION", ("v*",))
        assert mutable.is_immutable("v1.2")
        assert not mutable.is_immutable("latest")
        assert mutable.why_immutable("v1.2") == "'v1.2' matches the immutable exclusion filter 'v*'"
        assert TagRules("MUTABLE").why_immutable("x") is None


class TestRepositories:
    def test_create_with_every_setting(self, service: EcrService) -> None:
        name = fresh_name()
        created = service.create_repository(
            name,
            tag_mutability="IMMUTABLE",
            exclusion_filters=["latest"],
            scan_on_push=True,
            encryption_type="KMS",
            kms_key="arn:aws:kms:us-east-1:111111111111:key/0000",
            tags={"team": "calls"},
        )
        assert created.image_tag_mutability == "IMMUTABLE_WITH_EXCLUSION"
        assert created.tag_mutability_exclusion_filters == ("latest",)
        assert created.scan_on_push
        assert created.encryption_type == "KMS"
        assert service.get_resource_tags(created.arn) == {"team": "calls"}
        service.set_tag_mutability(name, "MUTABLE", exclusion_filters=["v*"])
        again = service.get_repository(name)
        assert TagRules.of(again).describe() == "mutable except v*"

    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (lambda s: s.create_repository("Bad Name"), "uppercase"),
            (lambda s: s.create_repository("ok/name", kms_key="k"), "needs KMS encryption"),
            (lambda s: s.create_repository("ok/name", tags={"aws:x": "1"}), "reserved prefix"),
            (lambda s: s.create_repository("ok/name", tag_mutability="IMMUTABLE", exclusion_filters=["a b"]), "space"),
            (lambda s: s.set_repository_policy("web/api", "[1]"), "must be a JSON object"),
            (lambda s: s.put_lifecycle_policy("web/api", "{not json"), "not valid JSON"),
        ],
    )  # fmt: skip
    def test_bad_input_is_refused_before_sending(
        self, service: EcrService, call: Callable[[EcrService], object], message: str
    ) -> None:
        before = service.http_attempts
        with pytest.raises(InvalidInput, match=message):
            call(service)
        assert service.http_attempts == before


class TestArchive:
    def test_listing_asks_for_archived_images_when_told(self, service: EcrService) -> None:
        active = service.list_images(seed.API_REPOSITORY)
        every = service.list_images(seed.API_REPOSITORY, image_status="ANY")
        archived = [i for i in every if i.status == "ARCHIVED"]
        assert {t for i in archived for t in i.tags} >= set(ARCHIVED_API_RELEASES)
        assert all(i.status == "ACTIVE" for i in active)
        assert len(every) >= len(active) + len(ARCHIVED_API_RELEASES)
        assert all(i.last_archived_at is not None for i in archived)

    def test_archive_and_restore_through_the_cache(self, service: EcrService, ecr: object) -> None:
        name = fresh_name()
        service.create_repository(name)
        pushed = push_image(ecr, name, "to-archive", tag="v1")
        cached = CachedEcr(service)
        assert [i.digest for i in cached.list_images(name)] == [pushed.digest]
        assert cached.update_image_storage_class(name, pushed.digest, "ARCHIVE") == "ARCHIVED"
        assert cached.list_images(name) == []  # the cached listing was forgotten
        with pytest.raises(Conflict) as refused:
            cached.update_image_storage_class(name, pushed.digest, "ARCHIVE")
        assert refused.value.code == "ImageStorageClassUpdateNotSupportedException"
        assert cached.update_image_storage_class(name, pushed.digest, "STANDARD") == "ACTIVATING"
        wait_for(
            lambda: [i.status for i in cached.list_images(name, refresh=True)] == ["ACTIVE"],
            "the restore to finish",
        )


class TestScans:
    def test_start_a_scan_and_read_it(self, service: EcrService, ecr: object) -> None:
        name = fresh_name()
        service.create_repository(name)
        pushed = push_image(ecr, name, "scan-me", tag="v1")
        with pytest.raises(NotFound):
            service.get_scan_findings(name, pushed.digest)
        assert service.start_image_scan(name, pushed.digest) == "IN_PROGRESS"
        with pytest.raises(Conflict) as again:
            service.start_image_scan(name, pushed.digest)
        assert again.value.code == "LimitExceededException"
        wait_for(lambda: service.get_scan_findings(name, pushed.digest).status == "COMPLETE", "the scan")
        findings = service.get_scan_findings(name, pushed.digest)
        assert len(findings.findings) == sum(findings.severity_counts.values())
        assert not findings.enhanced

    def test_enhanced_findings_say_whether_a_fix_and_an_exploit_exist(self, service: EcrService) -> None:
        digest = service.describe_images(seed.ETL_REPOSITORY, ["1.8.1"])[0].digest
        findings = service.get_scan_findings(seed.ETL_REPOSITORY, digest)
        assert findings.status == "ACTIVE"
        assert findings.enhanced
        assert 0 < findings.fixable <= len(findings.findings)
        assert {f.fix_available for f in findings.findings} <= {"YES", "NO", "PARTIAL"}
        assert all(f.fixed_in_version for f in findings.findings if f.fix_available == "YES")
        assert findings.exploitable == sum(f.exploit_available == "YES" for f in findings.findings)

    def test_an_archived_image_cannot_be_scanned(self, service: EcrService) -> None:
        archived = service.describe_images(seed.API_REPOSITORY, [ARCHIVED_API_RELEASES[0]])[0]
        with pytest.raises(Conflict) as refused:
            service.start_image_scan(seed.API_REPOSITORY, archived.digest)
        assert refused.value.code == "ImageArchivedException"


class TestLifecycle:
    def test_the_preview_of_the_demo_api_policy(self, service: EcrService) -> None:
        """The demo's web/api policy: 1.0 releases archived but the newest, old untagged builds expired, images
        archived more than 90 days ago deleted (v0.9.2, archived 30 days before, stays)."""
        preview = service.preview_lifecycle_policy(seed.API_REPOSITORY)
        assert preview.status == "COMPLETE"
        by_rule = {p: preview.by_rule(p) for p in (1, 2, 3)}
        assert [r.tags[0] for r in by_rule[1]] == ["v1.0.0"]
        assert {(r.action, r.target_storage_class) for r in by_rule[1]} == {("TRANSITION", "ARCHIVE")}
        assert len(by_rule[2]) == 4
        assert all(not r.tags and r.action == "EXPIRE" for r in by_rule[2])
        assert [r.tags for r in by_rule[3]] == [("v0.9.0",), ("v0.9.1",)]
        assert {r.storage_class for r in by_rule[3]} == {"ARCHIVE"}
        assert (preview.expiring_count, preview.transitioning_count) == (6, 1)
        rules = preview.rules
        assert [r.action_text for r in rules] == ["archive", "expire", "expire"]
        assert rules[2].condition_text == "archived over 90 days ago"
        assert rules[2].selection_text == "any (archive)"

    def test_the_preview_of_the_demo_etl_policy(self, service: EcrService) -> None:
        preview = service.preview_lifecycle_policy(seed.ETL_REPOSITORY)
        expired = [r.tags[0] for r in preview.by_rule(1)]
        archived = [r.tags[0] for r in preview.by_rule(2)]
        assert expired == ["1.8.0-rc.1", "1.8.0-rc.2"]
        assert archived == ["1.6.0", "1.6.1", "1.7.0", "1.7.1", "1.7.2", "1.7.3"]

    def test_a_draft_is_previewed_and_policies_change_through_the_cache(
        self, service: EcrService, ecr: object
    ) -> None:
        name = fresh_name()
        service.create_repository(name)
        for n in range(3):
            push_image(ecr, name, f"img{n}", tag=f"t{n}")
        draft = json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "selection": {
                            "tagStatus": "any",
                            "countType": "imageCountMoreThan",
                            "countNumber": 2,
                        },
                        "action": {"type": "expire"},
                    }
                ]
            }
        )
        cached = CachedEcr(service)
        assert cached.get_lifecycle_policy(name) is None
        assert [r.tags for r in cached.preview_lifecycle_policy(name, policy_text=draft).results] == [("t0",)]
        cached.put_lifecycle_policy(name, draft)
        assert cached.get_lifecycle_policy(name) == draft  # the cached "no policy" was forgotten
        assert parse_lifecycle_policy(draft)[0].condition_text == "more than 2 images"
        assert cached.preview_lifecycle_policy(name).expiring_count == 1
        push_image(ecr, name, "img3", tag="t3")
        cached.add_tag(name, cached.list_images(name, refresh=True)[0].digest, "extra")
        assert cached.preview_lifecycle_policy(name).expiring_count == 2  # an image change forgot the preview
        cached.delete_lifecycle_policy(name)
        assert cached.get_lifecycle_policy(name) is None


class TestLogin:
    def test_lines_come_from_the_proxy_endpoint(self, service: EcrService) -> None:
        endpoint = service.registry_endpoint()
        assert endpoint.registry_id == "111111111111"
        assert endpoint.proxy_endpoint.startswith(("http://", "https://"))
        line = login_command(endpoint, "us-east-1", "demo-dev")
        assert line == (
            "aws ecr get-login-password --region us-east-1 --profile demo-dev | "
            f"docker login --username AWS --password-stdin {endpoint.host}"
        )
        assert "Token" not in line
        assert "sandbox-token" not in line

    def test_hosts_of_other_endpoints(self) -> None:
        vpc = RegistryEndpoint("123456789012", "https://vpce-0a1b.dkr.ecr.eu-west-1.vpce.amazonaws.com")
        assert vpc.host == "vpce-0a1b.dkr.ecr.eu-west-1.vpce.amazonaws.com"
        local = RegistryEndpoint("111111111111", "http://127.0.0.1:5000")
        assert pull_command(local, "web/api", tag="v1") == "docker pull 127.0.0.1:5000/web/api:v1"
        assert pull_command(local, "web/api", tag="v1", digest="sha256:" + "1" * 64).endswith(
            "@sha256:" + "1" * 64
        )
        line = login_command(local, "cn-north-1", None, "http://127.0.0.1:9000")
        assert "--endpoint-url http://127.0.0.1:9000" in line
        assert "--profile" not in line
