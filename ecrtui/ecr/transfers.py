"""Transfer operations of ``EcrService``: layer availability, download URLs, layer uploads, manifest puts, referrers.

What a copy is made of, one ECR call each, with the data layer's usual rules: every call names its registry, every
write is refused in read-only mode (and for a tag or digest ECR would refuse) before anything is sent, and every
failure is an ``EcrError``. The answers a copier treats as success are success here: a layer the repository already
has (``LayerAlreadyExistsException``) and a manifest it already has under that tag (``ImageAlreadyExistsException``)
come back as ``False`` ("nothing to do"), not as errors. Retries and pacing are the caller's (``ecrtui.copy``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import botocore.exceptions as bce

from ecrtui.ecr.blobs import IncompleteRange
from ecrtui.ecr.errors import Cancelled, Conflict, InvalidInput, translate, translating
from ecrtui.ecr.service_base import BATCH_SIZE, ServiceBase, chunks

__all__ = [
    "IncompleteRange",
    "LayerAvailability",
    "LayerUpload",
    "PartRejected",
    "Referrer",
    "TransferOperations",
]

Availability = Literal["AVAILABLE", "UNAVAILABLE", "ARCHIVED"]
REFERRERS_PAGE = 50
"""ECR's largest ``ListImageReferrers`` page."""


@dataclass(frozen=True, slots=True)
class LayerAvailability:
    """Whether a repository holds a blob (``BatchCheckLayerAvailability``)."""

    digest: str
    state: Availability
    size: int | None = None

    @property
    def available(self) -> bool:
        return self.state == "AVAILABLE"


@dataclass(frozen=True, slots=True)
class LayerUpload:
    """An upload ECR has opened (``InitiateLayerUpload``): its id and the part size it asks for."""

    upload_id: str
    part_size: int


@dataclass(frozen=True, slots=True)
class Referrer:
    """An artifact whose manifest names an image as its ``subject`` (``ListImageReferrers``)."""

    digest: str
    media_type: str
    artifact_type: str | None
    size: int
    annotations: Mapping[str, str] = field(default_factory=dict)
    status: str = "ACTIVE"


class PartRejected(InvalidInput):
    """``InvalidLayerPartException``: the part did not continue the upload; resume after ``last_valid_byte``."""

    def __init__(self, message: str, last_valid_byte: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.last_valid_byte = last_valid_byte


class TransferOperations(ServiceBase):
    """The calls a copy makes, beyond reading manifests (``ImageOperations``)."""

    def check_layers(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> dict[str, LayerAvailability]:
        """Availability of each blob in a repository, one call per 100 digests.

        A digest ECR calls malformed (``InvalidLayerDigest``) raises ``InvalidInput``: digests come from parsed
        manifests, so that is a broken manifest, not a missing layer.
        """
        wanted = list(dict.fromkeys(digests))
        found: dict[str, LayerAvailability] = {}
        for chunk in chunks(wanted, BATCH_SIZE):
            with translating("BatchCheckLayerAvailability"):
                response = self._ecr.batch_check_layer_availability(
                    registryId=self._rid(registry_id),
                    repositoryName=repository_name,
                    layerDigests=list(chunk),
                )
            for failure in response.get("failures", []):
                raise InvalidInput(
                    f"Layer digest '{failure.get('layerDigest')}': {failure.get('failureReason') or failure.get('failureCode')}",
                    operation="BatchCheckLayerAvailability",
                    code=str(failure.get("failureCode") or ""),
                )
            for layer in response.get("layers", []):
                digest = layer.get("layerDigest", "")
                state = layer.get("layerAvailability", "UNAVAILABLE")
                if state not in ("AVAILABLE", "UNAVAILABLE", "ARCHIVED"):
                    state = "UNAVAILABLE"
                found[digest] = LayerAvailability(digest, state, layer.get("layerSize"))
        for (
            digest
        ) in wanted:  # an older endpoint may leave a missing layer out: it is unavailable all the same
            found.setdefault(digest, LayerAvailability(digest, "UNAVAILABLE"))
        return found

    def layer_download_url(self, repository_name: str, digest: str, registry_id: str | None = None) -> str:
        """A presigned URL for one blob (a bearer secret: never log it)."""
        with translating("GetDownloadUrlForLayer"):
            response = self._ecr.get_download_url_for_layer(
                registryId=self._rid(registry_id), repositoryName=repository_name, layerDigest=digest
            )
        return str(response["downloadUrl"])

    def download_range(
        self,
        url: str,
        digest: str,
        start: int,
        end: int,
        *,
        cancel: threading.Event | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> tuple[bytearray, int | None]:
        """Bytes ``start`` .. ``end`` (inclusive) of a blob from its download URL, and the blob's total size.

        ``IncompleteRange`` (with the bytes that arrived) when the body broke off; ``AccessDenied`` when the URL
        expired. See ``BlobDownloader.fetch_range``.
        """
        return self._blobs.fetch_range(url, digest, start, end, cancel=cancel, on_bytes=on_bytes)

    def start_layer_upload(self, repository_name: str, registry_id: str | None = None) -> LayerUpload:
        """Open an upload (``InitiateLayerUpload``)."""
        self._guard("InitiateLayerUpload")
        with translating("InitiateLayerUpload"):
            response = self._ecr.initiate_layer_upload(
                registryId=self._rid(registry_id), repositoryName=repository_name
            )
        return LayerUpload(str(response["uploadId"]), int(response.get("partSize") or 0))

    def upload_layer_part(
        self,
        repository_name: str,
        upload_id: str,
        first_byte: int,
        data: bytes | bytearray,
        registry_id: str | None = None,
    ) -> int:
        """Send one part (bytes ``first_byte`` .. ``first_byte + len(data) - 1``); return the last byte ECR holds.

        ``PartRejected`` (with ECR's ``lastValidByteReceived``) when the part does not continue the upload, for
        instance because a retried request had already landed.
        """
        self._guard("UploadLayerPart")
        try:
            response = self._ecr.upload_layer_part(
                registryId=self._rid(registry_id),
                repositoryName=repository_name,
                uploadId=upload_id,
                partFirstByte=first_byte,
                partLastByte=first_byte + len(data) - 1,
                layerPartBlob=cast(bytes, data),  # botocore takes a bytearray as it is: no 10 MiB copy
            )
        except bce.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "InvalidLayerPartException":
                last = exc.response.get("lastValidByteReceived")
                translated = translate(exc, "UploadLayerPart")
                if isinstance(last, int):
                    raise PartRejected(
                        translated.message, last, operation="UploadLayerPart", code=translated.code
                    ) from None
                raise translated from None
            raise translate(exc, "UploadLayerPart") from exc
        except Exception as exc:
            raise translate(exc, "UploadLayerPart") from exc
        return int(response["lastByteReceived"])

    def complete_layer_upload(
        self, repository_name: str, upload_id: str, digest: str, registry_id: str | None = None
    ) -> bool:
        """Close an upload; ECR hashes what arrived and refuses a mismatch (``InvalidInput``).

        True when the layer was stored, False when the repository already had it (another copy got there first).
        """
        self._guard("CompleteLayerUpload")
        try:
            with translating("CompleteLayerUpload"):
                self._ecr.complete_layer_upload(
                    registryId=self._rid(registry_id),
                    repositoryName=repository_name,
                    uploadId=upload_id,
                    layerDigests=[digest],
                )
        except Conflict as exc:
            if exc.code == "LayerAlreadyExistsException":
                return False
            raise
        return True

    def put_manifest(
        self,
        repository_name: str,
        manifest: bytes,
        media_type: str,
        *,
        digest: str | None,
        tag: str | None = None,
        registry_id: str | None = None,
    ) -> bool:
        """``PutImage`` with the exact bytes, their media type and digest (so the digest is preserved).

        True when ECR stored something new (an image or a tag), False when it already had this manifest under
        this tag (or untagged, with no tag asked). ``Conflict`` (``ImageTagAlreadyExistsException``) when an
        immutable tag points elsewhere; ``NotFound`` (``LayersNotFoundException``,
        ``ReferencedImagesNotFoundException``) when blobs or children are missing.
        """
        self._guard("PutImage", tags=[tag] if tag else [], digests=[digest] if digest else [])
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": repository_name,
            "imageManifest": manifest.decode("utf-8"),
            "imageManifestMediaType": media_type,
        }
        if digest:  # None for a signed schema 1 manifest, whose digest covers its payload, not its bytes
            params["imageDigest"] = digest
        if tag:
            params["imageTag"] = tag
        try:
            with translating("PutImage"):
                self._ecr.put_image(**params)
        except Conflict as exc:
            if exc.code == "ImageAlreadyExistsException":
                return False
            raise
        return True

    def list_referrers(
        self,
        repository_name: str,
        subject_digest: str,
        registry_id: str | None = None,
        *,
        artifact_types: Sequence[str] = (),
        cancel: threading.Event | None = None,
    ) -> list[Referrer]:
        """Every active artifact naming ``subject_digest`` as its subject (all pages of ``ListImageReferrers``)."""
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": repository_name,
            "subjectId": {"imageDigest": subject_digest},
            "maxResults": REFERRERS_PAGE,
        }
        if artifact_types:
            params["filter"] = {"artifactTypes": list(artifact_types)}
        found: list[Referrer] = []
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Listing referrers was cancelled", operation="ListImageReferrers")
            with translating("ListImageReferrers"):
                response = self._ecr.list_image_referrers(**params)
            for item in response.get("referrers", []):
                found.append(
                    Referrer(
                        digest=str(item["digest"]),
                        media_type=str(item.get("mediaType", "")),
                        artifact_type=item.get("artifactType"),
                        size=int(item.get("size") or 0),
                        annotations=dict(item.get("annotations") or {}),
                        status=str(item.get("artifactStatus") or "ACTIVE"),
                    )
                )
            token = response.get("nextToken")
            if not token:
                return found
            params["nextToken"] = token
