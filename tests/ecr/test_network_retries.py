"""Calls whose endpoint cannot be reached, or never answers, are retried on a small budget and said out loud.

A black-holed endpoint (it takes the connection and never answers) used to keep a headless command silent for
three minutes (six attempts of 30 s). Now network failures get ``network_attempts`` and each retry is reported
through ``on_retry``; throttling keeps the larger ``max_attempts`` budget.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from threading import Thread

import boto3
import pytest

from ecrtui.ecr.errors import NetworkError, Throttled
from ecrtui.ecr.service import EcrService
from ecrtui.ecr.session import ClientSettings, RetryNotice
from tests.ecr.quiet_http import QuietHTTPServer


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A TCP port that takes connections (the kernel's backlog) and never answers a byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def closed_endpoint() -> str:
    """A port nobody listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def throttling_endpoint() -> Iterator[tuple[str, list[int]]]:
    """Answers every call with ECR's ThrottlingException; counts the requests."""
    requests: list[int] = []
    body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            requests.append(1)
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def service(endpoint: str, settings: ClientSettings, notices: list[RetryNotice]) -> EcrService:
    session = boto3.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret", region_name="us-east-1"
    )
    return EcrService(session=session, endpoint_url=endpoint, settings=settings, on_retry=notices.append)


def test_a_call_that_gets_no_answer_is_retried_on_the_network_budget_and_reported(
    silent_endpoint: str,
) -> None:
    notices: list[RetryNotice] = []
    settings = ClientSettings(max_attempts=6, network_attempts=3, connect_timeout=1, read_timeout=0.3)
    ecr = service(silent_endpoint, settings, notices)
    with pytest.raises(NetworkError, match="Timed out waiting"):
        ecr.list_repositories("111111111111")
    assert ecr.http_attempts == 3
    host = silent_endpoint.removeprefix("http://")
    assert [n.describe() for n in notices] == [
        f"no answer from {host} in 0.3 s; trying again (2 of 3)",
        f"no answer from {host} in 0.3 s; trying again (3 of 3)",
    ]
    assert {n.operation for n in notices} == {"DescribeRepositories"}


def test_a_refused_connection_is_reported_as_such(closed_endpoint: str) -> None:
    notices: list[RetryNotice] = []
    ecr = service(closed_endpoint, ClientSettings(network_attempts=2), notices)
    with pytest.raises(NetworkError, match="Could not connect"):
        ecr.list_repositories("111111111111")
    assert [n.describe() for n in notices] == [
        f"cannot connect to {closed_endpoint.removeprefix('http://')}; trying again (2 of 2)"
    ]


@pytest.fixture
def dropping_endpoint() -> Iterator[str]:
    """Takes each request and closes the connection without a byte of answer."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            return

    httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_dropped_connection_is_reported_as_lost_not_as_unreachable(dropping_endpoint: str) -> None:
    notices: list[RetryNotice] = []
    ecr = service(dropping_endpoint, ClientSettings(network_attempts=2), notices)
    with pytest.raises(NetworkError):
        ecr.list_repositories("111111111111")
    assert [n.describe() for n in notices] == [
        f"the connection to {dropping_endpoint.removeprefix('http://')} was lost; trying again (2 of 2)"
    ]


def test_throttling_keeps_the_larger_budget_and_says_nothing(
    throttling_endpoint: tuple[str, list[int]],
) -> None:
    endpoint, requests = throttling_endpoint
    notices: list[RetryNotice] = []
    ecr = service(endpoint, ClientSettings(max_attempts=4, network_attempts=2), notices)
    with pytest.raises(Throttled):
        ecr.list_repositories("111111111111")
    assert len(requests) == 4
    assert notices == []


def test_the_default_budget_gives_up_on_a_dead_endpoint_in_about_a_minute() -> None:
    settings = ClientSettings()
    assert settings.network_attempts * settings.read_timeout <= 60
    assert settings.max_attempts >= 6  # throttling stays generous


def _profile_files(tmp_path: Path, endpoint: str) -> dict[str, str]:
    config = tmp_path / "config"
    config.write_text("[profile stalled]\nregion = us-east-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[stalled]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = x\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
    return {
        **env,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_ENDPOINT_URL_STS": endpoint,
        "ECRTUI_CONFIG": os.devnull,
    }


def test_ecrtui_ls_says_each_retry_of_a_refused_endpoint(tmp_path: Path, closed_endpoint: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ecrtui", "ls", "--profile", "stalled", "--endpoint-url", closed_endpoint],
        capture_output=True,
        text=True,
        env=_profile_files(tmp_path, closed_endpoint),
        timeout=120,
    )
    host = closed_endpoint.removeprefix("http://")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"ecrtui ls: cannot connect to {host}; trying again (2 of 3), Ctrl-C stops",
        f"ecrtui ls: cannot connect to {host}; trying again (3 of 3), Ctrl-C stops",
        f"ecrtui ls: Could not connect to {closed_endpoint}/",
    ]


def test_ecrtui_ls_speaks_while_a_silent_endpoint_makes_it_wait(tmp_path: Path, silent_endpoint: str) -> None:
    """The tester's case: the first line comes after one read timeout (20 s), not after three minutes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ecrtui", "ls", "--profile", "stalled", "--endpoint-url", silent_endpoint],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_profile_files(tmp_path, silent_endpoint),
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()  # blocks until the first retry is announced (or the process exits)
        host = silent_endpoint.removeprefix("http://")
        assert first == f"ecrtui ls: no answer from {host} in 20 s; trying again (2 of 3), Ctrl-C stops\n"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
        assert process.stderr.read() == "ecrtui ls: cancelled\n"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
