"""Build boto3 sessions and clients from (profile, region, endpoint) with clear errors.

Sessions are not thread-safe, clients are: build both on the calling (main) thread and share the clients with
workers. Configuration problems (unknown profile, no region, no credentials) surface here, before any call, as
``ConfigurationError`` / ``CredentialsError`` with a message that says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import boto3
import botocore.exceptions as bce
import botocore.utils
from botocore.config import Config

from ecrtui.ecr.errors import ConfigurationError, CredentialsError, translate

__all__ = [
    "ClientSettings",
    "RetryNotice",
    "install_network_retries",
    "make_client_config",
    "make_session",
    "parse_timestamp",
    "require_credentials",
    "use_fast_timestamps",
]


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Retry and timeout settings shared by every client the service builds.

    Two budgets: throttling and server errors get ``max_attempts`` (botocore adaptive mode: backoff with jitter
    plus client-side rate limiting), because ECR asks busy clients to slow down and a bulk copy must ride that out;
    an endpoint that cannot be reached or does not answer gets ``network_attempts``, so a dead or black-holed
    endpoint fails in about a minute (3 attempts of 20 s plus a few seconds of backoff) instead of six times 30 s.
    """

    max_attempts: int = 6
    """Total attempts per call when ECR throttles or answers with a server error."""
    network_attempts: int = 3
    """Total attempts per call when the endpoint cannot be reached or does not answer in ``read_timeout``."""
    connect_timeout: float = 20.0
    """Also how long one write of a request body may stall: urllib3 sends with the connect timeout, and on a slow
    link (8 Mbit/s, megabytes of socket buffer) a layer part's send waits seconds for the window to reopen; at 5 s
    every UploadLayerPart of a 10 MiB part was dropped and retried forever."""
    read_timeout: float = 20.0
    max_pool_connections: int = 32
    """Enough for the UI's workers and a copy job sharing one client."""


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """A call that could not reach its endpoint, or got no answer, and is about to be tried again."""

    host: str
    """``HOST:PORT`` of the endpoint (no path, no query)."""
    operation: str
    timed_out: bool
    """True: connected but no answer within ``waited`` seconds; False: could not connect."""
    waited: float
    attempt: int
    """The attempt about to be made (2 for the first retry)."""
    attempts: int
    """The most attempts this call gets."""
    dropped: bool = False
    """Connected, then the connection was lost (or a write stalled) before an answer."""

    def describe(self) -> str:
        """``no answer from HOST in 20 s; trying again (2 of 3)`` (one line, no secret: a host and a count)."""
        if self.timed_out:
            what = f"no answer from {self.host} in {self.waited:g} s"
        elif self.dropped:
            what = f"the connection to {self.host} was lost"
        else:
            what = f"cannot connect to {self.host}"
        return f"{what}; trying again ({self.attempt} of {self.attempts})"


_NETWORK_FAILURES = (bce.ConnectionError, bce.HTTPClientError)
"""What botocore raises when the endpoint is unreachable, drops the connection or does not answer in time."""


def install_network_retries(
    client: Any, settings: ClientSettings, on_retry: Callable[[RetryNotice], None] | None = None
) -> None:
    """Give ``client``'s calls the smaller budget for network failures, and report each retry of one.

    Registered first on the client's ``needs-retry`` event, before botocore's own retry handler: returning False
    ends the retries (the first answer that is not None wins), None leaves the decision (and the backoff) to
    botocore. Throttling and server errors are not network failures and keep ``max_attempts``.
    """
    service = client.meta.service_model.service_id.hyphenize()

    def needs_retry(
        attempts: int, caught_exception: BaseException | None = None, **kwargs: Any
    ) -> bool | None:
        if not isinstance(caught_exception, _NETWORK_FAILURES):
            return None
        if attempts >= min(settings.network_attempts, settings.max_attempts):
            return False
        if on_retry is not None:
            request = kwargs.get("request_dict") or {}
            operation = kwargs.get("operation")
            timed_out = isinstance(caught_exception, bce.ReadTimeoutError)
            on_retry(
                RetryNotice(
                    host=urlparse(str(request.get("url", ""))).netloc or service,
                    operation=str(getattr(operation, "name", "?")),
                    timed_out=timed_out,
                    waited=settings.read_timeout if timed_out else settings.connect_timeout,
                    attempt=attempts + 1,
                    attempts=min(settings.network_attempts, settings.max_attempts),
                    dropped=isinstance(caught_exception, bce.ConnectionClosedError),
                )
            )
        return None

    client.meta.events.register_first(f"needs-retry.{service}", needs_retry)


def make_client_config(settings: ClientSettings | None = None) -> Config:
    """The botocore ``Config`` for ECR and STS clients."""
    s = settings or ClientSettings()
    return Config(
        retries={"mode": "adaptive", "total_max_attempts": s.max_attempts},
        connect_timeout=s.connect_timeout,
        read_timeout=s.read_timeout,
        max_pool_connections=s.max_pool_connections,
        tcp_keepalive=True,
    )


def make_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """A session for ``profile`` (or the default chain) that is sure to have a region."""
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except bce.ProfileNotFound as exc:
        raise ConfigurationError(
            f"AWS profile '{profile}' is not in the AWS config files (see aws configure list-profiles)"
        ) from exc
    except bce.BotoCoreError as exc:
        raise translate(exc) from exc
    if not session.region_name:
        who = f"profile '{profile}'" if profile else "the default AWS configuration"
        raise ConfigurationError(f"No AWS region for {who}: pass --region or set 'region' in the profile")
    return session


def require_credentials(session: boto3.Session, profile: str | None = None) -> None:
    """Fail now, with advice, when the credential chain finds nothing (instead of on the first call)."""
    where = f"profile '{profile}'" if profile else "the default credential chain"
    try:
        credentials = session.get_credentials()
    except bce.BotoCoreError as exc:
        raise translate(exc) from exc
    except Exception as exc:
        # botocore lets some source failures through raw, e.g. a credential_process that does not print JSON.
        # Name the kind only: the text could quote what the source printed, credentials included.
        raise CredentialsError(
            f"Could not load AWS credentials for {where}: the credential source failed ({type(exc).__name__});"
            " check credential_process / the profile's credential settings"
        ) from exc
    if credentials is None:
        raise CredentialsError(
            f"No AWS credentials found for {where}: configure the profile or log in (e.g. aws sso login)"
        )


def parse_timestamp(value: Any) -> datetime:
    """botocore's timestamp parser with a fast path for the epoch numbers ECR's JSON protocol sends.

    botocore converts every timestamp to the local zone through dateutil, which costs ~20 µs each: 2 s of the
    3.7 s botocore spends parsing 100,000 DescribeImages entries. ``datetime.fromtimestamp`` in UTC gives an
    equal aware datetime in well under a microsecond; other forms (ISO strings) go to botocore's parser.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    parsed: datetime = botocore.utils.parse_timestamp(value)
    return parsed


def use_fast_timestamps(session: boto3.Session) -> None:
    """Make clients built from ``session`` parse timestamps with :func:`parse_timestamp` (call before building)."""
    factory = session._session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=parse_timestamp)
