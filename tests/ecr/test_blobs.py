"""Blob downloads over a real local HTTP server: retries, status checks, size cap, hash check, redaction."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import pytest
import urllib3

from ecrtui.ecr.blobs import MAX_RETRY_AFTER, BlobDownloader, CappedRetry, verify_digest
from ecrtui.ecr.errors import (
    AccessDenied,
    Cancelled,
    IntegrityError,
    InvalidInput,
    NetworkError,
    NotFound,
)
from tests.ecr.quiet_http import QuietHTTPServer

BODY = b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
DIGEST = "sha256:" + hashlib.sha256(BODY).hexdigest()
SECRET_QUERY = "?X-Amz-Signature=deadbeefsecret&X-Amz-Security-Token=tokensecret"


@dataclass
class Script:
    """What the server answers, one entry per request (the last repeats)."""

    answers: list[tuple[int, bytes]] = field(default_factory=lambda: [(200, BODY)])
    chunked: bool = False
    hold: threading.Event | None = None
    requests: int = 0


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            index = min(script.requests, len(script.answers) - 1)
            script.requests += 1
            if script.hold is not None:
                script.hold.wait(10)
            status, body = script.answers[index]
            self.send_response(status)
            if script.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(body), 1024):
                    part = body[start : start + 1024]
                    self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/blob{SECRET_QUERY}", script
    finally:
        if script.hold is not None:
            script.hold.set()
        httpd.shutdown()
        httpd.server_close()


def downloader(**kwargs: object) -> tuple[BlobDownloader, list[int]]:
    calls: list[int] = []
    options: dict[str, object] = {"backoff_factor": 0.0, "retries": 2, **kwargs}
    return BlobDownloader(on_request=lambda: calls.append(1), **options), calls  # type: ignore[arg-type]


def no_secret(exc: BaseException) -> None:
    assert "deadbeefsecret" not in str(exc)
    assert "tokensecret" not in str(exc)


def test_fetch_returns_verified_bytes(server: tuple[str, Script]) -> None:
    url, script = server
    blobs, calls = downloader()
    assert blobs.fetch(url, DIGEST, expected_size=len(BODY)) == BODY
    assert script.requests == 1
    assert len(calls) == 1


def test_5xx_is_retried_then_succeeds(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(503, b"slow down"), (500, b"oops"), (200, BODY)]
    blobs, _ = downloader()
    assert blobs.fetch(url, DIGEST) == BODY
    assert script.requests == 3


@pytest.mark.parametrize(("header", "wait"), [("3600", MAX_RETRY_AFTER), ("2", 2.0)])
def test_retry_after_is_honoured_up_to_a_cap(header: str, wait: float) -> None:
    response = urllib3.HTTPResponse(status=503, headers={"Retry-After": header})
    assert CappedRetry(total=3).get_retry_after(response) == wait
    assert isinstance(
        CappedRetry(total=3).increment("GET", "/", response), CappedRetry
    )  # kept on every retry


def test_5xx_forever_is_a_network_error(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(500, b"oops")]
    blobs, _ = downloader()
    with pytest.raises(NetworkError) as caught:
        blobs.fetch(url, DIGEST)
    assert script.requests == 3  # one try + two retries
    no_secret(caught.value)


@pytest.mark.parametrize(("status", "cls"), [(404, NotFound), (403, AccessDenied)])
def test_client_errors_are_not_retried(server: tuple[str, Script], status: int, cls: type[Exception]) -> None:
    url, script = server
    script.answers = [(status, b"<Error><Code>AccessDenied</Code></Error>")]
    blobs, _ = downloader()
    with pytest.raises(cls) as caught:
        blobs.fetch(url, DIGEST)
    assert script.requests == 1
    no_secret(caught.value)


def test_wrong_bytes_are_an_integrity_error(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, BODY + b" ")]
    blobs, _ = downloader()
    with pytest.raises(IntegrityError, match="hashes to"):
        blobs.fetch(url, DIGEST)


def test_size_different_from_descriptor_is_an_integrity_error(server: tuple[str, Script]) -> None:
    url, _ = server
    blobs, _ = downloader()
    with pytest.raises(IntegrityError, match="descriptor says"):
        blobs.fetch(url, DIGEST, expected_size=len(BODY) + 1)


def test_size_cap_refuses_before_the_request(server: tuple[str, Script]) -> None:
    url, script = server
    blobs, _ = downloader(max_bytes=10)
    with pytest.raises(InvalidInput, match="limit"):
        blobs.fetch(url, DIGEST, expected_size=len(BODY))
    assert script.requests == 0


@pytest.mark.parametrize("chunked", [False, True])
def test_size_cap_applies_to_the_body(server: tuple[str, Script], chunked: bool) -> None:
    url, script = server
    big = b"x" * 10_000
    script.answers = [(200, big)]
    script.chunked = chunked
    blobs, _ = downloader(max_bytes=4096)
    with pytest.raises(InvalidInput, match="limit"):
        blobs.fetch(url, "sha256:" + hashlib.sha256(big).hexdigest())


def test_cancel_stops_the_download(server: tuple[str, Script]) -> None:
    url, script = server
    cancel = threading.Event()
    cancel.set()
    blobs, _ = downloader()
    with pytest.raises(Cancelled):
        blobs.fetch(url, DIGEST, cancel=cancel)
    assert script.requests == 0


def test_read_timeout_is_a_network_error(server: tuple[str, Script]) -> None:
    url, script = server
    script.hold = threading.Event()
    blobs, _ = downloader(read_timeout=0.2, retries=0)
    with pytest.raises(NetworkError, match="Timed out") as caught:
        blobs.fetch(url, DIGEST)
    no_secret(caught.value)


def test_connection_refused_is_a_network_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    blobs, _ = downloader(retries=1)
    with pytest.raises(NetworkError, match="connect") as caught:
        blobs.fetch(f"http://127.0.0.1:{port}/blob{SECRET_QUERY}", DIGEST)
    no_secret(caught.value)


@pytest.mark.parametrize("bad", ["md5:abc", "sha256", "nonsense"])
def test_unsupported_digests_are_refused(bad: str) -> None:
    check: Callable[[], None] = lambda: verify_digest(b"x", bad)  # noqa: E731
    with pytest.raises(InvalidInput):
        check()
