"""The registry login line and the pull line of an image, built from ``GetAuthorizationToken``'s ``proxyEndpoint``.

The host comes from ECR's answer, never from a template: a VPC endpoint, a China or FIPS region, or a local sandbox
each have their own. The authorization token in that answer is dropped at once; what the user copies runs
``aws ecr get-login-password`` themselves, so no secret is ever shown, copied or logged.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ecrtui.ecr.errors import ServiceError, translating
from ecrtui.ecr.service_base import ServiceBase

__all__ = ["LoginOperations", "RegistryEndpoint", "login_command", "pull_command"]


@dataclass(frozen=True, slots=True)
class RegistryEndpoint:
    """Where ``docker login`` and ``docker pull`` go for one registry (no token kept)."""

    registry_id: str
    proxy_endpoint: str
    expires_at: datetime | None = None

    @property
    def host(self) -> str:
        """``HOST[:PORT]`` of the proxy endpoint, as ``docker login`` and image references write it."""
        parts = urlsplit(
            self.proxy_endpoint if "://" in self.proxy_endpoint else f"https://{self.proxy_endpoint}"
        )
        return parts.netloc or self.proxy_endpoint


def login_command(
    endpoint: RegistryEndpoint,
    region: str,
    profile: str | None = None,
    endpoint_url: str | None = None,
) -> str:
    """``aws ecr get-login-password --region R [--profile P] | docker login --username AWS --password-stdin HOST``.

    ``endpoint_url``: an ECR endpoint the user gave explicitly (not from the profile), passed on to the AWS CLI.
    """
    aws = ["aws", "ecr", "get-login-password", "--region", region]
    if profile:
        aws += ["--profile", profile]
    if endpoint_url:
        aws += ["--endpoint-url", endpoint_url]
    docker = ["docker", "login", "--username", "AWS", "--password-stdin", endpoint.host]
    return f"{shlex.join(aws)} | {shlex.join(docker)}"


def pull_command(
    endpoint: RegistryEndpoint, repository: str, *, tag: str | None = None, digest: str | None = None
) -> str:
    """``docker pull HOST/NAME@DIGEST`` (digest preferred: it names exactly this image) or ``HOST/NAME:TAG``."""
    reference = f"{endpoint.host}/{repository}"
    if digest:
        reference += f"@{digest}"
    elif tag:
        reference += f":{tag}"
    return f"docker pull {reference}"


class LoginOperations(ServiceBase):
    """The registry's login endpoint."""

    def registry_endpoint(self, registry_id: str | None = None) -> RegistryEndpoint:
        """The proxy endpoint of a registry from ``GetAuthorizationToken`` (the token itself is discarded)."""
        rid = self._rid(registry_id)
        with translating("GetAuthorizationToken"):
            response = self._ecr.get_authorization_token(registryIds=[rid])
        for data in response.get("authorizationData") or ():
            proxy = data.get("proxyEndpoint")
            if proxy:
                return RegistryEndpoint(rid, proxy, data.get("expiresAt"))
        raise ServiceError(
            f"GetAuthorizationToken named no endpoint for registry {rid}", operation="GetAuthorizationToken"
        )
