"""``EcrService``: one boto3 ECR client per (profile, region, endpoint), with paging, counts and clear errors.

Built on the calling (main) thread: the boto3 session is not thread-safe, the clients are, and workers share
them. Long listings are iterators of pages (the UI shows the first page while the rest arrive) that stop cleanly
when a ``threading.Event`` is set. Every call carries an explicit ``registryId``, so a principal can read another
account's repository it is allowed into. A ``read_only=True`` service refuses every mutation before any call.
The operations themselves live in ``repositories.py``, ``images.py``, ``transfers.py`` and ``replication_ops.py``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import boto3

from ecrtui.ecr.blobs import DEFAULT_MAX_BLOB_BYTES, BlobDownloader
from ecrtui.ecr.errors import ConfigurationError, translating
from ecrtui.ecr.image_counts import ImageCounts
from ecrtui.ecr.images import ImageOperations, TagStatus
from ecrtui.ecr.lifecycle import LifecycleOperations
from ecrtui.ecr.login import LoginOperations
from ecrtui.ecr.models import Registry
from ecrtui.ecr.read_only import install_read_only_guard
from ecrtui.ecr.replication_ops import ReplicationOperations
from ecrtui.ecr.repositories import RepositoryOperations
from ecrtui.ecr.service_base import BATCH_SIZE, PAGE_SIZE
from ecrtui.ecr.session import (
    ClientSettings,
    RetryNotice,
    install_network_retries,
    make_client_config,
    make_session,
    require_credentials,
    use_fast_timestamps,
)
from ecrtui.ecr.transfers import TransferOperations

if TYPE_CHECKING:
    from mypy_boto3_ecr.client import ECRClient
    from mypy_boto3_sts.client import STSClient

__all__ = [
    "BATCH_SIZE",
    "BLOB_DOWNLOAD",
    "PAGE_SIZE",
    "CallerIdentity",
    "EcrService",
    "TagStatus",
    "check_endpoint_url",
]

BLOB_DOWNLOAD = "DownloadBlob"
"""The key under which ``call_counts`` counts blob GETs (not an AWS operation, but a request all the same)."""


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """Who the credentials are (STS GetCallerIdentity), fetched once per service."""

    account_id: str
    arn: str
    user_id: str


def check_endpoint_url(endpoint_url: str) -> None:
    """Refuse an endpoint botocore would reject with a bare ``ValueError`` (no scheme, no host)."""
    parsed = urlparse(endpoint_url)
    if parsed.scheme in ("http", "https") and parsed.hostname:
        return
    shown = endpoint_url[:80]
    if "://" not in endpoint_url:
        message = f"Endpoint URL '{shown}' has no scheme: write http://{shown} or https://{shown}"
    else:
        message = f"Endpoint URL '{shown}' must be an http:// or https:// URL with a host"
    raise ConfigurationError(message, operation="CreateClient")


class EcrService(
    RepositoryOperations,
    ImageOperations,
    ImageCounts,
    TransferOperations,
    LifecycleOperations,
    LoginOperations,
    ReplicationOperations,
):
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
        on_retry: Callable[[RetryNotice], None] | None = None,
    ) -> None:
        """``on_retry`` hears of every call retried because its endpoint could not be reached or did not answer
        (called on the thread making the call), so a command can say why it is waiting."""
        if endpoint_url is not None:
            check_endpoint_url(endpoint_url)
        self.profile = profile if profile is not None or session is None else session.profile_name
        self.read_only = read_only
        self._session = session if session is not None else make_session(profile, region)
        self.region: str = region or self._session.region_name or ""
        if not self.region:
            raise ConfigurationError("No AWS region: pass --region or set 'region' in the profile")
        if check_credentials:
            require_credentials(self._session, profile)
        self.settings = settings or ClientSettings()
        config = make_client_config(self.settings)
        use_fast_timestamps(self._session)
        self._counts: Counter[str] = Counter()
        self._counts_lock = threading.Lock()
        self._identity: CallerIdentity | None = None
        self._identity_lock = threading.Lock()
        with translating("CreateClient"):
            self._ecr: ECRClient = self._session.client(
                "ecr", region_name=self.region, endpoint_url=endpoint_url, config=config
            )
            # ``endpoint_url`` is ECR's (a VPC endpoint for ECR does not answer STS): STS finds its own endpoint
            # the way the AWS CLI does, from AWS_ENDPOINT_URL_STS, the profile's ``services`` section or its
            # ``endpoint_url`` (which is how the sandbox's profiles point both services at it).
            self._sts: STSClient = self._session.client("sts", region_name=self.region, config=config)
        self.endpoint_url: str = self._ecr.meta.endpoint_url
        install_read_only_guard(self._ecr, lambda: self.read_only)
        self._attempts = 0
        for client in (self._ecr, self._sts):
            install_network_retries(client, self.settings, on_retry)
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
        """The caller's own account: the default registry id (one STS call per service)."""
        return self.identity().account_id

    def registry(self) -> Registry:
        """The caller's own registry as the UI lists it (labelled "profile (region)")."""
        return Registry(
            profile=self.profile,
            account_id=self.account_id,
            region=self.region,
            endpoint_url=self.endpoint_url,
        )
