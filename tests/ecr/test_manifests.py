"""parse_manifest / parse_image_config on hand-made documents: media type rules, errors, robustness."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrtui.ecr import (
    ACCEPTED_MANIFEST_TYPES,
    ImageIndex,
    ImageKind,
    ImageManifest,
    ManifestError,
    MediaTypes,
    Schema1Manifest,
    parse_image_config,
    parse_manifest,
)

D1 = "sha256:" + "a" * 64
D2 = "sha256:" + "b" * 64


def layer(media_type: str = MediaTypes.OCI_LAYER_GZIP, size: int = 10, digest: str = D2) -> dict[str, Any]:
    return {"mediaType": media_type, "digest": digest, "size": size}


def oci_manifest(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": MediaTypes.OCI_MANIFEST,
        "config": {"mediaType": MediaTypes.OCI_CONFIG, "digest": D1, "size": 5},
        "layers": [layer()],
    }
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not None}


def encode(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def test_digest_is_sha256_of_exact_bytes_not_of_reserialised_json() -> None:
    data = b'{ "schemaVersion" : 2 ,\n "mediaType":"application/vnd.oci.image.manifest.v1+json",' + (
        b'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":1},"layers":[]}'
        % D1.encode()
    )
    manifest = parse_manifest(data)
    assert manifest.digest == "sha256:" + hashlib.sha256(data).hexdigest()
    assert manifest.raw == data


def test_json_keys_named_like_parser_fields_do_not_interfere() -> None:
    doc = oci_manifest(digest=5, raw=[1], warnings="x", media_type={})
    manifest = parse_manifest(encode(doc))
    assert manifest.digest.startswith("sha256:")
    assert manifest.warnings == ()
    assert manifest.to_json()["digest"] == 5
    config = parse_image_config(encode({"architecture": "amd64", "os": "linux", "digest": None}))
    assert config.digest.startswith("sha256:")


def test_document_media_type_wins_and_a_disagreeing_registry_type_is_a_warning() -> None:
    manifest = parse_manifest(encode(oci_manifest()), media_type=MediaTypes.DOCKER_MANIFEST)
    assert manifest.media_type == MediaTypes.OCI_MANIFEST
    assert any("registry reports" in w for w in manifest.warnings)


def test_registry_type_is_used_when_the_document_has_none() -> None:
    doc = oci_manifest(mediaType=None)
    doc["config"]["mediaType"] = MediaTypes.DOCKER_CONFIG
    assert parse_manifest(encode(doc)).media_type == MediaTypes.DOCKER_MANIFEST
    assert parse_manifest(encode(doc), MediaTypes.OCI_MANIFEST).media_type == MediaTypes.OCI_MANIFEST


def test_sniffed_index_without_media_type_is_oci() -> None:
    index = parse_manifest(encode({"schemaVersion": 2, "manifests": [layer(MediaTypes.OCI_MANIFEST)]}))
    assert isinstance(index, ImageIndex)
    assert index.media_type == MediaTypes.OCI_INDEX
    assert index.warnings == ()


def test_declared_type_contradicting_shape_is_refused() -> None:
    with pytest.raises(ManifestError, match="fields are those of an image manifest"):
        parse_manifest(encode(oci_manifest(mediaType=MediaTypes.OCI_INDEX)))


def test_registry_type_of_the_wrong_shape_is_a_warning() -> None:
    manifest = parse_manifest(encode(oci_manifest(mediaType=None)), MediaTypes.OCI_INDEX)
    assert manifest.media_type == MediaTypes.OCI_MANIFEST
    assert manifest.warnings


@pytest.mark.parametrize(
    ("config_type", "layers", "artifact_type", "kind"),
    [
        (MediaTypes.OCI_CONFIG, [layer()], None, ImageKind.IMAGE),
        (MediaTypes.OCI_CONFIG, [], None, ImageKind.IMAGE),
        (MediaTypes.OCI_CONFIG, [layer()], "application/vnd.example.sig", ImageKind.ARTIFACT),
        (MediaTypes.OCI_EMPTY, [layer("application/json")], None, ImageKind.ARTIFACT),
        ("application/vnd.cncf.helm.config.v1+json", [layer()], None, ImageKind.ARTIFACT),
        (MediaTypes.OCI_CONFIG, [layer(MediaTypes.IN_TOTO)], None, ImageKind.ARTIFACT),
    ],
)
def test_kind_of_an_oci_manifest(
    config_type: str, layers: list[dict[str, Any]], artifact_type: str | None, kind: ImageKind
) -> None:
    doc = oci_manifest(layers=layers, artifactType=artifact_type)
    doc["config"]["mediaType"] = config_type
    manifest = parse_manifest(encode(doc))
    assert manifest.kind is kind
    assert manifest.warnings == ()


def test_huge_values_are_shortened_in_warnings_and_errors() -> None:
    manifest = parse_manifest(encode(oci_manifest(layers=[layer(), layer("application/" + "x" * 10_000)])))
    assert len(manifest.warnings) == 1
    assert len(manifest.warnings[0]) < 150
    with pytest.raises(ManifestError) as caught:
        parse_manifest(encode(oci_manifest(layers=[layer(digest="sha256:" + "f" * 10_000)])))
    assert len(str(caught.value)) < 200


def test_descriptors_with_annotations_are_hashable() -> None:
    doc = oci_manifest(layers=[{**layer(), "annotations": {"a": "b"}}, layer(size=11)])
    manifest = parse_manifest(encode(doc))
    assert isinstance(manifest, ImageManifest)
    assert len(set(manifest.layers)) == 2


def test_unknown_layer_type_of_an_image_is_tolerated_with_a_warning() -> None:
    doc = oci_manifest(layers=[layer(), layer("application/vnd.oci.image.layer.v1.tar+lz4")])
    manifest = parse_manifest(encode(doc))
    assert manifest.kind is ImageKind.IMAGE
    assert manifest.warnings == (
        "layer 2 has unknown media type 'application/vnd.oci.image.layer.v1.tar+lz4'",
    )


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x1f\x8b\x08\x00\x00", "gzip"),
        (b"\xff\xfe{}", "binary data"),
        (b"{", "not valid JSON"),
        (b"null", "JSON NoneType, expected an object"),
        (b'"a string"', "expected an object"),
        (b"[]", "JSON array"),
        (b'{"schemaVersion": NaN}', "NaN"),
        (b'{"a": 1, "a": 2}', "'a' twice"),
        (b'{"x": {"k": 1, "k": 1}}', "'k' twice"),
        (b"{}", "does not look like a manifest"),
        (b'{"schemaVersion": "2"}', "schemaVersion must be a number"),
        (b'{"schemaVersion": true}', "schemaVersion must be a number"),
        (b'{"schemaVersion": 3, "layers": []}', "unsupported schemaVersion 3"),
        (b'{"schemaVersion": 2}', "not a manifest"),
        (b'{"schemaVersion": 2, "mediaType": 7, "layers": []}', "mediaType must be a string"),
        (b'{"schemaVersion": 2, "layers": []}', "config is missing"),
        (b'{"schemaVersion": 2, "config": {}, "manifests": []}', "both index fields"),
        (b'{"schemaVersion": 1}', "fsLayers is missing"),
        (b'{"schemaVersion": 1, "fsLayers": [{"blobSum": "sha256:123"}]}', "fsLayers.0.blobSum"),
    ],
)
def test_bad_documents_raise_one_clear_line(data: bytes, phrase: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(data)
    assert phrase in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("mutate", "phrase"),
    [
        (lambda d: d["config"].update(digest="sha256:ABC"), "not a valid sha256 digest"),
        (lambda d: d["config"].update(size=-1), "config.size"),
        (lambda d: d["config"].pop("digest"), "config.digest: Field required"),
        (lambda d: d.update(layers=[{"size": 1}]), "layers.0.digest"),
        (lambda d: d.update(layers="nope"), "layers"),
        (lambda d: d.update(config=[1, 2]), "config"),
        (lambda d: d.update(annotations={"k": 3}), "annotations.k"),
    ],
)
def test_malformed_fields_name_the_field(mutate: Any, phrase: str) -> None:
    doc = oci_manifest()
    mutate(doc)
    with pytest.raises(ManifestError) as caught:
        parse_manifest(encode(doc))
    assert phrase in str(caught.value)
    assert "\n" not in str(caught.value)


def test_schema1_media_type_follows_signature_and_registry() -> None:
    doc = {
        "schemaVersion": 1,
        "name": "a/b",
        "tag": "t",
        "architecture": "amd64",
        "fsLayers": [{"blobSum": D1}],
    }
    doc["history"] = [{"v1Compatibility": "{}"}]
    unsigned = parse_manifest(encode(doc))
    assert isinstance(unsigned, Schema1Manifest)
    assert unsigned.media_type == MediaTypes.DOCKER_SCHEMA1
    assert unsigned.warnings == ()
    signed = parse_manifest(encode({**doc, "signatures": [{"header": {}}]}))
    assert signed.media_type == MediaTypes.DOCKER_SCHEMA1_SIGNED
    reported = parse_manifest(encode(doc), MediaTypes.DOCKER_SCHEMA1_SIGNED)
    assert reported.media_type == MediaTypes.DOCKER_SCHEMA1_SIGNED


def test_docker_list_entry_without_platform_is_flagged() -> None:
    doc = {
        "schemaVersion": 2,
        "mediaType": MediaTypes.DOCKER_MANIFEST_LIST,
        "manifests": [layer(MediaTypes.DOCKER_MANIFEST)],
    }
    index = parse_manifest(encode(doc))
    assert isinstance(index, ImageIndex)
    assert index.warnings == ("entry 1 has no platform (a Docker manifest list requires one)",)
    assert index.platforms == ()


def test_layers_with_history_reports_a_count_mismatch() -> None:
    config_doc = {
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [D1]},
        "history": [
            {"created_by": "ADD x", "empty_layer": False},
            {"created_by": "ENV a=b", "empty_layer": True},
        ],
    }
    config = parse_image_config(encode(config_doc))
    doc = oci_manifest(layers=[layer(), layer(size=3)])
    doc["config"]["digest"] = config.digest
    manifest = parse_manifest(encode(doc))
    assert isinstance(manifest, ImageManifest)
    matched = manifest.layers_with_history(config)
    assert [info.created_by for info in matched.layers] == ["ADD x", None]
    assert [info.diff_id for info in matched.layers] == [D1, None]
    assert [step.created_by for step in matched.empty_steps] == ["ENV a=b"]
    assert matched.warnings == (
        "the config history has 1 layer steps for 2 layers",
        "the config lists 1 diff_ids for 2 layers",
    )
    assert manifest.layers_with_history(None).layers[1].history is None


def test_config_tolerates_nulls_and_odd_timestamps() -> None:
    config = parse_image_config(
        encode(
            {
                "architecture": "arm64",
                "os": "linux",
                "variant": "v8",
                "created": "not a time",
                "config": {
                    "Env": None,
                    "Labels": None,
                    "Entrypoint": None,
                    "Cmd": ["sh"],
                    "ExposedPorts": None,
                },
                "rootfs": {"type": "layers", "diff_ids": None},
                "history": [
                    {"created": "2024-01-02T03:04:05.123456789Z", "created_by": "x", "empty_layer": None}
                ],
            }
        )
    )
    assert config.created is None
    assert config.env == ()
    assert config.labels == {}
    assert config.entrypoint is None
    assert config.cmd == ("sh",)
    assert config.platform_text == "linux/arm64/v8"
    assert config.history[0].created is not None
    assert config.history[0].created.microsecond == 123456
    assert config.warnings == ("history has 1 layer steps but rootfs lists 0 layers",)


def test_config_without_platform_is_flagged_and_non_object_refused() -> None:
    assert parse_image_config(b"{}").warnings == ("image config does not name its architecture and os",)
    with pytest.raises(ManifestError, match="image config: config"):
        parse_image_config(b'{"config": 5}')


def test_accepted_types_cover_every_manifest_kind() -> None:
    assert set(ACCEPTED_MANIFEST_TYPES) == {
        MediaTypes.OCI_INDEX,
        MediaTypes.OCI_MANIFEST,
        MediaTypes.DOCKER_MANIFEST_LIST,
        MediaTypes.DOCKER_MANIFEST,
        MediaTypes.DOCKER_SCHEMA1,
        MediaTypes.DOCKER_SCHEMA1_SIGNED,
    }


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
MANIFEST_KEYS = st.sampled_from(
    [
        "schemaVersion",
        "mediaType",
        "config",
        "layers",
        "manifests",
        "fsLayers",
        "history",
        "subject",
        "digest",
    ]
)
MANIFEST_LIKE = st.dictionaries(MANIFEST_KEYS, JSON | st.sampled_from([1, 2, D1, *ACCEPTED_MANIFEST_TYPES]))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | JSON.map(encode) | MANIFEST_LIKE.map(encode))
def test_any_input_parses_or_raises_manifest_error(data: bytes) -> None:
    for parse in (parse_manifest, parse_image_config):
        message = None
        try:
            parsed = parse(data)
        except ManifestError as exc:
            message = str(exc)
        if message is None:
            assert parsed.raw == data
        else:
            assert message
            assert "\n" not in message
