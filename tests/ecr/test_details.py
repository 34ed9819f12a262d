"""Assembling ImageDetails from real corpus documents: configs, children, attestations, partial failures."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable

import pytest

from ecrtui.ecr.batches import BatchFailure, ManifestBatch
from ecrtui.ecr.details import build_image_details
from ecrtui.ecr.errors import NetworkError, NotFound
from ecrtui.ecr.manifests import ImageIndex, ImageManifest, Manifest, parse_manifest
from ecrtui.ecr.models import ImageSummary, Repository
from tests.corpus_data import corpus_bytes

corpus = corpus_bytes


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class MemorySource:
    """A content source holding documents in memory and recording what was asked for."""

    def __init__(self) -> None:
        self.manifests: dict[str, Manifest] = {}
        self.blobs: dict[str, bytes] = {}
        self.blob_error: Exception | None = None
        self.manifest_calls: list[list[str]] = []
        self.blob_calls: list[str] = []

    def add_manifest(self, data: bytes, digest: str | None = None) -> Manifest:
        manifest = parse_manifest(data)
        self.manifests[digest or manifest.digest] = manifest
        return manifest

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        wanted = list(digests)
        self.manifest_calls.append(wanted)
        return ManifestBatch(
            manifests={d: self.manifests[d] for d in wanted if d in self.manifests},
            failures=tuple(
                BatchFailure(d, None, "ImageNotFound", "Requested image not found")
                for d in wanted
                if d not in self.manifests
            ),
        )

    def get_blob(
        self,
        repository_name: str,
        digest: str,
        registry_id: str | None = None,
        *,
        expected_size: int | None = None,
        max_bytes: int | None = None,
        cancel: threading.Event | None = None,
    ) -> bytes:
        self.blob_calls.append(digest)
        if self.blob_error is not None:
            raise self.blob_error
        if digest not in self.blobs:
            raise NotFound(f"blob {digest} not found")
        return self.blobs[digest]


REPO = Repository(registry_id="111111111111", name="corpus/repo")


def summary_for(manifest: Manifest) -> ImageSummary:
    return ImageSummary.from_api(
        {
            "registryId": REPO.registry_id,
            "repositoryName": REPO.name,
            "imageDigest": manifest.digest,
            "imageManifestMediaType": manifest.media_type,
        }
    )


def test_image_with_its_config() -> None:
    source = MemorySource()
    config = corpus("config-oci-image-spec-example.json")
    manifest_doc = (
        b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":'
        b'{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"'
        + digest_of(config).encode()
        + b'","size":'
        + str(len(config)).encode()
        + b'},"layers":[]}'
    )
    manifest = source.add_manifest(manifest_doc)
    source.blobs[digest_of(config)] = config
    details = build_image_details(source, REPO, summary_for(manifest))
    assert isinstance(details.manifest, ImageManifest)
    assert details.config is not None
    assert details.config.raw == config
    assert details.warnings == ()
    assert source.blob_calls == [digest_of(config)]


def test_config_failure_is_a_warning_not_an_error() -> None:
    source = MemorySource()
    manifest = source.add_manifest(corpus("docker-v2s2-httpd-5-layers.json"))
    source.blob_error = NetworkError("Could not connect to the blob storage")
    details = build_image_details(source, REPO, summary_for(manifest))
    assert details.config is None
    assert len(details.warnings) == 1
    assert "Could not connect" in details.warnings[0]


def test_a_config_that_is_not_a_config_is_a_warning() -> None:
    source = MemorySource()
    manifest = source.add_manifest(corpus("docker-v2s2-hello-world-amd64-dockerhub.json"))
    assert isinstance(manifest, ImageManifest)
    source.blobs[manifest.config.digest] = corpus("docker-v2s2-httpd-5-layers.json")
    details = build_image_details(source, REPO, summary_for(manifest))
    assert details.config is None
    assert any("not an image config" in w for w in details.warnings)


@pytest.mark.parametrize(
    "name", ["artifact-helm-chart-config-type.json", "artifact-sbom-subject-regclient.json"]
)
def test_artifacts_fetch_no_config(name: str) -> None:
    source = MemorySource()
    manifest = source.add_manifest(corpus(name))
    details = build_image_details(source, REPO, summary_for(manifest))
    assert details.config is None
    assert source.blob_calls == []


def test_index_children_in_one_batch_with_attestations_marked() -> None:
    source = MemorySource()
    index = source.add_manifest(corpus("oci-index-buildkit-attestation-manifest-doc-example.json"))
    assert isinstance(index, ImageIndex)
    child_digest = index.manifests[0].digest
    child = source.add_manifest(corpus("oci-manifest-regclient-v1-amd64-2-layers.json"), child_digest)
    listed = summary_for(child).model_copy(update={"digest": child_digest})
    details = build_image_details(source, REPO, summary_for(index), child_summaries={child_digest: listed})
    assert source.manifest_calls == [[index.digest], [d.digest for d in index.manifests]]
    assert [c.is_attestation for c in details.children] == [False, True]
    assert details.children[0].manifest is child
    assert details.children[0].summary == listed
    assert details.children[1].manifest is None
    assert len(details.warnings) == 1  # the attestation's manifest is not in the source
    assert source.blob_calls == []


def test_empty_index_has_no_children_and_no_calls() -> None:
    source = MemorySource()
    index = source.add_manifest(corpus("oci-index-empty-manifests.json"))
    details = build_image_details(source, REPO, summary_for(index))
    assert details.children == ()
    assert source.manifest_calls == [[index.digest]]


def test_missing_top_manifest_is_an_error() -> None:
    source = MemorySource()
    manifest = parse_manifest(corpus("docker-v2s2-httpd-5-layers.json"))
    with pytest.raises(NotFound):
        build_image_details(source, REPO, summary_for(manifest))
