"""Unit checks of the sandbox's rule modules, over real manifests and generated inputs.

The HTTP tests prove the behaviour end to end; these cover the input space: every corpus document (valid or not)
either parses or is refused with ``InvalidParameterException`` (never a server error), paging never loses or
repeats an item, and byte ranges follow HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrtui.sandbox.errors import InvalidParameterException
from ecrtui.sandbox.manifest_rules import INDEX_TYPES, MANIFEST_TYPES, read_manifest
from ecrtui.sandbox.paging import paginate
from ecrtui.sandbox.wsgi import byte_range
from tests.corpus_data import corpus_documents

DOCUMENTS = corpus_documents()


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_corpus_document_parses_or_is_refused_cleanly(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        facts = read_manifest(text, None)
    except InvalidParameterException as error:
        refusal = str(error)
        facts = None
    if facts is None:
        assert "\n" not in refusal
        assert "Invalid parameter" in refusal
        return
    assert facts.media_type in MANIFEST_TYPES
    assert not path.name.startswith("config-"), "an image config is not a manifest"
    if facts.media_type in INDEX_TYPES:
        assert all(d.startswith("sha256:") for d in facts.children)
    else:
        assert all(isinstance(d, str) and d for d in facts.blob_digests)


def test_unknown_schema_version_is_refused() -> None:
    with pytest.raises(InvalidParameterException, match="schemaVersion 99999"):
        read_manifest('{"schemaVersion": 99999, "layers": []}', None)


def test_declared_media_type_must_match_the_document() -> None:
    manifest = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:0"},"layers":[]}'
    with pytest.raises(InvalidParameterException):
        read_manifest(manifest, "application/vnd.docker.distribution.manifest.v2+json")


_OCI = "application/vnd.oci.image.manifest.v1+json"
_CONFIG = {"digest": "sha256:c", "size": 2}


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"schemaVersion": 2, "mediaType": _OCI, "config": _CONFIG, "layers": [{"digest": "sha256:l", "size": "9"}]}, "layer size '9'"),
        ({"schemaVersion": 2, "mediaType": _OCI, "config": _CONFIG, "layers": [{"digest": "sha256:l", "size": None}]}, "layer size None"),
        ({"schemaVersion": 2, "mediaType": _OCI, "config": _CONFIG, "layers": [{"digest": "sha256:l", "size": 1.5}]}, "layer size 1.5"),
        ({"schemaVersion": 2, "mediaType": _OCI, "config": _CONFIG, "layers": [{"digest": "sha256:l", "size": -1}]}, "layer size -1"),
        ({"schemaVersion": 2, "mediaType": [_OCI], "config": _CONFIG, "layers": []}, "mediaType must be a string"),
        ({"schemaVersion": True, "config": _CONFIG, "layers": []}, "unsupported schemaVersion True"),
        ({"schemaVersion": 1, "fsLayers": "abc"}, "no fsLayers list"),
        ({"schemaVersion": 1}, "no fsLayers list"),
        ({"schemaVersion": 1, "fsLayers": [{}]}, "has no blobSum"),
        ({"schemaVersion": 1, "fsLayers": [{"blobSum": 5}]}, "has no blobSum"),
    ],
)  # fmt: skip
def test_malformed_manifests_are_refused_with_a_reason(document: object, complaint: str) -> None:
    with pytest.raises(InvalidParameterException) as excinfo:
        read_manifest(json.dumps(document), None)
    assert complaint in str(excinfo.value)


def test_absurdly_deep_json_is_refused_not_a_crash() -> None:
    with pytest.raises(InvalidParameterException, match="Invalid JSON"):
        read_manifest("[" * 100_000 + "]" * 100_000, None)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "schemaVersion": st.sampled_from([1, 2]) | _json,
        "mediaType": st.sampled_from(sorted(MANIFEST_TYPES)) | _json,
        "config": st.fixed_dictionaries({"digest": st.just("sha256:c")}, optional={"size": _json}) | _json,
        "layers": st.lists(
            st.fixed_dictionaries({"digest": st.just("sha256:l")}, optional={"size": _json}) | _json,
            max_size=3,
        )
        | _json,
        "manifests": st.lists(st.fixed_dictionaries({"digest": st.just("sha256:m")}) | _json, max_size=3)
        | _json,
        "fsLayers": st.lists(st.fixed_dictionaries({"blobSum": st.just("sha256:b")}) | _json, max_size=3)
        | _json,
    },
)


@given(document=_fields)
def test_any_manifest_shape_parses_or_is_refused_cleanly(document: dict[str, object]) -> None:
    """Whatever JSON a client sends, ECR answers InvalidParameterException, never a server error."""
    try:
        facts = read_manifest(json.dumps(document), None)
    except InvalidParameterException:
        return
    assert facts.media_type in MANIFEST_TYPES
    assert all(isinstance(size, int) and size >= 0 for size in facts.layer_sizes)
    assert all(isinstance(d, str) for d in facts.blob_digests + facts.children)


@given(
    count=st.integers(min_value=0, max_value=250),
    page=st.integers(min_value=1, max_value=1000),
)
def test_paging_visits_every_item_once(count: int, page: int) -> None:
    items = [f"item-{n}" for n in range(count)]
    seen: list[str] = []
    token = None
    while True:
        chunk, token = paginate(items, str, "scope", page, token)
        assert len(chunk) <= page
        seen.extend(chunk)
        if token is None:
            break
    assert seen == items


def test_paging_resumes_at_the_right_item_after_a_change() -> None:
    items = [f"item-{n}" for n in range(10)]
    first, token = paginate(items, str, "scope", 4, None)
    del items[0]  # the listing shrank between pages
    second, _ = paginate(items, str, "scope", 4, token)
    assert list(first) == ["item-0", "item-1", "item-2", "item-3"]
    assert list(second) == ["item-4", "item-5", "item-6", "item-7"]


@pytest.mark.parametrize("max_results", [0, 1001, -1, "10"])
def test_bad_page_size(max_results: object) -> None:
    with pytest.raises(InvalidParameterException):
        paginate(["a"], str, "scope", max_results, None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 10)),
        ("bytes=5-", (5, 100)),
        ("bytes=-10", (90, 100)),
        ("bytes=90-500", (90, 100)),
        ("bytes=-500", (0, 100)),
        ("items=0-1", None),  # not a byte range: ignored, whole blob
    ],
)
def test_byte_ranges(header: str | None, expected: tuple[int, int] | None) -> None:
    assert byte_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=50-10", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(ValueError):
        byte_range(header, 100)
