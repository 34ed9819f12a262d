"""Every document of the shared corpus of real manifests and configs parses (or is refused) as it should.

The corpus lives in the repository (`tests/corpus/`, read through `tests.corpus_data`); digests come from its
`digests.txt`, which was computed when the files were copied, so the digest check is independent of the parser.
"""

from __future__ import annotations

import pytest

from ecrtui.ecr import (
    ImageConfig,
    ImageIndex,
    ImageKind,
    ImageManifest,
    ManifestError,
    MediaTypes,
    Schema1Manifest,
    parse_image_config,
    parse_manifest,
)
from tests.corpus_data import CORPUS_DIR, corpus_bytes, corpus_digests

CORPUS = CORPUS_DIR

DIGESTS = corpus_digests()
VALID = sorted(name for name in DIGESTS if not name.startswith("invalid/"))
INVALID = sorted(name for name in DIGESTS if name.startswith("invalid/"))

# Expected (kind, media type) by file-name prefix; the corpus names files by what they are.
BY_PREFIX: dict[str, tuple[ImageKind, str]] = {
    "docker-v2s2-": (ImageKind.IMAGE, MediaTypes.DOCKER_MANIFEST),
    "docker-list-": (ImageKind.INDEX, MediaTypes.DOCKER_MANIFEST_LIST),
    "oci-manifest-": (ImageKind.IMAGE, MediaTypes.OCI_MANIFEST),
    "oci-index-": (ImageKind.INDEX, MediaTypes.OCI_INDEX),
    "artifact-": (ImageKind.ARTIFACT, MediaTypes.OCI_MANIFEST),
    "schema1-signed-": (ImageKind.SCHEMA1, MediaTypes.DOCKER_SCHEMA1_SIGNED),
    "schema1-unsigned-": (ImageKind.SCHEMA1, MediaTypes.DOCKER_SCHEMA1),
}
# Where the prefix is not the whole story.
EXCEPTIONS: dict[str, tuple[ImageKind, str]] = {
    # OCI manifest with artifactType set: an artifact by definition.
    "oci-manifest-every-descriptor-field.json": (ImageKind.ARTIFACT, MediaTypes.OCI_MANIFEST),
}

# Each invalid document: ("error" | "warning", a phrase the one-line message must contain).
INVALID_OUTCOMES: dict[str, tuple[str, str]] = {
    "invalid/docker-list-bogus-child-media-type.json": ("warning", "not a manifest type"),
    "invalid/docker-save-manifest-json-array.json": ("error", "docker save"),
    "invalid/docker-v2s2-placeholder-media-types.json": ("warning", "unknown media type 'type'"),
    "invalid/docker-v2s2-zstd-layer-not-in-docker-spec.json": ("warning", "diff.tar.zstd"),
    "invalid/non-json-gzip-bytes.json": ("error", "not JSON"),
    "invalid/oci-artifact-empty-digest-null-layers.json": ("error", "config.digest"),
    "invalid/oci-index-manifests-null.json": ("warning", "manifests is null"),
    "invalid/oci-manifest-layer-media-type-unknown-suffix.json": ("warning", "tar+unknown"),
    "invalid/schema-version-99999.json": ("error", "schemaVersion 99999"),
    "invalid/schema1-bad-signature-schemaversion-2.json": ("error", "fsLayers"),
    "invalid/schema1-duplicate-fslayers-key.json": ("error", "'fsLayers' twice"),
    "invalid/schema1-minimal-no-name-tag.json": ("warning", "v1Compatibility is not a JSON object"),
}


def read(name: str) -> bytes:
    return corpus_bytes(name)


def expected_kind(name: str) -> tuple[ImageKind, str]:
    if name in EXCEPTIONS:
        return EXCEPTIONS[name]
    for prefix, expected in BY_PREFIX.items():
        if name.startswith(prefix):
            return expected
    raise AssertionError(f"no expectation for {name}")


def test_corpus_has_48_valid_and_12_invalid_documents() -> None:
    assert len(VALID) == 48
    assert len(INVALID) == 12
    assert set(INVALID) == set(INVALID_OUTCOMES)


@pytest.mark.parametrize("name", [n for n in VALID if not n.startswith("config-")])
def test_valid_manifest_parses_with_kind_media_type_and_digest(name: str) -> None:
    manifest = parse_manifest(read(name))
    kind, media_type = expected_kind(name)
    assert manifest.kind is kind
    assert manifest.media_type == media_type
    assert manifest.digest == DIGESTS[name]
    assert manifest.raw == read(name)


@pytest.mark.parametrize("name", [n for n in VALID if n.startswith("config-")])
def test_valid_config_parses_with_digest_and_platform(name: str) -> None:
    config = parse_image_config(read(name))
    assert isinstance(config, ImageConfig)
    assert config.digest == DIGESTS[name]
    assert config.os
    assert config.architecture
    assert config.warnings == ()


@pytest.mark.parametrize("name", INVALID)
def test_invalid_document_is_refused_or_flagged(name: str) -> None:
    outcome, phrase = INVALID_OUTCOMES[name]
    if outcome == "error":
        with pytest.raises(ManifestError) as caught:
            parse_manifest(read(name))
        message = str(caught.value)
        assert phrase in message
        assert "\n" not in message
    else:
        manifest = parse_manifest(read(name))
        assert manifest.digest == DIGESTS[name]
        assert any(phrase in warning for warning in manifest.warnings), manifest.warnings


@pytest.mark.parametrize(
    "name", [n for n in VALID if not n.startswith("config-")] + ["invalid/schema-version-99999.json"]
)
def test_manifest_is_not_mistaken_for_a_config(name: str) -> None:
    with pytest.raises(ManifestError, match="manifest, not an image config"):
        parse_image_config(read(name))


@pytest.mark.parametrize("name", [n for n in VALID if n.startswith("config-")])
def test_config_is_not_mistaken_for_a_manifest(name: str) -> None:
    with pytest.raises(ManifestError, match="image config, not a manifest"):
        parse_manifest(read(name))


PAIRS = [
    ("docker-v2s2-hello-world-amd64-dockerhub.json", "config-docker-hello-world-amd64-dockerhub.json"),
    ("docker-v2s2-httpd-5-layers.json", "config-docker-httpd-2.4.23.json"),
    ("oci-manifest-httpd-annotations-urls.json", "config-docker-httpd-2.4.23.json"),
    ("docker-v2s2-buildkit-4-layers.json", "config-buildkit-busybox-compat.json"),
    ("oci-manifest-regclient-v1-amd64-2-layers.json", "config-regclient-v1-amd64-volumes-labels.json"),
    ("oci-manifest-regclient-v3-amd64-5-layers.json", "config-regclient-v3-amd64.json"),
    ("oci-manifest-docker25-platform-in-config-descriptor.json", "config-oci-hello-world-arm64.json"),
]


@pytest.mark.parametrize(("manifest_name", "config_name"), PAIRS)
def test_layers_match_their_history_entries(manifest_name: str, config_name: str) -> None:
    manifest = parse_manifest(read(manifest_name))
    config = parse_image_config(read(config_name))
    assert isinstance(manifest, ImageManifest)
    assert manifest.config.digest == config.digest
    matched = manifest.layers_with_history(config)
    assert matched.warnings == ()
    assert [info.descriptor for info in matched.layers] == list(manifest.layers)
    assert [info.history for info in matched.layers] == list(config.layer_history)
    assert [info.diff_id for info in matched.layers] == list(config.rootfs.diff_ids)
    assert all(info.created_by for info in matched.layers)
    assert len(matched.empty_steps) + len(matched.layers) == len(config.history)
    assert all(step.empty_layer for step in matched.empty_steps)


def test_a_config_of_another_image_is_flagged() -> None:
    manifest = parse_manifest(read("docker-v2s2-httpd-5-layers.json"))
    other = parse_image_config(read("config-buildkit-busybox-compat.json"))
    assert isinstance(manifest, ImageManifest)
    warnings = manifest.layers_with_history(other).warnings
    assert any("is not this manifest's config" in w for w in warnings)


def test_index_child_digest_is_the_digest_of_the_child_bytes() -> None:
    index = parse_manifest(read("docker-list-hello-world-11-platforms-windows-dockerhub.json"))
    child = parse_manifest(read("docker-v2s2-hello-world-amd64-dockerhub.json"))
    assert isinstance(index, ImageIndex)
    amd64 = [e for e in index.manifests if e.platform and str(e.platform) == "linux/amd64"]
    assert [e.digest for e in amd64] == [child.digest]
    assert amd64[0].size == child.size


def test_hello_world_list_has_eleven_platforms_including_windows_versions() -> None:
    index = parse_manifest(read("docker-list-hello-world-11-platforms-windows-dockerhub.json"))
    assert isinstance(index, ImageIndex)
    assert len(index.platforms) == 11
    windows = [p for p in index.platforms if p.os == "windows"]
    assert sorted(p.os_version or "" for p in windows) == ["10.0.17763.3650", "10.0.20348.1249"]
    assert "linux/arm/v7" in {str(p) for p in index.platforms}
    assert index.attestations == ()


def test_buildkit_attestation_manifest_is_identified() -> None:
    index = parse_manifest(read("oci-index-buildkit-attestation-manifest-doc-example.json"))
    assert isinstance(index, ImageIndex)
    assert len(index.attestations) == 1
    assert index.attestations[0].reference_type == "attestation-manifest"
    assert len(index.images) == len(index.manifests) - 1
    assert all(not p.is_unknown for p in index.platforms)


def test_unknown_platform_entries_count_as_attestations() -> None:
    index = parse_manifest(read("oci-index-buildx-builder-attestations-unknown-platform.json"))
    assert isinstance(index, ImageIndex)
    assert [str(p) for p in index.platforms] == ["linux/amd64", "linux/arm64"]
    assert len(index.attestations) == 2
    # The attestation child in the corpus is an artifact whose subject is the arm64 image.
    child = parse_manifest(read("artifact-buildx-attestation-regclient-oci-subject.json"))
    assert isinstance(child, ImageManifest)
    assert child.digest in {a.digest for a in index.attestations}
    assert child.subject is not None
    assert child.subject.digest == index.images[1].digest


def test_artifact_exposes_artifact_type_subject_and_titles() -> None:
    sbom = parse_manifest(read("oci-manifest-every-descriptor-field.json"))
    assert isinstance(sbom, ImageManifest)
    assert sbom.artifact_type
    assert sbom.subject is not None
    assert sbom.effective_artifact_type == sbom.artifact_type
    titled = parse_manifest(read("artifact-multi-layer-file-titles.json"))
    assert isinstance(titled, ImageManifest)
    assert titled.layers
    assert all(layer.title for layer in titled.layers)


def test_total_size_sums_compressed_layers() -> None:
    manifest = parse_manifest(read("docker-v2s2-httpd-5-layers.json"))
    assert isinstance(manifest, ImageManifest)
    doc = manifest.to_json()
    assert manifest.total_size == sum(layer["size"] for layer in doc["layers"])
    assert manifest.total_size > 50_000_000


def test_schema1_layers_are_reported_base_first() -> None:
    manifest = parse_manifest(read("schema1-signed-hello-world-dockerhub-2015.json"))
    assert isinstance(manifest, Schema1Manifest)
    doc = manifest.to_json()
    assert manifest.layer_digests == tuple(layer["blobSum"] for layer in reversed(doc["fsLayers"]))
    assert manifest.is_signed
    assert manifest.name
    assert manifest.tag
    assert all(entry.parsed is not None for entry in manifest.history)
    steps = manifest.build_steps
    assert [step.digest for step in steps] == list(manifest.layer_digests)
    assert steps[-1].created_by is not None
    assert "CMD" in steps[-1].created_by


def test_unknown_fields_are_kept() -> None:
    manifest = parse_manifest(read("invalid/docker-list-bogus-child-media-type.json"))
    assert isinstance(manifest, ImageIndex)
    first = manifest.manifests[0]
    assert first.artifact_type == "application/vnd.docker.container.image.v1+json"
    config = parse_image_config(read("config-docker-httpd-2.4.23.json"))
    assert config.model_extra is not None
    assert "container_config" in config.model_extra


def test_signed_schema1_digest_is_checked_against_its_payload() -> None:
    """A registry names a signed schema 1 manifest by its payload; the unsigned copy has those exact bytes."""
    from ecrtui.ecr.images import _BadManifest, _verified_manifest

    signed = read("schema1-signed-busybox-3-layers.json").decode()
    unsigned_digest = DIGESTS["schema1-unsigned-busybox.json"]
    manifest = _verified_manifest(signed, None, unsigned_digest)
    assert manifest.warnings == ()
    forged = _verified_manifest(signed, None, "sha256:" + "0" * 64)
    assert any("digest not verified" in w for w in forged.warnings)
    with pytest.raises(_BadManifest, match="hash to"):  # unsigned: its digest is the sha256 of its bytes
        _verified_manifest(read("schema1-unsigned-busybox.json").decode(), None, "sha256:" + "0" * 64)
