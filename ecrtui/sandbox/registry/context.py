"""What every registry request handler works with: which registry it is, the request, who asked, what it names."""

from __future__ import annotations

from dataclasses import dataclass

from moto.ecr.models import ECRBackend, Repository, ecr_backends
from werkzeug.wrappers import Request

from ecrtui.sandbox.registry.errors import name_unknown
from ecrtui.sandbox.registry.tokens import TokenClaims


@dataclass(frozen=True, slots=True, order=True)
class RegistryAddress:
    """One private registry: an account's repositories in one region."""

    account_id: str
    region: str

    def repository_arn(self, name: str) -> str:
        return f"arn:aws:ecr:{self.region}:{self.account_id}:repository/{name}"


@dataclass(slots=True)
class Call:
    """One request to a registry server, once routed and authenticated."""

    request: Request
    registry: RegistryAddress
    claims: TokenClaims
    name: str
    """Repository name from the path."""
    reference: str = ""
    """Tag, digest or upload id from the path (empty when the route has none)."""
    api_port: int = 0
    """Port of the sandbox's API endpoint, where presigned blob URLs are served."""

    def backend(self) -> ECRBackend:
        """moto's state of this registry (call with the runtime lock held)."""
        return ecr_backends[self.registry.account_id][self.registry.region]

    def repository(self) -> Repository:
        """The repository the path names (call with the runtime lock held); ``NAME_UNKNOWN`` if absent."""
        repository = self.backend().repositories.get(self.name)
        if repository is None:
            raise name_unknown(self.name, self.registry.account_id)
        return repository

    def api_url(self) -> str:
        """The sandbox's API endpoint, under the host name the client used to reach this server."""
        return f"http://{hostname_of(self.request.host)}:{self.api_port}"


def hostname_of(host: str) -> str:
    """The host part of a ``Host`` header (``127.0.0.1:5000`` -> ``127.0.0.1``; IPv6 stays bracketed)."""
    if host.startswith("["):
        return host[: host.index("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host
