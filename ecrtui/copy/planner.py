"""``plan_copy``: decide every step of a copy from reads alone, and report what would stop it before any write.

Per blob: upload, or skip (the destination has it), or keep by URL (foreign). Per manifest: put, or skip (the
destination has that digest). Per tag: create, move, unchanged, or conflict (it points elsewhere and the
destination's tag mutability, with its exclusion filters, will not let it move). An unchanged re-copy into an
IMMUTABLE repository plans nothing to do, which is a success. A copy that writes into another account checks
first that the repository policies let it (``permissions``), so a missing permission is a problem of the plan.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from ecrtui.copy.destination import read_images, read_layers, read_repository, tag_is_immutable
from ecrtui.copy.permissions import PULL_ACTIONS, caller_account, check_access, push_actions, refusal
from ecrtui.copy.plan import (
    BlobAction,
    BlobStep,
    CopyPlan,
    ManifestRole,
    ManifestStep,
    NewRepository,
    TagAction,
    TagMutability,
    TagStep,
    short_digest,
)
from ecrtui.copy.reachability import EndpointUnreachable, ReachBudget
from ecrtui.copy.request import CopyRequest
from ecrtui.copy.source import SourceImage, SourceManifest, read_source
from ecrtui.ecr.descriptors import Descriptor
from ecrtui.ecr.errors import AccessDenied, EcrError
from ecrtui.ecr.manifests import ImageIndex, ImageManifest, Schema1Manifest
from ecrtui.ecr.mediatypes import MediaTypes
from ecrtui.ecr.models import Repository

__all__ = ["plan_copy"]

_FOREIGN_TYPES = frozenset(
    {
        MediaTypes.DOCKER_FOREIGN_LAYER_GZIP,
        MediaTypes.DOCKER_FOREIGN_LAYER_TAR,
        MediaTypes.OCI_NONDISTRIBUTABLE_TAR,
        MediaTypes.OCI_NONDISTRIBUTABLE_GZIP,
        MediaTypes.OCI_NONDISTRIBUTABLE_ZSTD,
    }
)


_WRITES = (TagAction.CREATE, TagAction.MOVE)


def is_foreign(descriptor: Descriptor) -> bool:
    """A non-distributable layer: registries keep it out of storage, so it is neither checked nor uploaded."""
    return descriptor.media_type in _FOREIGN_TYPES or "nondistributable" in descriptor.media_type


def _blobs_of(source: SourceManifest) -> Iterator[tuple[str, int | None, str, str, bool]]:
    """(digest, size, media type, label, foreign) for each blob a manifest needs."""
    manifest = source.manifest
    prefix = "" if source.role in (ManifestRole.IMAGE, ManifestRole.INDEX) else f"{source.label} "
    if isinstance(manifest, ImageManifest):
        yield (
            manifest.config.digest,
            manifest.config.size,
            manifest.config.media_type,
            f"{prefix}config",
            False,
        )
        count = len(manifest.layers)
        for number, layer in enumerate(manifest.layers, 1):
            yield (
                layer.digest,
                layer.size,
                layer.media_type,
                f"{prefix}layer {number}/{count}",
                is_foreign(layer),
            )
    elif isinstance(manifest, Schema1Manifest):
        digests = list(dict.fromkeys(manifest.layer_digests))
        for number, digest in enumerate(digests, 1):
            yield digest, None, "schema 1 layer", f"{prefix}layer {number}/{len(digests)}", False


def _new_repository(request: CopyRequest, warnings: list[str]) -> NewRepository:
    """The source repository's tag mutability, exclusion filters and scan setting, for ``--create-repo``."""
    src = request.source
    try:
        settings: Repository | None = src.service.get_repository(src.repository, src.registry_id)
    except EcrError as error:
        warnings.append(f"source repository settings not read ({error}); creating with defaults")
        settings = None
    if settings is None:
        return NewRepository(request.destination.repository)
    mutability = settings.image_tag_mutability
    known: tuple[TagMutability, ...] = (
        "MUTABLE",
        "IMMUTABLE",
        "MUTABLE_WITH_EXCLUSION",
        "IMMUTABLE_WITH_EXCLUSION",
    )
    return NewRepository(
        request.destination.repository,
        tag_mutability=next((m for m in known if m == mutability), "MUTABLE"),
        exclusion_filters=settings.tag_mutability_exclusion_filters,
        scan_on_push=settings.scan_on_push,
    )


def plan_copy(
    request: CopyRequest, *, cancel: threading.Event | None = None, reach: ReachBudget | None = None
) -> CopyPlan:
    """Read the source and the destination and decide every step; never writes, never raises ``EcrError``
    for what it finds (that is what ``problems`` are for), except ``Cancelled`` when ``cancel`` is set.

    ``reach``: the batch's budget for an endpoint that does not answer; once it gave up on the source's or the
    destination's endpoint, the plan is refused at once, without a call."""
    stopped = _given_up(request, reach)
    if stopped is not None:
        return _refused(request, SourceImage(None, None, problems=(str(stopped),)))
    source = read_source(request, cancel=cancel, reach=reach)
    if source.top is None or source.summary is None or source.problems:
        return _refused(request, source)
    problems = list(source.problems)
    warnings = list(source.warnings)
    notes: list[str] = []
    dst = request.destination
    repository, problem = read_repository(dst, reach)
    if problem:
        problems.append(problem)
    new_repository = None
    if repository is None and problem is None:
        if request.create_repository:
            new_repository = _new_repository(request, warnings)
        else:
            problems.append(
                f"destination repository {dst.uri} does not exist (create it, or copy with --create-repo)"
            )
    tags = list(request.tags)
    if request.all_tags:
        tags += [t for t in source.summary.tags if t not in tags]
    ordered = [*source.children, source.top, *source.referrers]
    legacy_tags = [m.tag for m in source.referrers if m.tag]
    images = None
    if repository is not None:
        try:
            images = read_images(dst, [m.digest for m in ordered], [*tags, *legacy_tags])
        except AccessDenied as error:
            problems.append(refusal(dst, error, caller_account(dst), "read"))
        except EcrError as error:
            problems.append(f"cannot read images of {dst.uri}: {error}")
    present = images.present if images is not None else frozenset()
    where = images.tags if images is not None else {}
    if images is not None and source.top.digest in images.archived:
        warnings.append("the destination has this image archived: restore it there to pull it")

    # A manifest is there when its digest is; one found by a cosign tag also needs that tag to point at it.
    there = {
        m.digest for m in ordered if m.digest in present and (m.tag is None or where.get(m.tag) == m.digest)
    }
    steps = [_manifest_step(m, m.digest in there) for m in ordered]
    blobs = _blob_steps(ordered, frozenset(present), notes)
    needs_check = [b.digest for b in blobs if b.action is BlobAction.UPLOAD]
    if repository is not None and needs_check and not problems:
        try:
            availability = read_layers(dst, needs_check)
        except AccessDenied as error:
            problems.append(refusal(dst, error, caller_account(dst), "push to"))
        except EcrError as error:
            problems.append(f"cannot check the blobs of {dst.uri}: {error}")
        else:
            archived = [d for d, a in availability.items() if a.state == "ARCHIVED"]
            if archived:
                warnings.append(
                    f"{len(archived)} blob(s) are archived in the destination; they are uploaded again"
                )
            blobs = [
                _with_action(b, BlobAction.SKIP)
                if b.action is BlobAction.UPLOAD and availability[b.digest].available
                else b
                for b in blobs
            ]
    for blob in blobs:
        if blob.action is BlobAction.UPLOAD and blob.size == 0:
            (warnings if blob.optional else problems).append(
                f"{blob.label} {short_digest(blob.digest)} is empty: ECR cannot store a zero-byte blob"
            )

    tag_steps: list[TagStep] = []
    for tag in tags:
        current = where.get(tag)
        if current == source.top.digest:
            tag_steps.append(TagStep(tag, TagAction.UNCHANGED, current))
        elif current is None:
            tag_steps.append(TagStep(tag, TagAction.CREATE))
        elif repository is not None and tag_is_immutable(repository, tag):
            tag_steps.append(TagStep(tag, TagAction.CONFLICT, current))
            problems.append(
                f"tag '{tag}' already points at {short_digest(current)} in {dst.uri}, whose tags are "
                f"{repository.image_tag_mutability.lower()}: copy under another tag, or add an exclusion filter "
                f"matching '{tag}' to the repository"
            )
        else:
            tag_steps.append(TagStep(tag, TagAction.MOVE, current))
    steps = _legacy_tag_conflicts(steps, where, repository, warnings)
    writes = any(not m.present for m in steps) or any(t.action in _WRITES for t in tag_steps)
    uploads = any(b.action is BlobAction.UPLOAD for b in blobs)
    if repository is not None and writes and not problems:
        for side, actions, doing in (
            (dst, push_actions(uploads), "push to"),
            (request.source, PULL_ACTIONS if uploads else (), "pull from"),
        ):
            check = check_access(side, actions, doing)
            problems += [check.problem] if check.problem else []
            notes += [check.note] if check.note else []
    return CopyPlan(
        request=request,
        source_digest=source.summary.digest,
        digest=source.top.digest,
        media_type=source.top.manifest.media_type,
        source_tags=source.summary.tags,
        manifests=tuple(steps),
        blobs=tuple(blobs),
        tags=tuple(tag_steps),
        create_repository=new_repository,
        problems=tuple(problems),
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


def _given_up(request: CopyRequest, reach: ReachBudget | None) -> EndpointUnreachable | None:
    if reach is None:
        return None
    for side in (request.source, request.destination):
        try:
            reach.side(side).check()
        except EndpointUnreachable as stopped:
            return stopped
    return None


def _refused(request: CopyRequest, source: SourceImage) -> CopyPlan:
    digest = source.summary.digest if source.summary is not None else ""
    media_type = source.summary.manifest_media_type or "" if source.summary is not None else ""
    return CopyPlan(
        request=request,
        source_digest=digest,
        digest=digest,
        media_type=media_type,
        problems=source.problems or ("the source image could not be read",),
        warnings=source.warnings,
    )


def _manifest_step(source: SourceManifest, present: bool) -> ManifestStep:
    manifest = source.manifest
    blobs = tuple(dict.fromkeys(d for d, _, _, _, foreign in _blobs_of(source) if not foreign))
    children = tuple(e.digest for e in manifest.manifests) if isinstance(manifest, ImageIndex) else ()
    return ManifestStep(
        digest=source.digest,
        media_type=manifest.media_type,
        raw=manifest.raw,
        role=source.role,
        label=source.label,
        present=present,
        blobs=blobs,
        children=children,
        tag=source.tag,
        subject=source.subject,
        optional=source.optional,
        verify_digest=source.verify_digest,
    )


def _blob_steps(ordered: list[SourceManifest], present: frozenset[str], notes: list[str]) -> list[BlobStep]:
    """Each blob once, needed by the manifests the destination lacks; optional when only referrers need it."""
    steps: dict[str, BlobStep] = {}
    for source in ordered:
        if source.digest in present:
            continue
        for digest, size, media_type, label, foreign in _blobs_of(source):
            if foreign:
                if digest not in steps:
                    notes.append(
                        f"{label} {short_digest(digest)} is foreign (non-distributable): registries do not store "
                        "it, the manifest keeps its URL"
                    )
                    steps[digest] = BlobStep(digest, size, media_type, label, BlobAction.FOREIGN)
                continue
            known = steps.get(digest)
            if known is None:
                steps[digest] = BlobStep(
                    digest, size, media_type, label, BlobAction.UPLOAD, optional=source.optional
                )
            elif known.optional and not source.optional:
                steps[digest] = BlobStep(
                    digest, known.size, known.media_type, label, known.action, optional=False
                )
    return list(steps.values())


def _with_action(blob: BlobStep, action: BlobAction) -> BlobStep:
    return BlobStep(blob.digest, blob.size, blob.media_type, blob.label, action, blob.optional)


def _legacy_tag_conflicts(
    steps: list[ManifestStep], where: dict[str, str], repository: Repository | None, warnings: list[str]
) -> list[ManifestStep]:
    """A cosign tag that points elsewhere in an immutable destination: that referrer is left out (a warning)."""
    kept: list[ManifestStep] = []
    for step in steps:
        current = where.get(step.tag) if step.tag else None
        immutable = repository is not None and step.tag is not None and tag_is_immutable(repository, step.tag)
        if current is not None and current != step.digest and immutable:
            warnings.append(
                f"referrer tag '{step.tag}' already points at {short_digest(current)} and cannot move: not "
                "copied (an exclusion filter such as 'sha256-*' lets cosign tags move)"
            )
            continue
        kept.append(step)
    return kept
