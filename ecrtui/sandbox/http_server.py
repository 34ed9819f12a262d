"""The threaded loopback HTTP servers the sandbox runs: the AWS API endpoint and one per registry.

Both kinds must stay silent (no request log: it would print presigned URLs and tokens, and under ``--demo``
anything on stderr lands on the TUI), must fail with an ``OSError`` on a busy port instead of werkzeug's
``sys.exit``, and must report their own bugs as one log line. ``serve`` starts one such server in a daemon thread.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
from dataclasses import dataclass
from typing import Any

from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server, select_address_family

log = logging.getLogger("ecrtui.sandbox")


def handle_request_error(request: Any, client_address: Any) -> None:
    """Replace socketserver's default, which prints a traceback to stderr (over the TUI under --demo).

    A client that hangs up mid-request (a cancelled download, a test dropping a stream) is normal for a server;
    anything else is logged, not printed.
    """
    error = sys.exc_info()[1]
    if isinstance(error, ConnectionError | TimeoutError):
        return
    log.error("sandbox request from %s failed", client_address[0] if client_address else "?", exc_info=True)


def server_log(type: str, message: str, *args: Any) -> None:
    """werkzeug's server log (``Error on request`` with a traceback) as one line on the sandbox's logger."""
    text = (message % args if args else message).strip()
    lines = text.splitlines() or ["request failed"]
    level = logging.getLevelName(type.upper())
    summary = f"{lines[0]} {lines[-1]}" if len(lines) > 1 else lines[0]
    log.log(level if isinstance(level, int) else logging.ERROR, "%s", summary)


class QuietRequestHandler(MotoRequestHandler):
    """moto's handler (it keeps headers with underscores) without the request log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        return None


class QuietWsgiHandler(WSGIRequestHandler):
    """werkzeug's plain handler without the request log (the registry servers: no AWS header quirks)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        return None


def listen(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves: werkzeug would print and ``sys.exit`` on a busy port, which must
    not happen inside ``ecrtui --demo``; here the caller gets an ``OSError`` to report in one line."""
    listener = socket.socket(select_address_family(host, port), socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
    except OSError:
        listener.close()
        raise
    return listener


def url_of(server: BaseWSGIServer) -> str:
    """``http://HOST:PORT`` of a running server (IPv6 literals bracketed)."""
    host, port = server.server_address[:2]
    if isinstance(host, bytes):
        host = host.decode()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


@dataclass
class RunningServer:
    """A server answering in its own daemon thread."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return url_of(self.server)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def make_quiet_server(
    listener: socket.socket, host: str, app: Any, handler: type[WSGIRequestHandler]
) -> BaseWSGIServer:
    """A threaded werkzeug server on an already bound socket, with the sandbox's error reporting."""
    port = int(listener.getsockname()[1])
    server = make_server(host, port, app, threaded=True, request_handler=handler, fd=listener.fileno())
    server.handle_error = handle_request_error  # type: ignore[method-assign]
    server.log = server_log  # type: ignore[method-assign]
    return server


def serve(server: BaseWSGIServer, name: str) -> RunningServer:
    """Answer requests in a daemon thread named ``name``."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return RunningServer(server, thread)


def stop_servers(servers: list[RunningServer]) -> None:
    """Stop several servers at once: each notices a shutdown request only at its next poll (up to half a
    second), so stopping them one after another would add those waits up (``--demo`` stops them on exit)."""
    stoppers = [threading.Thread(target=server.stop, daemon=True) for server in servers]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join(timeout=15)
