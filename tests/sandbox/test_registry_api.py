"""The registry face over plain HTTP: the distribution-API details skopeo does not exercise, and one store.

Each test works in repositories of its own in the module's read-write sandbox; content is set up through the ECR
API with plain boto3 (``tests/ecr/pushing.py``), so each face is checked against the other.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import urllib3
from botocore.exceptions import ClientError

from ecrtui.sandbox import seed
from ecrtui.sandbox.process import RegistryLogin
from ecrtui.sandbox.profiles import read_registries_file
from tests.conftest import SandboxProcess
from tests.ecr.pushing import (
    DOCKER_MANIFEST,
    OCI_INDEX,
    OCI_MANIFEST,
    push_blob,
    push_image,
    push_index,
    sha256,
)
from tests.sandbox.registry_client import RegistryHttp

DEV, PROD = "111111111111", "222222222222"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
_names = itertools.count()


@pytest.fixture(scope="module")
def login(rw_sandbox: SandboxProcess) -> RegistryLogin:
    return rw_sandbox.registry_login("demo-dev")


@pytest.fixture(scope="module")
def http(login: RegistryLogin) -> RegistryHttp:
    return RegistryHttp(login)


@pytest.fixture(scope="module")
def ecr(rw_sandbox: SandboxProcess) -> Any:
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture
def repo(ecr: Any) -> str:
    name = f"test/registry-{os.getpid()}-{next(_names)}"
    ecr.create_repository(repositoryName=name)
    return name


def error_body(response: urllib3.BaseHTTPResponse) -> dict[str, Any]:
    (error,) = json.loads(response.data)["errors"]
    return dict(error)


def oci_image(
    layers: list[bytes], config: bytes = b'{"architecture":"amd64","os":"linux"}', **extra: Any
) -> bytes:
    """An OCI image manifest over ``layers`` (not uploaded), as exact bytes."""
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": sha256(config),
            "size": len(config),
        },
        "layers": [{"mediaType": OCI_LAYER, "digest": sha256(b), "size": len(b)} for b in layers],
        **extra,
    }
    return json.dumps(document, indent=2).encode()


def upload_monolithic(http: RegistryHttp, repository: str, data: bytes) -> urllib3.BaseHTTPResponse:
    return http.request("POST", f"/v2/{repository}/blobs/uploads/?digest={sha256(data)}", body=data)


def push_via_registry(
    http: RegistryHttp, repository: str, layers: list[bytes], tag: str, **extra: Any
) -> bytes:
    config = json.dumps({"architecture": "amd64", "os": "linux", "tag": tag}).encode()
    for blob in (config, *layers):
        assert upload_monolithic(http, repository, blob).status == 201
    manifest = oci_image(layers, config, **extra)
    response = http.request(
        "PUT", f"/v2/{repository}/manifests/{tag}", body=manifest, headers={"Content-Type": OCI_MANIFEST}
    )
    assert response.status == 201, response.data
    return manifest


class TestAuthentication:
    def test_ping_needs_a_token_and_says_how_to_log_in(
        self, http: RegistryHttp, login: RegistryLogin
    ) -> None:
        assert http.request("GET", "/v2/").status == 200
        refused = http.request("GET", "/v2/", auth=False)
        assert refused.status == 401
        assert (
            refused.headers["WWW-Authenticate"] == f'Basic realm="{login.url}/",service="ecr.amazonaws.com"'
        )
        assert refused.headers["Docker-Distribution-API-Version"] == "registry/2.0"
        assert error_body(refused)["code"] == "UNAUTHORIZED"

    @pytest.mark.parametrize(
        "credentials",
        ["AWS:not-a-token", "root:{password}", "AWS:{tampered}", "AWS", "AWS:"],
    )
    def test_credentials_ecr_did_not_issue_are_challenged(
        self, http: RegistryHttp, login: RegistryLogin, credentials: str
    ) -> None:
        envelope = json.loads(base64.b64decode(login.password))
        payload = json.loads(base64.b64decode(envelope["payload"]))
        payload["account"] = PROD
        envelope["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
        tampered = base64.b64encode(json.dumps(envelope).encode()).decode()
        text = credentials.format(password=login.password, tampered=tampered)
        header = "Basic " + base64.b64encode(text.encode()).decode()
        response = http.request(
            "GET", f"/v2/{seed.API_REPOSITORY}/tags/list", headers={"Authorization": header}
        )
        assert response.status == 401
        assert "WWW-Authenticate" in response.headers

    def test_a_token_from_another_region_is_a_bad_request(
        self, rw_sandbox: SandboxProcess, http: RegistryHttp
    ) -> None:
        elsewhere = rw_sandbox.registry_login("demo-dev", region="eu-west-1")
        response = RegistryHttp(RegistryLogin(http.login.url, "AWS", elsewhere.password)).request(
            "GET", "/v2/"
        )
        assert response.status == 400
        assert error_body(response)["code"] == "DENIED"

    def test_another_accounts_token_pings_but_only_the_repository_policy_lets_it_in(
        self, rw_sandbox: SandboxProcess, http: RegistryHttp
    ) -> None:
        prod = rw_sandbox.registry_login("demo-prod", region="us-east-1", registry_id=DEV)
        assert prod.url == http.login.url
        other = RegistryHttp(prod)
        assert other.request("GET", "/v2/").status == 200
        # demo-dev's web/api lets demo-prod pull (BatchGetImage ...) and nothing else; web/frontend has no policy.
        assert other.request("GET", f"/v2/{seed.API_REPOSITORY}/manifests/latest").status == 200
        for method, repository, path, action in (
            ("GET", seed.FRONTEND_REPOSITORY, "manifests/latest", "BatchGetImage"),
            ("GET", seed.API_REPOSITORY, "tags/list", "ListImages"),
            ("POST", seed.API_REPOSITORY, "blobs/uploads/", "InitiateLayerUpload"),
        ):
            response = other.request(method, f"/v2/{repository}/{path}")
            assert response.status == 403, path
            error = error_body(response)
            assert error["code"] == "DENIED"
            assert error["message"] == (
                f"User: arn:aws:iam::{PROD}:root is not authorized to perform: ecr:{action} on resource: "
                f"arn:aws:ecr:us-east-1:{DEV}:repository/{repository} because no resource-based policy allows "
                f"the ecr:{action} action"
            )

    def test_an_expired_token_is_denied(self, sandbox_factory: Any) -> None:
        sandbox = sandbox_factory("--seed", "empty", "--token-ttl-seconds", "1")
        http = RegistryHttp(sandbox.registry_login("demo-dev"))
        deadline = time.monotonic() + 30
        statuses = []
        while time.monotonic() < deadline:
            response = http.request("GET", "/v2/")
            statuses.append(response.status)
            if response.status != 200:
                break
            time.sleep(0.1)  # a poll interval: the condition is the token's expiry
        assert statuses[0] == 200
        assert response.status == 403
        assert (
            error_body(response)["message"]
            == "Your authorization token has expired. Reauthenticate and try again."
        )


class TestRegistriesAndEndpoints:
    def test_banner_lists_each_registry_right_after_the_endpoint(self, rw_sandbox: SandboxProcess) -> None:
        lines = rw_sandbox.output
        assert lines[0] == f"endpoint: {rw_sandbox.endpoint_url}"
        assert lines[1].startswith(f"registry {DEV} us-east-1: http://127.0.0.1:")
        assert lines[2].startswith(f"registry {PROD} eu-west-1: http://127.0.0.1:")
        assert lines[3].startswith("profile demo-dev:")
        urls = set(rw_sandbox.registries.values())
        assert len(urls) == 2
        assert rw_sandbox.endpoint_url not in urls

    def test_a_registry_asked_for_in_a_new_region_starts_and_is_written_to_the_file(
        self, rw_sandbox: SandboxProcess
    ) -> None:
        ecr = rw_sandbox.session("demo-prod").client("ecr", region_name="ap-southeast-2")
        ecr.create_repository(repositoryName="sydney/app")
        push_image(ecr, "sydney/app", "sydney", tag="v1")
        login = rw_sandbox.registry_login("demo-prod", region="ap-southeast-2")
        assert login.url not in rw_sandbox.registries.values()
        listed = {(r.account_id, r.region): r.url for r in read_registries_file(rw_sandbox.registries_file)}
        assert listed[(PROD, "ap-southeast-2")] == login.url
        tags = RegistryHttp(login).request("GET", "/v2/sydney/app/tags/list")
        assert json.loads(tags.data) == {"name": "sydney/app", "tags": ["v1"]}
        assert (
            rw_sandbox.registry_login("demo-prod", region="ap-southeast-2").url == login.url
        )  # started once

    def test_an_unknown_region_is_refused(self, rw_sandbox: SandboxProcess) -> None:
        ecr = rw_sandbox.session("demo-dev").client("ecr")
        with pytest.raises(ClientError) as excinfo:
            ecr.get_authorization_token(registryIds=["not-an-id"])
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"

    def test_token_expires_in_twelve_hours(self, ecr: Any) -> None:
        data = ecr.get_authorization_token()["authorizationData"][0]
        hours = (data["expiresAt"] - datetime.now(UTC)).total_seconds() / 3600
        assert 11.9 < hours <= 12


class TestManifests:
    def test_get_and_head_serve_the_stored_bytes_with_their_type_and_digest(
        self, http: RegistryHttp, ecr: Any
    ) -> None:
        stored = ecr.batch_get_image(
            repositoryName=seed.API_REPOSITORY,
            imageIds=[{"imageTag": seed.API_LATEST}],
            acceptedMediaTypes=[DOCKER_MANIFEST],
        )["images"][0]
        for accept in (DOCKER_MANIFEST, f"{OCI_MANIFEST}, {DOCKER_MANIFEST};q=0.9", None):
            headers = {"Accept": accept} if accept else {}
            response = http.request(
                "GET", f"/v2/{seed.API_REPOSITORY}/manifests/{seed.API_LATEST}", headers=headers
            )
            assert response.status == 200
            assert response.data == stored["imageManifest"].encode()
            assert response.headers["Content-Type"] == DOCKER_MANIFEST
            assert response.headers["Docker-Content-Digest"] == stored["imageId"]["imageDigest"]
        head = http.request("HEAD", f"/v2/{seed.API_REPOSITORY}/manifests/{stored['imageId']['imageDigest']}")
        assert head.status == 200
        assert head.data == b""
        assert int(head.headers["Content-Length"]) == len(stored["imageManifest"].encode())
        assert head.headers["Docker-Content-Digest"] == stored["imageId"]["imageDigest"]

    def test_by_tag_a_docker_image_is_converted_for_an_oci_only_client(
        self, http: RegistryHttp, ecr: Any
    ) -> None:
        path = f"/v2/{seed.API_REPOSITORY}/manifests/{seed.API_LATEST}"
        stored = json.loads(http.request("GET", path, headers={"Accept": DOCKER_MANIFEST}).data)
        headers = urllib3.HTTPHeaderDict()
        headers.add("Accept", OCI_MANIFEST)  # skopeo sends one Accept header per type
        headers.add("Accept", OCI_INDEX)
        converted = http.request("GET", path, headers=headers)
        assert converted.status == 200
        assert converted.headers["Content-Type"] == OCI_MANIFEST
        assert converted.headers["Docker-Content-Digest"] == sha256(converted.data)
        document = json.loads(converted.data)
        assert document["mediaType"] == OCI_MANIFEST
        assert document["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
        assert document["config"]["digest"] == stored["config"]["digest"]
        assert [layer["digest"] for layer in document["layers"]] == [
            layer["digest"] for layer in stored["layers"]
        ]
        assert {layer["mediaType"] for layer in document["layers"]} == {OCI_LAYER}
        # By digest nothing is converted: the client gets the stored bytes.
        digest = ecr.describe_images(
            repositoryName=seed.API_REPOSITORY, imageIds=[{"imageTag": seed.API_LATEST}]
        )["imageDetails"][0]["imageDigest"]
        by_digest = http.request(
            "GET", f"/v2/{seed.API_REPOSITORY}/manifests/{digest}", headers={"Accept": OCI_MANIFEST}
        )
        assert by_digest.headers["Content-Type"] == DOCKER_MANIFEST
        assert sha256(by_digest.data) == digest

    def test_an_index_a_client_cannot_take_is_manifest_unknown(self, http: RegistryHttp) -> None:
        response = http.request(
            "GET",
            f"/v2/{seed.MULTIARCH_REPOSITORY}/manifests/{seed.MULTIARCH_TAG}",
            headers={"Accept": DOCKER_MANIFEST},
        )
        assert response.status == 404
        error = error_body(response)
        assert error["code"] == "MANIFEST_UNKNOWN"
        assert OCI_INDEX in error["message"]

    def test_unknown_tag_and_repository(self, http: RegistryHttp) -> None:
        missing_tag = http.request("GET", f"/v2/{seed.API_REPOSITORY}/manifests/no-such-tag")
        assert (missing_tag.status, error_body(missing_tag)["code"]) == (404, "MANIFEST_UNKNOWN")
        missing_repo = http.request("GET", "/v2/no/such/repo/manifests/latest")
        assert (missing_repo.status, error_body(missing_repo)["code"]) == (404, "NAME_UNKNOWN")

    def test_a_pushed_manifest_is_the_image_the_ecr_api_lists(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        before = datetime.now(UTC)
        layers = [b"first layer " * 100, b"second layer " * 50]
        manifest = push_via_registry(http, repo, layers, "v1")
        details = ecr.describe_images(repositoryName=repo)["imageDetails"]
        assert len(details) == 1
        (detail,) = details
        assert detail["imageDigest"] == sha256(manifest)
        assert detail["imageTags"] == ["v1"]
        assert detail["imageSizeInBytes"] == sum(len(layer) for layer in layers)
        assert detail["imageManifestMediaType"] == OCI_MANIFEST
        assert detail["imagePushedAt"] >= before.replace(microsecond=0)
        fetched = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "v1"}])["images"][0]
        assert fetched["imageManifest"].encode() == manifest
        # Pushing it again is what docker does on every push: success, nothing new.
        again = http.request(
            "PUT", f"/v2/{repo}/manifests/v1", body=manifest, headers={"Content-Type": OCI_MANIFEST}
        )
        assert again.status == 201
        assert again.headers["Docker-Content-Digest"] == sha256(manifest)
        assert again.headers["Location"] == f"/v2/{repo}/manifests/{sha256(manifest)}"
        assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 1

    def test_an_image_put_through_the_api_is_served_identically(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        pushed = push_image(ecr, repo, "api-side", tag="from-api", docker=True)
        response = http.request("GET", f"/v2/{repo}/manifests/from-api", headers={"Accept": DOCKER_MANIFEST})
        assert response.data == pushed.manifest
        assert response.headers["Docker-Content-Digest"] == pushed.digest

    def test_put_applies_put_image_rules_with_distribution_error_codes(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        def put(reference: str, body: bytes, content_type: str = OCI_MANIFEST) -> urllib3.BaseHTTPResponse:
            return http.request(
                "PUT", f"/v2/{repo}/manifests/{reference}", body=body, headers={"Content-Type": content_type}
            )

        missing_blobs = put("v1", oci_image([b"never uploaded"]))
        assert (missing_blobs.status, error_body(missing_blobs)["code"]) == (400, "MANIFEST_BLOB_UNKNOWN")
        child = push_image(ecr, repo, "child")
        absent = {"mediaType": OCI_MANIFEST, "digest": sha256(b"absent"), "size": 6}
        present = {"mediaType": OCI_MANIFEST, "digest": child.digest, "size": len(child.manifest)}
        index = json.dumps(
            {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [present, absent]}
        ).encode()
        missing_child = put("multi", index, OCI_INDEX)
        assert (missing_child.status, error_body(missing_child)["code"]) == (400, "MANIFEST_BLOB_UNKNOWN")
        wrong_digest = put(sha256(b"something else"), child.manifest)
        assert (wrong_digest.status, error_body(wrong_digest)["code"]) == (400, "DIGEST_INVALID")
        not_json = put("broken", b"{not json")
        assert (not_json.status, error_body(not_json)["code"]) == (400, "MANIFEST_INVALID")
        by_digest = put(child.digest, child.manifest)
        assert by_digest.status == 201  # already there, untagged: still a success

    def test_a_generic_content_type_leaves_the_type_to_the_document(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        image = push_image(ecr, repo, "typed", docker=True)
        response = http.request(
            "PUT",
            f"/v2/{repo}/manifests/generic",
            body=image.manifest,
            headers={"Content-Type": "application/json"},
        )
        assert response.status == 201
        detail = ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": "generic"}])["imageDetails"][
            0
        ]
        assert detail["imageManifestMediaType"] == DOCKER_MANIFEST
        mismatch = http.request(
            "PUT",
            f"/v2/{repo}/manifests/mismatch",
            body=image.manifest,
            headers={"Content-Type": OCI_MANIFEST},
        )
        assert (mismatch.status, error_body(mismatch)["code"]) == (400, "MANIFEST_INVALID")

    def test_an_immutable_tag_cannot_move(self, http: RegistryHttp, ecr: Any) -> None:
        repo = f"test/immutable-{os.getpid()}-{next(_names)}"
        ecr.create_repository(repositoryName=repo, imageTagMutability="IMMUTABLE")
        push_via_registry(http, repo, [b"one"], "release")
        config = json.dumps({"architecture": "arm64", "os": "linux"}).encode()
        assert upload_monolithic(http, repo, config).status == 201
        other = oci_image([b"one"], config)
        response = http.request(
            "PUT", f"/v2/{repo}/manifests/release", body=other, headers={"Content-Type": OCI_MANIFEST}
        )
        assert response.status == 400
        error = error_body(response)
        assert error["code"] == "TAG_INVALID"
        assert "cannot be overwritten because the repository is immutable" in error["message"]

    def test_delete_by_tag_and_by_digest_as_batch_delete_image_does(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        amd = push_image(ecr, repo, "amd", tag="a")
        ecr.put_image(repositoryName=repo, imageManifest=amd.manifest.decode(), imageTag="b")
        arm = push_image(ecr, repo, "arm", arch="arm64")
        push_index(ecr, repo, [(amd, "amd64"), (arm, "arm64")], tag="multi")
        assert http.request("DELETE", f"/v2/{repo}/manifests/a").status == 202
        tags = {
            d["imageDigest"]: d.get("imageTags")
            for d in ecr.describe_images(repositoryName=repo)["imageDetails"]
        }
        assert tags[amd.digest] == ["b"]
        referenced = http.request("DELETE", f"/v2/{repo}/manifests/{arm.digest}")
        assert (referenced.status, error_body(referenced)["code"]) == (409, "DENIED")
        assert "referenced by an image index" in error_body(referenced)["message"]
        assert http.request("DELETE", f"/v2/{repo}/manifests/multi").status == 202
        assert http.request("DELETE", f"/v2/{repo}/manifests/{arm.digest}").status == 202
        remaining = {d["imageDigest"] for d in ecr.describe_images(repositoryName=repo)["imageDetails"]}
        assert remaining == {amd.digest}
        gone = http.request("GET", f"/v2/{repo}/manifests/{arm.digest}")
        assert gone.status == 404


class TestBlobs:
    def test_head_and_a_redirect_to_a_presigned_url_with_range(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        data = bytes(range(256)) * 64
        digest = push_blob(ecr, repo, data)
        head = http.request("HEAD", f"/v2/{repo}/blobs/{digest}")
        assert head.status == 200
        assert int(head.headers["Content-Length"]) == len(data)
        assert head.headers["Docker-Content-Digest"] == digest
        redirect = http.request("GET", f"/v2/{repo}/blobs/{digest}")
        assert redirect.status == 307
        location = redirect.headers["Location"]
        assert location.startswith(http.login.url.rsplit(":", 1)[0])  # same host, the API endpoint's port
        assert "X-Sandbox-Signature" in location
        assert http.login.password not in location
        whole = urllib3.request("GET", location, retries=False)  # clients follow without credentials
        assert whole.status == 200
        assert whole.data == data
        part = urllib3.request("GET", location, headers={"Range": "bytes=100-199"}, retries=False)
        assert part.status == 206
        assert part.data == data[100:200]
        unknown = http.request("HEAD", f"/v2/{repo}/blobs/{sha256(b'unknown')}")
        assert unknown.status == 404
        assert http.request("GET", f"/v2/{repo}/blobs/{sha256(b'unknown')}").status == 404

    def test_monolithic_upload_lands_in_the_store_the_ecr_api_reads(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        data = os.urandom(3000)
        response = upload_monolithic(http, repo, data)
        assert response.status == 201
        assert response.headers["Docker-Content-Digest"] == sha256(data)
        assert response.headers["Location"] == f"/v2/{repo}/blobs/{sha256(data)}"
        url = ecr.get_download_url_for_layer(repositoryName=repo, layerDigest=sha256(data))["downloadUrl"]
        assert urllib3.request("GET", url, retries=False).data == data
        # A blob the repository already holds uploads again without complaint (CompleteLayerUpload would refuse).
        assert upload_monolithic(http, repo, data).status == 201

    def test_chunked_upload_with_content_range(self, http: RegistryHttp, repo: str) -> None:
        data = os.urandom(25_000)
        started = http.request("POST", f"/v2/{repo}/blobs/uploads/")
        assert started.status == 202
        location = started.headers["Location"]
        upload_id = started.headers["Docker-Upload-UUID"]
        assert location == f"/v2/{repo}/blobs/uploads/{upload_id}"
        assert started.headers["Range"] == "0-0"
        first = http.request(
            "PATCH",
            location,
            body=data[:10_000],
            headers={"Content-Range": "0-9999", "Content-Type": "application/octet-stream"},
        )
        assert (first.status, first.headers["Range"]) == (202, "0-9999")
        out_of_order = http.request(
            "PATCH", location, body=data[12_000:13_000], headers={"Content-Range": "12000-12999"}
        )
        assert out_of_order.status == 416
        assert out_of_order.headers["Range"] == "0-9999"
        status = http.request("GET", location)
        assert (status.status, status.headers["Range"]) == (204, "0-9999")
        second = http.request(
            "PATCH", location, body=data[10_000:20_000], headers={"Content-Range": "10000-19999"}
        )
        assert second.headers["Range"] == "0-19999"
        done = http.request("PUT", f"{location}?digest={sha256(data)}", body=data[20_000:])
        assert done.status == 201
        assert http.request("HEAD", f"/v2/{repo}/blobs/{sha256(data)}").headers["Content-Length"] == str(
            len(data)
        )
        assert http.request("GET", location).status == 404  # the session is over

    def test_streamed_upload_then_put(self, http: RegistryHttp, repo: str) -> None:
        data = os.urandom(70_000)
        location = http.request("POST", f"/v2/{repo}/blobs/uploads/").headers["Location"]
        streamed = http.request(
            "PATCH", location, body=iter([data[:30_000], data[30_000:]])
        )  # chunked encoding
        assert streamed.headers["Range"] == f"0-{len(data) - 1}"
        assert http.request("PUT", f"{location}?digest={sha256(data)}").status == 201

    def test_bad_uploads_are_refused(self, http: RegistryHttp, repo: str, ecr: Any) -> None:
        location = http.request("POST", f"/v2/{repo}/blobs/uploads/").headers["Location"]
        http.request("PATCH", location, body=b"some bytes")
        wrong = http.request("PUT", f"{location}?digest={sha256(b'other bytes')}")
        assert (wrong.status, error_body(wrong)["code"]) == (400, "DIGEST_INVALID")
        assert http.request("GET", location).status == 404  # a failed upload is gone
        empty = http.request("POST", f"/v2/{repo}/blobs/uploads/?digest={sha256(b'')}", body=b"")
        assert (empty.status, error_body(empty)["code"]) == (400, "BLOB_UPLOAD_INVALID")
        no_digest = http.request("POST", f"/v2/{repo}/blobs/uploads/?digest=md5:abc", body=b"x")
        assert (no_digest.status, error_body(no_digest)["code"]) == (400, "DIGEST_INVALID")
        cancelled = http.request("POST", f"/v2/{repo}/blobs/uploads/").headers["Location"]
        assert http.request("DELETE", cancelled).status == 204
        assert http.request("PATCH", cancelled, body=b"late").status == 404
        elsewhere = http.request("POST", f"/v2/{repo}/blobs/uploads/").headers["Location"]
        other_repo = elsewhere.replace(repo, seed.API_REPOSITORY)
        assert error_body(http.request("PATCH", other_repo, body=b"x"))["code"] == "BLOB_UPLOAD_UNKNOWN"
        deleted = http.request("DELETE", f"/v2/{seed.API_REPOSITORY}/blobs/{sha256(b'x')}")
        assert (deleted.status, error_body(deleted)["code"]) == (405, "UNSUPPORTED")

    def test_mount_needs_blob_mounting_and_matching_encryption(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        source = f"{repo}-source"
        ecr.create_repository(repositoryName=source)
        digest = push_blob(ecr, source, b"shared layer bytes")
        mount = f"/v2/{repo}/blobs/uploads/?mount={digest}&from={source}"
        assert ecr.get_account_setting(name="BLOB_MOUNTING")["value"] == "DISABLED"
        disabled = http.request("POST", mount)
        assert disabled.status == 202  # an ordinary upload instead
        assert http.request("HEAD", f"/v2/{repo}/blobs/{digest}").status == 404
        ecr.put_account_setting(name="BLOB_MOUNTING", value="ENABLED")
        try:
            mounted = http.request("POST", mount)
            assert mounted.status == 201
            assert mounted.headers["Docker-Content-Digest"] == digest
            assert http.request("HEAD", f"/v2/{repo}/blobs/{digest}").status == 200
            missing = http.request("POST", f"/v2/{repo}/blobs/uploads/?mount={sha256(b'none')}&from={source}")
            assert missing.status == 202
            kms = http.request(
                "POST", f"/v2/{seed.LOADER_REPOSITORY}/blobs/uploads/?mount={digest}&from={source}"
            )
            assert kms.status == 202  # different encryption: ECR does not mount
        finally:
            ecr.put_account_setting(name="BLOB_MOUNTING", value="DISABLED")
        with pytest.raises(ClientError) as excinfo:
            ecr.put_account_setting(name="BLOB_MOUNTING", value="YES")
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"


class TestListings:
    def test_tags_page_in_lexical_order_with_link_headers(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        image = push_image(ecr, repo, "tagged", tag="b")
        for tag in ("e", "a", "d", "c"):
            ecr.put_image(repositoryName=repo, imageManifest=image.manifest.decode(), imageTag=tag)
        whole = json.loads(http.request("GET", f"/v2/{repo}/tags/list").data)
        assert whole == {"name": repo, "tags": ["a", "b", "c", "d", "e"]}
        pages, path = [], f"/v2/{repo}/tags/list?n=2"
        while path:
            response = http.request("GET", path)
            pages.append(json.loads(response.data)["tags"])
            link = response.headers.get("Link")
            path = link.split(";")[0].strip("<>") if link else ""
        assert pages == [["a", "b"], ["c", "d"], ["e"]]
        after = json.loads(http.request("GET", f"/v2/{repo}/tags/list?last=c").data)["tags"]
        assert after == ["d", "e"]
        assert json.loads(http.request("GET", f"/v2/{repo}/tags/list?n=0").data)["tags"] == []
        bad = http.request("GET", f"/v2/{repo}/tags/list?n=-1")
        assert (bad.status, error_body(bad)["code"]) == (400, "PAGINATION_NUMBER_INVALID")

    def test_referrers_index_with_an_artifact_type_filter(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        subject = push_image(ecr, repo, "subject", tag="app")
        descriptor = {"mediaType": OCI_MANIFEST, "digest": subject.digest, "size": len(subject.manifest)}
        sbom = push_via_registry(
            http,
            repo,
            [b"sbom"],
            "sbom",
            subject=descriptor,
            artifactType="application/spdx+json",
            annotations={"org.example.kind": "sbom"},
        )
        signature = push_via_registry(
            http, repo, [b"sig"], "sig", subject=descriptor, artifactType="application/vnd.dev.cosign"
        )
        response = http.request("GET", f"/v2/{repo}/referrers/{subject.digest}")
        assert response.status == 200
        assert response.headers["Content-Type"] == OCI_INDEX
        index = json.loads(response.data)
        assert index["mediaType"] == OCI_INDEX
        assert index["manifests"] == [
            {
                "mediaType": OCI_MANIFEST,
                "digest": sha256(sbom),
                "size": len(sbom),
                "artifactType": "application/spdx+json",
                "annotations": {"org.example.kind": "sbom"},
            },
            {
                "mediaType": OCI_MANIFEST,
                "digest": sha256(signature),
                "size": len(signature),
                "artifactType": "application/vnd.dev.cosign",
            },
        ]
        filtered = http.request(
            "GET", f"/v2/{repo}/referrers/{subject.digest}?artifactType=application/spdx%2Bjson"
        )
        assert filtered.headers["OCI-Filters-Applied"] == "artifactType"
        assert [m["digest"] for m in json.loads(filtered.data)["manifests"]] == [sha256(sbom)]
        none = json.loads(http.request("GET", f"/v2/{repo}/referrers/{sha256(b'nothing')}").data)
        assert none["manifests"] == []

    def test_a_manifest_with_a_subject_names_it_in_the_response(
        self, http: RegistryHttp, ecr: Any, repo: str
    ) -> None:
        subject = push_image(ecr, repo, "signed")
        config = b"{}"
        assert upload_monolithic(http, repo, config).status == 201
        assert upload_monolithic(http, repo, b"signature").status == 201
        manifest = oci_image(
            [b"signature"],
            config,
            subject={"mediaType": OCI_MANIFEST, "digest": subject.digest, "size": len(subject.manifest)},
        )
        response = http.request(
            "PUT",
            f"/v2/{repo}/manifests/{sha256(manifest)}",
            body=manifest,
            headers={"Content-Type": OCI_MANIFEST},
        )
        assert response.status == 201
        assert response.headers["OCI-Subject"] == subject.digest


class TestOtherPaths:
    def test_catalog_unknown_paths_and_methods(self, http: RegistryHttp) -> None:
        catalog = http.request("GET", "/v2/_catalog")
        assert (catalog.status, error_body(catalog)["code"]) == (405, "UNSUPPORTED")
        unknown = http.request("GET", "/v2/Bad_Name/tags/list")
        assert (unknown.status, error_body(unknown)["code"]) == (404, "NAME_INVALID")
        method = http.request("POST", f"/v2/{seed.API_REPOSITORY}/tags/list")
        assert (method.status, error_body(method)["code"]) == (405, "UNSUPPORTED")


class TestNetworkSimulation:
    def test_faults_hit_the_registry_face_too(self, sandbox_factory: Any) -> None:
        sandbox = sandbox_factory("--seed", "empty", "--fail-rate", "1", "--fail-seed", "3")
        url = next(iter(sandbox.registries.values()))
        answers = [urllib3.request("GET", f"{url}/v2/", retries=False) for _ in range(16)]
        codes = {(a.status, json.loads(a.data)["errors"][0]["code"]) for a in answers}
        assert codes == {(429, "TOOMANYREQUESTS"), (500, "UNKNOWN")}

    def test_latency_and_bandwidth_apply_to_registry_requests(self, sandbox_factory: Any) -> None:
        sandbox = sandbox_factory("--seed", "empty", "--latency-ms", "200", "--bandwidth-mbps", "8")
        sandbox.session("demo-dev").client("ecr").create_repository(repositoryName="slow/repo")
        http = RegistryHttp(sandbox.registry_login("demo-dev"))
        started = time.monotonic()
        assert http.request("GET", "/v2/").status == 200
        assert time.monotonic() - started >= 0.2
        data = os.urandom(400_000)  # 0.4 s at 1 MB/s
        started = time.monotonic()
        assert upload_monolithic(http, "slow/repo", data).status == 201
        assert time.monotonic() - started >= 0.2 + 0.35
