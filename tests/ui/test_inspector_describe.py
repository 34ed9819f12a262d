"""The inspector's wording: cleaned history commands, short layer types, durations, JSON display, facts layout."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrtui.ui.widgets.inspector.describe import (
    clean_created_by,
    human_duration_ns,
    layer_type,
    layer_type_label,
    media_type_name,
    one_line,
    platform_text,
    truncate,
)
from ecrtui.ui.widgets.inspector.facts import fact_lines
from ecrtui.ui.widgets.inspector.json_view import pretty_json
from ecrtui.ui.widgets.inspector.manifest_tab import verify_digest
from tests.corpus_data import corpus_bytes, corpus_documents


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('/bin/sh -c #(nop)  CMD ["sh"]', 'CMD ["sh"]'),
        ("/bin/sh -c #(nop) ADD file:7e90 in / ", "ADD file:7e90 in /"),
        ("/bin/sh -c apk add curl", "RUN apk add curl"),
        ("COPY hello / # buildkit", "COPY hello /"),
        ("|2 A=1 B=2 /bin/sh -c make", "RUN make"),
        ("LABEL version=3", "LABEL version=3"),
        ("jib", "jib"),
        ("", ""),
    ],
)
def test_clean_created_by(raw: str, clean: str) -> None:
    assert clean_created_by(raw) == clean


def test_clean_keeps_multiline_commands_for_the_detail_line() -> None:
    raw = "mount / from exec sh -eux -c \nmkdir -p /generated\necho hi > /generated/a\n"
    cleaned = clean_created_by(raw)
    assert "\n" in cleaned
    assert one_line(cleaned) == "mount / from exec sh -eux -c mkdir -p /generated echo hi > /generated/a"


@pytest.mark.parametrize(
    ("media_type", "short", "foreign"),
    [
        ("application/vnd.docker.image.rootfs.diff.tar.gzip", "tar+gzip", False),
        ("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "tar+gzip", True),
        ("application/vnd.oci.image.layer.v1.tar+zstd", "tar+zstd", False),
        ("application/vnd.oci.image.layer.nondistributable.v1.tar", "tar", True),
        (
            "application/vnd.oci.image.layer.v1.tar+unknown",
            "application/vnd.oci.image.layer.v1.tar+unknown",
            False,
        ),
    ],
)
def test_layer_types(media_type: str, short: str, foreign: bool) -> None:
    assert layer_type(media_type) == (short, foreign)
    assert layer_type_label(media_type).endswith("(foreign)") is foreign


def test_every_corpus_layer_type_has_a_short_name_or_is_shown_whole() -> None:
    for path in corpus_documents(invalid=False):
        document = json.loads(path.read_bytes())
        for layer in document.get("layers") or ():
            media_type = layer.get("mediaType", "")
            name, _ = layer_type(media_type)
            assert name == media_type or len(name) <= 8, (path.name, media_type)


@pytest.mark.parametrize(
    ("nanoseconds", "text"),
    [
        (3_000_000_000, "3s"),
        (90_000_000_000, "1m30s"),
        (500_000_000, "500ms"),
        (3_600_000_000_000, "1h"),
        (0, "0s"),
    ],
)
def test_human_duration(nanoseconds: int, text: str) -> None:
    assert human_duration_ns(nanoseconds) == text


def test_platform_text() -> None:
    assert platform_text("linux", "arm", "v7") == "linux/arm/v7"
    assert platform_text("windows", "amd64", None, "10.0.20348.1249") == "windows/amd64 (10.0.20348.1249)"
    assert platform_text(None, None) == "?/?"


def test_media_type_names() -> None:
    assert media_type_name("application/vnd.oci.image.index.v1+json") == "OCI image index"
    assert media_type_name("application/x-unknown") == "application/x-unknown"


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_truncate_fits_and_marks_cuts(text: str, width: int) -> None:
    cut = truncate(text, width)
    assert len(cut) <= width
    assert cut == text or cut.endswith("…")


def test_pretty_json_reindents_without_changing_content() -> None:
    raw = corpus_bytes("docker-list-hello-world-11-platforms-windows-dockerhub.json")
    pretty = pretty_json(raw)
    assert pretty.count("\n") > raw.count(b"\n")
    assert json.loads(pretty) == json.loads(raw)
    assert "application/vnd" in pretty  # escaped slashes in the stored bytes are shown plainly


def test_pretty_json_shows_non_json_as_text() -> None:
    assert pretty_json(b"not json \xff") == "not json \ufffd"


def test_verify_digest_over_raw_bytes() -> None:
    raw = corpus_bytes("docker-v2s2-httpd-5-layers.json")
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    assert verify_digest(raw, digest) is True
    assert verify_digest(pretty_json(raw).encode(), digest) is False
    assert verify_digest(raw, "md5:abc") is None


def test_fact_lines_hang_long_values_under_the_value_column() -> None:
    rows = [("URI", "x" * 50), ("Size", "1 kB")]
    lines = fact_lines(rows, width=30).plain.split("\n")
    assert lines[0] == "URI   " + "x" * 24
    assert lines[1] == "      " + "x" * 24
    assert lines[2] == "      xx"
    assert lines[3] == "Size  1 kB"
