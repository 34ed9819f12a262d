"""Plain-text descriptions of image metadata for the inspector tabs.

Kept free of widgets so the wording (cleaned history commands, short layer types, durations) can be tested
directly and reused by every tab.
"""

from __future__ import annotations

import re

from ecrtui.ecr.history import clean_created_by as clean_created_by  # re-exported: the tabs import it here

_WHITESPACE = re.compile(r"\s+")

_LAYER_TYPES: dict[str, tuple[str, bool]] = {
    "application/vnd.docker.image.rootfs.diff.tar": ("tar", False),
    "application/vnd.docker.image.rootfs.diff.tar.gzip": ("tar+gzip", False),
    "application/vnd.docker.image.rootfs.diff.tar.zstd": ("tar+zstd", False),
    "application/vnd.docker.image.rootfs.foreign.diff.tar": ("tar", True),
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": ("tar+gzip", True),
    "application/vnd.oci.image.layer.v1.tar": ("tar", False),
    "application/vnd.oci.image.layer.v1.tar+gzip": ("tar+gzip", False),
    "application/vnd.oci.image.layer.v1.tar+zstd": ("tar+zstd", False),
    "application/vnd.oci.image.layer.nondistributable.v1.tar": ("tar", True),
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": ("tar+gzip", True),
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": ("tar+zstd", True),
}

_MEDIA_TYPE_NAMES: dict[str, str] = {
    "application/vnd.docker.distribution.manifest.v2+json": "Docker image manifest v2",
    "application/vnd.docker.distribution.manifest.list.v2+json": "Docker manifest list",
    "application/vnd.docker.distribution.manifest.v1+json": "Docker schema 1 manifest",
    "application/vnd.docker.distribution.manifest.v1+prettyjws": "Docker schema 1 manifest (signed)",
    "application/vnd.oci.image.manifest.v1+json": "OCI image manifest",
    "application/vnd.oci.image.index.v1+json": "OCI image index",
}

_MEDIA_TYPE_SHORT: dict[str, str] = {
    "application/vnd.docker.distribution.manifest.v2+json": "Docker v2",
    "application/vnd.docker.distribution.manifest.list.v2+json": "Docker list",
    "application/vnd.docker.distribution.manifest.v1+json": "schema 1",
    "application/vnd.docker.distribution.manifest.v1+prettyjws": "schema 1",
    "application/vnd.oci.image.manifest.v1+json": "OCI manifest",
    "application/vnd.oci.image.index.v1+json": "OCI index",
}

_DURATION_UNITS: tuple[tuple[str, int], ...] = (
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("µs", 1_000),
    ("ns", 1),
)


def one_line(text: str) -> str:
    """Collapse newlines and tabs so a multi-line shell step fits one table row."""
    return _WHITESPACE.sub(" ", text).strip()


def truncate(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters, marking the cut with an ellipsis."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"


def layer_type(media_type: str) -> tuple[str, bool]:
    """A short name for a layer media type (``tar+gzip``) and whether the layer is foreign.

    Unknown types come back whole, so nothing is hidden behind a guess.
    """
    if media_type in _LAYER_TYPES:
        return _LAYER_TYPES[media_type]
    return media_type or "unknown", False


def layer_type_label(media_type: str) -> str:
    """The short layer type with foreign (non-distributable) layers marked."""
    name, foreign = layer_type(media_type)
    return f"{name} (foreign)" if foreign else name


def media_type_name(media_type: str) -> str:
    """A readable name for a manifest media type, or the type itself when it is not a known one."""
    return _MEDIA_TYPE_NAMES.get(media_type, media_type or "none")


def media_type_short(media_type: str) -> str:
    """A column-width name for a manifest media type (``OCI manifest``, ``Docker v2``)."""
    return _MEDIA_TYPE_SHORT.get(media_type, media_type or "none")


def human_duration_ns(nanoseconds: int) -> str:
    """A Go-style duration (``1m30s``) from nanoseconds, as Docker stores healthcheck timings."""
    if nanoseconds <= 0:
        return "0s"
    parts: list[str] = []
    remaining = nanoseconds
    for unit, size in _DURATION_UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
        if parts and unit == "s":
            break
    return "".join(parts) if parts else "0s"


def platform_text(
    os: str | None, architecture: str | None, variant: str | None = None, os_version: str | None = None
) -> str:
    """``linux/arm64/v8`` style text, with the Windows ``os.version`` in brackets when present."""
    parts = [os or "?", architecture or "?"]
    if variant:
        parts.append(variant)
    text = "/".join(parts)
    return f"{text} ({os_version})" if os_version else text


def exact_bytes(size: int) -> str:
    """A byte count with thousands separators: ``12,345,678 bytes``."""
    return f"{size:,} byte" + ("" if size == 1 else "s")
