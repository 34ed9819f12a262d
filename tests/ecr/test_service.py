"""EcrService against the sandbox over real HTTP: paging, counts, batches, blobs, mutations, errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.stub import Stubber

from ecrtui.ecr.errors import (
    AccessDenied,
    Cancelled,
    ConfigurationError,
    Conflict,
    CredentialsError,
    EcrError,
    IntegrityError,
    InvalidInput,
    NetworkError,
    NotFound,
    ReadOnlyError,
    Throttled,
)
from ecrtui.ecr.manifests import ImageIndex, ImageManifest
from ecrtui.ecr.service import BLOB_DOWNLOAD, EcrService
from ecrtui.ecr.session import ClientSettings
from tests.conftest import SandboxProcess, start_sandbox
from tests.ecr.pushing import Pushed, push_image, push_index, sha256

DEV, PROD = "111111111111", "222222222222"


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """An otherwise empty sandbox with one 1,000-image repository (never mutated)."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("scaled"), "--seed", "empty", "--scale-images", "1000")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture(scope="module")
def dev(rw_sandbox: SandboxProcess) -> EcrService:
    return EcrService(session=rw_sandbox.session("demo-dev"))


@pytest.fixture(scope="module")
def ecr(rw_sandbox: SandboxProcess) -> Any:
    """A plain boto3 client for setting up content, independent of the code under test."""
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture(scope="module")
def content(dev: EcrService, ecr: Any) -> dict[str, Pushed]:
    """An image, a Docker image and a multi-platform index with an attestation, in repository ``svc/app``."""
    dev.create_repository("svc/app")
    amd = push_image(ecr, "svc/app", "amd", tag="amd")
    arm = push_image(ecr, "svc/app", "arm", arch="arm64")
    docker = push_image(ecr, "svc/app", "docker", tag="docker", docker=True)
    attest = push_image(ecr, "svc/app", "attestation")
    index = push_index(ecr, "svc/app", [(amd, "amd64"), (arm, "arm64")], tag="multi", attest=attest)
    return {"amd": amd, "arm": arm, "docker": docker, "attest": attest, "index": index}


# -- construction --------------------------------------------------------------------------------------------


def test_unknown_profile_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="'no-such-profile'"):
        EcrService(profile="no-such-profile")


def test_no_region_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="region"):
        EcrService()


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        ("localhost:4566", "has no scheme: write http://localhost:4566 or https://localhost:4566"),
        ("http://", "must be an http:// or https:// URL with a host"),
        ("ftp://mirror.example.com", "must be an http:// or https:// URL"),
    ],
)
def test_an_unusable_endpoint_url_is_a_configuration_error(endpoint: str, words: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        EcrService(region="us-east-1", endpoint_url=endpoint, check_credentials=False)
    assert words in str(caught.value)


def test_no_credentials_is_a_credentials_error() -> None:
    with pytest.raises(CredentialsError, match="No AWS credentials"):
        EcrService(region="us-east-1")


SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize(
    ("command", "words"),
    [
        # not JSON: botocore lets the JSONDecodeError through raw
        (
            f"/bin/echo {{Version: 1, SecretAccessKey: {SECRET_KEY}",
            "credential source failed (JSONDecodeError)",
        ),
        # a failing process whose stderr quotes a key pair
        (
            f'/bin/sh -c "echo denied AKIAIOSFODNN7EXAMPLE {SECRET_KEY} >&2; exit 3"',
            "Could not obtain AWS credentials",
        ),
    ],
)
def test_a_broken_credential_process_is_one_clear_line_without_secrets(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, command: str, words: str
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\nregion = us-east-1\ncredential_process = {command}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(CredentialsError) as caught:
        EcrService(profile="proc").list_repositories()
    message = caught.value.details
    assert words in message
    assert SECRET_KEY not in message
    assert "AKIAIOSFODNN7EXAMPLE" not in message
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "profile",
    [
        "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 111111111111\nsso_role_name = Dev\n",
        "sso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\n\n"
        "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
    ],
    ids=["legacy-sso", "sso-session"],
)
def test_an_sso_profile_without_a_login_says_to_log_in(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, profile: str
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile sso]\nregion = us-east-1\n{profile}")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws/sso/cache token
    with pytest.raises(CredentialsError, match="aws sso login"):
        EcrService(profile="sso").list_repositories()


def test_profiles_from_the_files_reach_their_accounts(
    rw_sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in rw_sandbox.env.items():
        monkeypatch.setenv(key, value)
    prod = EcrService(profile="demo-prod")
    assert prod.identity().account_id == PROD
    registry = prod.registry()
    assert (registry.account_id, registry.region, registry.profile) == (PROD, "eu-west-1", "demo-prod")
    assert registry.endpoint_url == rw_sandbox.endpoint_url
    prod.identity()
    assert prod.call_counts == {"GetCallerIdentity": 1}  # cached after the first call


def test_unreachable_endpoint_is_a_network_error(rw_sandbox: SandboxProcess) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    service = EcrService(
        session=rw_sandbox.session("demo-dev"),
        endpoint_url=f"http://127.0.0.1:{port}",
        settings=ClientSettings(max_attempts=1, connect_timeout=1, read_timeout=1),
    )
    with pytest.raises(NetworkError, match="connect"):
        list(service.iter_repository_pages(DEV))


def test_injected_faults_are_retried(sandbox_factory: Any) -> None:
    """30% of calls fail (throttling, 500s): adaptive retries hide them and the counts tell them apart."""
    sandbox = sandbox_factory(
        "--seed", "empty", "--scale-images", "20", "--fail-rate", "0.3", "--fail-seed", "3"
    )
    service = EcrService(session=sandbox.session("demo-dev"))
    for _ in range(6):
        assert len(service.list_images("scale/images", DEV)) == 20
    assert service.call_counts == {"DescribeImages": 6}
    assert service.http_attempts > 6  # some were retried


def test_faults_beyond_the_retries_become_one_clear_error(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory("--seed", "empty", "--fail-rate", "1.0")
    service = EcrService(
        session=sandbox.session("demo-dev"), settings=ClientSettings(max_attempts=2), check_credentials=False
    )
    with pytest.raises((Throttled, NetworkError)) as caught:
        list(service.iter_repository_pages(DEV))
    assert caught.value.operation == "DescribeRepositories"
    assert "\n" not in str(caught.value)
    assert service.http_attempts == 2


# -- listing -------------------------------------------------------------------------------------------------


def test_a_1000_image_repository_takes_at_most_two_calls(scaled: SandboxProcess) -> None:
    service = EcrService(session=scaled.session("demo-dev"))
    service.identity()
    service.reset_call_counts()
    pages = list(service.iter_image_pages("scale/images"))
    assert sum(len(p) for p in pages) == 1000
    assert len({i.digest for p in pages for i in p}) == 1000
    assert len(pages[0]) == 1000  # the UI's first page is the whole repository
    assert service.call_counts == {"DescribeImages": len(pages)}
    assert len(pages) <= 2
    assert all(i.registry_id == DEV and i.repository_name == "scale/images" for i in pages[0])


def test_cancel_stops_paging_after_the_current_page(scaled: SandboxProcess) -> None:
    service = EcrService(session=scaled.session("demo-dev"))
    service.identity()
    service.reset_call_counts()
    cancel = threading.Event()
    seen = []
    for page in service.iter_image_pages("scale/images", page_size=300, cancel=cancel):
        seen.append(len(page))
        cancel.set()
    assert seen == [300]
    assert service.call_counts == {"DescribeImages": 1}


def test_workers_share_one_service_and_counts_stay_exact(scaled: SandboxProcess) -> None:
    service = EcrService(session=scaled.session("demo-dev"))
    service.identity()
    per_listing = len(list(service.iter_image_pages("scale/images")))
    service.reset_call_counts()
    results: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        count = len(service.list_images("scale/images"))
        with lock:
            results.append(count)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [1000] * 6
    assert service.call_counts == {"DescribeImages": 6 * per_listing}  # no count lost between threads


def test_small_pages_follow_next_tokens(scaled: SandboxProcess) -> None:
    service = EcrService(session=scaled.session("demo-dev"))
    pages = list(service.iter_image_pages("scale/images", page_size=300))
    assert [len(p) for p in pages] == [300, 300, 300, 100]
    repos = list(service.iter_repository_pages(page_size=1))
    assert [r.name for p in repos for r in p] == ["scale/images"]


def test_get_manifests_chunks_by_100_and_verifies(scaled: SandboxProcess) -> None:
    service = EcrService(session=scaled.session("demo-dev"))
    digests = [i.digest for i in next(service.iter_image_pages("scale/images"))][:150]
    service.reset_call_counts()
    batch = service.get_manifests("scale/images", digests)
    assert service.call_counts == {"BatchGetImage": 2}
    assert list(batch.manifests) == digests
    assert not batch.failures
    assert all(m.digest == d for d, m in batch.manifests.items())


def test_missing_repository_is_not_found_with_request_id(dev: EcrService) -> None:
    with pytest.raises(NotFound) as caught:
        list(dev.iter_image_pages("no/such-repo"))
    assert caught.value.operation == "DescribeImages"
    assert caught.value.code == "RepositoryNotFoundException"
    assert caught.value.request_id
    assert caught.value.request_id in caught.value.details
    assert "'no/such-repo'" in str(caught.value)
    assert "\n" not in str(caught.value)


# -- manifests, blobs, details ---------------------------------------------------------------------------------


def test_failures_are_reported_not_dropped(dev: EcrService, content: dict[str, Pushed]) -> None:
    missing = sha256(b"never pushed")
    batch = dev.get_manifests("svc/app", [content["amd"].digest, missing])
    assert list(batch.manifests) == [content["amd"].digest]
    assert [(f.digest, f.code) for f in batch.failures] == [(missing, "ImageNotFound")]
    with pytest.raises(NotFound):
        batch.require(missing)


def test_manifest_bytes_are_exactly_what_was_pushed(dev: EcrService, content: dict[str, Pushed]) -> None:
    for pushed in content.values():
        manifest = dev.get_manifest("svc/app", pushed.digest)
        assert manifest.raw == pushed.manifest
        assert manifest.media_type == pushed.media_type
    assert dev.get_manifest("svc/app", "multi").digest == content["index"].digest


def test_a_digest_mismatch_is_reported(dev: EcrService, content: dict[str, Pushed]) -> None:
    """The sandbox never lies, so a stubbed response plays a registry that returns other bytes."""
    wrong = content["arm"]
    asked = content["amd"].digest
    with Stubber(dev._ecr) as stub:
        stub.add_response(
            "batch_get_image",
            {
                "images": [
                    {
                        "imageId": {"imageDigest": asked},
                        "imageManifest": wrong.manifest.decode(),
                        "imageManifestMediaType": wrong.media_type,
                    }
                ],
                "failures": [],
            },
        )
        batch = dev.get_manifests("svc/app", [asked], DEV)
    assert not batch.manifests
    assert batch.failures[0].code == "DigestMismatch"
    with pytest.raises(IntegrityError):
        batch.require(asked)


def test_image_details_fetch_and_verify_the_config(dev: EcrService, content: dict[str, Pushed]) -> None:
    repository = dev.get_repository("svc/app")
    (summary,) = dev.describe_images("svc/app", ["amd"])
    dev.reset_call_counts()
    details = dev.get_image_details(repository, summary)
    assert isinstance(details.manifest, ImageManifest)
    assert details.config is not None
    assert details.config.raw == content["amd"].config
    assert details.config.config.labels == {"name": "amd"}
    assert details.children == ()
    assert details.warnings == ()
    assert dev.call_counts == {"BatchGetImage": 1, "GetDownloadUrlForLayer": 1, BLOB_DOWNLOAD: 1}


def test_index_details_fetch_children_in_one_call(dev: EcrService, content: dict[str, Pushed]) -> None:
    repository = dev.get_repository("svc/app")
    (summary,) = dev.describe_images("svc/app", ["multi"])
    dev.reset_call_counts()
    details = dev.get_image_details(repository, summary)
    assert isinstance(details.manifest, ImageIndex)
    assert details.config is None
    assert [c.descriptor.digest for c in details.children] == [
        content["amd"].digest,
        content["arm"].digest,
        content["attest"].digest,
    ]
    assert [c.is_attestation for c in details.children] == [False, False, True]
    assert all(c.manifest is not None for c in details.children)
    assert dev.call_counts == {"BatchGetImage": 2}


def test_get_blob_asks_for_a_fresh_url_once_when_refused(
    dev: EcrService, content: dict[str, Pushed], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A presigned URL can expire between GetDownloadUrlForLayer and the GET: one fresh URL, then give up."""
    manifest = dev.get_manifest("svc/app", content["amd"].digest)
    assert isinstance(manifest, ImageManifest)
    real_fetch = dev._blobs.fetch
    refusals = [AccessDenied("Download refused (the download URL expired or access is denied)")]

    def flaky_fetch(url: str, digest: str, **kwargs: Any) -> bytes:
        if refusals:
            raise refusals.pop()
        return real_fetch(url, digest, **kwargs)

    monkeypatch.setattr(dev._blobs, "fetch", flaky_fetch)
    dev.reset_call_counts()
    assert dev.get_blob("svc/app", manifest.config.digest) == content["amd"].config
    assert dev.call_counts == {"GetDownloadUrlForLayer": 2, BLOB_DOWNLOAD: 1}
    refusals.extend([AccessDenied("refused"), AccessDenied("refused")])
    with pytest.raises(AccessDenied):
        dev.get_blob("svc/app", manifest.config.digest)


def test_sandbox_presigned_urls_never_appear_in_errors(dev: EcrService, content: dict[str, Pushed]) -> None:
    manifest = dev.get_manifest("svc/app", content["amd"].digest)
    assert isinstance(manifest, ImageManifest)
    url = dev._ecr.get_download_url_for_layer(
        registryId=DEV, repositoryName="svc/app", layerDigest=manifest.config.digest
    )["downloadUrl"]
    secrets = [value for _, value in parse_qsl(urlsplit(url).query) if len(value) >= 8]
    assert secrets, "the sandbox's download URL should be signed"
    failures: list[EcrError] = []
    for bad_url, digest in (
        (
            url[:-6] + ("000000" if not url.endswith("000000") else "111111"),
            manifest.config.digest,
        ),  # bad signature
        (url, sha256(b"some other blob")),  # right URL, wrong digest
    ):
        with pytest.raises(EcrError) as caught:
            dev._blobs.fetch(bad_url, digest)
        failures.append(caught.value)
    assert isinstance(failures[0], AccessDenied)  # S3-style 403 for a bad signature
    assert isinstance(failures[1], IntegrityError)
    for failure in failures:
        for secret in secrets:
            assert secret not in str(failure)
            assert secret not in failure.details


# -- cross-account -----------------------------------------------------------------------------------------------


def test_prod_reads_a_dev_repository_by_registry_id(
    rw_sandbox: SandboxProcess, dev: EcrService, content: dict[str, Pushed]
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "prod-pull",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{PROD}:root"},
                "Action": [
                    "ecr:BatchGetImage",
                    "ecr:DescribeImages",
                    "ecr:DescribeRepositories",
                    "ecr:GetDownloadUrlForLayer",
                ],
            }
        ],
    }
    dev.set_repository_policy("svc/app", json.dumps(policy))
    # Registries are per region: dev's repository is in us-east-1, prod's home region is eu-west-1.
    prod = EcrService(session=rw_sandbox.session("demo-prod"), region="us-east-1")
    assert prod.account_id == PROD
    images = prod.list_images("svc/app", DEV)
    assert {i.digest for i in images} >= {content["amd"].digest, content["index"].digest}
    assert all(i.registry_id == DEV for i in images)
    repository = prod.get_repository("svc/app", DEV)
    assert repository.registry_id == DEV
    summary = next(i for i in images if i.digest == content["amd"].digest)
    details = prod.get_image_details(repository, summary)
    assert details.config is not None
    assert details.config.raw == content["amd"].config
    with pytest.raises(NotFound):  # without the registry id the call goes to prod's own registry
        prod.list_images("svc/app")


def test_every_call_that_takes_a_registry_id_is_given_one(rw_sandbox: SandboxProcess) -> None:
    """Cross-account reads depend on it: an omitted registryId silently means the caller's own registry."""
    service = EcrService(session=rw_sandbox.session("demo-dev"))
    seen: dict[str, bool] = {}
    model = service._ecr.meta.service_model

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        if "registryId" in model.input_shape.members:
            seen[model.name] = seen.get(model.name, True) and params.get("registryId") == DEV

    service._ecr.meta.events.register("provide-client-params.ecr", record)
    service.create_repository("svc/regid")
    service.set_tag_mutability("svc/regid", "IMMUTABLE")
    service.set_tag_mutability("svc/regid", "MUTABLE")
    statement = {"Sid": "r", "Effect": "Allow", "Principal": "*", "Action": ["ecr:DescribeImages"]}
    service.set_repository_policy(
        "svc/regid", json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    service.get_repository_policy("svc/regid")
    service.delete_repository_policy("svc/regid")
    service.get_lifecycle_policy("svc/regid")
    pushed = push_image(rw_sandbox.session("demo-dev").client("ecr"), "svc/regid", "regid", tag="one")
    service.list_repositories()
    service.get_repository("svc/regid")
    (summary,) = service.list_images("svc/regid")
    service.describe_images("svc/regid", ["one"])
    service.get_image_details(service.get_repository("svc/regid"), summary)
    service.add_tag("svc/regid", pushed.digest, "two")
    service.remove_tag("svc/regid", "two")
    with pytest.raises(NotFound):
        service.get_scan_findings("svc/regid", pushed.digest)
    service.delete_image("svc/regid", pushed.digest)
    service.delete_repository("svc/regid")
    assert set(seen) >= {
        "CreateRepository",
        "PutImageTagMutability",
        "SetRepositoryPolicy",
        "GetRepositoryPolicy",
        "DeleteRepositoryPolicy",
        "GetLifecyclePolicy",
        "DescribeRepositories",
        "DescribeImages",
        "BatchGetImage",
        "GetDownloadUrlForLayer",
        "PutImage",
        "BatchDeleteImage",
        "DescribeImageScanFindings",
        "DeleteRepository",
    }
    assert [name for name, ok in seen.items() if not ok] == []
    assert model.service_name == "ecr"


def test_demo_prod_reads_the_dev_repository_its_policy_allows(demo_sandbox: SandboxProcess) -> None:
    """On the demo data (read only): find the dev repository whose policy lets prod pull, and pull from it as
    prod; the policy grants pulling only, so listing its images is refused, as on ECR."""
    dev_service = EcrService(session=demo_sandbox.session("demo-dev"), read_only=True)
    shared = [
        r.name
        for r in dev_service.list_repositories()
        if PROD in (dev_service.get_repository_policy(r.name) or "")
    ]
    assert shared
    tagged = next(i for i in dev_service.list_images(shared[0]) if i.tags)
    prod = EcrService(session=demo_sandbox.session("demo-prod"), region="us-east-1", read_only=True)
    manifest = prod.get_manifest(shared[0], tagged.tags[0], DEV)
    assert manifest.digest == tagged.digest
    assert isinstance(manifest, ImageManifest)
    config = prod.get_blob(shared[0], manifest.config.digest, DEV, expected_size=manifest.config.size)
    assert sha256(config) == manifest.config.digest
    with pytest.raises(AccessDenied, match="ecr:DescribeImages"):
        prod.list_images(shared[0], DEV)


# -- mutations ---------------------------------------------------------------------------------------------------


def test_tags_add_remove_and_delete_image(dev: EcrService, ecr: Any) -> None:
    dev.create_repository("svc/tags")
    pushed = push_image(ecr, "svc/tags", "tags", tag="one")
    dev.add_tag("svc/tags", pushed.digest, "two")
    dev.add_tag("svc/tags", pushed.digest, "two")  # already there: success
    (image,) = dev.list_images("svc/tags")
    assert set(image.tags) == {"one", "two"}
    assert image.digest == pushed.digest
    dev.remove_tag("svc/tags", "one")
    (image,) = dev.list_images("svc/tags")
    assert image.tags == ("two",)
    with pytest.raises(NotFound):
        dev.remove_tag("svc/tags", "one")
    dev.delete_image("svc/tags", pushed.digest)
    assert dev.list_images("svc/tags") == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda s, d: s.add_tag("svc/app", d, "v1 beta"), "tag 'v1 beta' contains a space"),
        (lambda s, d: s.add_tag("svc/app", d, "t" * 129), "is 129 characters; the limit is 128"),
        (lambda s, d: s.add_tag("svc/app", "sha256:abc", "ok"), "digest 'sha256:abc'"),
        (lambda s, d: s.create_repository("Team/App"), "has uppercase letters"),
        (lambda s, d: s.delete_images("svc/app", ["sha256:" + d[7:].upper()]), "must use lowercase hex"),
    ],
)
def test_bad_names_tags_and_digests_are_refused_before_any_call(
    dev: EcrService, content: dict[str, Pushed], change: Any, words: str
) -> None:
    dev.reset_call_counts()
    with pytest.raises(InvalidInput) as caught:
        change(dev, content["amd"].digest)
    assert words in str(caught.value)
    assert dev.call_counts == {}  # a lenient endpoint never gets the chance to store it


def test_immutable_repository_refuses_moving_a_tag(dev: EcrService, ecr: Any) -> None:
    dev.create_repository("svc/frozen", tag_mutability="IMMUTABLE")
    first = push_image(ecr, "svc/frozen", "first", tag="v1")
    second = push_image(ecr, "svc/frozen", "second")
    with pytest.raises(Conflict):
        dev.add_tag("svc/frozen", second.digest, "v1")
    dev.add_tag("svc/frozen", first.digest, "v1")  # the same image again is not a clash
    dev.set_tag_mutability("svc/frozen", "MUTABLE")
    dev.add_tag("svc/frozen", second.digest, "v1")
    assert {i.digest: i.tags for i in dev.list_images("svc/frozen")}[second.digest] == ("v1",)


def test_repository_lifecycle_policies_and_tags(dev: EcrService, ecr: Any) -> None:
    created = dev.create_repository("svc/life", scan_on_push=True, tags={"team": "a"})
    assert (created.name, created.registry_id, created.scan_on_push) == ("svc/life", DEV, True)
    with pytest.raises(Conflict):
        dev.create_repository("svc/life")
    assert dev.get_resource_tags(created.arn) == {"team": "a"}
    dev.tag_resource(created.arn, {"env": "test"})
    dev.untag_resource(created.arn, ["team"])
    assert dev.get_resource_tags(created.arn) == {"env": "test"}
    assert dev.get_repository_policy("svc/life") is None
    assert dev.get_lifecycle_policy("svc/life") is None
    with pytest.raises(InvalidInput, match="policy"):
        dev.set_repository_policy("svc/life", json.dumps({"Version": "2012-10-17", "Statement": []}))
    statement = {"Sid": "read", "Effect": "Allow", "Principal": "*", "Action": ["ecr:DescribeImages"]}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    dev.set_repository_policy("svc/life", policy)
    assert json.loads(dev.get_repository_policy("svc/life") or "{}") == json.loads(policy)
    dev.delete_repository_policy("svc/life")
    assert dev.get_repository_policy("svc/life") is None
    push_image(ecr, "svc/life", "life", tag="x")
    with pytest.raises(Conflict):
        dev.delete_repository("svc/life")
    dev.delete_repository("svc/life", force=True)
    with pytest.raises(NotFound):
        dev.get_repository("svc/life")


def test_read_only_refuses_every_mutation_without_a_call(rw_sandbox: SandboxProcess) -> None:
    service = EcrService(session=rw_sandbox.session("demo-dev"), read_only=True)
    service.identity()
    service.reset_call_counts()
    digest = sha256(b"x")
    arn = f"arn:aws:ecr:us-east-1:{DEV}:repository/x"
    mutations = [
        lambda: service.create_repository("ro/x"),
        lambda: service.delete_repository("ro/x"),
        lambda: service.set_tag_mutability("ro/x", "IMMUTABLE"),
        lambda: service.tag_resource(arn, {"a": "b"}),
        lambda: service.untag_resource(arn, ["a"]),
        lambda: service.set_repository_policy("ro/x", "{}"),
        lambda: service.delete_repository_policy("ro/x"),
        lambda: service.add_tag("ro/x", digest, "t"),
        lambda: service.remove_tag("ro/x", "t"),
        lambda: service.remove_tags("ro/x", ["t"]),
        lambda: service.delete_image("ro/x", digest),
        lambda: service.delete_images("ro/x", [digest]),
    ]
    for mutate in mutations:
        with pytest.raises(ReadOnlyError, match="Read-only"):
            mutate()
    assert service.call_counts == {}


def test_registry_reads(dev: EcrService, ecr: Any, content: dict[str, Pushed]) -> None:
    (seeded,) = dev.get_replication_configuration().rules  # the demo's web/ rule
    assert seeded.repository_prefixes == ("web/",)
    ecr.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [{"region": "eu-west-1", "registryId": PROD}],
                    "repositoryFilters": [{"filter": "svc/", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    )
    replication = dev.get_replication_configuration()
    assert replication.registry_id == DEV
    (rule,) = replication.rules
    assert [(d.region, d.registry_id) for d in rule.destinations] == [("eu-west-1", PROD)]
    assert rule.repository_prefixes == ("svc/",)

    lifecycle = {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 5},
                "action": {"type": "expire"},
            }
        ]
    }
    ecr.put_lifecycle_policy(repositoryName="svc/app", lifecyclePolicyText=json.dumps(lifecycle))
    assert json.loads(dev.get_lifecycle_policy("svc/app") or "{}") == lifecycle


def test_scan_findings(dev: EcrService, ecr: Any, content: dict[str, Pushed]) -> None:
    digest = content["docker"].digest
    with pytest.raises(NotFound):
        dev.get_scan_findings("svc/app", digest)
    ecr.start_image_scan(repositoryName="svc/app", imageId={"imageDigest": digest})
    deadline = time.monotonic() + 30  # a scan is IN_PROGRESS for a moment, as on ECR
    while (findings := dev.get_scan_findings("svc/app", digest)).status == "IN_PROGRESS":
        assert time.monotonic() < deadline, "the scan never completed"
        time.sleep(0.1)
    assert findings.status == "COMPLETE"
    assert sum(findings.severity_counts.values()) == len(findings.findings) > 0
    assert all(f.name and f.severity for f in findings.findings)
    cancel = threading.Event()
    cancel.set()
    dev.reset_call_counts()
    with pytest.raises(Cancelled):  # never a partial (here: empty) result that a cache would keep
        dev.get_scan_findings("svc/app", digest, cancel=cancel)
    assert dev.call_counts == {}
