"""One small hierarchy for every failure the data layer can meet.

botocore, urllib3 and credential failures are translated once, here, so the UI shows a titled one-line message
(never a traceback) and can still offer the AWS request id and the operation on an error screen. Messages are
redacted: query strings (where presigned-URL signatures and tokens live) and access key ids never survive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import botocore.exceptions as bce
import urllib3.exceptions as u3e
from botocore.parsers import ResponseParserError

__all__ = [
    "AccessDenied",
    "Cancelled",
    "ConfigurationError",
    "Conflict",
    "CredentialsError",
    "EcrError",
    "IntegrityError",
    "InvalidInput",
    "NetworkError",
    "NotFound",
    "ReadOnlyError",
    "ServiceError",
    "Throttled",
    "redact",
    "translate",
    "translating",
]

# A query string that carries parameters: where presigned URLs keep their signature, credential and token.
_QUERY = re.compile(r"\?[^\s?\"'<>()]*=[^\s\"'<>()]*")
# Signing parameters that might appear outside a query string (e.g. in a quoted header dump).
_SIGNING_PARAM = re.compile(
    r"(X-Amz-(?:Signature|Credential|Security-Token|SignedHeaders)|Signature|AWSAccessKeyId|x-amz-security-token)"
    r"=[^\s&\"'<>()]+",
    re.IGNORECASE,
)
_ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b")
# A secret access key is 40 base64 characters; a session token is hundreds. Either can reach a message through
# text quoted from elsewhere (a credential_process's stderr, an echoed request). Digests and hex ids have no
# uppercase letters, so they are kept.
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40,}(?![A-Za-z0-9/+=])")


def _secret_like(match: re.Match[str]) -> str:
    run = match.group(0)
    body = run.rstrip("=")
    looks_random = any(c.isupper() for c in run) and any(c.islower() for c in run)
    if looks_random and (len(body) == 40 or len(run) >= 100):
        return "<secret>"
    return run


_MAX_MESSAGE = 400


def redact(text: str) -> str:
    """Return ``text`` as one line with query strings, signing parameters, access key ids, secret keys and
    session tokens removed."""
    text = _QUERY.sub("?…", text)
    text = _SIGNING_PARAM.sub(lambda m: f"{m.group(1)}=…", text)
    text = _ACCESS_KEY_ID.sub("<access key id>", text)
    text = _BASE64_RUN.sub(_secret_like, text)
    text = " ".join(text.split())
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


class EcrError(Exception):
    """Base of every data-layer failure: ``str()`` is one redacted line a person understands."""

    title: ClassVar[str] = "ECR error"
    """A short heading for a notification (``Access denied``, ``Not found`` ...)."""

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        request_id: str | None = None,
        code: str | None = None,
    ) -> None:
        self.message = redact(message)
        self.operation = operation
        self.request_id = request_id
        self.code = code
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    @property
    def details(self) -> str:
        """Multi-line text for a copyable error screen: message, operation, code and request id."""
        lines = [self.message]
        if self.operation:
            lines.append(f"Operation: {self.operation}")
        if self.code:
            lines.append(f"Error code: {self.code}")
        if self.request_id:
            lines.append(f"Request id: {self.request_id}")
        return "\n".join(lines)


class NotFound(EcrError):
    """A repository, image, policy or blob that does not exist (or is invisible to the caller)."""

    title = "Not found"


class AccessDenied(EcrError):
    """The credentials work but the principal may not do this."""

    title = "Access denied"


class ReadOnlyError(AccessDenied):
    """A mutation refused because the service was opened read-only; refused before any call is made."""

    title = "Read-only mode"


class Throttled(EcrError):
    """ECR (or S3 behind it) asked us to slow down and the retries ran out."""

    title = "Throttled"


class CredentialsError(EcrError):
    """Missing, expired or rejected credentials."""

    title = "Credentials problem"


class ConfigurationError(EcrError):
    """The AWS configuration cannot be used: unknown profile, no region, bad endpoint."""

    title = "Configuration problem"


class NetworkError(EcrError):
    """The endpoint could not be reached, timed out, or answered with a server error."""

    title = "Network problem"


class InvalidInput(EcrError):
    """A request ECR refuses as malformed: a bad name, tag, parameter or document."""

    title = "Invalid input"


class Conflict(EcrError):
    """The request clashes with current state: already exists, immutable tag, repository not empty."""

    title = "Conflict"


class IntegrityError(EcrError):
    """Bytes that do not hash to the digest they were fetched by: never trusted, never cached."""

    title = "Integrity check failed"


class Cancelled(EcrError):
    """The caller set the cancel event; nothing partial was kept."""

    title = "Cancelled"


class ServiceError(EcrError):
    """Any other failure reported by the service."""

    title = "ECR error"


_CODE_CLASSES: dict[str, type[EcrError]] = {}
for _cls, _codes in (
    (
        NotFound,
        "RepositoryNotFoundException ImageNotFoundException RepositoryPolicyNotFoundException "
        "LifecyclePolicyNotFoundException LifecyclePolicyPreviewNotFoundException ScanNotFoundException "
        "LayersNotFoundException ReferencedImagesNotFoundException RegistryPolicyNotFoundException "
        "UploadNotFoundException LayerInaccessibleException PullThroughCacheRuleNotFoundException "
        "RepositoryCreationTemplateNotFoundException NoSuchEntity ResourceNotFoundException NotFound "
        "ReplicationBackfillNotFoundException TemplateNotFoundException",
    ),
    (AccessDenied, "AccessDeniedException AccessDenied UnauthorizedOperation UnauthorizedException"),
    (
        Throttled,
        "ThrottlingException Throttling TooManyRequestsException RequestLimitExceeded "
        "ProvisionedThroughputExceededException SlowDown RequestThrottled",
    ),
    (
        CredentialsError,
        "ExpiredTokenException ExpiredToken UnrecognizedClientException InvalidClientTokenId "
        "InvalidSignatureException SignatureDoesNotMatch MissingAuthenticationToken IncompleteSignature "
        "InvalidAccessKeyId AuthFailure RequestExpired",
    ),
    (
        InvalidInput,
        "InvalidParameterException InvalidParameterValue InvalidTagParameterException ValidationException "
        "InvalidLayerException InvalidLayerPartException UnsupportedImageTypeException "
        "LayerPartTooSmallException EmptyUploadException TooManyTagsException UnsupportedUpstreamRegistryException "
        "KmsException",
    ),
    (
        Conflict,
        "RepositoryAlreadyExistsException ImageAlreadyExistsException ImageTagAlreadyExistsException "
        "RepositoryNotEmptyException LayerAlreadyExistsException LimitExceededException "
        "ImageArchivedException ImageStorageClassUpdateNotSupportedException "
        "LifecyclePolicyPreviewInProgressException ReplicationBackfillInProgressException "
        "ReplicationBackfillInvalidStatusException TemplateAlreadyExistsException",
    ),
    (IntegrityError, "ImageDigestDoesNotMatchException"),
    (NetworkError, "ServiceUnavailableException ServiceUnavailable InternalFailure"),
):
    for _code in _codes.split():
        _CODE_CLASSES[_code] = _cls

# One human sentence per frequent code; ECR's own message follows when it adds something.
_CODE_MESSAGES: dict[str, str] = {
    "ExpiredTokenException": "The AWS session has expired: refresh the credentials (e.g. aws sso login)",
    "ExpiredToken": "The AWS session has expired: refresh the credentials (e.g. aws sso login)",
    "UnrecognizedClientException": "AWS does not recognise these credentials (wrong key or wrong partition)",
    "InvalidClientTokenId": "AWS does not recognise these credentials (wrong key or wrong partition)",
    "InvalidSignatureException": "AWS rejected the request signature: check the secret key and the clock",
    "SignatureDoesNotMatch": "AWS rejected the request signature: check the secret key and the clock",
    "ThrottlingException": "ECR is throttling requests; try again in a moment",
}


def _client_error(exc: bce.ClientError, operation: str | None) -> EcrError:
    response: dict[str, Any] = dict(exc.response or {})
    error: dict[str, Any] = dict(response.get("Error") or {})
    code = str(error.get("Code") or "")
    aws_message = str(error.get("Message") or "")
    metadata: dict[str, Any] = dict(response.get("ResponseMetadata") or {})
    headers: dict[str, Any] = dict(metadata.get("HTTPHeaders") or {})
    request_id = metadata.get("RequestId") or headers.get("x-amzn-requestid") or None
    status = int(metadata.get("HTTPStatusCode") or 0)
    op = operation or exc.operation_name
    cls = _CODE_CLASSES.get(code)
    if cls is None:
        if status in (401, 403):
            cls = AccessDenied
        elif status == 404:
            cls = NotFound
        elif status == 429:
            cls = Throttled
        elif status >= 500:
            cls = NetworkError
        else:
            cls = ServiceError
    if code.isdigit() or aws_message.lstrip().startswith("<"):
        # No AWS error in the body (botocore then uses the status as the code), or an HTML page from a proxy,
        # a load balancer or a wrong endpoint: its markup helps nobody.
        reason = "" if aws_message.lstrip().startswith("<") else f" {aws_message}".rstrip()
        aws_message = f"The endpoint answered HTTP {status}{reason} without an AWS error (a proxy, or a wrong endpoint URL?)"
    message = _CODE_MESSAGES.get(code) or aws_message or code or f"HTTP {status}"
    if op and op not in message:
        message = f"{message} ({op})"
    return cls(message, operation=op, request_id=str(request_id) if request_id else None, code=code or None)


def _botocore_error(exc: bce.BotoCoreError, operation: str | None) -> EcrError:
    if isinstance(exc, bce.ProfileNotFound):
        profile = exc.kwargs.get("profile", "?")
        return ConfigurationError(
            f"AWS profile '{profile}' is not in the AWS config files (see aws configure list-profiles)",
            operation=operation,
        )
    if isinstance(exc, bce.NoRegionError):
        return ConfigurationError(
            "No AWS region: pass --region or set 'region' in the profile", operation=operation
        )
    if isinstance(exc, bce.NoCredentialsError):
        return CredentialsError(
            "No AWS credentials found: configure a profile or log in (e.g. aws sso login)",
            operation=operation,
        )
    if isinstance(exc, bce.PartialCredentialsError):
        return CredentialsError(f"Incomplete AWS credentials: {exc}", operation=operation)
    if isinstance(exc, bce.SSOTokenLoadError | bce.UnauthorizedSSOTokenError | bce.TokenRetrievalError):
        return CredentialsError(
            "The AWS SSO session is missing or expired: run aws sso login", operation=operation
        )
    if isinstance(
        exc, bce.CredentialRetrievalError | bce.MetadataRetrievalError | bce.RefreshWithMFAUnsupportedError
    ):
        return CredentialsError(f"Could not obtain AWS credentials: {exc}", operation=operation)
    if isinstance(exc, bce.ConnectTimeoutError):
        return NetworkError(
            f"Timed out connecting to {exc.kwargs.get('endpoint_url', 'the endpoint')}", operation=operation
        )
    if isinstance(exc, bce.ReadTimeoutError):
        return NetworkError(
            f"Timed out waiting for {exc.kwargs.get('endpoint_url', 'the endpoint')} to answer",
            operation=operation,
        )
    if isinstance(exc, bce.EndpointConnectionError):
        return NetworkError(
            f"Could not connect to {exc.kwargs.get('endpoint_url', 'the endpoint')}", operation=operation
        )
    if isinstance(exc, bce.HTTPClientError):
        return NetworkError(f"Network error: {exc}", operation=operation)
    if isinstance(exc, bce.ParamValidationError):
        return InvalidInput(f"Invalid request: {exc}", operation=operation)
    if isinstance(exc, bce.InvalidRegionError | bce.UnknownRegionError):
        return ConfigurationError(f"Invalid AWS region: {exc}", operation=operation)
    if isinstance(exc, bce.InvalidConfigError | bce.ConfigParseError | bce.ConfigNotFound):
        return ConfigurationError(f"Unusable AWS configuration: {exc}", operation=operation)
    return ServiceError(str(exc) or type(exc).__name__, operation=operation)


def _urllib3_error(exc: u3e.HTTPError, operation: str | None) -> EcrError:
    reason: BaseException = exc
    if isinstance(exc, u3e.MaxRetryError) and exc.reason is not None:
        reason = exc.reason
    if isinstance(reason, u3e.ConnectTimeoutError):
        return NetworkError("Timed out connecting to the blob storage", operation=operation)
    if isinstance(reason, u3e.ReadTimeoutError | u3e.TimeoutError):
        return NetworkError("Timed out reading from the blob storage", operation=operation)
    if isinstance(reason, u3e.NewConnectionError | u3e.NameResolutionError):
        return NetworkError("Could not connect to the blob storage", operation=operation)
    if isinstance(reason, u3e.ResponseError):
        return NetworkError("The blob storage kept answering with server errors", operation=operation)
    return NetworkError(f"Network error while downloading: {type(reason).__name__}", operation=operation)


def translate(exc: BaseException, operation: str | None = None) -> EcrError:
    """Map any exception to an ``EcrError``; an ``EcrError`` comes back unchanged (its operation filled in)."""
    if isinstance(exc, EcrError):
        if exc.operation is None and operation is not None:
            exc.operation = operation
        return exc
    if isinstance(exc, bce.ClientError):
        return _client_error(exc, operation)
    if isinstance(exc, bce.BotoCoreError):
        return _botocore_error(exc, operation)
    if isinstance(exc, u3e.HTTPError):
        return _urllib3_error(exc, operation)
    if isinstance(exc, ResponseParserError):
        return NetworkError(
            "The endpoint answered with something that is not an AWS response (a proxy or a wrong endpoint URL?)",
            operation=operation,
        )
    if isinstance(exc, TimeoutError):
        return NetworkError("The request timed out", operation=operation)
    if isinstance(exc, ConnectionError | OSError):
        return NetworkError(f"Network error: {exc}", operation=operation)
    return ServiceError(f"Unexpected {type(exc).__name__}: {exc}", operation=operation)


@contextmanager
def translating(operation: str | None = None) -> Iterator[None]:
    """Run a block and re-raise whatever it raises as an ``EcrError`` (the original kept as ``__cause__``)."""
    try:
        yield
    except EcrError as exc:
        raise translate(exc, operation) from None
    except Exception as exc:
        raise translate(exc, operation) from exc
