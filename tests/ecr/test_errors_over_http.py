"""Real botocore exceptions, parsed from real HTTP error responses, become the right ``EcrError``.

A local server answers every ECR call the way AWS's front door does (JSON 1.1 error bodies with a namespaced
``__type``, the request id in ``x-amzn-RequestId``, an HTML page from a proxy), so the test covers botocore's
parser and retry handling as well as ``translate``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from threading import Thread

import boto3
import pytest

from ecrtui.ecr.errors import (
    AccessDenied,
    CredentialsError,
    EcrError,
    NetworkError,
    NotFound,
    Throttled,
)
from ecrtui.ecr.service import EcrService
from ecrtui.ecr.session import ClientSettings
from tests.ecr.quiet_http import QuietHTTPServer

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr" + "Zm9vYmFy" * 40
REQUEST_ID = "5c8e3a9e-0f1d-4a7b-9a53-3d3a1f0c2b11"


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/x-amz-json-1.1"


@pytest.fixture
def front_door() -> Iterator[tuple[str, list[Answer], list[int]]]:
    """An endpoint that answers every request with ``answers[0]`` and counts the requests."""
    answers: list[Answer] = []
    requests: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            requests.append(1)
            answer = answers[0]
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("x-amzn-RequestId", REQUEST_ID)
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:
            return

    httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", answers, requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def service(endpoint: str, attempts: int = 1) -> EcrService:
    session = boto3.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        region_name="me-south-1",
    )
    return EcrService(session=session, endpoint_url=endpoint, settings=ClientSettings(max_attempts=attempts))


def aws_error(code: str, message: str, status: int = 400) -> Answer:
    body = {"__type": f"com.amazon.coral.service#{code}", "message": message}
    return Answer(status, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("answer", "cls", "words"),
    [
        (
            aws_error("ExpiredTokenException", "The security token included in the request is expired"),
            CredentialsError,
            "session has expired",
        ),
        (
            aws_error(
                "UnrecognizedClientException", "The security token included in the request is invalid."
            ),
            CredentialsError,
            "does not recognise these credentials",
        ),
        (
            aws_error(
                "AccessDeniedException",
                "User: arn:aws:sts::111111111111:assumed-role/dev/me is not authorized to perform: "
                "ecr:DescribeImages on resource: arn:aws:ecr:me-south-1:222222222222:repository/web/api",
            ),
            AccessDenied,
            "is not authorized to perform: ecr:DescribeImages",
        ),
        (aws_error("ThrottlingException", "Rate exceeded"), Throttled, "throttling"),
        (
            aws_error(
                "RepositoryNotFoundException",
                "The repository with name 'web/api' does not exist in the registry with id '222222222222'",
            ),
            NotFound,
            "does not exist",
        ),
        (
            Answer(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
            NetworkError,
            "answered HTTP 502 Bad Gateway without an AWS error",
        ),
        (
            Answer(
                500,
                b"<!doctype html><title>500 Internal Server Error</title><p>The server crashed</p>",
                "text/html",
            ),
            NetworkError,
            "answered HTTP 500 without an AWS error",
        ),
    ],
)
def test_error_responses_become_one_clear_line(
    front_door: tuple[str, list[Answer], list[int]], answer: Answer, cls: type[EcrError], words: str
) -> None:
    endpoint, answers, _ = front_door
    answers.append(answer)
    with pytest.raises(EcrError) as caught:
        service(endpoint).list_images("web/api", registry_id="222222222222")
    error = caught.value
    assert type(error) is cls, error.details
    assert words in str(error)
    assert error.operation == "DescribeImages"
    assert error.request_id == REQUEST_ID
    assert "\n" not in str(error)
    for secret in (SECRET_KEY, SESSION_TOKEN[:40], "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in error.details


def test_throttling_is_retried_before_it_is_reported(front_door: tuple[str, list[Answer], list[int]]) -> None:
    endpoint, answers, requests = front_door
    answers.append(aws_error("ThrottlingException", "Rate exceeded"))
    ecr = service(endpoint, attempts=3)
    with pytest.raises(Throttled):
        ecr.list_images("web/api", registry_id="222222222222")
    assert len(requests) == 3  # botocore's adaptive retries ran out first
    assert ecr.call_counts == {"DescribeImages": 1}
    assert ecr.http_attempts == 3
