"""One registry server per (account, region), each on its own loopback port, and how clients find them.

Which registries get a server (moto could hold data in every region of every account, so "all" is unbounded):

- at start, every sandbox profile's home registry (``demo-dev``: 111111111111 us-east-1, ``demo-prod``:
  222222222222 eu-west-1) and every registry that holds a repository after seeding;
- later, any registry a client asks ``GetAuthorizationToken`` about (its own, or another account's through
  ``registryIds``) in a region the sandbox knows: the server starts then, and ``proxyEndpoint`` is its address,
  which is how clients find a registry on AWS too. At most ``MAX_REGISTRIES`` run at once.

moto's state is process-global, so there is one ``RegistryServers`` per process (``current()``), installed by
``Sandbox.start`` and stopped with it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from moto.ecr.models import ecr_backends

from ecrtui.sandbox.http_server import (
    QuietWsgiHandler,
    RunningServer,
    listen,
    make_quiet_server,
    serve,
    stop_servers,
)
from ecrtui.sandbox.network import NetworkSimulator
from ecrtui.sandbox.registry.app import RegistryApp
from ecrtui.sandbox.registry.context import RegistryAddress
from ecrtui.sandbox.registry.uploads import Uploads, UploadSessions

MAX_REGISTRIES = 32
"""A bound on servers started on demand (each is a socket and a thread)."""


class TooManyRegistries(RuntimeError):
    """Starting one more registry server would pass ``MAX_REGISTRIES``."""


class RegistryServers:
    """The running registry servers of one sandbox."""

    def __init__(
        self,
        host: str,
        api_port: int,
        network: NetworkSimulator,
        on_start: Callable[[], None] | None = None,
    ) -> None:
        self._host = host
        self._api_port = api_port
        self._network = network
        self._sessions = UploadSessions()
        self._uploads = Uploads(self._sessions)
        self._running: dict[RegistryAddress, RunningServer] = {}
        self._lock = threading.Lock()
        self.on_start = on_start
        """Called after a server started on demand (the sandbox rewrites its registries file)."""

    def start(self, registries: Iterable[RegistryAddress]) -> None:
        """Start servers for ``registries`` (those already running are left as they are)."""
        for registry in sorted(set(registries)):
            self.ensure(registry, notify=False)

    def ensure(self, registry: RegistryAddress, *, notify: bool = True) -> int:
        """The port of ``registry``'s server, starting it if needed; ``TooManyRegistries`` past the bound."""
        with self._lock:
            running = self._running.get(registry)
            if running is not None:
                return running.port
            if len(self._running) >= MAX_REGISTRIES:
                raise TooManyRegistries(f"the sandbox serves at most {MAX_REGISTRIES} registries")
            listener = listen(self._host, 0)
            try:
                app = RegistryApp(registry, self._network, self._uploads, self._api_port)
                server = make_quiet_server(listener, self._host, app, QuietWsgiHandler)
            finally:
                listener.close()  # the server holds its own duplicate of the socket
            running = serve(server, f"ecrtui-registry-{registry.account_id}-{registry.region}")
            self._running[registry] = running
            port = running.port
        if notify and self.on_start is not None:
            self.on_start()
        return port

    def urls(self) -> dict[RegistryAddress, str]:
        """``http://HOST:PORT`` of every running registry, in (account, region) order."""
        with self._lock:
            return {registry: self._running[registry].url for registry in sorted(self._running)}

    def detach(self) -> list[RunningServer]:
        """Hand over every running server for stopping (``stop_servers``) and drop the uploads in progress."""
        with self._lock:
            running, self._running = list(self._running.values()), {}
        self._sessions.close()
        return running

    def stop(self) -> None:
        """Stop every server and drop the uploads in progress."""
        stop_servers(self.detach())


def registries_holding_repositories() -> set[RegistryAddress]:
    """Every (account, region) whose moto backend exists and holds a repository (creating no backend)."""
    found: set[RegistryAddress] = set()
    for account_id, regions in dict.items(ecr_backends):
        for region, backend in dict.items(regions):
            if backend.repositories:
                found.add(RegistryAddress(account_id, region))
    return found


_current: RegistryServers | None = None


def current() -> RegistryServers | None:
    """The running sandbox's registry servers (None when no sandbox runs in this process)."""
    return _current


def install(servers: RegistryServers | None) -> None:
    global _current
    _current = servers
