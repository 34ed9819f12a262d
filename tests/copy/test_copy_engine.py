"""The copy engine against the sandbox: what it plans, what it writes, and that every copy is byte-exact.

Every successful copy is checked with plain boto3: the destination's BatchGetImage returns byte-identical
manifests and every blob they need is AVAILABLE (``copy_checks.assert_copied``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from copy_checks import assert_copied, closure, digest_of_tag, image_count, repository_exists, tag_digest

from ecrtui.copy import CopyEngine, CopyRefused, CopyRequest, ManifestRole, PlatformSpec, Side, TagAction
from ecrtui.ecr.service import EcrService
from ecrtui.jobs.events import ItemProgress, ItemState, JobProgress, ProgressEvent
from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_copy_cases import (
    CHECKOUT_INDEX_TAG,
    CHECKOUT_LEGACY_SIGNED_TAG,
    CHECKOUT_SIGNED_TAG,
    CHECKOUT_WINDOWS_TAG,
    cosign_signature_tag,
)

DEV, PROD = "111111111111", "222222222222"
WRITES = {"InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage", "CreateRepository"}


def request(
    src: EcrService,
    src_repo: str,
    reference: str,
    dst: EcrService,
    dst_repo: str,
    tags: tuple[str, ...] = (),
    **options: Any,
) -> CopyRequest:
    return CopyRequest(
        Side(src, DEV if src.region == "us-east-1" else PROD, src_repo),
        reference,
        Side(dst, DEV if dst.region == "us-east-1" else PROD, dst_repo),
        tags=tags,
        **options,
    )


def writes(service: EcrService) -> dict[str, int]:
    return {name: count for name, count in service.call_counts.items() if name in WRITES}


def test_same_account_copy(dev: EcrService, dev_ecr: Any, engine: CopyEngine) -> None:
    copy = request(
        dev,
        seed.API_REPOSITORY,
        seed.API_LATEST,
        dev,
        "promoted/api",
        ("v1.4.2", "stable"),
        create_repository=True,
    )
    plan = engine.plan(copy)
    assert plan.ok, plan.problems
    assert plan.create_repository is not None
    assert [t.action for t in plan.tags] == [TagAction.CREATE, TagAction.CREATE]
    result = engine.execute(plan)
    source_digest = digest_of_tag(dev_ecr, seed.API_REPOSITORY, seed.API_LATEST)
    assert result.digest == source_digest
    assert result.tags == ("v1.4.2", "stable")
    assert result.created_repository
    assert result.blobs_uploaded == len(plan.uploads) > 0
    assert result.bytes_uploaded == plan.bytes_to_upload
    assert tag_digest(dev_ecr, "promoted/api", "stable") == source_digest
    assert_copied(dev_ecr, seed.API_REPOSITORY, dev_ecr, "promoted/api", [source_digest])


def test_cross_account_and_region_with_two_profiles(
    dev: EcrService, prod: EcrService, dev_ecr: Any, prod_ecr: Any, engine: CopyEngine
) -> None:
    assert (dev.region, prod.region) == ("us-east-1", "eu-west-1")
    dev.reset_call_counts()
    copy = request(
        dev,
        seed.FRONTEND_REPOSITORY,
        "latest",
        prod,
        seed.FRONTEND_REPOSITORY,
        ("latest",),
        create_repository=True,
    )
    result = engine.execute(engine.plan(copy))
    digest = digest_of_tag(dev_ecr, seed.FRONTEND_REPOSITORY, "latest")
    assert result.digest == digest
    assert result.destination == f"{PROD}.dkr.ecr.eu-west-1.amazonaws.com/{seed.FRONTEND_REPOSITORY}"
    assert_copied(dev_ecr, seed.FRONTEND_REPOSITORY, prod_ecr, seed.FRONTEND_REPOSITORY, [digest])
    assert writes(dev) == {}  # the source is only read


def test_index_with_all_children_keeps_its_digest(
    dev: EcrService, prod: EcrService, dev_ecr: Any, prod_ecr: Any, engine: CopyEngine
) -> None:
    copy = request(
        dev,
        seed.MULTIARCH_REPOSITORY,
        seed.MULTIARCH_TAG,
        prod,
        seed.MULTIARCH_REPOSITORY,
        (seed.MULTIARCH_TAG,),
    )
    plan = engine.plan(copy)
    roles = [m.role for m in plan.manifests]
    assert roles == [
        ManifestRole.CHILD,
        ManifestRole.CHILD,
        ManifestRole.ATTESTATION,
        ManifestRole.ATTESTATION,
        ManifestRole.INDEX,
    ]
    result = engine.execute(plan)
    source_digest = digest_of_tag(dev_ecr, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
    assert result.digest == source_digest
    assert digest_of_tag(prod_ecr, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG) == source_digest
    assert result.manifests_put == 5
    assert_copied(
        dev_ecr,
        seed.MULTIARCH_REPOSITORY,
        prod_ecr,
        seed.MULTIARCH_REPOSITORY,
        closure(dev_ecr, seed.MULTIARCH_REPOSITORY, source_digest),
    )


def test_platform_filtered_copy(dev: EcrService, dev_ecr: Any, engine: CopyEngine) -> None:
    copy = request(
        dev,
        seed.MULTIARCH_REPOSITORY,
        seed.MULTIARCH_TAG,
        dev,
        "arm/gateway",
        ("arm64",),
        platforms=(PlatformSpec.parse("linux/arm64"),),
        create_repository=True,
    )
    result = engine.execute(engine.plan(copy))
    source = json.loads(
        dev_ecr.batch_get_image(
            repositoryName=seed.MULTIARCH_REPOSITORY, imageIds=[{"imageTag": seed.MULTIARCH_TAG}]
        )["images"][0]["imageManifest"]
    )
    arm = next(m for m in source["manifests"] if m["platform"]["architecture"] == "arm64")
    amd = next(m for m in source["manifests"] if m["platform"]["architecture"] == "amd64")
    arm_attestation = next(
        m
        for m in source["manifests"]
        if m.get("annotations", {}).get("vnd.docker.reference.digest") == arm["digest"]
    )
    copied = json.loads(
        dev_ecr.batch_get_image(repositoryName="arm/gateway", imageIds=[{"imageTag": "arm64"}])["images"][0][
            "imageManifest"
        ]
    )
    assert [m["digest"] for m in copied["manifests"]] == [arm["digest"], arm_attestation["digest"]]
    assert result.digest != digest_of_tag(dev_ecr, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
    assert tag_digest(dev_ecr, "arm/gateway", "arm64") == result.digest
    assert_copied(
        dev_ecr, seed.MULTIARCH_REPOSITORY, dev_ecr, "arm/gateway", [arm["digest"], arm_attestation["digest"]]
    )
    listed = {i["imageDigest"] for i in dev_ecr.list_images(repositoryName="arm/gateway")["imageIds"]}
    assert amd["digest"] not in listed


def test_a_platform_the_index_lacks_is_a_plan_problem(dev: EcrService, engine: CopyEngine) -> None:
    copy = request(
        dev,
        seed.MULTIARCH_REPOSITORY,
        seed.MULTIARCH_TAG,
        dev,
        "arm/none",
        platforms=(PlatformSpec.parse("linux/s390x"),),
    )
    plan = engine.plan(copy)
    assert plan.problems == (
        "no platform of the index matches linux/s390x (it has: linux/amd64, linux/arm64/v8)",
    )


def _put_order(service: EcrService) -> list[str]:
    """Digests in the order PutImage stores them (recorded from the request parameters)."""
    order: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        order.append(params.get("imageDigest") or "")

    service._ecr.meta.events.register("provide-client-params.ecr.PutImage", record)
    return order


@pytest.mark.parametrize("tag", [CHECKOUT_SIGNED_TAG, CHECKOUT_INDEX_TAG], ids=["image", "index"])
def test_referrers_are_copied_after_their_subject(
    tag: str, dev: EcrService, prod: EcrService, dev_ecr: Any, prod_ecr: Any, engine: CopyEngine
) -> None:
    order = _put_order(prod)
    copy = request(
        dev, seed.CHECKOUT_REPOSITORY, tag, prod, seed.CHECKOUT_REPOSITORY, (tag,), create_repository=True
    )
    plan = engine.plan(copy)
    assert len(plan.referrers) == 2
    result = engine.execute(plan)
    assert result.referrers_copied == 2
    subject = digest_of_tag(dev_ecr, seed.CHECKOUT_REPOSITORY, tag)
    source_referrers = dev_ecr.list_image_referrers(
        repositoryName=seed.CHECKOUT_REPOSITORY, subjectId={"imageDigest": subject}
    )
    copied_referrers = prod_ecr.list_image_referrers(
        repositoryName=seed.CHECKOUT_REPOSITORY, subjectId={"imageDigest": subject}
    )
    referrer_digests = [r["digest"] for r in source_referrers["referrers"]]
    assert [r["digest"] for r in copied_referrers["referrers"]] == referrer_digests
    assert order.index(subject) < min(order.index(d) for d in referrer_digests)
    assert_copied(
        dev_ecr,
        seed.CHECKOUT_REPOSITORY,
        prod_ecr,
        seed.CHECKOUT_REPOSITORY,
        [*closure(dev_ecr, seed.CHECKOUT_REPOSITORY, subject), *referrer_digests],
    )


def test_cosign_tag_referrer_is_copied_with_its_tag(
    dev: EcrService, dev_ecr: Any, engine: CopyEngine
) -> None:
    subject = digest_of_tag(dev_ecr, seed.CHECKOUT_REPOSITORY, CHECKOUT_LEGACY_SIGNED_TAG)
    signature_tag = cosign_signature_tag(subject)
    copy = request(
        dev,
        seed.CHECKOUT_REPOSITORY,
        CHECKOUT_LEGACY_SIGNED_TAG,
        dev,
        "signed/legacy",
        ("v1",),
        create_repository=True,
    )
    result = engine.execute(engine.plan(copy))
    assert result.referrers_copied == 1
    signature = digest_of_tag(dev_ecr, seed.CHECKOUT_REPOSITORY, signature_tag)
    assert tag_digest(dev_ecr, "signed/legacy", signature_tag) == signature
    assert_copied(dev_ecr, seed.CHECKOUT_REPOSITORY, dev_ecr, "signed/legacy", [subject, signature])


def test_no_referrers_leaves_them_behind(dev: EcrService, dev_ecr: Any, engine: CopyEngine) -> None:
    copy = request(
        dev,
        seed.CHECKOUT_REPOSITORY,
        CHECKOUT_SIGNED_TAG,
        dev,
        "signed/bare",
        ("v1",),
        referrers=False,
        create_repository=True,
    )
    result = engine.execute(engine.plan(copy))
    assert result.referrers_copied == 0
    assert image_count(dev_ecr, "signed/bare") == 1


def test_foreign_layer_is_named_not_uploaded(dev: EcrService, dev_ecr: Any, engine: CopyEngine) -> None:
    copy = request(
        dev,
        seed.CHECKOUT_REPOSITORY,
        CHECKOUT_WINDOWS_TAG,
        dev,
        "windows/checkout",
        ("v1",),
        create_repository=True,
    )
    plan = engine.plan(copy)
    assert any("foreign" in note for note in plan.notes)
    assert all(b.size is not None and b.size < 1_000_000_000 for b in plan.uploads)
    result = engine.execute(plan)
    assert_copied(dev_ecr, seed.CHECKOUT_REPOSITORY, dev_ecr, "windows/checkout", [result.digest])


class TestImmutableDestination:
    def test_unchanged_recopy_succeeds_with_nothing_to_do(
        self, dev: EcrService, prod: EcrService, engine: CopyEngine
    ) -> None:
        tag = "alpine-3.20.3"  # promoted to prod's IMMUTABLE platform/base by the seed
        plan = engine.plan(
            request(dev, seed.IMMUTABLE_REPOSITORY, tag, prod, seed.IMMUTABLE_REPOSITORY, (tag,))
        )
        assert plan.nothing_to_do
        assert [t.action for t in plan.tags] == [TagAction.UNCHANGED]
        before = writes(prod)
        result = engine.execute(plan)
        assert result.nothing_done
        assert writes(prod) == before

    def test_a_tag_that_would_move_is_refused_at_plan_time(
        self, dev: EcrService, prod: EcrService, prod_ecr: Any, engine: CopyEngine
    ) -> None:
        before = writes(prod)
        moving = request(
            dev,
            seed.IMMUTABLE_REPOSITORY,
            "debian-bookworm-20260513",
            prod,
            seed.IMMUTABLE_REPOSITORY,
            ("alpine-3.20.3",),
        )
        plan = engine.plan(moving)
        assert [t.action for t in plan.tags] == [TagAction.CONFLICT]
        assert "copy under another tag, or add an exclusion filter" in plan.problems[0]
        with pytest.raises(CopyRefused):
            engine.execute(plan)
        assert writes(prod) == before
        assert tag_digest(prod_ecr, seed.IMMUTABLE_REPOSITORY, "debian-bookworm-20260513") is None

    def test_an_exclusion_filter_lets_the_tag_move(
        self, dev: EcrService, dev_ecr: Any, engine: CopyEngine
    ) -> None:
        dev_ecr.create_repository(
            repositoryName="frozen/with-exclusion",
            imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "latest"}],
        )
        first = request(
            dev, seed.API_REPOSITORY, "v1.4.1", dev, "frozen/with-exclusion", ("latest", "v1.4.1")
        )
        engine.execute(engine.plan(first))
        moved = engine.plan(
            request(dev, seed.API_REPOSITORY, "v1.4.2", dev, "frozen/with-exclusion", ("latest",))
        )
        assert [t.action for t in moved.tags] == [TagAction.MOVE]
        engine.execute(moved)
        assert tag_digest(dev_ecr, "frozen/with-exclusion", "latest") == digest_of_tag(
            dev_ecr, seed.API_REPOSITORY, "v1.4.2"
        )
        refused = engine.plan(
            request(dev, seed.API_REPOSITORY, "v1.4.2", dev, "frozen/with-exclusion", ("v1.4.1",))
        )
        assert [t.action for t in refused.tags] == [TagAction.CONFLICT]


class TestMissingRepository:
    def test_without_create_it_is_a_plan_problem(
        self, dev: EcrService, prod: EcrService, prod_ecr: Any, engine: CopyEngine
    ) -> None:
        plan = engine.plan(request(dev, seed.ETL_REPOSITORY, "1.8.1", prod, "data/etl-missing", ("1.8.1",)))
        assert plan.problems[0].startswith(
            f"destination repository {PROD}.dkr.ecr.eu-west-1.amazonaws.com/data/etl-missing does not exist"
        )
        with pytest.raises(CopyRefused):
            engine.execute(plan)
        assert not repository_exists(prod_ecr, "data/etl-missing")

    def test_with_create_it_gets_the_source_settings(
        self, dev: EcrService, prod: EcrService, dev_ecr: Any, prod_ecr: Any, engine: CopyEngine
    ) -> None:
        tag = "node-20.19.1"
        result = engine.execute(
            engine.plan(
                request(
                    dev,
                    seed.IMMUTABLE_REPOSITORY,
                    tag,
                    prod,
                    "platform/base-copy",
                    (tag,),
                    create_repository=True,
                )
            )
        )
        assert result.created_repository
        created = prod_ecr.describe_repositories(repositoryNames=["platform/base-copy"])["repositories"][0]
        source = dev_ecr.describe_repositories(repositoryNames=[seed.IMMUTABLE_REPOSITORY])["repositories"][0]
        assert source["imageTagMutability"].startswith("IMMUTABLE")
        for setting in (
            "imageTagMutability",
            "imageTagMutabilityExclusionFilters",
            "imageScanningConfiguration",
        ):
            assert created.get(setting) == source.get(setting), setting
        assert_copied(dev_ecr, seed.IMMUTABLE_REPOSITORY, prod_ecr, "platform/base-copy", [result.digest])


def test_archived_source_is_a_plan_problem(
    dev: EcrService, prod: EcrService, engine: CopyEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The source's DescribeImages says ARCHIVED (the archive API is another part of the sandbox): refused in the plan."""
    real = dev.describe_images

    def archived(*args: Any, **kwargs: Any) -> Any:
        return [s.model_copy(update={"status": "ARCHIVED"}) for s in real(*args, **kwargs)]

    monkeypatch.setattr(dev, "describe_images", archived)
    plan = engine.plan(request(dev, seed.ETL_REPOSITORY, "1.6.0", prod, seed.ETL_REPOSITORY, ("1.6.0",)))
    assert plan.problems[0].endswith(
        "is archived: restore it to ACTIVE before copying (archived images cannot be pulled)"
    )


def test_schema1_image(dev: EcrService, dev_ecr: Any, engine: CopyEngine) -> None:
    """Schema 1 layers have no size in the manifest: learnt from the download."""
    plan = engine.plan(
        request(
            dev,
            seed.SCHEMA1_REPOSITORY,
            "2020.03",
            dev,
            "legacy/cron-copy",
            ("2020.03",),
            create_repository=True,
        )
    )
    assert {b.size for b in plan.uploads} == {None}
    assert "  blobs: 2 to upload (0 Bytes and 2 of unknown size), 0 already there" in plan.describe()
    result = engine.execute(plan)
    assert_copied(dev_ecr, seed.SCHEMA1_REPOSITORY, dev_ecr, "legacy/cron-copy", [result.digest])
    assert result.bytes_uploaded > 0


def test_all_tags_of_the_source_image(dev: EcrService, dev_ecr: Any, engine: CopyEngine) -> None:
    plan = engine.plan(
        request(
            dev,
            seed.ETL_REPOSITORY,
            "stable",
            dev,
            "data/etl-tags",
            (),
            all_tags=True,
            create_repository=True,
        )
    )
    assert {t.tag for t in plan.tags} == {"1.8.1", "1.8", "stable", "latest"}
    result = engine.execute(plan)
    for tag in ("1.8.1", "1.8", "stable", "latest"):
        assert tag_digest(dev_ecr, "data/etl-tags", tag) == result.digest
    assert result.tags_written == 4


def test_progress_events(dev: EcrService, engine: CopyEngine) -> None:
    events: list[ProgressEvent] = []
    plan = engine.plan(
        request(
            dev,
            seed.MIGRATE_REPOSITORY,
            "latest",
            dev,
            "tools/migrate-copy",
            ("latest",),
            create_repository=True,
        )
    )
    engine.execute(plan, on_progress=events.append)
    items = [e for e in events if isinstance(e, ItemProgress)]
    totals = [e for e in events if isinstance(e, JobProgress)]
    blob_keys = {f"tools/migrate-copy@{b.digest}" for b in plan.uploads}
    final = {e.key: e for e in items}
    assert {k for k in final if k in blob_keys} == blob_keys
    assert all(final[k].state is ItemState.DONE for k in blob_keys)
    states = [e.state for e in items if e.key == next(iter(blob_keys))]
    assert states[0] is ItemState.PENDING
    assert ItemState.UPLOADING in states
    assert ItemState.VERIFYING in states
    assert totals[-1].phase == "done"
    assert totals[-1].done == totals[-1].total == plan.bytes_to_upload
    assert totals[-1].items_done == totals[-1].items_total
    assert [t.done for t in totals] == sorted(t.done for t in totals)  # bytes only ever go up


def test_a_batch_shares_blobs(dev: EcrService, dev_ecr: Any, engine: CopyEngine) -> None:
    """Two images with the same base layers into one repository: each shared blob is uploaded once."""
    dev_ecr.create_repository(repositoryName="batch/api")
    plans = [
        engine.plan(request(dev, seed.API_REPOSITORY, tag, dev, "batch/api", (tag,)))
        for tag in ("v1.3.0", "v1.3.1")
    ]
    shared = {b.digest for b in plans[0].uploads} & {b.digest for b in plans[1].uploads}
    assert shared
    before = dev.call_counts.get("CompleteLayerUpload", 0)
    result = engine.execute_batch(plans)
    assert len(result.copies) == 2
    unique = {b.digest for p in plans for b in p.uploads}
    assert dev.call_counts.get("CompleteLayerUpload", 0) - before == len(unique)
    for copy in result.copies:
        assert_copied(dev_ecr, seed.API_REPOSITORY, dev_ecr, "batch/api", [copy.digest])
