"""Image operations of ``EcrService``: listing in pages, manifests in verified batches, blobs, tags, deletes."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ecrtui.ecr.batches import BatchFailure, ManifestBatch
from ecrtui.ecr.details import ImageDetails, build_image_details
from ecrtui.ecr.errors import AccessDenied, Cancelled, Conflict, NotFound, translating
from ecrtui.ecr.listing import ImageListing, ImagePage
from ecrtui.ecr.manifests import (
    ACCEPTED_MANIFEST_TYPES,
    Manifest,
    ManifestError,
    Schema1Manifest,
    parse_manifest,
)
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.ecr.scans import ScanFindings
from ecrtui.ecr.service_base import BATCH_SIZE, PAGE_SIZE, ServiceBase, chunks

if TYPE_CHECKING:
    from mypy_boto3_ecr.type_defs import ImageIdentifierTypeDef

__all__ = ["ImageOperations", "ImageStatusFilter", "StorageClass", "TagStatus"]

TagStatus = Literal["TAGGED", "UNTAGGED", "ANY"]
ImageStatusFilter = Literal["ACTIVE", "ARCHIVED", "ACTIVATING", "ANY"]
"""``filter.imageStatus``: ECR lists only ACTIVE images unless asked for others."""
StorageClass = Literal["STANDARD", "ARCHIVE"]


class ImageOperations(ServiceBase):
    """Images of a repository, their manifests and blobs, and tag/image changes."""

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        tag_status: TagStatus | None = None,
        cancel: threading.Event | None = None,
        page_size: int = PAGE_SIZE,
        image_status: ImageStatusFilter | None = None,
    ) -> Iterator[ImagePage]:
        """Pages of images from DescribeImages (one call per 1,000 images); stops quietly on ``cancel``.

        Every page is a view of one ``ImageListing`` that grows as pages arrive (``page.listing``, marked
        ``complete`` after the last page): iterate a page for ``ImageSummary`` models, or keep the listing, which
        holds the images in a fraction of the memory the models (or the API's dicts) take. ``image_status`` None
        lists what ECR lists by default (ACTIVE images); ``"ANY"`` includes archived ones.
        """
        rid = self._rid(registry_id)
        params: dict[str, Any] = {
            "registryId": rid,
            "repositoryName": repository_name,
            "maxResults": page_size,
        }
        filters: dict[str, str] = {}
        if tag_status is not None:
            filters["tagStatus"] = tag_status
        if image_status is not None:
            filters["imageStatus"] = image_status
        if filters:
            params["filter"] = filters
        listing = ImageListing(rid, repository_name)
        while True:
            if cancel is not None and cancel.is_set():
                return
            with translating("DescribeImages"):
                response = self._ecr.describe_images(**params)
            start = len(listing)
            details = response.get("imageDetails", [])
            token = response.get("nextToken")
            del response  # the raw answer goes as soon as its images are in the listing
            listing.append_details(details)
            del details
            if not token:
                listing.complete = True
            yield listing.page(start, len(listing))
            if not token:
                return
            params["nextToken"] = token

    def list_images(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
        image_status: ImageStatusFilter | None = None,
    ) -> list[ImageSummary]:
        """Every image of a repository (all pages); archived ones too with ``image_status="ANY"``."""
        pages = self.iter_image_pages(repository_name, registry_id, cancel=cancel, image_status=image_status)
        return [i for page in pages for i in page]

    def describe_images(
        self, repository_name: str, references: Sequence[str], registry_id: str | None = None
    ) -> list[ImageSummary]:
        """Summaries for specific tags or digests (100 per call); unknown ones raise ``NotFound``."""
        rid = self._rid(registry_id)
        result: list[ImageSummary] = []
        for chunk in chunks(list(references), BATCH_SIZE):
            ids = [_image_id(r) for r in chunk]
            with translating("DescribeImages"):
                response = self._ecr.describe_images(
                    registryId=rid, repositoryName=repository_name, imageIds=ids
                )
            result.extend(ImageSummary.from_api(d) for d in response.get("imageDetails", []))
        return result

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        """Manifests by digest via BatchGetImage (100 per call, every manifest type accepted).

        Failures (ECR's, unparseable documents, and bytes whose sha256 is not the digest) are reported in
        ``ManifestBatch.failures``, never dropped.
        """
        wanted = list(dict.fromkeys(digests))
        ids: list[ImageIdentifierTypeDef] = [{"imageDigest": d} for d in wanted]
        return self._batch_get(repository_name, ids, registry_id)

    def get_manifests_by_reference(
        self, repository_name: str, references: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        """Manifests by tag or digest, mixed, in one BatchGetImage per 100; ``.tags`` maps each tag found to
        its digest. Tags and digests that do not exist come back in ``.failures``."""
        ids = [_image_id(r) for r in dict.fromkeys(references)]
        return self._batch_get(repository_name, ids, registry_id)

    def get_manifest(self, repository_name: str, reference: str, registry_id: str | None = None) -> Manifest:
        """One manifest by tag or digest; its failure raised as an ``EcrError``."""
        batch = self._batch_get(repository_name, [_image_id(reference)], registry_id)
        if batch.manifests:
            return next(iter(batch.manifests.values()))
        if batch.failures:
            raise batch.failures[0].error("BatchGetImage")
        raise NotFound(f"{repository_name}:{reference} not found", operation="BatchGetImage")

    def _batch_get(
        self, repository_name: str, image_ids: list[ImageIdentifierTypeDef], registry_id: str | None
    ) -> ManifestBatch:
        rid = self._rid(registry_id)
        manifests: dict[str, Manifest] = {}
        failures: list[BatchFailure] = []
        tags: dict[str, str] = {}
        for chunk in chunks(image_ids, BATCH_SIZE):
            with translating("BatchGetImage"):
                response = self._ecr.batch_get_image(
                    registryId=rid,
                    repositoryName=repository_name,
                    imageIds=list(chunk),
                    acceptedMediaTypes=list(ACCEPTED_MANIFEST_TYPES),
                )
            for image in response.get("images", []):
                image_id = image.get("imageId", {})
                digest = image_id.get("imageDigest", "")
                tag = image_id.get("imageTag")
                try:
                    manifest = _verified_manifest(
                        image.get("imageManifest", ""), image.get("imageManifestMediaType"), digest
                    )
                except _BadManifest as exc:
                    failures.append(BatchFailure(digest or None, tag, exc.code, exc.reason))
                    continue
                manifests[digest or manifest.digest] = manifest
                if tag:
                    tags[tag] = digest or manifest.digest
            for failure in response.get("failures", []):
                fid = failure.get("imageId", {})
                failures.append(
                    BatchFailure(
                        digest=fid.get("imageDigest"),
                        tag=fid.get("imageTag"),
                        code=str(failure.get("failureCode", "Unknown")),
                        reason=str(failure.get("failureReason", "")),
                    )
                )
        return ManifestBatch(manifests=manifests, failures=tuple(failures), tags=tags)

    def get_blob(
        self,
        repository_name: str,
        digest: str,
        registry_id: str | None = None,
        *,
        expected_size: int | None = None,
        max_bytes: int | None = None,
        cancel: threading.Event | None = None,
    ) -> bytes:
        """A blob's verified bytes: GetDownloadUrlForLayer, then a streamed GET (a fresh URL once if it expired)."""
        rid = self._rid(registry_id)
        refused_once = False
        while True:
            with translating("GetDownloadUrlForLayer"):
                response = self._ecr.get_download_url_for_layer(
                    registryId=rid, repositoryName=repository_name, layerDigest=digest
                )
            try:
                return self._blobs.fetch(
                    response["downloadUrl"],
                    digest,
                    expected_size=expected_size,
                    max_bytes=max_bytes,
                    cancel=cancel,
                )
            except AccessDenied:
                if refused_once:
                    raise
                refused_once = True

    def get_image_details(
        self,
        repository: Repository,
        summary: ImageSummary,
        *,
        child_summaries: Mapping[str, ImageSummary] | None = None,
    ) -> ImageDetails:
        """What the inspector shows: the manifest, the config of an image, the children of an index."""
        return build_image_details(self, repository, summary, child_summaries=child_summaries)

    def get_scan_findings(
        self,
        repository_name: str,
        digest: str,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
    ) -> ScanFindings:
        """Scan status and every finding of one image; ``NotFound`` when it was never scanned.

        A set ``cancel`` raises ``Cancelled`` rather than returning some pages as if they were all the findings.
        """
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": repository_name,
            "imageId": {"imageDigest": digest},
            "maxResults": PAGE_SIZE,
        }
        pages: list[dict[str, Any]] = []
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled(
                    "Reading the scan findings was cancelled", operation="DescribeImageScanFindings"
                )
            with translating("DescribeImageScanFindings"):
                response = self._ecr.describe_image_scan_findings(**params)
            pages.append(dict(response))
            token = response.get("nextToken")
            if not token:
                break
            params["nextToken"] = token
        return ScanFindings.from_pages(pages)

    # -- image mutations --------------------------------------------------------------------------------------

    def update_image_storage_class(
        self, repository_name: str, digest: str, target: StorageClass, registry_id: str | None = None
    ) -> str:
        """Archive (``ARCHIVE``) or restore (``STANDARD``) an image; returns its status (ARCHIVED, ACTIVATING).

        Archived images cost at least 90 days of archive storage, even if deleted sooner.
        """
        self._guard("UpdateImageStorageClass", name=repository_name, digests=[digest])
        with translating("UpdateImageStorageClass"):
            response = self._ecr.update_image_storage_class(
                registryId=self._rid(registry_id),
                repositoryName=repository_name,
                imageId={"imageDigest": digest},
                targetStorageClass=target,
            )
        return str(response.get("imageStatus", ""))

    def start_image_scan(self, repository_name: str, digest: str, registry_id: str | None = None) -> str:
        """Start a basic vulnerability scan of an image; returns the scan status (``IN_PROGRESS``).

        ECR refuses an archived image (``ImageArchivedException``), an index (``UnsupportedImageTypeException``)
        and a second scan within 24 hours (``LimitExceededException``).
        """
        self._guard("StartImageScan", name=repository_name, digests=[digest])
        with translating("StartImageScan"):
            response = self._ecr.start_image_scan(
                registryId=self._rid(registry_id),
                repositoryName=repository_name,
                imageId={"imageDigest": digest},
            )
        return str((response.get("imageScanStatus") or {}).get("status", ""))

    def add_tag(self, repository_name: str, digest: str, tag: str, registry_id: str | None = None) -> None:
        """Point ``tag`` at image ``digest`` by putting the same manifest bytes and media type again.

        Already pointing there is success; ``Conflict`` when an immutable repository has the tag elsewhere.
        """
        self._guard("PutImage", tags=[tag], digests=[digest])
        manifest = self.get_manifests(repository_name, [digest], registry_id).require(digest)
        try:
            with translating("PutImage"):
                self._ecr.put_image(
                    registryId=self._rid(registry_id),
                    repositoryName=repository_name,
                    imageManifest=manifest.raw.decode("utf-8"),
                    imageManifestMediaType=manifest.media_type,
                    imageTag=tag,
                    imageDigest=digest,
                )
        except Conflict as exc:
            if exc.code != "ImageAlreadyExistsException":
                raise

    def remove_tags(
        self, repository_name: str, tags: Sequence[str], registry_id: str | None = None
    ) -> tuple[BatchFailure, ...]:
        """Remove tags; failures returned.

        ECR's rule: removing an image's last tag deletes the image (refused, as a failure, for an index child).
        """
        self._guard("BatchDeleteImage")  # no grammar check: whatever tag exists can be removed
        ids: list[ImageIdentifierTypeDef] = [{"imageTag": t} for t in tags]
        return self._batch_delete(repository_name, ids, registry_id)

    def remove_tag(self, repository_name: str, tag: str, registry_id: str | None = None) -> None:
        """Remove one tag; its failure raised."""
        failures = self.remove_tags(repository_name, [tag], registry_id)
        if failures:
            raise failures[0].error("BatchDeleteImage")

    def delete_images(
        self, repository_name: str, digests: Sequence[str], registry_id: str | None = None
    ) -> tuple[BatchFailure, ...]:
        """Delete images by digest (with all their tags); failures returned."""
        self._guard("BatchDeleteImage", digests=digests)
        ids: list[ImageIdentifierTypeDef] = [{"imageDigest": d} for d in digests]
        return self._batch_delete(repository_name, ids, registry_id)

    def delete_image(self, repository_name: str, digest: str, registry_id: str | None = None) -> None:
        """Delete one image by digest; its failure raised."""
        failures = self.delete_images(repository_name, [digest], registry_id)
        if failures:
            raise failures[0].error("BatchDeleteImage")

    def _batch_delete(
        self, repository_name: str, image_ids: list[ImageIdentifierTypeDef], registry_id: str | None
    ) -> tuple[BatchFailure, ...]:
        rid = self._rid(registry_id)
        failures: list[BatchFailure] = []
        for chunk in chunks(image_ids, BATCH_SIZE):
            with translating("BatchDeleteImage"):
                response = self._ecr.batch_delete_image(
                    registryId=rid,
                    repositoryName=repository_name,
                    imageIds=list(chunk),
                )
            for failure in response.get("failures", []):
                fid = failure.get("imageId", {})
                failures.append(
                    BatchFailure(
                        digest=fid.get("imageDigest"),
                        tag=fid.get("imageTag"),
                        code=str(failure.get("failureCode", "Unknown")),
                        reason=str(failure.get("failureReason", "")),
                    )
                )
        return tuple(failures)


class _BadManifest(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _verified_manifest(text: str, media_type: str | None, digest: str) -> Manifest:
    """Parse the bytes ECR returned and check they hash to the digest they were asked by."""
    data = text.encode("utf-8")
    try:
        manifest = parse_manifest(data, media_type)
    except ManifestError as exc:
        raise _BadManifest("InvalidManifest", str(exc)) from None
    if digest and manifest.digest != digest:
        if isinstance(manifest, Schema1Manifest) and manifest.is_signed:
            # A signed schema 1 digest covers the payload without its signatures, not the stored bytes.
            if manifest.payload_digest == digest:
                return manifest
            note = "signed schema 1 manifest: digest not verified (neither its bytes nor its payload match)"
            return manifest.model_copy(update={"warnings": (*manifest.warnings, note)})
        raise _BadManifest(
            "DigestMismatch",
            f"manifest bytes hash to {manifest.digest[:19]}…, not the image digest {digest[:19]}…",
        )
    return manifest


def _image_id(reference: str) -> ImageIdentifierTypeDef:
    if ":" in reference and reference.split(":", 1)[0] in ("sha256", "sha384", "sha512"):
        return {"imageDigest": reference}
    return {"imageTag": reference}
