"""OCI/Docker content descriptors and platforms: the pointers every manifest is made of."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ecrtui.ecr.jsondoc import quoted

_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")
_SHA256_HEX = re.compile(r"^[a-f0-9]{64}$")

ATTESTATION_REFERENCE_TYPE = "attestation-manifest"
REFERENCE_TYPE_ANNOTATION = "vnd.docker.reference.type"
REFERENCE_DIGEST_ANNOTATION = "vnd.docker.reference.digest"
TITLE_ANNOTATION = "org.opencontainers.image.title"


def check_digest(value: str) -> str:
    """Return `value` if it is an OCI digest (and, for sha256, exactly 64 lowercase hex), else raise."""
    if not _DIGEST.match(value):
        raise ValueError(f"{quoted(value)} is not a valid digest (expected algorithm:hex)")
    algorithm, _, encoded = value.partition(":")
    if algorithm == "sha256" and not _SHA256_HEX.match(encoded):
        raise ValueError(f"{quoted(value)} is not a valid sha256 digest (expected 64 lowercase hex digits)")
    return value


class _Document(BaseModel):
    """Base for JSON document parts: immutable, keeps unknown fields, accepts JSON or Python names."""

    model_config = ConfigDict(frozen=True, extra="allow", validate_by_name=True, validate_by_alias=True)


class Platform(_Document):
    """The platform a manifest runs on (`os/architecture[/variant]`), as written in an index entry."""

    architecture: str = ""
    os: str = ""
    variant: str | None = None
    os_version: str | None = Field(default=None, alias="os.version")
    os_features: tuple[str, ...] = Field(default=(), alias="os.features")
    features: tuple[str, ...] = ()

    @property
    def is_unknown(self) -> bool:
        """BuildKit marks attestation and provenance entries with `unknown/unknown`."""
        return self.os == "unknown" and self.architecture == "unknown"

    def __str__(self) -> str:
        text = f"{self.os}/{self.architecture}"
        if self.variant:
            text += f"/{self.variant}"
        if self.os_version:
            text += f" ({self.os_version})"
        return text


class Descriptor(_Document):
    """A pointer to content by digest: a layer, a config, a child manifest or a subject."""

    media_type: str = Field(default="", alias="mediaType")
    digest: str
    size: int = Field(ge=0)
    urls: tuple[str, ...] = ()
    annotations: dict[str, str] = Field(default_factory=dict)
    platform: Platform | None = None
    artifact_type: str | None = Field(default=None, alias="artifactType")
    data: str | None = None

    @field_validator("digest")
    @classmethod
    def _valid_digest(cls, value: str) -> str:
        return check_digest(value)

    @field_validator("urls", "annotations", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any, info: Any) -> Any:
        if value is None:
            return {} if info.field_name == "annotations" else ()
        return value

    def __hash__(self) -> int:
        # Annotations are a dict; content is identified by its digest (equality still compares everything).
        return hash((self.media_type, self.digest, self.size))

    @property
    def reference_type(self) -> str | None:
        """BuildKit's `vnd.docker.reference.type` annotation (e.g. `attestation-manifest`), if any."""
        return self.annotations.get(REFERENCE_TYPE_ANNOTATION)

    @property
    def is_attestation(self) -> bool:
        """True for an index entry that holds provenance/SBOM attestations rather than a runnable image."""
        if self.reference_type == ATTESTATION_REFERENCE_TYPE:
            return True
        return self.platform is not None and self.platform.is_unknown

    @property
    def title(self) -> str | None:
        """The file name an artifact layer was pushed from (`org.opencontainers.image.title`)."""
        return self.annotations.get(TITLE_ANNOTATION)
