"""A sandbox bug answers like AWS (HTTP 500, ``ServerException``) and logs one line, never a traceback on stderr.

Under ``ecrtui --demo`` the sandbox shares the terminal with the TUI, so nothing it logs may reach stderr unless
the application asks for it (``ecrtui sandbox`` does, one line per error).
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from ecrtui.sandbox.network import NetworkSimulator
from ecrtui.sandbox.wsgi import SandboxApp


def _broken_moto(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    raise RuntimeError("boom\nsecond line")


def _call(environ: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(SandboxApp(_broken_moto, NetworkSimulator())(environ, start_response))
    return seen["status"], seen["headers"], body


def test_unexpected_error_is_a_json_server_exception(caplog: pytest.LogCaptureFixture) -> None:
    environ = {
        "PATH_INFO": "/",
        "CONTENT_TYPE": "application/x-amz-json-1.1",
        "HTTP_X_AMZ_TARGET": "AmazonEC2ContainerRegistry_V20150921.PutImage",
    }
    with caplog.at_level(logging.ERROR, logger="ecrtui.sandbox"):
        status, headers, body = _call(environ)
    assert status.startswith("500")
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert json.loads(body)["__type"] == "ServerException"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["internal error in PutImage: RuntimeError: boom"]
    assert all(r.exc_info is None for r in errors)


def test_query_protocol_gets_an_xml_error() -> None:
    status, headers, body = _call({"PATH_INFO": "/", "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    assert status.startswith("500")
    assert headers["Content-Type"] == "text/xml"
    assert b"<Code>InternalFailure</Code>" in body


def test_the_library_prints_nothing_by_default() -> None:
    """No handler configured (as under the TUI): an error log must not fall back to Python's stderr printer."""
    code = (
        "import logging, ecrtui.sandbox;logging.getLogger('ecrtui.sandbox.wsgi').error('should stay silent')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr == ""


def test_werkzeug_error_report_becomes_one_line(caplog: pytest.LogCaptureFixture) -> None:
    from ecrtui.sandbox.http_server import server_log as _server_log

    report = "Error on request:\nTraceback (most recent call last):\n  File 'x'\nValueError: nope"
    with caplog.at_level(logging.ERROR, logger="ecrtui.sandbox"):
        _server_log("error", report)
    assert [r.getMessage() for r in caplog.records] == ["Error on request: ValueError: nope"]
    assert io.StringIO(caplog.text).read().count("Traceback") == 0
