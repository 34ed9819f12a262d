"""``Sandbox``: moto's server with ECR corrected, on loopback, in a background thread.

Used three ways: ``ecrtui sandbox`` (foreground process), ``ecrtui --demo`` (in-process), and the test fixtures
(as a subprocess of ``ecrtui sandbox``). moto's backends are process-global, so there is one sandbox per process.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from moto.core.base_backend import BackendDict
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server, select_address_family

from ecrtui.sandbox import ecr_handlers, runtime
from ecrtui.sandbox.accounts import create_profile_credentials
from ecrtui.sandbox.network import NetworkSimulator
from ecrtui.sandbox.options import SandboxOptions
from ecrtui.sandbox.profiles import Credentials, ProfileFiles, write_profile_files
from ecrtui.sandbox.rate_limits import RateLimiter
from ecrtui.sandbox.wsgi import SandboxApp

log = logging.getLogger("ecrtui.sandbox")


def _handle_request_error(request: Any, client_address: Any) -> None:
    """Replace socketserver's default, which prints a traceback to stderr (over the TUI under --demo).

    A client that hangs up mid-request (a cancelled download, a test dropping a stream) is normal for a server;
    anything else is logged, not printed.
    """
    error = sys.exc_info()[1]
    if isinstance(error, ConnectionError | TimeoutError):
        return
    log.error("sandbox request from %s failed", client_address[0] if client_address else "?", exc_info=True)


def _server_log(type: str, message: str, *args: Any) -> None:
    """werkzeug's server log (``Error on request`` with a traceback) as one line on the sandbox's logger."""
    text = (message % args if args else message).strip()
    lines = text.splitlines() or ["request failed"]
    level = logging.getLevelName(type.upper())
    summary = f"{lines[0]} {lines[-1]}" if len(lines) > 1 else lines[0]
    log.log(level if isinstance(level, int) else logging.ERROR, "%s", summary)


class QuietRequestHandler(MotoRequestHandler):
    """No request log: request lines would print presigned URLs and are noise in a terminal app."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        return None


def _listen(host: str, port: int) -> socket.socket:
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


class Sandbox:
    """A running local ECR: start it, point boto3 at ``endpoint_url`` (or at ``write_profiles``), stop it."""

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.options = options or SandboxOptions()
        self.credentials: dict[str, Credentials] = {}
        self.seed_seconds: float = 0.0
        """Time spent seeding at the last start (reported by the CLI and benchmarks)."""
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        return f"http://{host}:{port}"

    def start(self) -> Sandbox:
        """Bind the port, seed the registries and serve in a daemon thread; requests succeed on return.

        Raises ``ValueError`` for bad options and ``OSError`` when the address cannot be bound (before seeding,
        so a busy port fails fast).
        """
        self.options.validate()
        listener = _listen(self.options.host, self.options.port)
        try:
            os.environ.pop("MOTO_ACCOUNT_ID", None)  # would force every request into one account
            BackendDict.reset()
            runtime.reset(
                runtime.Runtime(
                    url_ttl_seconds=self.options.url_ttl_seconds,
                    rate_limiter=RateLimiter() if self.options.rate_limits else None,
                )
            )
            ecr_handlers.install()
            self.credentials = create_profile_credentials()
            started = time.perf_counter()
            self._seed()
            self.seed_seconds = time.perf_counter() - started
            dispatcher = DomainDispatcherApplication(create_backend_app)
            for service in ("ecr", "sts"):
                dispatcher.app_instances[service] = create_backend_app(service)
            network = NetworkSimulator(
                latency_ms=self.options.latency_ms,
                bandwidth_mbps=self.options.bandwidth_mbps,
                fail_rate=self.options.fail_rate,
                fail_seed=self.options.fail_seed,
            )
            self._server = make_server(
                self.options.host,
                self.options.port,
                SandboxApp(dispatcher, network),
                threaded=True,
                request_handler=QuietRequestHandler,
                fd=listener.fileno(),
            )
            self._server.handle_error = _handle_request_error  # type: ignore[method-assign]
            self._server.log = _server_log  # type: ignore[method-assign]
        finally:
            listener.close()  # the server holds its own duplicate of the socket
        self._thread = threading.Thread(target=self._server.serve_forever, name="ecrtui-sandbox", daemon=True)
        self._thread.start()
        return self

    def _seed(self) -> None:
        from ecrtui.sandbox import scale, seed

        if self.options.seed == "demo":
            seed.seed_demo()
        if self.options.scale_repos or self.options.scale_images:
            scale.seed_scale(self.options.scale_repos, self.options.scale_images)
        if self.options.scale_layer_mib:
            from ecrtui.sandbox.scale_layer import seed_large_layers

            seed_large_layers(self.options.scale_layer_mib, self.options.scale_layers)

    def write_profiles(self, directory: Path | str) -> ProfileFiles:
        """Write ``DIR/config`` and ``DIR/credentials`` for every sandbox profile, pointing at this sandbox.

        ``FileExistsError`` (an ``OSError``) when DIR already holds AWS files the sandbox did not write.
        """
        return write_profile_files(Path(directory), self.endpoint_url, self.credentials)

    def stop(self) -> None:
        """Stop serving and release the port and the blob files."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None
        runtime.current().blobs.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
