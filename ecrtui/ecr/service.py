"""``EcrService``: one boto3 ECR client per (profile, region, endpoint), with paging, counts and clear errors.

Built on the calling (main) thread: the boto3 session is not thread-safe, the clients are, and workers share
them. Long listings are iterators of pages (the UI shows the first page while the rest arrive) that stop cleanly
when a ``threading.Event`` is set. Every call carries an explicit ``registryId``, so a principal can read another
account's repository it is allowed into. A ``read_only=True`` service refuses every mutation before any call.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

import boto3

from ecrtui.ecr.batches import BatchFailure, ManifestBatch
from ecrtui.ecr.blobs import DEFAULT_MAX_BLOB_BYTES, BlobDownloader
from ecrtui.ecr.details import ImageDetails, build_image_details
from ecrtui.ecr.errors import AccessDenied, ConfigurationError, Conflict, NotFound, ReadOnlyError, translating
from ecrtui.ecr.manifests import (
    ACCEPTED_MANIFEST_TYPES,
    Manifest,
    ManifestError,
    Schema1Manifest,
    parse_manifest,
)
from ecrtui.ecr.models import ImageSummary, Registry, Repository
from ecrtui.ecr.replication import ReplicationConfiguration
from ecrtui.ecr.scans import ScanFindings
from ecrtui.ecr.session import ClientSettings, make_client_config, make_session, require_credentials

if TYPE_CHECKING:
    from mypy_boto3_ecr.client import ECRClient
    from mypy_boto3_ecr.type_defs import ImageIdentifierTypeDef
    from mypy_boto3_sts.client import STSClient

__all__ = ["BLOB_DOWNLOAD", "CallerIdentity", "EcrService", "TagStatus"]

PAGE_SIZE = 1000
"""ECR's maximum page for DescribeRepositories/DescribeImages: a 1,000-image repository is one call."""
BATCH_SIZE = 100
"""ECR's maximum image ids per BatchGetImage/BatchDeleteImage/DescribeImages-by-id call."""
BLOB_DOWNLOAD = "DownloadBlob"
"""The key under which ``call_counts`` counts blob GETs (not an AWS operation, but a request all the same)."""

TagStatus = Literal["TAGGED", "UNTAGGED", "ANY"]


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """Who the credentials are (STS GetCallerIdentity), fetched once per service."""

    account_id: str
    arn: str
    user_id: str


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_aws_host(endpoint_url: str) -> bool:
    host = urlparse(endpoint_url).hostname or ""
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".api.aws"))


class EcrService:
    """The data layer's gateway to one ECR registry endpoint (and, by registryId, to the registries it may read)."""

    def __init__(
        self,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        session: boto3.Session | None = None,
        *,
        read_only: bool = False,
        settings: ClientSettings | None = None,
        max_blob_bytes: int = DEFAULT_MAX_BLOB_BYTES,
        check_credentials: bool = True,
    ) -> None:
        self.profile = profile
        self.read_only = read_only
        self._session = session if session is not None else make_session(profile, region)
        self.region: str = region or self._session.region_name or ""
        if not self.region:
            raise ConfigurationError("No AWS region: pass --region or set 'region' in the profile")
        if check_credentials:
            require_credentials(self._session, profile)
        self.settings = settings or ClientSettings()
        config = make_client_config(self.settings)
        self._counts: Counter[str] = Counter()
        self._counts_lock = threading.Lock()
        self._identity: CallerIdentity | None = None
        self._identity_lock = threading.Lock()
        with translating("CreateClient"):
            self._ecr: ECRClient = self._session.client(
                "ecr", region_name=self.region, endpoint_url=endpoint_url, config=config
            )
            # STS shares an explicit endpoint only when it is not an AWS one (a sandbox serves both; a VPC
            # endpoint for ECR does not serve STS).
            sts_endpoint = endpoint_url if endpoint_url and not _is_aws_host(endpoint_url) else None
            self._sts: STSClient = self._session.client(
                "sts", region_name=self.region, endpoint_url=sts_endpoint, config=config
            )
        self.endpoint_url: str = self._ecr.meta.endpoint_url
        self._attempts = 0
        for client in (self._ecr, self._sts):
            client.meta.events.register("before-call", self._count_call)
            client.meta.events.register("before-send", self._count_attempt)
        self._blobs = BlobDownloader(
            connect_timeout=self.settings.connect_timeout,
            read_timeout=self.settings.read_timeout,
            max_bytes=max_blob_bytes,
            on_request=lambda: self._bump(BLOB_DOWNLOAD),
        )

    # -- call counting --------------------------------------------------------------------------------------

    def _count_call(self, model: Any = None, **_: Any) -> None:
        self._bump(str(getattr(model, "name", "?")))

    def _count_attempt(self, **_: Any) -> None:
        with self._counts_lock:
            self._attempts += 1

    def _bump(self, name: str) -> None:
        with self._counts_lock:
            self._counts[name] += 1

    @property
    def call_counts(self) -> dict[str, int]:
        """API calls made so far, by operation (retries of one call count once); blob GETs as ``DownloadBlob``."""
        with self._counts_lock:
            return dict(self._counts)

    @property
    def total_calls(self) -> int:
        """The sum of ``call_counts``."""
        with self._counts_lock:
            return sum(self._counts.values())

    @property
    def http_attempts(self) -> int:
        """HTTP requests sent to the API endpoints, retries included (``attempts - calls`` = retries)."""
        with self._counts_lock:
            return self._attempts

    def reset_call_counts(self) -> None:
        """Start counting from zero (tests and benchmarks)."""
        with self._counts_lock:
            self._counts.clear()
            self._attempts = 0

    # -- identity ---------------------------------------------------------------------------------------------

    def identity(self) -> CallerIdentity:
        """The caller's account and ARN (one STS call, then cached)."""
        with self._identity_lock:
            if self._identity is None:
                with translating("GetCallerIdentity"):
                    response = self._sts.get_caller_identity()
                self._identity = CallerIdentity(
                    account_id=response["Account"], arn=response["Arn"], user_id=response["UserId"]
                )
            return self._identity

    @property
    def account_id(self) -> str:
        """The caller's own account: the default registry id."""
        return self.identity().account_id

    def registry(self) -> Registry:
        """The caller's own registry as the UI lists it."""
        label = self.profile or self.account_id
        return Registry(
            profile=self.profile,
            account_id=self.account_id,
            region=self.region,
            endpoint_url=self.endpoint_url,
            label=label,
        )

    def _rid(self, registry_id: str | None) -> str:
        return registry_id or self.account_id

    def _guard(self, operation: str) -> None:
        if self.read_only:
            raise ReadOnlyError(f"Read-only mode: {operation} is not allowed", operation=operation)

    # -- repositories -----------------------------------------------------------------------------------------

    def iter_repository_pages(
        self,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[list[Repository]]:
        """Pages of repositories (``maxResults`` up to 1000); stops quietly when ``cancel`` is set."""
        params: dict[str, Any] = {"registryId": self._rid(registry_id), "maxResults": page_size}
        while True:
            if cancel is not None and cancel.is_set():
                return
            with translating("DescribeRepositories"):
                response = self._ecr.describe_repositories(**params)
            yield [Repository.from_api(dict(r)) for r in response.get("repositories", [])]
            token = response.get("nextToken")
            if not token:
                return
            params["nextToken"] = token

    def list_repositories(
        self, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> list[Repository]:
        """Every repository (all pages)."""
        return [r for page in self.iter_repository_pages(registry_id, cancel=cancel) for r in page]

    def get_repository(self, name: str, registry_id: str | None = None) -> Repository:
        """One repository by name; ``NotFound`` if it does not exist."""
        with translating("DescribeRepositories"):
            response = self._ecr.describe_repositories(
                registryId=self._rid(registry_id), repositoryNames=[name]
            )
        repositories = response.get("repositories", [])
        if not repositories:
            raise NotFound(f"Repository '{name}' not found", operation="DescribeRepositories")
        return Repository.from_api(dict(repositories[0]))

    def create_repository(
        self,
        name: str,
        registry_id: str | None = None,
        *,
        tag_mutability: Literal["MUTABLE", "IMMUTABLE"] = "MUTABLE",
        scan_on_push: bool = False,
        encryption_type: Literal["AES256", "KMS"] = "AES256",
        kms_key: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Repository:
        """Create a repository; ``Conflict`` if it exists."""
        self._guard("CreateRepository")
        encryption: dict[str, Any] = {"encryptionType": encryption_type}
        if kms_key:
            encryption["kmsKey"] = kms_key
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": name,
            "imageTagMutability": tag_mutability,
            "imageScanningConfiguration": {"scanOnPush": scan_on_push},
            "encryptionConfiguration": encryption,
        }
        if tags:
            params["tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        with translating("CreateRepository"):
            response = self._ecr.create_repository(**params)
        return Repository.from_api(dict(response["repository"]))

    def delete_repository(self, name: str, registry_id: str | None = None, *, force: bool = False) -> None:
        """Delete a repository; without ``force`` ECR refuses one that still holds images (``Conflict``)."""
        self._guard("DeleteRepository")
        with translating("DeleteRepository"):
            self._ecr.delete_repository(registryId=self._rid(registry_id), repositoryName=name, force=force)

    def set_tag_mutability(
        self, name: str, mutability: Literal["MUTABLE", "IMMUTABLE"], registry_id: str | None = None
    ) -> None:
        """Make a repository's tags mutable or immutable."""
        self._guard("PutImageTagMutability")
        with translating("PutImageTagMutability"):
            self._ecr.put_image_tag_mutability(
                registryId=self._rid(registry_id), repositoryName=name, imageTagMutability=mutability
            )

    def get_resource_tags(self, arn: str) -> dict[str, str]:
        """A repository's resource tags (by ARN, which names its account)."""
        with translating("ListTagsForResource"):
            response = self._ecr.list_tags_for_resource(resourceArn=arn)
        return {t["Key"]: t["Value"] for t in response.get("tags", [])}

    def tag_resource(self, arn: str, tags: Mapping[str, str]) -> None:
        """Add or overwrite resource tags on a repository."""
        self._guard("TagResource")
        with translating("TagResource"):
            self._ecr.tag_resource(resourceArn=arn, tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def untag_resource(self, arn: str, keys: Iterable[str]) -> None:
        """Remove resource tags from a repository."""
        self._guard("UntagResource")
        with translating("UntagResource"):
            self._ecr.untag_resource(resourceArn=arn, tagKeys=list(keys))

    def get_repository_policy(self, name: str, registry_id: str | None = None) -> str | None:
        """The repository policy JSON, or ``None`` when there is none."""
        try:
            with translating("GetRepositoryPolicy"):
                response = self._ecr.get_repository_policy(
                    registryId=self._rid(registry_id), repositoryName=name
                )
        except NotFound as exc:
            if exc.code == "RepositoryPolicyNotFoundException":
                return None
            raise
        return response.get("policyText")

    def set_repository_policy(self, name: str, policy_text: str, registry_id: str | None = None) -> None:
        """Replace the repository policy."""
        self._guard("SetRepositoryPolicy")
        with translating("SetRepositoryPolicy"):
            self._ecr.set_repository_policy(
                registryId=self._rid(registry_id), repositoryName=name, policyText=policy_text
            )

    def delete_repository_policy(self, name: str, registry_id: str | None = None) -> None:
        """Remove the repository policy."""
        self._guard("DeleteRepositoryPolicy")
        with translating("DeleteRepositoryPolicy"):
            self._ecr.delete_repository_policy(registryId=self._rid(registry_id), repositoryName=name)

    def get_lifecycle_policy(self, name: str, registry_id: str | None = None) -> str | None:
        """The lifecycle policy JSON, or ``None`` when there is none."""
        try:
            with translating("GetLifecyclePolicy"):
                response = self._ecr.get_lifecycle_policy(
                    registryId=self._rid(registry_id), repositoryName=name
                )
        except NotFound as exc:
            if exc.code == "LifecyclePolicyNotFoundException":
                return None
            raise
        return response.get("lifecyclePolicyText")

    def get_replication_configuration(self) -> ReplicationConfiguration:
        """The caller's registry replication rules (DescribeRegistry)."""
        with translating("DescribeRegistry"):
            response = self._ecr.describe_registry()
        return ReplicationConfiguration.from_api(dict(response))

    # -- images -----------------------------------------------------------------------------------------------

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        tag_status: TagStatus | None = None,
        cancel: threading.Event | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[list[ImageSummary]]:
        """Pages of images from DescribeImages (one call per 1,000 images); stops quietly on ``cancel``."""
        rid = self._rid(registry_id)
        params: dict[str, Any] = {
            "registryId": rid,
            "repositoryName": repository_name,
            "maxResults": page_size,
        }
        if tag_status is not None:
            params["filter"] = {"tagStatus": tag_status}
        while True:
            if cancel is not None and cancel.is_set():
                return
            with translating("DescribeImages"):
                response = self._ecr.describe_images(**params)
            yield [ImageSummary.from_api(dict(d)) for d in response.get("imageDetails", [])]
            token = response.get("nextToken")
            if not token:
                return
            params["nextToken"] = token

    def list_images(
        self, repository_name: str, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> list[ImageSummary]:
        """Every image of a repository (all pages)."""
        return [
            i for page in self.iter_image_pages(repository_name, registry_id, cancel=cancel) for i in page
        ]

    def describe_images(
        self, repository_name: str, references: Sequence[str], registry_id: str | None = None
    ) -> list[ImageSummary]:
        """Summaries for specific tags or digests (100 per call); unknown ones raise ``NotFound``."""
        rid = self._rid(registry_id)
        result: list[ImageSummary] = []
        for chunk in _chunks(list(references), BATCH_SIZE):
            ids = [_image_id(r) for r in chunk]
            with translating("DescribeImages"):
                response = self._ecr.describe_images(
                    registryId=rid, repositoryName=repository_name, imageIds=ids
                )
            result.extend(ImageSummary.from_api(dict(d)) for d in response.get("imageDetails", []))
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
        for chunk in _chunks(image_ids, BATCH_SIZE):
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
        return ManifestBatch(manifests=manifests, failures=tuple(failures))

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
        for attempt in (1, 2):
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
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

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
        """Scan status and every finding of one image; ``NotFound`` when it was never scanned."""
        params: dict[str, Any] = {
            "registryId": self._rid(registry_id),
            "repositoryName": repository_name,
            "imageId": {"imageDigest": digest},
            "maxResults": PAGE_SIZE,
        }
        pages: list[dict[str, Any]] = []
        while cancel is None or not cancel.is_set():
            with translating("DescribeImageScanFindings"):
                response = self._ecr.describe_image_scan_findings(**params)
            pages.append(dict(response))
            token = response.get("nextToken")
            if not token:
                break
            params["nextToken"] = token
        return ScanFindings.from_pages(pages)

    # -- image mutations --------------------------------------------------------------------------------------

    def add_tag(self, repository_name: str, digest: str, tag: str, registry_id: str | None = None) -> None:
        """Point ``tag`` at image ``digest`` by putting the same manifest bytes and media type again.

        Already pointing there is success; ``Conflict`` when an immutable repository has the tag elsewhere.
        """
        self._guard("PutImage")
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
        self._guard("BatchDeleteImage")
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
        self._guard("BatchDeleteImage")
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
        for chunk in _chunks(image_ids, BATCH_SIZE):
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
        if isinstance(manifest, Schema1Manifest):
            # A signed schema 1 digest covers the payload without its signatures, not the stored bytes.
            note = "schema 1 manifest: digest not verified (it covers the unsigned payload)"
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
