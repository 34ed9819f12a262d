"""What the inspector says about an ``ImageDetails``: URIs, platform lines, reasons for empty tabs.

Derived text lives here, apart from the widgets, so each tab stays a thin layout and the wording is tested once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrtui.ecr.mediatypes import referrer_kind
from ecrtui.ecr.refs import ecr_host
from ecrtui.ui.format import short_digest
from ecrtui.ui.widgets.inspector.describe import platform_text

if TYPE_CHECKING:
    from ecrtui.ecr.details import ChildImage, ImageDetails
    from ecrtui.ecr.models import ImageSummary

_INDEX_KIND = "index"


def is_index(details: ImageDetails) -> bool:
    """Whether the image is a manifest list / image index (it has platforms, not a config)."""
    return str(details.manifest.kind) == _INDEX_KIND


def repository_uri(details: ImageDetails) -> str:
    """``ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME``: ECR's URI, else rebuilt from the ARN's region."""
    repository = details.repository
    if repository.uri:
        return repository.uri
    parts = repository.arn.split(":")
    if len(parts) > 4 and parts[3]:
        return f"{ecr_host(repository.registry_id, parts[3])}/{repository.name}"
    return repository.name


def image_uris(details: ImageDetails) -> tuple[str | None, str]:
    """The pullable references: ``URI:TAG`` (first tag; ``None`` when untagged) and ``URI@DIGEST``."""
    base = repository_uri(details)
    digest = details.summary.digest or details.manifest.digest
    tags = details.summary.tags
    return (f"{base}:{tags[0]}" if tags else None), f"{base}@{digest}"


def child_platform(child: ChildImage) -> str:
    """``linux/arm/v7``, ``windows/amd64 (10.0.17763.3650)``, ``attestation`` text for unknown/unknown, or what a
    referrer is (``signature``, ``sbom``) when it has an artifact type and no platform."""
    platform = child.descriptor.platform
    if platform is None:
        if child.is_attestation:
            return "attestation"
        artifact_type = child.descriptor.artifact_type
        return referrer_kind(artifact_type) if artifact_type else "(no platform)"
    if platform.is_unknown:
        return "unknown/unknown"
    return platform_text(platform.os, platform.architecture, platform.variant, platform.os_version)


def child_size(child: ChildImage) -> int | None:
    """The image size of a child: ECR's when listed, else its layers' sum when its manifest was fetched."""
    if child.summary is not None and child.summary.size_bytes is not None:
        return int(child.summary.size_bytes)
    total = getattr(child.manifest, "total_size", None)
    return total if isinstance(total, int) else None


def attestation_note(child: ChildImage, siblings: list[ChildImage]) -> str:
    """``attestation for linux/amd64``: which platform an attestation describes, when the index says."""
    reference = child.descriptor.annotations.get("vnd.docker.reference.digest")
    kind = child.descriptor.annotations.get("vnd.docker.reference.type", "")
    label = "attestation" if kind in ("", "attestation-manifest") else f"attestation ({kind})"
    for sibling in siblings:
        if reference and sibling.descriptor.digest == reference:
            return f"{label} for {child_platform(sibling)}"
    return label


def ordered_children(details: ImageDetails) -> list[ChildImage]:
    """Runnable platforms first (index order), attestations after them."""
    children = list(details.children)
    return [c for c in children if not c.is_attestation] + [c for c in children if c.is_attestation]


def single_platform(details: ImageDetails) -> str:
    """The Platforms tab text for anything that is not an index."""
    config = details.config
    if config is not None:
        return f"single-platform image ({_config_platform(details)})"
    kind = str(details.manifest.kind)
    if kind == "artifact":
        return "an artifact: it has no platforms"
    if kind == "schema1":
        architecture = getattr(details.manifest, "architecture", None) or "?"
        return f"single-platform image (schema 1, architecture {architecture})"
    if is_index(details):
        return "this index lists no manifests"
    return "single-platform image (platform unknown: the config could not be read)"


def platform_summary(details: ImageDetails, named_by_index: str | None = None) -> str:
    """The Summary tab's platform line: the config's platform, else what the index says of this child
    (``named_by_index``, e.g. an attestation's ``unknown/unknown (attestation for linux/amd64)``)."""
    if is_index(details):
        platforms = sum(1 for child in details.children if not child.is_attestation)
        names = ", ".join(child_platform(c) for c in details.children if not c.is_attestation)
        return f"multi-platform: {platforms} ({names})" if names else "multi-platform: none listed"
    if details.config is not None:
        return _config_platform(details)
    return named_by_index or "-"


def index_platform(child: ChildImage, siblings: list[ChildImage]) -> str:
    """How the index names a child's platform: ``linux/arm64/v8``, or ``unknown/unknown (attestation for …)``."""
    if child.is_attestation:
        return f"{child_platform(child)} ({attestation_note(child, siblings)})"
    return child_platform(child)


def _config_platform(details: ImageDetails) -> str:
    config = details.config
    assert config is not None
    return platform_text(config.os, config.architecture, config.variant, config.os_version)


def no_config_reason(details: ImageDetails) -> str:
    """Why the Config tab is empty."""
    kind = str(details.manifest.kind)
    if kind == _INDEX_KIND:
        return "No config: this is an index — see Platforms."
    if kind == "artifact":
        config_type = getattr(getattr(details.manifest, "config", None), "media_type", "") or "none"
        return f"No config: this is an artifact (config type {config_type})."
    if kind == "schema1":
        return "No config: schema 1 manifests embed v1 history instead of an image config (see Manifest)."
    return "No config: the image config could not be read (see the warnings on Summary)."


def no_layers_reason(details: ImageDetails) -> str:
    """Why the Layers tab has no layers."""
    if is_index(details):
        return "No layers: this is an index — each platform has its own (see Platforms)."
    return "This manifest has no layers."


def all_warnings(details: ImageDetails) -> list[str]:
    """Warnings from parsing the manifest, the config and the details, each once, in that order."""
    seen: dict[str, None] = {}
    sources: list[tuple[str, ...]] = [details.manifest.warnings]
    if details.config is not None:
        sources.append(details.config.warnings)
    sources.append(details.warnings)
    for source in sources:
        for warning in source:
            seen.setdefault(warning, None)
    return list(seen)


def scan_text(summary: ImageSummary) -> str:
    """Scan status with findings per severity, e.g. ``COMPLETE (HIGH 2, LOW 5)``."""
    status = summary.scan_status or "not scanned"
    counts = summary.scan_severity_counts or {}
    found = ", ".join(f"{severity} {number}" for severity, number in counts.items() if number)
    return f"{status} ({found})" if found else str(status)


def crumb_label(details: ImageDetails) -> str:
    """How a selected image is named in the title and the breadcrumb: ``name:tag``, else ``name@sha256:…``
    (an opened platform child is named by ``child_label``)."""
    summary = details.summary
    name = details.repository.name
    if summary.tags:
        return f"{name}:{summary.tags[0]}"
    return f"{name}@{short_digest(summary.digest)}"


def child_label(child: ChildImage) -> str:
    """A child as the loading line names it."""
    return f"{child_platform(child)} ({short_digest(child.descriptor.digest)})"


def child_summary(parent: ImageDetails, child: ChildImage) -> ImageSummary:
    """The child's listing when ECR gave one, else a stand-in made from its descriptor (no tags, no size)."""
    if child.summary is not None:
        return child.summary
    return parent.summary.model_copy(
        update={
            "digest": child.descriptor.digest,
            "tags": (),
            "size_bytes": child_size(child),
            "manifest_media_type": child.descriptor.media_type,
            "artifact_media_type": getattr(child.manifest, "effective_artifact_type", None),
            "scan_status": None,
            "scan_severity_counts": {},
        }
    )


def details_for_child(parent: ImageDetails, child: ChildImage) -> ImageDetails:
    """Details for a child opened without a data source: its manifest (when fetched) and no config."""
    from ecrtui.ecr.details import ImageDetails

    if child.manifest is None:
        raise LookupError(f"the manifest of {child_label(child)} was not fetched")
    return ImageDetails(
        repository=parent.repository, summary=child_summary(parent, child), manifest=child.manifest
    )
