"""Cross-account repository calls against the sandbox over HTTP: the target repository's policy decides.

demo-dev (111111111111) calls repositories of demo-prod (222222222222) in eu-west-1 by ``registryId``; each test
sets the policy it needs on a repository of its own, so the tests do not depend on each other.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

DEV, PROD = "111111111111", "222222222222"
REGION = "eu-west-1"
DEV_USER_ARN = f"arn:aws:iam::{DEV}:user/dev-engineer"
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
PUSH = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
]


@pytest.fixture(scope="module")
def dev_in_prod_region(rw_sandbox: Any) -> Any:
    """demo-dev's credentials, in the region of demo-prod's registry."""
    return rw_sandbox.session("demo-dev").client("ecr", region_name=REGION)


@pytest.fixture(scope="module")
def prod_ecr(rw_sandbox: Any) -> Any:
    return rw_sandbox.session("demo-prod").client("ecr")


_counter = iter(range(1000))


@pytest.fixture
def repository(prod_ecr: Any) -> str:
    """A fresh demo-prod repository holding one small image tagged ``v1`` (pushed by prod itself)."""
    name = f"policy/case-{next(_counter)}"
    prod_ecr.create_repository(repositoryName=name)
    layer = b"layer of " + name.encode()
    config = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
    for blob in (config, layer):
        upload(prod_ecr, name, blob)
    prod_ecr.put_image(repositoryName=name, imageManifest=manifest(config, layer), imageTag="v1")
    return name


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def manifest(config: bytes, layer: bytes) -> str:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "digest": digest(config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "digest": digest(layer),
                    "size": len(layer),
                }
            ],
        }
    )


def upload(client: Any, name: str, data: bytes, registry_id: str | None = None) -> None:
    where = {"repositoryName": name, **({"registryId": registry_id} if registry_id else {})}
    upload_id = client.initiate_layer_upload(**where)["uploadId"]
    client.upload_layer_part(
        **where, uploadId=upload_id, partFirstByte=0, partLastByte=len(data) - 1, layerPartBlob=data
    )
    client.complete_layer_upload(**where, uploadId=upload_id, layerDigests=[digest(data)])


def set_policy(prod_ecr: Any, name: str, *statements: dict[str, Any]) -> None:
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    prod_ecr.set_repository_policy(repositoryName=name, policyText=json.dumps(policy))


def allow(actions: list[str] | str, principal: Any = None) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal if principal is not None else {"AWS": f"arn:aws:iam::{DEV}:root"},
        "Action": actions,
    }


def pull(client: Any, name: str) -> dict[str, Any]:
    return client.batch_get_image(registryId=PROD, repositoryName=name, imageIds=[{"imageTag": "v1"}])  # type: ignore[no-any-return]


def refusal(call: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    return str(caught.value.response["Error"]["Message"])


def test_cross_account_pull_is_refused_without_a_policy(dev_in_prod_region: Any, repository: str) -> None:
    message = refusal(lambda: pull(dev_in_prod_region, repository))
    assert message == (
        f"User: {DEV_USER_ARN} is not authorized to perform: ecr:BatchGetImage on resource: "
        f"arn:aws:ecr:{REGION}:{PROD}:repository/{repository} because no resource-based policy allows the "
        "ecr:BatchGetImage action"
    )


def test_cross_account_pull_is_allowed_by_a_policy(
    dev_in_prod_region: Any, prod_ecr: Any, repository: str
) -> None:
    set_policy(prod_ecr, repository, allow(PULL))
    [image] = pull(dev_in_prod_region, repository)["images"]
    layer = json.loads(image["imageManifest"])["layers"][0]["digest"]
    url = dev_in_prod_region.get_download_url_for_layer(
        registryId=PROD, repositoryName=repository, layerDigest=layer
    )["downloadUrl"]
    assert url.startswith("http")
    # The policy grants pulling only: listing the images is still refused.
    assert "ecr:DescribeImages" in refusal(
        lambda: dev_in_prod_region.describe_images(registryId=PROD, repositoryName=repository)
    )


def test_cross_account_push_is_refused_without_a_policy(
    dev_in_prod_region: Any, prod_ecr: Any, repository: str
) -> None:
    set_policy(prod_ecr, repository, allow(PULL))  # a policy that lets dev pull but not push
    message = refusal(lambda: upload(dev_in_prod_region, repository, b"new layer", PROD))
    assert "is not authorized to perform: ecr:InitiateLayerUpload" in message
    assert "because no resource-based policy allows the ecr:InitiateLayerUpload action" in message
    available = prod_ecr.batch_check_layer_availability(
        repositoryName=repository, layerDigests=[digest(b"new layer")]
    )["layers"][0]["layerAvailability"]
    assert available == "UNAVAILABLE"


def test_cross_account_push_is_allowed_by_a_policy(
    dev_in_prod_region: Any, prod_ecr: Any, repository: str
) -> None:
    set_policy(prod_ecr, repository, allow(PUSH))
    config, layer = b'{"os":"linux","architecture":"arm64"}', b"pushed by dev"
    for blob in (config, layer):
        upload(dev_in_prod_region, repository, blob, PROD)
    dev_in_prod_region.put_image(
        registryId=PROD, repositoryName=repository, imageManifest=manifest(config, layer), imageTag="from-dev"
    )
    [image] = prod_ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": "from-dev"}])[
        "imageDetails"
    ]
    assert image["registryId"] == PROD


def test_an_explicit_deny_wins_over_an_allow(dev_in_prod_region: Any, prod_ecr: Any, repository: str) -> None:
    set_policy(
        prod_ecr,
        repository,
        allow("ecr:*"),
        {"Effect": "Deny", "Principal": {"AWS": DEV}, "Action": ["ecr:PutImage"]},
    )
    [image] = pull(dev_in_prod_region, repository)["images"]  # ecr:* still allows the rest
    message = refusal(
        lambda: dev_in_prod_region.put_image(
            registryId=PROD, repositoryName=repository, imageManifest=image["imageManifest"], imageTag="again"
        )
    )
    assert message == (
        f"User: {DEV_USER_ARN} is not authorized to perform: ecr:PutImage on resource: "
        f"arn:aws:ecr:{REGION}:{PROD}:repository/{repository} with an explicit deny in a resource-based policy"
    )


def test_wildcard_actions_match_by_prefix(dev_in_prod_region: Any, prod_ecr: Any, repository: str) -> None:
    set_policy(prod_ecr, repository, allow(["ecr:Batch*", "ECR:describe*"]))  # actions ignore case
    assert pull(dev_in_prod_region, repository)["images"]
    assert dev_in_prod_region.describe_images(registryId=PROD, repositoryName=repository)["imageDetails"]
    assert "ecr:InitiateLayerUpload" in refusal(
        lambda: dev_in_prod_region.initiate_layer_upload(registryId=PROD, repositoryName=repository)
    )


@pytest.mark.parametrize(
    "principal",
    [{"AWS": DEV}, "*", {"AWS": "*"}, {"AWS": [f"arn:aws:iam::{DEV}:root"]}, {"AWS": DEV_USER_ARN}],
    ids=["account-id", "star", "aws-star", "root-arn", "user-arn"],
)
def test_principal_forms(dev_in_prod_region: Any, prod_ecr: Any, repository: str, principal: Any) -> None:
    set_policy(prod_ecr, repository, allow(["ecr:BatchGetImage"], principal))
    assert pull(dev_in_prod_region, repository)["images"]


def test_another_principal_or_account_does_not_count(
    dev_in_prod_region: Any, prod_ecr: Any, repository: str
) -> None:
    set_policy(
        prod_ecr,
        repository,
        allow("ecr:*", {"AWS": "333333333333"}),
        allow("ecr:*", {"AWS": f"arn:aws:iam::{DEV}:user/someone-else"}),
        {**allow("ecr:*"), "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-x"}}},  # not evaluated
    )
    refusal(lambda: pull(dev_in_prod_region, repository))


def test_a_missing_repository_of_another_account_is_access_denied(dev_in_prod_region: Any) -> None:
    message = refusal(
        lambda: dev_in_prod_region.describe_repositories(registryId=PROD, repositoryNames=["no/such/repo"])
    )
    assert "ecr:DescribeRepositories" in message


def test_a_cross_account_listing_shows_only_repositories_that_let_the_caller_describe(
    dev_in_prod_region: Any, prod_ecr: Any, repository: str
) -> None:
    before = {
        r["repositoryName"] for r in dev_in_prod_region.describe_repositories(registryId=PROD)["repositories"]
    }
    assert repository not in before
    assert "web/api" in before  # the demo's promotion targets let demo-dev in
    set_policy(prod_ecr, repository, allow(["ecr:DescribeRepositories"]))
    after = {
        r["repositoryName"] for r in dev_in_prod_region.describe_repositories(registryId=PROD)["repositories"]
    }
    assert after == before | {repository}


def test_same_account_calls_need_no_policy(prod_ecr: Any, repository: str) -> None:
    set_policy(prod_ecr, repository, {"Effect": "Deny", "Principal": "*", "Action": "ecr:*"})
    # IAM identity policies are not modelled: the owner's calls pass whatever the repository policy says.
    assert prod_ecr.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": "v1"}])["images"]
    upload(prod_ecr, repository, b"owner layer")


def test_resource_tag_calls_are_checked_by_the_arn_they_name(
    dev_in_prod_region: Any, prod_ecr: Any, repository: str
) -> None:
    arn = f"arn:aws:ecr:{REGION}:{PROD}:repository/{repository}"
    assert "ecr:ListTagsForResource" in refusal(
        lambda: dev_in_prod_region.list_tags_for_resource(resourceArn=arn)
    )
    set_policy(prod_ecr, repository, allow(["ecr:ListTagsForResource"]))
    assert dev_in_prod_region.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_registry_level_calls_are_not_affected(dev_in_prod_region: Any) -> None:
    registry = dev_in_prod_region.describe_registry()
    assert registry["registryId"] == DEV
    assert dev_in_prod_region.get_authorization_token(registryIds=[PROD])["authorizationData"]
