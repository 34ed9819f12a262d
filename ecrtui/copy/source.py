"""Read what a copy takes from the source: the image, its children, its referrers, all by digest, all verified.

Manifests are fetched by digest with every manifest media type accepted (never converted), and the data layer
checks sha256(bytes) against the digest. For an index, ``--platform`` keeps the chosen platforms and the
attestations that describe them, under a new index (the source's bytes minus the other entries). Referrers are
found with ``ListImageReferrers`` on the image (and on each platform of an index) and by cosign's older tag
convention, ``sha256-<hex>.sig`` / ``.att`` / ``.sbom``. Reads only: nothing is written here.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from ecrtui.copy.permissions import caller_account, refusal
from ecrtui.copy.plan import ManifestRole, short_digest
from ecrtui.copy.reachability import EndpointUnreachable, ReachBudget, reached
from ecrtui.copy.request import CopyRequest, Side
from ecrtui.ecr.descriptors import REFERENCE_DIGEST_ANNOTATION, Descriptor
from ecrtui.ecr.errors import AccessDenied, Cancelled, EcrError, NotFound
from ecrtui.ecr.manifests import ImageIndex, ImageManifest, Manifest, Schema1Manifest, parse_manifest
from ecrtui.ecr.mediatypes import LEGACY_REFERRER_SUFFIXES, legacy_referrer_tags
from ecrtui.ecr.models import ImageSummary

__all__ = ["LEGACY_REFERRER_SUFFIXES", "SourceImage", "SourceManifest", "legacy_referrer_tags", "read_source"]


_ARCHIVED_STATES = ("ARCHIVED", "ACTIVATING")


@dataclass(frozen=True, slots=True)
class SourceManifest:
    """One manifest to copy, with its exact bytes."""

    digest: str
    manifest: Manifest
    role: ManifestRole
    label: str
    tag: str | None = None
    subject: str | None = None
    optional: bool = False
    verify_digest: bool = True


@dataclass(frozen=True, slots=True)
class SourceImage:
    """Everything the copy reads from the source, and what it found wrong there."""

    summary: ImageSummary | None
    top: SourceManifest | None
    children: tuple[SourceManifest, ...] = ()
    referrers: tuple[SourceManifest, ...] = ()
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("The copy was cancelled while planning")


def _what(error: EcrError, side: Side) -> str:
    if isinstance(error, EndpointUnreachable):
        return str(error)  # names the registry and says the copy stopped
    if isinstance(error, AccessDenied):
        account = caller_account(side)
        if account is not None and account != side.registry_id:  # another account's: its policy decides
            return refusal(side, error, account, "pull from")
        return f"access denied reading {side.uri}: {error} (the source profile needs ecr:BatchGetImage and ecr:DescribeImages)"
    return f"cannot read {side.uri}: {error}"


def read_source(
    request: CopyRequest, *, cancel: threading.Event | None = None, reach: ReachBudget | None = None
) -> SourceImage:
    """Read the source image named by the request; failures become problems, not exceptions. ``reach``: the
    job's budget for an endpoint that does not answer (its first read is the one that meets a dead source)."""
    src = request.source
    fallback_warnings: tuple[str, ...] = ()
    try:
        [summary] = reached(
            reach,
            src,
            lambda: src.service.describe_images(src.repository, [request.reference], src.registry_id),
        )[:1]
    except NotFound:
        return SourceImage(None, None, problems=(f"source image {request.source_label} not found",))
    except AccessDenied as error:
        pulled = _summary_by_pull(request) if _cross_account(src) else None
        if pulled is None:
            return SourceImage(None, None, problems=(_what(error, src),))
        summary = pulled
        fallback_warnings = (
            f"{src.registry_id}'s repository policy allows pulling but not ecr:DescribeImages: the image's other "
            "tags, size and storage state are not known here"
            + (" (--all-tags copies only the tag named)" if request.all_tags else ""),
        )
    except EcrError as error:
        return SourceImage(None, None, problems=(_what(error, src),))
    except ValueError:
        return SourceImage(None, None, problems=(f"source image {request.source_label} not found",))
    if summary.status in _ARCHIVED_STATES:
        return SourceImage(
            summary,
            None,
            problems=(
                f"source image {request.source_label} is {summary.status.lower()}: restore it to ACTIVE before "
                "copying (archived images cannot be pulled)",
            ),
        )
    _check(cancel)
    digest = summary.digest
    references = [digest, *(legacy_referrer_tags(digest) if request.referrers else ())]
    try:
        batch = src.service.get_manifests_by_reference(src.repository, references, src.registry_id)
        top_manifest = batch.require(digest)
    except EcrError as error:
        return SourceImage(summary, None, problems=(_what(error, src),))
    legacy = [
        (tag, batch.manifests[found])
        for tag, found in batch.tags.items()
        if found != digest and found in batch.manifests
    ]
    problems: list[str] = []
    warnings: list[str] = []
    children: list[SourceManifest] = []
    top_role = ManifestRole.INDEX if isinstance(top_manifest, ImageIndex) else ManifestRole.IMAGE
    top = SourceManifest(
        digest, top_manifest, top_role, top_role.value, verify_digest=_verifiable(top_manifest)
    )
    if isinstance(top_manifest, ImageIndex):
        top, children = _read_children(request, top, top_manifest, problems, warnings)
    elif request.platforms:
        warnings.append("--platform applies to an index; this is a single image, copied whole")
    referrers: list[SourceManifest] = []
    if request.referrers and not problems:
        _check(cancel)
        subjects = [m.digest for m in (top, *children) if m.role is not ManifestRole.ATTESTATION]
        if top.digest != digest:
            subjects.remove(top.digest)
            warnings.append(
                "referrers of the index name the whole index, not the platform-filtered one: not copied"
            )
        referrers = _read_referrers(request, subjects, legacy, warnings, cancel)
    warnings = [*fallback_warnings, *warnings]
    return SourceImage(summary, top, tuple(children), tuple(referrers), tuple(problems), tuple(warnings))


def _cross_account(side: Side) -> bool:
    account = caller_account(side)
    return account is not None and account != side.registry_id


def _summary_by_pull(request: CopyRequest) -> ImageSummary | None:
    """The source image as ``BatchGetImage`` alone shows it, for another account's repository whose policy allows
    pulling (``BatchGetImage``, ``GetDownloadUrlForLayer``, ``BatchCheckLayerAvailability``: AWS's pull-only
    example) but not ``DescribeImages``; ``None`` when the pull is refused too."""
    src = request.source
    try:
        batch = src.service.get_manifests_by_reference(src.repository, [request.reference], src.registry_id)
    except EcrError:
        return None
    if len(batch.manifests) != 1:
        return None
    digest, manifest = next(iter(batch.manifests.items()))
    return ImageSummary(
        registry_id=src.registry_id,
        repository_name=src.repository,
        digest=digest,
        tags=tuple(batch.tags),
        size_bytes=None,
        manifest_media_type=manifest.media_type or None,
        status=None,
    )


def _verifiable(manifest: Manifest) -> bool:
    return not (isinstance(manifest, Schema1Manifest) and manifest.is_signed)


def _read_children(
    request: CopyRequest,
    top: SourceManifest,
    index: ImageIndex,
    problems: list[str],
    warnings: list[str],
) -> tuple[SourceManifest, list[SourceManifest]]:
    src = request.source
    entries = list(index.manifests)
    if request.platforms:
        chosen_images = [e for e in index.images if any(p.matches(e.platform) for p in request.platforms)]
        if not chosen_images:
            available = ", ".join(str(p) for p in index.platforms) or "none"
            problems.append(
                f"no platform of the index matches {', '.join(str(p) for p in request.platforms)} "
                f"(it has: {available})"
            )
            return top, []
        chosen = {e.digest for e in chosen_images}
        entries = [
            e
            for e in index.manifests
            if e.digest in chosen
            or (e.is_attestation and e.annotations.get(REFERENCE_DIGEST_ANNOTATION) in chosen)
        ]
        top = _filtered_index(top, index, {e.digest for e in entries})
    digests = list(dict.fromkeys(e.digest for e in entries))
    if not digests:
        return top, []
    try:
        batch = src.service.get_manifests(src.repository, digests, src.registry_id)
    except EcrError as error:
        problems.append(_what(error, src))
        return top, []
    children: list[SourceManifest] = []
    for entry in entries:
        found = batch.manifests.get(entry.digest)
        if found is None:
            reason = next(
                (f.reason or f.code for f in batch.failures if f.digest == entry.digest), "not returned"
            )
            problems.append(f"child {short_digest(entry.digest)} of the index cannot be read: {reason}")
            continue
        if isinstance(found, ImageIndex):
            problems.append(
                f"child {short_digest(entry.digest)} is itself an index (nested indexes are not copied)"
            )
            continue
        role = ManifestRole.ATTESTATION if entry.is_attestation else ManifestRole.CHILD
        label = _attestation_label(entry, entries) if entry.is_attestation else _platform_label(entry)
        children.append(SourceManifest(entry.digest, found, role, label, verify_digest=_verifiable(found)))
    if len(set(digests)) != len(entries):
        warnings.append("the index lists the same child twice")
    return top, children


def _platform_label(entry: Descriptor) -> str:
    return str(entry.platform) if entry.platform else "child"


def _attestation_label(entry: Descriptor, entries: list[Descriptor]) -> str:
    """``linux/arm64 attestation``: BuildKit's attestations are all ``unknown/unknown``; the platform of the image
    each one describes (its reference annotation) tells them apart in the plan and in the jobs panel."""
    described = entry.annotations.get(REFERENCE_DIGEST_ANNOTATION)
    image = next((e for e in entries if e.digest == described and not e.is_attestation), None)
    return f"{_platform_label(image)} attestation" if image is not None else "attestation"


def _filtered_index(top: SourceManifest, index: ImageIndex, keep: set[str]) -> SourceManifest:
    """The source index minus the entries not kept: new bytes, so a new digest (said in the plan)."""
    document = json.loads(index.raw)
    document["manifests"] = [m for m in document.get("manifests", []) if m.get("digest") in keep]
    raw = json.dumps(document, separators=(",", ":")).encode()
    manifest = parse_manifest(raw, index.media_type)
    return SourceManifest(manifest.digest, manifest, ManifestRole.INDEX, "index (filtered)")


def _read_referrers(
    request: CopyRequest,
    subjects: list[str],
    legacy: list[tuple[str, Manifest]],
    warnings: list[str],
    cancel: threading.Event | None,
) -> list[SourceManifest]:
    """Referrers of the image (and of each platform of an index); a referrer that cannot be read is a warning."""
    src = request.source
    found: dict[str, str] = {}  # referrer digest -> subject digest
    for subject_digest in subjects:
        _check(cancel)
        try:
            listed = src.service.list_referrers(
                src.repository, subject_digest, src.registry_id, cancel=cancel
            )
        except EcrError as error:
            if isinstance(error, Cancelled):
                raise
            warnings.append(f"referrers of {short_digest(subject_digest)} not listed: {error}")
            continue
        for referrer in listed:
            found.setdefault(referrer.digest, subject_digest)
    result: list[SourceManifest] = []
    legacy_digests = {manifest.digest for _, manifest in legacy}
    wanted = [d for d in found if d not in legacy_digests]
    if wanted:
        try:
            batch = src.service.get_manifests(src.repository, wanted, src.registry_id)
        except EcrError as error:
            warnings.append(f"referrers not read: {error}")
        else:
            for digest in wanted:
                manifest = batch.manifests.get(digest)
                if manifest is None:
                    warnings.append(f"referrer {short_digest(digest)} cannot be read; not copied")
                    continue
                result.append(
                    SourceManifest(
                        digest,
                        manifest,
                        ManifestRole.REFERRER,
                        _referrer_label(manifest),
                        subject=found[digest],
                        optional=True,
                    )
                )
    for tag, manifest in legacy:
        result.append(
            SourceManifest(
                manifest.digest,
                manifest,
                ManifestRole.REFERRER,
                f"cosign {tag.rsplit('.', 1)[-1]} (tag)",
                tag=tag,
                optional=True,
            )
        )
    return result


def _referrer_label(manifest: Manifest) -> str:
    if isinstance(manifest, ImageManifest | ImageIndex):
        kind = manifest.artifact_type or (
            manifest.config.media_type if isinstance(manifest, ImageManifest) else None
        )
        if kind:
            return f"referrer ({kind})"
    return "referrer"
