"""Every real-ECR behaviour of issue 2, section 2, checked through plain boto3 over HTTP.

Each test creates its own repositories in the module's read-write sandbox, so the tests stay independent.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3
from botocore.exceptions import ClientError

from ecrtui.sandbox import seed

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

from ecr_pusher import DOCKER_LIST, DOCKER_V1, DOCKER_V2, OCI_INDEX, OCI_MANIFEST, Pusher, digest_of

_names = itertools.count()


@pytest.fixture(scope="module")
def dev(rw_sandbox: SandboxProcess) -> Any:
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture(scope="module")
def prod(rw_sandbox: SandboxProcess) -> Any:
    return rw_sandbox.session("demo-prod").client("ecr")


@pytest.fixture
def repo(dev: Any) -> str:
    name = f"test/behaviour-{os.getpid()}-{next(_names)}"
    dev.create_repository(repositoryName=name)
    return name


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def download(
    url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> urllib3.BaseHTTPResponse:
    return urllib3.request(method, url, headers=headers, retries=False, timeout=10)


class TestDigests:
    @pytest.mark.parametrize("media_type", [DOCKER_V2, OCI_MANIFEST])
    def test_image_digest_is_sha256_of_exact_manifest_bytes(
        self, dev: Any, repo: str, media_type: str
    ) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"layer-one", b"layer-two"], media_type=media_type, indent=7)
        put = dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="t1")
        expected = digest_of(manifest.encode())
        assert put["image"]["imageId"]["imageDigest"] == expected
        described = dev.describe_images(repositoryName=repo)["imageDetails"]
        assert [d["imageDigest"] for d in described] == [expected]
        assert described[0]["imageManifestMediaType"] == media_type

    @pytest.mark.parametrize("index_type", [OCI_INDEX, DOCKER_LIST])
    def test_index_digest_and_size_is_largest_child(self, dev: Any, repo: str, index_type: str) -> None:
        pusher = Pusher(dev)
        child_type = OCI_MANIFEST if index_type == OCI_INDEX else DOCKER_V2
        small, _ = pusher.image(repo, [b"s" * 100], media_type=child_type)
        large, _ = pusher.image(repo, [b"L" * 3000, b"l" * 500], media_type=child_type)
        for child in (small, large):
            dev.put_image(repositoryName=repo, imageManifest=child)
        index = pusher.index([small, large], media_type=index_type)
        dev.put_image(repositoryName=repo, imageManifest=index, imageTag="multi")
        detail = dev.describe_images(repositoryName=repo, imageIds=[{"imageTag": "multi"}])["imageDetails"][0]
        assert detail["imageDigest"] == digest_of(index.encode())
        assert detail["imageManifestMediaType"] == index_type
        assert detail["imageSizeInBytes"] == 3500

    def test_schema1_manifest_is_stored_with_its_own_digest(self, dev: Any, repo: str) -> None:
        layer = b"legacy layer bytes"
        Pusher(dev).upload(repo, layer)
        manifest = json.dumps(
            {"schemaVersion": 1, "name": repo, "tag": "old", "architecture": "amd64",
             "fsLayers": [{"blobSum": digest_of(layer)}], "history": [{"v1Compatibility": "{}"}]},
            indent=3,
        )  # fmt: skip
        put = dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="old")
        assert put["image"]["imageId"]["imageDigest"] == digest_of(manifest.encode())
        detail = dev.describe_images(repositoryName=repo)["imageDetails"][0]
        assert detail["imageManifestMediaType"] == DOCKER_V1
        assert detail["imageSizeInBytes"] == len(layer)

    def test_caller_digest_must_match(self, dev: Any, repo: str) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"x"])
        wrong = digest_of(b"something else")
        with pytest.raises(ClientError) as excinfo:
            dev.put_image(repositoryName=repo, imageManifest=manifest, imageDigest=wrong)
        assert error_code(excinfo) == "ImageDigestDoesNotMatchException"
        right = digest_of(manifest.encode())
        put = dev.put_image(repositoryName=repo, imageManifest=manifest, imageDigest=right)
        assert put["image"]["imageId"]["imageDigest"] == right


class TestSizesAndManifests:
    def test_size_is_sum_of_compressed_layer_sizes(self, dev: Any, repo: str) -> None:
        manifest, sizes = Pusher(dev).image(repo, [b"a" * 1234, b"b" * 4321, b"c" * 7])
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v1")
        detail = dev.describe_images(repositoryName=repo)["imageDetails"][0]
        assert detail["imageSizeInBytes"] == sum(sizes) == 5562

    def test_manifest_comes_back_byte_identical(self, dev: Any, repo: str) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"q"], indent=None)
        manifest = manifest.replace(",", " ,\n\t")  # unusual but valid whitespace must survive
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="ws")
        got = dev.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "ws"}])["images"][0]
        assert got["imageManifest"] == manifest
        assert got["imageId"] == {"imageDigest": digest_of(manifest.encode()), "imageTag": "ws"}

    def test_manifest_media_type_parameter_is_honoured(self, dev: Any, repo: str) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"no media type field"], media_type=OCI_MANIFEST)
        bare = json.loads(manifest)
        del bare["mediaType"]
        text = json.dumps(bare)
        dev.put_image(
            repositoryName=repo, imageManifest=text, imageManifestMediaType=OCI_MANIFEST, imageTag="a"
        )
        got = dev.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "a"}])["images"][0]
        assert got["imageManifestMediaType"] == OCI_MANIFEST

    def test_accepted_media_types_are_honoured(self, dev: Any, repo: str) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"amt"], media_type=OCI_MANIFEST)
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="oci")
        refused = dev.batch_get_image(
            repositoryName=repo, imageIds=[{"imageTag": "oci"}], acceptedMediaTypes=[DOCKER_V2]
        )
        assert refused["images"] == []
        assert refused["failures"][0]["imageId"] == {"imageTag": "oci"}
        accepted = dev.batch_get_image(
            repositoryName=repo, imageIds=[{"imageTag": "oci"}], acceptedMediaTypes=[DOCKER_V2, OCI_MANIFEST]
        )
        assert accepted["images"][0]["imageManifest"] == manifest

    def test_missing_image_is_a_failure_not_an_error(self, dev: Any, repo: str) -> None:
        result = dev.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "nope"}])
        assert result["images"] == []
        assert result["failures"][0]["failureCode"] == "ImageNotFound"


class TestBlobs:
    def test_layer_and_config_bytes_download_through_the_url(self, dev: Any, repo: str) -> None:
        config = b'{"architecture":"arm64","os":"linux"}'
        layer = os.urandom(200_000)
        pusher = Pusher(dev)
        manifest, _ = pusher.image(repo, [layer], config=config)
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="blob")
        for blob in (config, layer):
            answer = dev.get_download_url_for_layer(repositoryName=repo, layerDigest=digest_of(blob))
            assert answer["layerDigest"] == digest_of(blob)
            response = download(answer["downloadUrl"])
            assert response.status == 200
            assert response.data == blob

    def test_url_is_served_by_the_sandbox_and_holds_no_credentials(
        self, dev: Any, repo: str, rw_sandbox: SandboxProcess
    ) -> None:
        digest = Pusher(dev).upload(repo, b"credential check")
        url = dev.get_download_url_for_layer(repositoryName=repo, layerDigest=digest)["downloadUrl"]
        assert url.startswith(rw_sandbox.endpoint_url + "/")
        credentials = rw_sandbox.credentials_file.read_text()
        secrets = [line.split("=", 1)[1].strip() for line in credentials.splitlines() if "=" in line]
        assert secrets
        assert not any(secret in url for secret in secrets)

    def test_range_and_head(self, dev: Any, repo: str) -> None:
        data = bytes(range(256)) * 40
        digest = Pusher(dev).upload(repo, data)
        url = dev.get_download_url_for_layer(repositoryName=repo, layerDigest=digest)["downloadUrl"]
        part = download(url, {"Range": "bytes=100-355"})
        assert part.status == 206
        assert part.data == data[100:356]
        assert part.headers["Content-Range"] == f"bytes 100-355/{len(data)}"
        tail = download(url, {"Range": "bytes=-10"})
        assert tail.data == data[-10:]
        head = download(url, method="HEAD")
        assert head.status == 200
        assert int(head.headers["Content-Length"]) == len(data)
        assert head.data == b""
        beyond = download(url, {"Range": f"bytes={len(data) + 5}-"})
        assert beyond.status == 416

    def test_tampered_url_is_refused_like_s3(self, dev: Any, repo: str) -> None:
        first = Pusher(dev).upload(repo, b"first blob")
        second = Pusher(dev).upload(repo, b"second blob")
        url = dev.get_download_url_for_layer(repositoryName=repo, layerDigest=first)["downloadUrl"]
        forged = url.replace(first.replace(":", "%3A"), second).replace(first, second)
        assert forged != url
        response = download(forged)
        assert response.status == 403
        assert b"SignatureDoesNotMatch" in response.data

    def test_url_of_a_blob_that_is_gone_answers_404(self, dev: Any, repo: str) -> None:
        digest = Pusher(dev).upload(repo, b"soon gone")
        url = dev.get_download_url_for_layer(repositoryName=repo, layerDigest=digest)["downloadUrl"]
        dev.delete_repository(repositoryName=repo, force=True)
        response = download(url)
        assert response.status == 404
        assert b"NoSuchKey" in response.data

    def test_unknown_layer_has_no_url(self, dev: Any, repo: str) -> None:
        with pytest.raises(ClientError) as excinfo:
            dev.get_download_url_for_layer(repositoryName=repo, layerDigest=digest_of(b"never uploaded"))
        assert error_code(excinfo) == "LayersNotFoundException"

    def test_blobs_are_kept_per_repository(self, dev: Any, repo: str) -> None:
        other = f"{repo}-other"
        dev.create_repository(repositoryName=other)
        present = Pusher(dev).upload(repo, b"only in the first repository")
        absent = digest_of(b"nowhere")
        here = dev.batch_check_layer_availability(repositoryName=repo, layerDigests=[present, absent])
        assert here["layers"] == [
            {
                "layerDigest": present,
                "layerAvailability": "AVAILABLE",
                "layerSize": len(b"only in the first repository"),
            },
            {"layerDigest": absent, "layerAvailability": "UNAVAILABLE"},
        ]
        assert here["failures"] == []
        there = dev.batch_check_layer_availability(repositoryName=other, layerDigests=[present])
        assert there["layers"] == [{"layerDigest": present, "layerAvailability": "UNAVAILABLE"}]
        assert there["failures"] == []
        with pytest.raises(ClientError) as excinfo:  # the bytes exist, but not in this repository
            dev.get_download_url_for_layer(repositoryName=other, layerDigest=present)
        assert error_code(excinfo) == "LayersNotFoundException"


class TestLayerUploads:
    def test_wrong_digest_is_refused(self, dev: Any, repo: str) -> None:
        upload_id = dev.initiate_layer_upload(repositoryName=repo)["uploadId"]
        dev.upload_layer_part(
            repositoryName=repo, uploadId=upload_id, partFirstByte=0, partLastByte=4, layerPartBlob=b"12345"
        )
        with pytest.raises(ClientError) as excinfo:
            dev.complete_layer_upload(
                repositoryName=repo, uploadId=upload_id, layerDigests=[digest_of(b"54321")]
            )
        assert error_code(excinfo) == "InvalidLayerException"

    def test_empty_upload_is_refused(self, dev: Any, repo: str) -> None:
        upload_id = dev.initiate_layer_upload(repositoryName=repo)["uploadId"]
        with pytest.raises(ClientError) as excinfo:
            dev.complete_layer_upload(repositoryName=repo, uploadId=upload_id, layerDigests=[digest_of(b"")])
        assert error_code(excinfo) == "EmptyUploadException"

    def test_small_non_final_part_is_refused(self, dev: Any, repo: str) -> None:
        with pytest.raises(ClientError) as excinfo:
            Pusher(dev).upload(repo, b"x" * 2048, part_size=1024)
        assert error_code(excinfo) == "LayerPartTooSmallException"

    def test_five_mib_parts_then_a_small_final_part_are_accepted(self, dev: Any, repo: str) -> None:
        data = os.urandom(5 * 1024 * 1024 + 1000)
        digest = Pusher(dev).upload(repo, data, part_size=5 * 1024 * 1024)
        url = dev.get_download_url_for_layer(repositoryName=repo, layerDigest=digest)["downloadUrl"]
        assert download(url).data == data

    def test_out_of_order_part_is_refused(self, dev: Any, repo: str) -> None:
        upload_id = dev.initiate_layer_upload(repositoryName=repo)["uploadId"]
        with pytest.raises(ClientError) as excinfo:
            dev.upload_layer_part(
                repositoryName=repo,
                uploadId=upload_id,
                partFirstByte=10,
                partLastByte=14,
                layerPartBlob=b"12345",
            )
        assert error_code(excinfo) == "InvalidLayerPartException"

    def test_unknown_upload_id(self, dev: Any, repo: str) -> None:
        with pytest.raises(ClientError) as excinfo:
            dev.complete_layer_upload(
                repositoryName=repo,
                uploadId="00000000-0000-0000-0000-000000000000",
                layerDigests=[digest_of(b"")],
            )
        assert error_code(excinfo) == "UploadNotFoundException"

    def test_layer_already_present_is_reported(self, dev: Any, repo: str) -> None:
        Pusher(dev).upload(repo, b"twice")
        with pytest.raises(ClientError) as excinfo:
            Pusher(dev).upload(repo, b"twice")
        assert error_code(excinfo) == "LayerAlreadyExistsException"


class TestPutImageRules:
    def test_missing_layers_are_refused(self, dev: Any, repo: str) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"never uploaded"], upload=False)
        with pytest.raises(ClientError) as excinfo:
            dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="x")
        assert error_code(excinfo) == "LayersNotFoundException"

    @pytest.mark.parametrize(
        "manifest",
        [
            '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
            '"config":{"digest":"sha256:c","size":1},"layers":[{"digest":"sha256:l","size":"big"}]}',
            '{"schemaVersion":2,"mediaType":["application/vnd.oci.image.manifest.v1+json"],"layers":[]}',
            '{"schemaVersion":1,"fsLayers":"not a list"}',
            "[" * 50_000 + "]" * 50_000,
            "not json",
        ],
        ids=["size-string", "media-type-list", "schema1-no-layers", "deep-nesting", "not-json"],
    )
    def test_malformed_manifest_is_invalid_parameter_not_a_server_error(
        self, rw_sandbox: SandboxProcess, repo: str, manifest: str
    ) -> None:
        from botocore.config import Config

        ecr = rw_sandbox.session("demo-dev").client("ecr", config=Config(retries={"total_max_attempts": 1}))
        with pytest.raises(ClientError) as excinfo:
            ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="bad")
        assert error_code(excinfo) == "InvalidParameterException"
        assert "\n" not in excinfo.value.response["Error"]["Message"]
        assert ecr.list_images(repositoryName=repo)["imageIds"] == []

    def test_index_with_missing_children_is_refused(self, dev: Any, repo: str) -> None:
        pusher = Pusher(dev)
        child, _ = pusher.image(repo, [b"child layer"], media_type=OCI_MANIFEST)
        with pytest.raises(ClientError) as excinfo:
            dev.put_image(repositoryName=repo, imageManifest=pusher.index([child]), imageTag="idx")
        assert error_code(excinfo) == "ReferencedImagesNotFoundException"
        dev.put_image(repositoryName=repo, imageManifest=child)
        dev.put_image(repositoryName=repo, imageManifest=pusher.index([child]), imageTag="idx")

    def test_immutable_repository_refuses_to_move_a_tag(self, dev: Any) -> None:
        name = f"test/immutable-{os.getpid()}-{next(_names)}"
        dev.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE")
        pusher = Pusher(dev)
        first, _ = pusher.image(name, [b"first"])
        second, _ = pusher.image(name, [b"second"])
        dev.put_image(repositoryName=name, imageManifest=first, imageTag="v1")
        with pytest.raises(ClientError) as excinfo:
            dev.put_image(repositoryName=name, imageManifest=second, imageTag="v1")
        assert error_code(excinfo) == "ImageTagAlreadyExistsException"
        dev.put_image(repositoryName=name, imageManifest=first, imageTag="v1-alias")  # a new tag is fine

    def test_same_manifest_and_tag_again_is_refused(self, dev: Any, repo: str) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"same"])
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="same")
        with pytest.raises(ClientError) as excinfo:
            dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="same")
        assert error_code(excinfo) == "ImageAlreadyExistsException"

    def test_moving_a_tag_in_a_mutable_repository_leaves_the_old_image_untagged(
        self, dev: Any, repo: str
    ) -> None:
        pusher = Pusher(dev)
        old, _ = pusher.image(repo, [b"old"])
        new, _ = pusher.image(repo, [b"new"])
        dev.put_image(repositoryName=repo, imageManifest=old, imageTag="latest")
        dev.put_image(repositoryName=repo, imageManifest=new, imageTag="latest")
        details = {
            d["imageDigest"]: d.get("imageTags", [])
            for d in dev.describe_images(repositoryName=repo)["imageDetails"]
        }
        assert details == {digest_of(old.encode()): [], digest_of(new.encode()): ["latest"]}
        untagged = dev.list_images(repositoryName=repo, filter={"tagStatus": "UNTAGGED"})["imageIds"]
        assert untagged == [{"imageDigest": digest_of(old.encode())}]

    def test_batch_delete_by_tag_and_digest(self, dev: Any, repo: str) -> None:
        manifest, _ = Pusher(dev).image(repo, [b"delete me"])
        digest = digest_of(manifest.encode())
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="a")
        dev.put_image(repositoryName=repo, imageManifest=manifest, imageTag="b")
        result = dev.batch_delete_image(repositoryName=repo, imageIds=[{"imageTag": "a"}])
        assert result["imageIds"] == [{"imageDigest": digest, "imageTag": "a"}]
        assert dev.describe_images(repositoryName=repo)["imageDetails"][0]["imageTags"] == ["b"]
        result = dev.batch_delete_image(repositoryName=repo, imageIds=[{"imageDigest": digest}])
        assert result["imageIds"] == [{"imageDigest": digest, "imageTag": "b"}]
        assert dev.describe_images(repositoryName=repo)["imageDetails"] == []


def _all_pages(call: Any, key: str, **kwargs: Any) -> tuple[list[Any], list[int]]:
    items: list[Any] = []
    sizes: list[int] = []
    token = None
    while True:
        page = call(**kwargs, **({"nextToken": token} if token else {}))
        items.extend(page[key])
        sizes.append(len(page[key]))
        token = page.get("nextToken")
        if not token:
            return items, sizes


class TestPaging:
    @pytest.mark.parametrize("max_results", [1, 7, 100, 1000])
    def test_describe_images_pages(self, dev: Any, max_results: int) -> None:
        items, sizes = _all_pages(
            dev.describe_images, "imageDetails", repositoryName=seed.BIG_REPOSITORY, maxResults=max_results
        )
        digests = [i["imageDigest"] for i in items]
        assert len(digests) == len(set(digests)) == seed.BIG_REPOSITORY_IMAGES
        assert all(size <= max_results for size in sizes)
        assert len(sizes) == -(-seed.BIG_REPOSITORY_IMAGES // max_results)

    @pytest.mark.parametrize("max_results", [1, 13, 1000])
    def test_list_images_pages(self, dev: Any, max_results: int) -> None:
        items, _ = _all_pages(
            dev.list_images, "imageIds", repositoryName=seed.BIG_REPOSITORY, maxResults=max_results
        )
        keys = [(i["imageDigest"], i.get("imageTag")) for i in items]
        assert len(keys) == len(set(keys))
        assert len({d for d, _ in keys}) == seed.BIG_REPOSITORY_IMAGES
        tagged = _all_pages(
            dev.list_images, "imageIds", repositoryName=seed.BIG_REPOSITORY, filter={"tagStatus": "TAGGED"}
        )[0]
        untagged = _all_pages(
            dev.list_images, "imageIds", repositoryName=seed.BIG_REPOSITORY, filter={"tagStatus": "UNTAGGED"}
        )[0]
        assert all("imageTag" in i for i in tagged)
        assert all("imageTag" not in i for i in untagged)
        assert len(tagged) + len(untagged) == len(items)

    @pytest.mark.parametrize("max_results", [1, 5, 1000])
    def test_describe_repositories_pages(self, dev: Any, max_results: int) -> None:
        items, sizes = _all_pages(dev.describe_repositories, "repositories", maxResults=max_results)
        names = [r["repositoryName"] for r in items]
        assert len(names) == len(set(names))
        assert set(seed.DEV_REPOSITORIES) <= set(names)
        assert all(size <= max_results for size in sizes)

    @pytest.mark.parametrize("max_results", [1, 2, 1000])
    def test_prod_profile_pages_too(self, prod: Any, max_results: int) -> None:
        """Paging is per registry: the prod account's listings page with the same rules."""
        repositories, sizes = _all_pages(prod.describe_repositories, "repositories", maxResults=max_results)
        assert sorted(r["repositoryName"] for r in repositories) == sorted(seed.PROD_REPOSITORIES)
        assert {r["registryId"] for r in repositories} == {"222222222222"}
        assert len(sizes) == -(-len(seed.PROD_REPOSITORIES) // max_results)
        unpaged = prod.describe_images(repositoryName=seed.MULTIARCH_REPOSITORY, maxResults=1000)
        assert "nextToken" not in unpaged
        images, sizes = _all_pages(
            prod.describe_images,
            "imageDetails",
            repositoryName=seed.MULTIARCH_REPOSITORY,
            maxResults=max_results,
        )
        assert [i["imageDigest"] for i in images] == [i["imageDigest"] for i in unpaged["imageDetails"]]
        assert len(images) > 2
        assert len(sizes) == -(-len(images) // max_results)
        ids, _ = _all_pages(
            prod.list_images, "imageIds", repositoryName=seed.MULTIARCH_REPOSITORY, maxResults=max_results
        )
        assert {i["imageDigest"] for i in ids} == {i["imageDigest"] for i in images}

    def test_default_page_is_100(self, dev: Any) -> None:
        page = dev.describe_images(repositoryName=seed.BIG_REPOSITORY)
        assert len(page["imageDetails"]) == 100
        assert page["nextToken"]
        ids = dev.list_images(repositoryName=seed.BIG_REPOSITORY)
        assert len(ids["imageIds"]) == 100

    def test_bad_token_is_refused(self, dev: Any) -> None:
        for call, kwargs in (
            (dev.describe_images, {"repositoryName": seed.BIG_REPOSITORY}),
            (dev.list_images, {"repositoryName": seed.BIG_REPOSITORY}),
            (dev.describe_repositories, {}),
        ):
            with pytest.raises(ClientError) as excinfo:
                call(nextToken="not-a-token", **kwargs)
            assert error_code(excinfo) == "InvalidParameterException"

    def test_token_of_another_call_is_refused(self, dev: Any) -> None:
        token = dev.describe_images(repositoryName=seed.BIG_REPOSITORY, maxResults=2)["nextToken"]
        with pytest.raises(ClientError) as excinfo:
            dev.list_images(repositoryName=seed.BIG_REPOSITORY, nextToken=token)
        assert error_code(excinfo) == "InvalidParameterException"

    def test_max_results_above_1000_is_refused(self, dev: Any) -> None:
        with pytest.raises(ClientError) as excinfo:
            dev.describe_images(repositoryName=seed.BIG_REPOSITORY, maxResults=1001)
        assert error_code(excinfo) == "InvalidParameterException"


class TestAccounts:
    def test_each_profile_has_its_own_registry(self, dev: Any, prod: Any) -> None:
        dev_names = {r["repositoryName"] for r in dev.describe_repositories(maxResults=1000)["repositories"]}
        prod_repos = prod.describe_repositories()["repositories"]
        assert {r["repositoryName"] for r in prod_repos} == set(seed.PROD_REPOSITORIES)
        assert {r["registryId"] for r in prod_repos} == {"222222222222"}
        assert seed.EMPTY_REPOSITORY in dev_names
        assert all(r["repositoryUri"].startswith("222222222222.dkr.ecr.eu-west-1.") for r in prod_repos)

    def test_registry_id_of_another_account_is_served_from_that_registry(
        self, rw_sandbox: SandboxProcess
    ) -> None:
        dev_in_prod_region = rw_sandbox.session("demo-dev").client("ecr", region_name="eu-west-1")
        images = dev_in_prod_region.describe_images(
            registryId="222222222222", repositoryName=seed.API_REPOSITORY
        )
        tags = {t for d in images["imageDetails"] for t in d.get("imageTags", [])}
        assert tags == set(seed.PROMOTED_API_TAGS)
        own = dev_in_prod_region.describe_repositories()["repositories"]
        assert own == []

    def test_promoted_images_keep_their_digests(self, dev: Any, prod: Any) -> None:
        ids = [{"imageTag": tag} for tag in seed.PROMOTED_API_TAGS]
        dev_digests = {
            d["imageDigest"]
            for d in dev.describe_images(repositoryName=seed.API_REPOSITORY, imageIds=ids)["imageDetails"]
        }
        prod_digests = {
            d["imageDigest"]
            for d in prod.describe_images(repositoryName=seed.API_REPOSITORY, imageIds=ids)["imageDetails"]
        }
        assert dev_digests == prod_digests
        assert len(prod_digests) == len(seed.PROMOTED_API_TAGS)

    def test_unknown_repository(self, dev: Any) -> None:
        with pytest.raises(ClientError) as excinfo:
            dev.describe_images(repositoryName="does/not-exist")
        assert error_code(excinfo) == "RepositoryNotFoundException"

    def test_unknown_region_is_a_clear_error_not_a_server_error(self, rw_sandbox: SandboxProcess) -> None:
        nowhere = rw_sandbox.session("demo-dev").client("ecr", region_name="mars-west-1")
        with pytest.raises(ClientError) as excinfo:
            nowhere.describe_repositories()
        assert error_code(excinfo) == "InvalidParameterException"
        assert "Region 'mars-west-1' does not exist" in str(excinfo.value)

    def test_malformed_registry_id(self, dev: Any) -> None:
        with pytest.raises(ClientError) as excinfo:
            dev.describe_repositories(registryId="12345")
        assert error_code(excinfo) == "InvalidParameterException"


def test_download_url_expires_with_403(sandbox_factory: Any) -> None:
    """A URL works until its lifetime passes, then answers 403 like an expired S3 presigned URL."""
    sandbox = sandbox_factory("--seed", "empty", "--url-ttl-seconds", "1")
    ecr = sandbox.session("demo-dev").client("ecr")
    ecr.create_repository(repositoryName="ttl/test")
    digest = Pusher(ecr).upload("ttl/test", b"short-lived")
    url = ecr.get_download_url_for_layer(repositoryName="ttl/test", layerDigest=digest)["downloadUrl"]
    first = download(url)
    assert first.status == 200
    assert first.data == b"short-lived"
    deadline = time.monotonic() + 15
    while (response := download(url)).status == 200:  # wait on the condition, bounded by a deadline
        assert time.monotonic() < deadline, "URL never expired"
        time.sleep(0.2)
    assert response.status == 403
    assert b"Request has expired" in response.data
    fresh = ecr.get_download_url_for_layer(repositoryName="ttl/test", layerDigest=digest)["downloadUrl"]
    assert download(fresh).status == 200


def test_default_url_lifetime_is_ten_minutes(dev: Any, repo: str) -> None:
    digest = Pusher(dev).upload(repo, b"ten minutes")
    before = int(time.time())
    url = dev.get_download_url_for_layer(repositoryName=repo, layerDigest=digest)["downloadUrl"]
    expires = int(parse_qs(urlsplit(url).query)["X-Sandbox-Expires"][0])
    assert before + 590 <= expires <= before + 610


def test_authorization_token_lasts_twelve_hours(dev: Any, rw_sandbox: SandboxProcess) -> None:
    from datetime import UTC, datetime, timedelta

    data = dev.get_authorization_token()["authorizationData"][0]
    remaining = data["expiresAt"] - datetime.now(UTC)
    assert timedelta(hours=11, minutes=55) < remaining <= timedelta(hours=12)
    # The registry's address, as on AWS; here the sandbox's registry server (tests/sandbox/test_registry_*.py).
    assert data["proxyEndpoint"] == rw_sandbox.registry_url("111111111111", "us-east-1")


@pytest.mark.parametrize(
    ("mutability", "frozen_tag", "moving_tag"),
    [("IMMUTABLE_WITH_EXCLUSION", "v1", "latest"), ("MUTABLE_WITH_EXCLUSION", "release-1", "dev")],
)
def test_mutability_exclusion_filters(dev: Any, mutability: str, frozen_tag: str, moving_tag: str) -> None:
    name = f"test/exclusions-{os.getpid()}-{next(_names)}"
    pattern = "latest" if mutability == "IMMUTABLE_WITH_EXCLUSION" else "release-*"
    dev.create_repository(
        repositoryName=name,
        imageTagMutability=mutability,
        imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": pattern}],
    )
    pusher = Pusher(dev)
    first, _ = pusher.image(name, [b"first"])
    second, _ = pusher.image(name, [b"second"])
    for tag in (frozen_tag, moving_tag):
        dev.put_image(repositoryName=name, imageManifest=first, imageTag=tag)
    dev.put_image(repositoryName=name, imageManifest=second, imageTag=moving_tag)
    with pytest.raises(ClientError) as excinfo:
        dev.put_image(repositoryName=name, imageManifest=second, imageTag=frozen_tag)
    assert error_code(excinfo) == "ImageTagAlreadyExistsException"


def test_child_of_an_index_cannot_be_deleted_first(dev: Any, repo: str) -> None:
    pusher = Pusher(dev)
    child, _ = pusher.image(repo, [b"referenced child"], media_type=OCI_MANIFEST)
    dev.put_image(repositoryName=repo, imageManifest=child)
    index = pusher.index([child])
    dev.put_image(repositoryName=repo, imageManifest=index, imageTag="multi")
    child_id = {"imageDigest": digest_of(child.encode())}
    refused = dev.batch_delete_image(repositoryName=repo, imageIds=[child_id])
    assert refused["imageIds"] == []
    assert refused["failures"][0]["failureCode"] == "ImageReferencedByManifestList"
    dev.batch_delete_image(repositoryName=repo, imageIds=[{"imageTag": "multi"}])
    deleted = dev.batch_delete_image(repositoryName=repo, imageIds=[child_id])
    assert deleted["imageIds"] == [child_id]


def test_parallel_pushes_all_land(rw_sandbox: SandboxProcess) -> None:
    """Copy engines push in parallel: the threaded server must not lose or mix up blobs or images."""
    from concurrent.futures import ThreadPoolExecutor

    from botocore.config import Config

    # 24 PutImage calls from 8 threads outrun ECR's 10 per second: retries absorb the throttling, as with ECR.
    retries = Config(retries={"mode": "standard", "max_attempts": 10}, max_pool_connections=8)
    ecr = rw_sandbox.session("demo-dev").client("ecr", config=retries)
    name = f"test/parallel-{os.getpid()}-{next(_names)}"
    ecr.create_repository(repositoryName=name)

    def push(number: int) -> str:
        config = json.dumps({"architecture": "amd64", "os": "linux", "build": number}).encode()
        layers = [f"layer-{number}".encode() * 500, os.urandom(3000)]
        manifest, _ = Pusher(ecr).image(name, layers, config=config)
        ecr.put_image(repositoryName=name, imageManifest=manifest, imageTag=f"t{number}")
        return digest_of(manifest.encode())

    with ThreadPoolExecutor(8) as pool:
        digests = list(pool.map(push, range(24)))
    listed = {(i["imageDigest"], i["imageTag"]) for i in ecr.list_images(repositoryName=name)["imageIds"]}
    assert listed == {(digest, f"t{n}") for n, digest in enumerate(digests)}


def test_a_multi_arch_release_can_be_promoted_dev_to_prod_with_plain_boto3(sandbox_factory: Any) -> None:
    """What a copier does, end to end: read dev, download every missing blob through its URL, push children by digest then
    the index with its tag; prod ends up with the same digests and downloadable bytes."""
    sandbox = sandbox_factory("--seed", "demo")
    dev_ecr = sandbox.session("demo-dev").client("ecr")
    prod_ecr = sandbox.session("demo-prod").client("ecr")
    name, tag = seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG
    with pytest.raises(ClientError):  # not promoted yet
        prod_ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": tag}])
    index = dev_ecr.batch_get_image(repositoryName=name, imageIds=[{"imageTag": tag}])["images"][0]
    children = [c["digest"] for c in json.loads(index["imageManifest"])["manifests"]]
    got = dev_ecr.batch_get_image(repositoryName=name, imageIds=[{"imageDigest": d} for d in children])
    assert got["failures"] == []
    pusher = Pusher(prod_ecr)
    for child in got["images"]:
        manifest = json.loads(child["imageManifest"])
        for blob in [manifest["config"], *manifest["layers"]]:
            present = prod_ecr.batch_check_layer_availability(
                repositoryName=name, layerDigests=[blob["digest"]]
            )
            if present["layers"][0]["layerAvailability"] == "AVAILABLE":
                continue
            url = dev_ecr.get_download_url_for_layer(repositoryName=name, layerDigest=blob["digest"])
            data = download(url["downloadUrl"]).data
            assert pusher.upload(name, data) == blob["digest"]
        prod_ecr.put_image(
            repositoryName=name,
            imageManifest=child["imageManifest"],
            imageManifestMediaType=child["imageManifestMediaType"],
            imageDigest=child["imageId"]["imageDigest"],
        )
    prod_ecr.put_image(
        repositoryName=name,
        imageManifest=index["imageManifest"],
        imageManifestMediaType=index["imageManifestMediaType"],
        imageTag=tag,
    )
    dev_detail = dev_ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": tag}])["imageDetails"][0]
    prod_detail = prod_ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": tag}])["imageDetails"][
        0
    ]
    assert prod_detail["imageDigest"] == dev_detail["imageDigest"] == index["imageId"]["imageDigest"]
    assert prod_detail["imageSizeInBytes"] == dev_detail["imageSizeInBytes"]
    with pytest.raises(ClientError) as excinfo:  # prod's web/gateway is IMMUTABLE: the copy cannot be redone
        prod_ecr.put_image(repositoryName=name, imageManifest=index["imageManifest"], imageTag=tag)
    assert error_code(excinfo) == "ImageAlreadyExistsException"
