"""Every failure becomes an EcrError with one redacted line, the operation and the request id."""

from __future__ import annotations

from typing import Any

import botocore.exceptions as bce
import pytest
import urllib3.exceptions as u3e
from botocore.parsers import ResponseParserError
from hypothesis import given
from hypothesis import strategies as st

from ecrtui.ecr import errors
from ecrtui.ecr.errors import (
    AccessDenied,
    ConfigurationError,
    Conflict,
    CredentialsError,
    EcrError,
    IntegrityError,
    InvalidInput,
    NetworkError,
    NotFound,
    ServiceError,
    Throttled,
    redact,
    translate,
    translating,
)

PRESIGNED = (
    "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/abcd/blob"
    "?X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLETOKEN&X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)
SECRETS = ("FwoGZXIvYXdzEXAMPLETOKEN", "AKIAIOSFODNN7EXAMPLE", "0123456789abcdef0123456789abcdef")


def client_error(
    code: str, message: str = "boom", status: int = 400, request_id: str | None = "req-123"
) -> Any:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
    }
    if request_id:
        response["ResponseMetadata"]["RequestId"] = request_id
    return bce.ClientError(response, "DescribeImages")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("RepositoryNotFoundException", NotFound),
        ("ImageNotFoundException", NotFound),
        ("RepositoryPolicyNotFoundException", NotFound),
        ("LifecyclePolicyNotFoundException", NotFound),
        ("ScanNotFoundException", NotFound),
        ("AccessDeniedException", AccessDenied),
        ("ThrottlingException", Throttled),
        ("TooManyRequestsException", Throttled),
        ("ExpiredTokenException", CredentialsError),
        ("UnrecognizedClientException", CredentialsError),
        ("InvalidSignatureException", CredentialsError),
        ("InvalidParameterException", InvalidInput),
        ("ValidationException", InvalidInput),
        ("RepositoryAlreadyExistsException", Conflict),
        ("ImageTagAlreadyExistsException", Conflict),
        ("ImageAlreadyExistsException", Conflict),
        ("RepositoryNotEmptyException", Conflict),
        ("ImageDigestDoesNotMatchException", IntegrityError),
        ("ServerException", ServiceError),
    ],
)
def test_client_error_codes_map_to_kinds(code: str, cls: type[EcrError]) -> None:
    err = translate(client_error(code, "The thing is wrong"))
    assert type(err) is cls
    assert err.code == code
    assert err.operation == "DescribeImages"
    assert err.request_id == "req-123"
    assert "\n" not in str(err)
    assert "req-123" in err.details


@pytest.mark.parametrize(
    ("status", "cls"),
    [(403, AccessDenied), (404, NotFound), (429, Throttled), (503, NetworkError), (400, ServiceError)],
)
def test_unknown_codes_fall_back_on_http_status(status: int, cls: type[EcrError]) -> None:
    assert type(translate(client_error("SomethingNew", status=status))) is cls


def test_expired_token_message_says_what_to_do() -> None:
    err = translate(
        client_error("ExpiredTokenException", "The security token included in the request is expired")
    )
    assert "expired" in str(err)
    assert "sso login" in str(err)


@pytest.mark.parametrize(
    ("exc", "cls", "words"),
    [
        (bce.NoCredentialsError(), CredentialsError, "No AWS credentials"),
        (
            bce.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
            CredentialsError,
            "Incomplete",
        ),
        (bce.ProfileNotFound(profile="nope"), ConfigurationError, "'nope'"),
        (bce.NoRegionError(), ConfigurationError, "--region"),
        (
            bce.EndpointConnectionError(endpoint_url="https://api.ecr.xx-east-1.amazonaws.com/"),
            NetworkError,
            "connect",
        ),
        (
            bce.ConnectTimeoutError(endpoint_url="https://api.ecr.us-east-1.amazonaws.com/"),
            NetworkError,
            "Timed out",
        ),
        (
            bce.ReadTimeoutError(endpoint_url="https://api.ecr.us-east-1.amazonaws.com/"),
            NetworkError,
            "Timed out",
        ),
        (bce.SSOTokenLoadError(error_msg="gone"), CredentialsError, "sso login"),
        (bce.UnauthorizedSSOTokenError(), CredentialsError, "sso login"),
        (bce.TokenRetrievalError(provider="sso", error_msg="expired"), CredentialsError, "sso login"),
        (
            bce.ParamValidationError(report="Invalid length for parameter repositoryName"),
            InvalidInput,
            "Invalid",
        ),
        (
            u3e.MaxRetryError(None, PRESIGNED, u3e.NewConnectionError(None, "refused")),
            NetworkError,
            "connect",
        ),  # type: ignore[arg-type]
        (u3e.ReadTimeoutError(None, PRESIGNED, "read timed out"), NetworkError, "Timed out"),  # type: ignore[arg-type]
        (TimeoutError("slow"), NetworkError, "timed out"),
        (
            ResponseParserError("Unable to parse response: <html>secret</html>"),
            NetworkError,
            "not an AWS response",
        ),
        (KeyError("x"), ServiceError, "Unexpected KeyError"),
    ],
)
def test_library_exceptions_map_to_kinds(exc: BaseException, cls: type[EcrError], words: str) -> None:
    err = translate(exc, "SomeOp")
    assert type(err) is cls
    assert words in str(err)
    assert err.operation == "SomeOp"
    assert "\n" not in str(err)


def test_presigned_url_secrets_never_appear() -> None:
    for exc in (
        u3e.MaxRetryError(None, PRESIGNED, u3e.ProtocolError("reset")),  # type: ignore[arg-type]
        client_error("AccessDenied", f"Denied for {PRESIGNED}", status=403),
        ValueError(f"bad {PRESIGNED}"),
        bce.EndpointConnectionError(endpoint_url=PRESIGNED),
    ):
        err = translate(exc)
        for secret in SECRETS:
            assert secret not in str(err)
            assert secret not in err.details
            assert secret not in repr(err.args)


def test_redact_removes_secret_keys_and_session_tokens_but_keeps_digests() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD" + "AbCd0123" * 30 + "=="
    digest = "sha256:" + "0123456789abcdef" * 4
    sha1 = "0123456789abcdef0123456789abcdef01234567"
    err = translate(
        bce.CredentialRetrievalError(provider="custom-process", error_msg=f"denied {secret} token={token}")
    )
    assert secret not in str(err)
    assert token[:60] not in str(err)
    assert "<secret>" in str(err)
    kept = redact(f"image {digest} commit {sha1} repository team/api/{'x' * 50}")
    assert digest in kept
    assert sha1 in kept
    assert "x" * 50 in kept


def test_redact_strips_queries_and_key_ids_and_joins_lines() -> None:
    text = redact(f"line one\nfetch {PRESIGNED} with key AKIAIOSFODNN7EXAMPLE   done")
    assert text.startswith("line one fetch https://prod-us-east-1-starport-layer-bucket")
    assert "?" in text
    assert "X-Amz" not in text
    assert "AKIAIOSFODNN7EXAMPLE" not in text
    assert text.endswith("done")
    assert len(redact("x" * 5000)) <= 400


def test_translating_keeps_ecr_errors_and_wraps_others() -> None:
    original = NotFound("gone")
    with pytest.raises(NotFound) as caught, translating("Op"):
        raise original
    assert caught.value is original
    assert caught.value.operation == "Op"
    with pytest.raises(Throttled) as wrapped, translating("Op2"):
        raise client_error("ThrottlingException")
    assert isinstance(wrapped.value.__cause__, bce.ClientError)


def test_every_class_has_a_title() -> None:
    classes = [getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    assert all(issubclass(c, EcrError) and c.title for c in classes)
    assert len({c.title for c in classes}) >= 10


@given(
    host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z0-9-]{1,10}){1,3}", fullmatch=True),
    path=st.from_regex(r"(/[A-Za-z0-9._~-]{1,12}){0,4}", fullmatch=True),
    secret=st.from_regex(r"[A-Za-z0-9%/+=_-]{12,64}", fullmatch=True),
    param=st.sampled_from(
        ["X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential", "Signature", "token"]
    ),
    prefix=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
)
def test_no_query_value_survives_redaction(
    host: str, path: str, secret: str, param: str, prefix: str
) -> None:
    for scheme in ("https://", "http://", ""):
        url = f"{scheme}{host}{path}?a=1&{param}=SECRET{secret}&b=2"
        message = translate(ValueError(f"{prefix} failed for url: {url} (Caused by X)")).message
        assert f"SECRET{secret}" not in message
