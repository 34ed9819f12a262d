"""The sandbox's WSGI application: the blob route, network simulation, then moto's dispatcher.

moto serves the AWS APIs; ECR's layer downloads are not an AWS API but S3 presigned URLs, so the sandbox serves
them itself on the same host and port. Every request passes the network simulator first.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape

from moto.ecr.models import ecr_backends

from ecrtui.sandbox.blob_urls import BLOB_PATH_PREFIX, BadSignature, Expired, verify
from ecrtui.sandbox.network import (
    SERVER_ERROR_BODY,
    THROTTLE_BODY,
    XML_SERVER_ERROR_BODY,
    XML_THROTTLE_BODY,
    NetworkSimulator,
    ThrottledReader,
)
from ecrtui.sandbox.runtime import current

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

log = logging.getLogger("ecrtui.sandbox")

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _s3_error(start_response: StartResponse, status: str, code: str, message: str) -> list[bytes]:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    ).encode()
    start_response(status, [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end exclusive) for a ``Range`` header; None for the whole blob; ValueError if unsatisfiable."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None  # a malformed Range is ignored, as HTTP allows
    first, last = match.group(1), match.group(2)
    if not first:
        length = int(last)
        if length == 0:
            raise ValueError("empty suffix range")
        return max(size - length, 0), size
    start = int(first)
    end = min(int(last) + 1, size) if last else size
    if start >= size or end <= start:
        raise ValueError("range not satisfiable")
    return start, end


class SandboxApp:
    """Routes blob downloads to the blob store and everything else to moto, through the simulator."""

    def __init__(self, moto_app: WsgiApp, network: NetworkSimulator) -> None:
        self._moto = moto_app
        self._network = network

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self._network.delay()
        if environ.get("PATH_INFO", "").startswith(BLOB_PATH_PREFIX):
            return self._blob(environ, start_response)
        fault = self._network.draw_fault()
        if fault is not None:
            return self._api_fault(environ, start_response, fault)
        rate = self._network.bytes_per_second
        if rate is not None and "UploadLayerPart" in environ.get("HTTP_X_AMZ_TARGET", ""):
            environ["wsgi.input"] = ThrottledReader(environ["wsgi.input"], rate)
        try:
            return self._moto(environ, start_response)
        except Exception as error:  # a sandbox bug must not become werkzeug's traceback on stderr
            return self._internal_error(environ, start_response, error)

    @staticmethod
    def _internal_error(
        environ: dict[str, Any], start_response: StartResponse, error: Exception
    ) -> list[bytes]:
        """Answer an unexpected failure as AWS would (HTTP 500, ``ServerException``) and log one line."""
        action = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2] or environ.get("PATH_INFO", "?")
        summary = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        log.error("internal error in %s: %s", action, summary)
        log.debug("internal error in %s", action, exc_info=error)
        is_json = "json" in environ.get("CONTENT_TYPE", "")
        message = f"Sandbox internal error in {action}"
        if is_json:
            body = json.dumps({"__type": "ServerException", "message": message}).encode()
        else:
            body = (
                "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                f"<Message>{escape(message)}</Message></Error><RequestId>sandbox</RequestId></ErrorResponse>"
            ).encode()
        content_type = "application/x-amz-json-1.1" if is_json else "text/xml"
        start_response("500 Internal Server Error", [("Content-Type", content_type)], sys.exc_info())
        return [body]

    @staticmethod
    def _api_fault(environ: dict[str, Any], start_response: StartResponse, fault: float) -> list[bytes]:
        is_json = "json" in environ.get("CONTENT_TYPE", "")
        content_type = "application/x-amz-json-1.1" if is_json else "text/xml"
        if fault < 0.5:
            start_response("400 Bad Request", [("Content-Type", content_type)])
            return [THROTTLE_BODY if is_json else XML_THROTTLE_BODY]
        start_response("500 Internal Server Error", [("Content-Type", content_type)])
        return [SERVER_ERROR_BODY if is_json else XML_SERVER_ERROR_BODY]

    def _blob(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _s3_error(start_response, "405 Method Not Allowed", "MethodNotAllowed", "Use GET or HEAD")
        if self._network.deny_blob_downloads:
            return _s3_error(start_response, "403 Forbidden", "AccessDenied", "Access Denied")
        runtime = current()
        try:
            grant = verify(
                environ["PATH_INFO"],
                environ.get("QUERY_STRING", ""),
                runtime.url_key,
                runtime.clock().timestamp(),
            )
        except Expired:
            return _s3_error(start_response, "403 Forbidden", "AccessDenied", "Request has expired")
        except BadSignature:
            return _s3_error(
                start_response,
                "403 Forbidden",
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        repository = ecr_backends[grant.account_id][grant.region].repositories.get(grant.repository)
        size = runtime.blobs.size(grant.digest)
        if repository is None or grant.digest not in repository.layers or size is None:
            return _s3_error(
                start_response, "404 Not Found", "NoSuchKey", "The specified key does not exist."
            )
        try:
            span = byte_range(environ.get("HTTP_RANGE"), size)
        except ValueError:
            start_response("416 Range Not Satisfiable", [("Content-Range", f"bytes */{size}")])
            return [b""]
        start, end = span if span is not None else (0, size)
        headers = [
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", str(end - start)),
            ("Accept-Ranges", "bytes"),
            ("ETag", f'"{grant.digest.split(":", 1)[-1][:32]}"'),
        ]
        if span is not None:
            headers.append(("Content-Range", f"bytes {start}-{end - 1}/{size}"))
        start_response("206 Partial Content" if span is not None else "200 OK", headers)
        if method == "HEAD":
            return [b""]
        body: Iterator[bytes] = runtime.blobs.iter_range(grant.digest, start, end)
        if self._network.draw_fault() is not None:
            body = _drop_midway(body, (end - start) // 2)
        return self._network.limit(body)


def _drop_midway(chunks: Iterator[bytes], keep: int) -> Iterator[bytes]:
    """Send ``keep`` bytes, then end the response early; the server closes the connection (a dropped stream)."""
    sent = 0
    for chunk in chunks:
        if sent + len(chunk) >= keep:
            if keep > sent:
                yield chunk[: keep - sent]
            return
        sent += len(chunk)
        yield chunk
