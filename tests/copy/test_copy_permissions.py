"""A copy into (or out of) another account with ONE profile: the repository policies decide, and the plan says so.

demo-dev's credentials copy dev's ``web/frontend`` into a demo-prod repository of each test's own, whose policy the
test sets; demo-prod's own client checks what was written. Two-profile copies (``test_copy_engine``) need no
policy: each side calls its own account.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import count
from typing import Any

import pytest
from copy_checks import assert_copied, digest_of_tag, image_count, tag_digest

from ecrtui.copy import CopyEngine, CopyRefused, CopyRequest, Side
from ecrtui.ecr.errors import AccessDenied
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox import seed

DEV, PROD = "111111111111", "222222222222"
WRITES = {"InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage", "CreateRepository"}
READ = ["ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:BatchCheckLayerAvailability"]
UPLOAD = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]
_numbers = count()


@pytest.fixture(scope="module")
def dev_in_prod_region(rw_sandbox: Any) -> EcrService:
    """demo-dev's credentials, in the region of demo-prod's registry: one profile for both sides."""
    return EcrService(session=rw_sandbox.session("demo-dev"), region="eu-west-1")


@pytest.fixture
def target(prod_ecr: Any) -> str:
    """An empty demo-prod repository of the test's own."""
    name = f"promote/case-{next(_numbers)}"
    prod_ecr.create_repository(repositoryName=name)
    return name


def set_policy(prod_ecr: Any, name: str, *statements: dict[str, Any]) -> None:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    prod_ecr.set_repository_policy(repositoryName=name, policyText=json.dumps(document))


def allow(actions: list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"}, "Action": actions}


def promotion(dev: EcrService, dst: EcrService, name: str) -> CopyRequest:
    return CopyRequest(
        Side(dev, DEV, seed.FRONTEND_REPOSITORY), "latest", Side(dst, PROD, name), tags=("latest",)
    )


def run_copy(sandbox: Any, *args: str) -> subprocess.CompletedProcess[str]:
    """``ecrtui copy ARGS`` as a user runs it, pointed at the sandbox's profiles only."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", "copy", *args],
        capture_output=True,
        text=True,
        env={**base, **sandbox.env, "ECRTUI_CONFIG": os.devnull},
        timeout=180,
    )


def writes(service: EcrService) -> dict[str, int]:
    return {name: n for name, n in service.call_counts.items() if name in WRITES}


def test_missing_push_permission_is_a_problem_of_the_plan(
    dev: EcrService, dev_in_prod_region: EcrService, prod_ecr: Any, target: str, engine: CopyEngine
) -> None:
    set_policy(prod_ecr, target, allow([*READ, "ecr:GetRepositoryPolicy"]))
    dev_in_prod_region.reset_call_counts()
    plan = engine.plan(promotion(dev, dev_in_prod_region, target))
    assert plan.problems == (
        f"no permission to push to {PROD}/{target}: the repository policy does not allow "
        f"ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage for account {DEV} "
        f"(add a statement to the repository policy of {PROD}/{target} that allows arn:aws:iam::{DEV}:root "
        "ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage)",
    )
    with pytest.raises(CopyRefused):
        engine.execute(plan)
    assert writes(dev_in_prod_region) == {}
    assert image_count(prod_ecr, target) == 0


def test_an_explicit_deny_is_named(
    dev: EcrService, dev_in_prod_region: EcrService, prod_ecr: Any, target: str, engine: CopyEngine
) -> None:
    set_policy(
        prod_ecr,
        target,
        allow(["ecr:*"]),
        {"Effect": "Deny", "Principal": {"AWS": DEV}, "Action": "ecr:Put*"},
    )
    [problem] = engine.plan(promotion(dev, dev_in_prod_region, target)).problems
    assert problem == (
        f"no permission to push to {PROD}/{target}: the repository policy denies ecr:PutImage to account {DEV} "
        "(remove or narrow that Deny statement)"
    )


def test_a_refused_read_names_the_action_to_allow(
    dev: EcrService, dev_in_prod_region: EcrService, target: str, engine: CopyEngine
) -> None:
    [problem] = engine.plan(promotion(dev, dev_in_prod_region, target)).problems  # no policy at all
    assert problem.startswith(
        f"no permission to read {PROD}/{target}: the repository policy does not allow ecr:DescribeRepositories "
        f"for account {DEV} (add a statement"
    )


def test_a_refused_layer_check_is_a_push_problem(
    dev: EcrService, dev_in_prod_region: EcrService, prod_ecr: Any, target: str, engine: CopyEngine
) -> None:
    set_policy(prod_ecr, target, allow(["ecr:DescribeRepositories", "ecr:DescribeImages"]))
    [problem] = engine.plan(promotion(dev, dev_in_prod_region, target)).problems
    assert problem.startswith(
        f"no permission to push to {PROD}/{target}: the repository policy does not allow "
        f"ecr:BatchCheckLayerAvailability for account {DEV}"
    )


def test_a_policy_that_allows_the_push_lets_the_copy_through(
    dev: EcrService,
    dev_in_prod_region: EcrService,
    dev_ecr: Any,
    prod_ecr: Any,
    target: str,
    engine: CopyEngine,
) -> None:
    set_policy(prod_ecr, target, allow([*READ, *UPLOAD, "ecr:PutImage", "ecr:GetRepositoryPolicy"]))
    plan = engine.plan(promotion(dev, dev_in_prod_region, target))
    assert plan.ok, plan.problems
    assert plan.notes == ()
    result = engine.execute(plan)
    digest = digest_of_tag(dev_ecr, seed.FRONTEND_REPOSITORY, "latest")
    assert result.digest == digest
    assert_copied(dev_ecr, seed.FRONTEND_REPOSITORY, prod_ecr, target, [digest])
    assert tag_digest(prod_ecr, target, "latest") == digest


def test_a_push_refused_mid_copy_leaves_nothing_half_written(
    dev: EcrService, dev_in_prod_region: EcrService, prod_ecr: Any, target: str, engine: CopyEngine
) -> None:
    # Blobs may go up, manifests may not, and the policy is not readable: the plan cannot know.
    set_policy(prod_ecr, target, allow([*READ, *UPLOAD]))
    plan = engine.plan(promotion(dev, dev_in_prod_region, target))
    assert plan.ok
    assert any("not checked: its repository policy is not readable" in note for note in plan.notes)
    with pytest.raises(AccessDenied, match="ecr:PutImage"):
        engine.execute(plan)
    assert image_count(prod_ecr, target) == 0
    assert tag_digest(prod_ecr, target, "latest") is None


def test_a_refused_first_upload_writes_nothing(
    dev: EcrService, dev_in_prod_region: EcrService, prod_ecr: Any, target: str, engine: CopyEngine
) -> None:
    set_policy(prod_ecr, target, allow(READ))
    plan = engine.plan(promotion(dev, dev_in_prod_region, target))
    assert plan.ok
    assert plan.uploads
    with pytest.raises(AccessDenied, match="ecr:InitiateLayerUpload"):
        engine.execute(plan)
    layers = prod_ecr.batch_check_layer_availability(
        repositoryName=target, layerDigests=[b.digest for b in plan.uploads]
    )["layers"]
    assert {layer["layerAvailability"] for layer in layers} == {"UNAVAILABLE"}
    assert image_count(prod_ecr, target) == 0


def test_a_source_that_refuses_the_pull_is_a_problem(
    rw_sandbox: Any, dev: EcrService, engine: CopyEngine
) -> None:
    prod_in_dev_region = EcrService(session=rw_sandbox.session("demo-prod"), region="us-east-1")
    request = CopyRequest(
        Side(prod_in_dev_region, DEV, seed.FRONTEND_REPOSITORY),  # dev's web/frontend has no policy
        "latest",
        Side(prod_in_dev_region, PROD, "pulled/frontend"),
    )
    [problem] = engine.plan(request).problems
    assert problem.startswith(
        f"no permission to pull from {DEV}/{seed.FRONTEND_REPOSITORY}: the repository policy does not allow "
        f"ecr:DescribeImages for account {PROD}"
    )


def test_dry_run_shows_the_missing_permission_and_fails(rw_sandbox: Any, prod_ecr: Any, target: str) -> None:
    set_policy(prod_ecr, target, allow([*READ, "ecr:GetRepositoryPolicy", *UPLOAD]))
    done = run_copy(
        rw_sandbox,
        "--profile",
        "demo-dev",
        f"{seed.FRONTEND_REPOSITORY}:latest",
        f"{PROD}.dkr.ecr.eu-west-1.amazonaws.com/{target}",
        "--dry-run",
    )
    assert done.returncode == 1, done.stderr
    assert (
        f"no permission to push to {PROD}/{target}: the repository policy does not allow ecr:PutImage for "
        f"account {DEV}"
    ) in done.stdout + done.stderr
    assert image_count(prod_ecr, target) == 0


def test_a_pull_only_policy_is_enough_to_copy_out_of_another_account(
    rw_sandbox: Any, dev: EcrService, prod: EcrService, dev_ecr: Any, prod_ecr: Any, engine: CopyEngine
) -> None:
    """AWS's pull-only example (BatchGetImage, GetDownloadUrlForLayer, BatchCheckLayerAvailability) has no
    DescribeImages: the copy reads the image by pulling it, as crane and skopeo would, and says what it cannot know."""
    shared = f"shared/pull-only-{next(_numbers)}"
    dev_ecr.create_repository(repositoryName=shared)
    engine.execute(
        engine.plan(
            CopyRequest(
                Side(dev, DEV, seed.FRONTEND_REPOSITORY), "latest", Side(dev, DEV, shared), tags=("latest",)
            )
        )
    )
    pull_only = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"}, "Action": pull_only}
    dev_ecr.set_repository_policy(
        repositoryName=shared, policyText=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    prod_in_dev_region = EcrService(session=rw_sandbox.session("demo-prod"), region="us-east-1")
    target = f"pulled/case-{next(_numbers)}"
    prod_ecr.create_repository(repositoryName=target)
    request = CopyRequest(
        Side(prod_in_dev_region, DEV, shared), "latest", Side(prod, PROD, target), tags=("latest",)
    )
    plan = engine.plan(request)
    assert plan.ok, plan.problems
    assert any("allows pulling but not ecr:DescribeImages" in warning for warning in plan.warnings)
    digest = digest_of_tag(dev_ecr, shared, "latest")
    assert engine.execute(plan).digest == digest
    assert_copied(dev_ecr, shared, prod_ecr, target, [digest])
    assert tag_digest(prod_ecr, target, "latest") == digest
