"""What a copy is asked to do: from where, to where, under which tags, for which platforms.

A ``Side`` is one end of a copy: a service (its own profile, region and endpoint) plus the registry id and the
repository, so every call names its registry and a copy across accounts and regions needs nothing more than two
sides. ``destination_tags`` is the one place the tag rules live (the CLI and the copy dialog both use it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecrtui.ecr.descriptors import Platform
from ecrtui.ecr.refs import ImageRef, InvalidReference, RegistryRef, RepositoryRef, check_tag

if TYPE_CHECKING:
    from ecrtui.ecr.service import EcrService

__all__ = ["CopyRequest", "PlatformSpec", "Side", "destination_tags"]


@dataclass(frozen=True, slots=True)
class Side:
    """One end of a copy: where its calls go (``service``) and which registry and repository they name."""

    service: EcrService
    registry_id: str
    repository: str

    @property
    def region(self) -> str:
        return self.service.region

    @property
    def ref(self) -> RepositoryRef:
        return RepositoryRef(self.repository, RegistryRef(self.registry_id, self.region))

    @property
    def uri(self) -> str:
        """``ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME``."""
        return self.ref.uri

    @property
    def key(self) -> tuple[str, str, str]:
        """Which registry this is, for sharing rate limits: endpoint, account, region."""
        return (self.service.endpoint_url, self.registry_id, self.region)


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """``os/architecture[/variant]`` as ``--platform`` takes it."""

    os: str
    architecture: str
    variant: str | None = None

    @classmethod
    def parse(cls, text: str) -> PlatformSpec:
        parts = text.strip().split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise InvalidReference(
                f"platform '{text}' must be os/architecture[/variant], like linux/arm64/v8"
            )
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

    def matches(self, platform: Platform | None) -> bool:
        if platform is None:
            return False
        if (platform.os, platform.architecture) != (self.os, self.architecture):
            return False
        return self.variant is None or platform.variant == self.variant

    def __str__(self) -> str:
        return f"{self.os}/{self.architecture}" + (f"/{self.variant}" if self.variant else "")


@dataclass(frozen=True, slots=True)
class CopyRequest:
    """One image to copy: ``reference`` (a tag or digest) of ``source`` into ``destination``."""

    source: Side
    reference: str
    """The source image's tag, or its ``sha256:`` digest."""
    destination: Side
    tags: tuple[str, ...] = ()
    """Destination tags (see ``destination_tags``); empty copies untagged (unless ``all_tags``)."""
    all_tags: bool = False
    """Also give the destination every tag the source image has."""
    platforms: tuple[PlatformSpec, ...] = ()
    """For an index: copy only these platforms (and their attestations) under a new, smaller index."""
    referrers: bool = True
    """Copy signatures, SBOMs and attestations that name the image (``ListImageReferrers``, cosign tags)."""
    create_repository: bool = False
    """Create a missing destination repository with the source's tag mutability and scan settings."""

    @property
    def source_label(self) -> str:
        """``URI:TAG`` or ``URI@DIGEST``."""
        separator = "@" if self.reference.startswith("sha256:") else ":"
        return f"{self.source.uri}{separator}{self.reference}"


def destination_tags(
    source: ImageRef, dest_tag: str | None, extra_tags: Sequence[str] = ()
) -> tuple[str, ...]:
    """The tags a copy gives the destination: DEST's tag if given, else ``--tag`` values, else the source's tag.

    A source named by digest alone copies untagged unless tags are given. Duplicates are dropped; every tag is
    checked against ECR's grammar (``InvalidReference``).
    """
    if dest_tag:
        chosen: list[str] = [dest_tag, *extra_tags]
    elif extra_tags:
        chosen = list(extra_tags)
    elif source.tag:
        chosen = [source.tag]
    else:
        chosen = []
    for tag in chosen:
        check_tag(tag)
    return tuple(dict.fromkeys(chosen))
