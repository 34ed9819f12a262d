"""``Sandbox``: moto's server with ECR corrected, on loopback, in a background thread.

Used three ways: ``ecrtui sandbox`` (foreground process), ``ecrtui --demo`` (in-process), and the test fixtures
(as a subprocess of ``ecrtui sandbox``). moto's backends are process-global, so there is one sandbox per process.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
import warnings
from pathlib import Path
from types import TracebackType

from moto.core.base_backend import BackendDict
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from ecrtui.sandbox import ecr_handlers, replication, runtime
from ecrtui.sandbox.accounts import create_profile_credentials
from ecrtui.sandbox.http_server import (
    QuietRequestHandler,
    RunningServer,
    listen,
    make_quiet_server,
    serve,
    stop_servers,
)
from ecrtui.sandbox.network import NetworkSimulator
from ecrtui.sandbox.options import SandboxOptions
from ecrtui.sandbox.profiles import (
    SANDBOX_PROFILES,
    Credentials,
    ProfileFiles,
    RegistryEndpoint,
    write_profile_files,
    write_registries_file,
)
from ecrtui.sandbox.rate_limits import RateLimiter
from ecrtui.sandbox.registry import servers as registry_servers
from ecrtui.sandbox.registry.context import RegistryAddress
from ecrtui.sandbox.wsgi import SandboxApp

# ECR's model has no ThrottlingException shape (throttling is a common AWS error), so moto warns each time the
# rate limiter answers one; that warning would land on the terminal of ``ecrtui sandbox`` and ``--demo``.
warnings.filterwarnings(
    "ignore", message=r"Exception\(\w+\) with code \w+ does not match an error shape", category=UserWarning
)

log = logging.getLogger("ecrtui.sandbox")


def initial_registries() -> set[RegistryAddress]:
    """The registries that get a server at start: each profile's home registry and every registry holding a
    repository (others start when ``GetAuthorizationToken`` asks for them; see ``registry.servers``)."""
    homes = {RegistryAddress(p.account_id, p.region) for p in SANDBOX_PROFILES}
    return homes | registry_servers.registries_holding_repositories()


class Sandbox:
    """A running local ECR: start it, point boto3 at ``endpoint_url`` (or at ``write_profiles``), pull and push
    through ``registry_urls``, stop it."""

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.options = options or SandboxOptions()
        self.credentials: dict[str, Credentials] = {}
        self.seed_seconds: float = 0.0
        """Time spent seeding at the last start (reported by the CLI and benchmarks)."""
        self.registry_seconds: float = 0.0
        """Time spent starting the registry servers at the last start (benchmarks)."""
        self._api: RunningServer | None = None
        self._registries: registry_servers.RegistryServers | None = None
        self._profiles_dir: Path | None = None
        self._files_lock = threading.Lock()

    @property
    def endpoint_url(self) -> str:
        if self._api is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._api.url

    @property
    def registry_urls(self) -> dict[RegistryAddress, str]:
        """``http://HOST:PORT`` of every running registry server, in (account, region) order."""
        if self._registries is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._registries.urls()

    def start(self) -> Sandbox:
        """Bind the port, seed the registries and serve in daemon threads; requests succeed on return.

        Raises ``ValueError`` for bad options and ``OSError`` when the address cannot be bound (before seeding,
        so a busy port fails fast).
        """
        self.options.validate()
        listener = listen(self.options.host, self.options.port)
        try:
            os.environ.pop("MOTO_ACCOUNT_ID", None)  # would force every request into one account
            BackendDict.reset()
            runtime.reset(
                runtime.Runtime(
                    url_ttl_seconds=self.options.url_ttl_seconds,
                    token_ttl_seconds=self.options.token_ttl_seconds,
                    activation_seconds=self.options.activation_seconds,
                    rate_limiter=RateLimiter.scaled(self.options.rate_limit_scale)
                    if self.options.rate_limits
                    else None,
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
                deny_blob_downloads=self.options.deny_blob_downloads,
            )
            server = make_quiet_server(
                listener, self.options.host, SandboxApp(dispatcher, network), QuietRequestHandler
            )
        finally:
            listener.close()  # the server holds its own duplicate of the socket
        replication.install(
            self.options.replication_delay_ms
        )  # after the seed: seeded images predate the rules
        self._api = serve(server, "ecrtui-sandbox")
        started = time.perf_counter()
        try:
            self._registries = registry_servers.RegistryServers(
                self.options.host, self._api.port, network, on_start=self._registries_changed
            )
            registry_servers.install(self._registries)
            self._registries.start(initial_registries())
        except BaseException:
            self.stop()
            raise
        self.registry_seconds = time.perf_counter() - started
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

    def _registry_endpoints(self) -> list[RegistryEndpoint]:
        return [RegistryEndpoint(r.account_id, r.region, url) for r, url in self.registry_urls.items()]

    def write_profiles(self, directory: Path | str) -> ProfileFiles:
        """Write ``DIR/config``, ``DIR/credentials`` and ``DIR/registries.json`` pointing at this sandbox; the
        registries file is rewritten whenever a registry server starts on demand.

        ``FileExistsError`` (an ``OSError``) when DIR already holds files the sandbox did not write.
        """
        directory = Path(directory)
        with self._files_lock:
            files = write_profile_files(directory, self.endpoint_url, self.credentials)
            registries_file = write_registries_file(directory, self.endpoint_url, self._registry_endpoints())
            self._profiles_dir = directory
        return dataclasses.replace(files, registries_file=registries_file)

    def _registries_changed(self) -> None:
        with self._files_lock:
            if self._profiles_dir is None or self._api is None:
                return
            try:
                write_registries_file(self._profiles_dir, self.endpoint_url, self._registry_endpoints())
            except OSError as error:
                log.warning("cannot update %s: %s", self._profiles_dir / "registries.json", error.strerror)

    def stop(self) -> None:
        """Stop serving and release the ports and the blob files."""
        servers = [self._api] if self._api is not None else []
        if self._registries is not None:
            servers += self._registries.detach()
            registry_servers.install(None)
        stop_servers(servers)
        self._registries = None
        self._api = None
        replication.uninstall()
        runtime.current().blobs.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
