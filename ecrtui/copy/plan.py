"""A copy plan: every blob, manifest and tag of a copy with what will be done to it, decided before any write.

The plan is plain data. ``plan_copy`` (``planner.py``) fills it from reads only; the copy dialog and ``--dry-run``
show it; ``execute`` carries it out. Problems (a tag that cannot move, a missing repository, access denied, an
archived source) block the copy before anything is written; warnings do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import humanize

from ecrtui.copy.request import CopyRequest

__all__ = [
    "BlobAction",
    "BlobStep",
    "CopyPlan",
    "ManifestRole",
    "ManifestStep",
    "NewRepository",
    "TagAction",
    "TagStep",
    "human_bytes",
    "short_digest",
]


TagMutability = Literal["MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"]


class BlobAction(StrEnum):
    UPLOAD = "upload"
    SKIP = "skip"
    """The destination repository already has it."""
    FOREIGN = "foreign"
    """A non-distributable layer: registries do not store it, the manifest keeps its URL."""


class TagAction(StrEnum):
    CREATE = "create"
    MOVE = "move"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    """The tag points at another image and the destination will not let it move."""


class ManifestRole(StrEnum):
    IMAGE = "image"
    INDEX = "index"
    CHILD = "child"
    """A platform image of an index (put by digest, untagged, before the index)."""
    ATTESTATION = "attestation"
    REFERRER = "referrer"
    """A signature, SBOM or attestation naming the image (put after it; its failure is a warning)."""


@dataclass(frozen=True, slots=True)
class BlobStep:
    digest: str
    size: int | None
    """Bytes, from the descriptor (None for a schema 1 layer: learnt from the download)."""
    media_type: str
    label: str
    """``config``, ``layer 3/12``, ``referrer layer``..."""
    action: BlobAction
    optional: bool = False
    """Needed only by referrers: its failure is a warning."""


@dataclass(frozen=True, slots=True)
class ManifestStep:
    digest: str
    media_type: str
    raw: bytes = field(repr=False)
    """The exact bytes to put (the source's, so the digest is preserved; a platform-filtered index is new)."""
    role: ManifestRole
    label: str
    present: bool
    """The destination already has this digest: nothing to put."""
    blobs: tuple[str, ...] = ()
    """Digests of the blobs it needs in the repository (foreign layers left out)."""
    children: tuple[str, ...] = ()
    tag: str | None = None
    """A referrer found by a cosign-style tag keeps that tag."""
    subject: str | None = None
    optional: bool = False
    verify_digest: bool = True
    """False for a signed schema 1 manifest (its digest covers the payload, not the bytes)."""


@dataclass(frozen=True, slots=True)
class TagStep:
    tag: str
    action: TagAction
    current: str | None = None
    """The digest the tag points at in the destination now (None: absent)."""


@dataclass(frozen=True, slots=True)
class NewRepository:
    """A destination repository the copy will create, with the source's settings."""

    name: str
    tag_mutability: TagMutability = "MUTABLE"
    exclusion_filters: tuple[str, ...] = ()
    scan_on_push: bool = False


@dataclass(frozen=True, slots=True)
class CopyPlan:
    request: CopyRequest
    source_digest: str
    """The source image's digest."""
    digest: str
    """The digest the destination gets: the source's, or the platform-filtered index's."""
    media_type: str
    source_tags: tuple[str, ...] = ()
    manifests: tuple[ManifestStep, ...] = ()
    """In put order: children, then the image or index, then referrers."""
    blobs: tuple[BlobStep, ...] = ()
    tags: tuple[TagStep, ...] = ()
    create_repository: NewRepository | None = None
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """Facts worth showing that need no action (foreign layers kept by URL, ...)."""

    @property
    def ok(self) -> bool:
        """No problem blocks the copy."""
        return not self.problems

    @property
    def uploads(self) -> tuple[BlobStep, ...]:
        return tuple(b for b in self.blobs if b.action is BlobAction.UPLOAD)

    @property
    def bytes_to_upload(self) -> int:
        return sum(b.size or 0 for b in self.uploads)

    @property
    def blobs_present(self) -> int:
        return sum(1 for b in self.blobs if b.action is BlobAction.SKIP)

    @property
    def manifests_to_put(self) -> tuple[ManifestStep, ...]:
        return tuple(m for m in self.manifests if not m.present)

    @property
    def tags_to_write(self) -> tuple[TagStep, ...]:
        return tuple(t for t in self.tags if t.action in (TagAction.CREATE, TagAction.MOVE))

    @property
    def referrers(self) -> tuple[ManifestStep, ...]:
        return tuple(m for m in self.manifests if m.role is ManifestRole.REFERRER)

    @property
    def nothing_to_do(self) -> bool:
        """Everything is already there (an unchanged re-copy): a success that writes nothing."""
        return (
            self.ok
            and self.create_repository is None
            and not self.uploads
            and not self.manifests_to_put
            and not self.tags_to_write
        )

    def describe(self) -> list[str]:
        """The plan as lines a person reads (``--dry-run``, the copy dialog)."""
        request = self.request
        lines = [
            f"copy {request.source_label}",
            f"  to {request.destination.uri} as {self.digest}"
            + (" (platform-filtered index)" if self.digest != self.source_digest else ""),
        ]
        if self.create_repository is not None:
            new = self.create_repository
            lines.append(
                f"  create repository {new.name} ({new.tag_mutability.lower()}, scan on push: {new.scan_on_push})"
            )
        uploads = self.uploads
        unknown = sum(1 for b in uploads if b.size is None)
        size = human_bytes(self.bytes_to_upload) + (f" and {unknown} of unknown size" if unknown else "")
        lines.append(f"  blobs: {len(uploads)} to upload ({size}), {self.blobs_present} already there")
        puts = self.manifests_to_put
        lines.append(
            f"  manifests: {len(puts)} to put, {len(self.manifests) - len(puts)} already there"
            + (f" ({len(self.referrers)} referrers)" if self.referrers else "")
        )
        for step in self.tags:
            detail = (
                f" (now {short_digest(step.current)})"
                if step.current and step.action is not TagAction.UNCHANGED
                else ""
            )
            lines.append(f"  tag {step.tag}: {step.action}{detail}")
        if not self.tags:
            lines.append("  untagged (no destination tag)")
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  note: {n}" for n in self.notes]
        if self.nothing_to_do:
            lines.append("  nothing to do: the destination already has this image and its tags")
        return lines


def human_bytes(count: int) -> str:
    """Decimal units, as the AWS console and the rest of ecrtui show sizes (``2.6 MB``)."""
    return str(humanize.naturalsize(count))


def short_digest(digest: str) -> str:
    """``sha256:`` and the first 12 hex digits."""
    algorithm, _, hex_part = digest.partition(":")
    return f"{algorithm}:{hex_part[:12]}"
