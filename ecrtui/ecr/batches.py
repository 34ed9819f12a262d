"""Results of ECR's batch calls: what came back, and what failed (reported, never dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ecrtui.ecr.errors import (
    AccessDenied,
    Conflict,
    EcrError,
    IntegrityError,
    InvalidInput,
    NetworkError,
    NotFound,
    ServiceError,
    Throttled,
)
from ecrtui.ecr.manifests import Manifest

__all__ = ["BatchFailure", "ManifestBatch"]

_FAILURE_CLASSES: dict[str, type[EcrError]] = {
    "ImageNotFound": NotFound,
    "ImageTagDoesNotMatchDigest": NotFound,
    "InvalidImageDigest": InvalidInput,
    "InvalidImageTag": InvalidInput,
    "MissingDigestAndTag": InvalidInput,
    "InvalidManifest": InvalidInput,
    "ImageReferencedByManifestList": Conflict,
    "KmsError": AccessDenied,
    "UpstreamAccessDenied": AccessDenied,
    "UpstreamTooManyRequests": Throttled,
    "UpstreamUnavailable": NetworkError,
    "DigestMismatch": IntegrityError,
}


@dataclass(frozen=True, slots=True)
class BatchFailure:
    """One image id a batch call could not serve, with ECR's failure code and reason."""

    digest: str | None
    tag: str | None
    code: str
    reason: str

    @property
    def reference(self) -> str:
        """The id as the user knows it: the tag, else the digest."""
        return self.tag or self.digest or "?"

    def error(self, operation: str | None = None) -> EcrError:
        """This failure as the ``EcrError`` the rest of the app handles."""
        cls = _FAILURE_CLASSES.get(self.code, ServiceError)
        return cls(f"{self.reference}: {self.reason or self.code}", operation=operation, code=self.code)


@dataclass(frozen=True, slots=True)
class ManifestBatch:
    """Manifests by digest (each verified: sha256 of its bytes is its digest) and the ids that failed."""

    manifests: Mapping[str, Manifest] = field(default_factory=dict)
    failures: tuple[BatchFailure, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tag -> digest, for the ids that were asked by tag and found."""

    def require(self, digest: str, operation: str = "BatchGetImage") -> Manifest:
        """The manifest for ``digest``, or its failure raised as an ``EcrError``."""
        found = self.manifests.get(digest)
        if found is not None:
            return found
        for failure in self.failures:
            if failure.digest == digest:
                raise failure.error(operation)
        raise NotFound(f"Manifest {digest} was not returned", operation=operation)
