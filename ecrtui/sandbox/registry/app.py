"""The WSGI application of one registry server: network simulation, authentication, routing, errors.

Every request first passes the sandbox's network simulator (the same latency, bandwidth limit and seeded faults as
the ECR API: a fault answers ``429 TOOMANYREQUESTS`` or ``500 UNKNOWN``), then authentication (``auth``), then the
endpoint. Each repository endpoint is checked as the ECR action that guards it on AWS (a manifest GET is
``ecr:BatchGetImage``, an upload ``ecr:InitiateLayerUpload``...), which is what a refusal names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ecrtui.sandbox.network import NetworkSimulator, ThrottledReader
from ecrtui.sandbox.registry import blobs, listing, manifests
from ecrtui.sandbox.registry.auth import authenticate, authorize
from ecrtui.sandbox.registry.context import Call, RegistryAddress
from ecrtui.sandbox.registry.errors import RegistryError, unsupported
from ecrtui.sandbox.registry.routes import Endpoint, route
from ecrtui.sandbox.registry.tokens import derive_key
from ecrtui.sandbox.registry.uploads import Uploads
from ecrtui.sandbox.runtime import current

log = logging.getLogger("ecrtui.sandbox")

Handler = Callable[[Call], Response]
StartResponse = Callable[..., Any]

API_VERSION_HEADER = ("Docker-Distribution-API-Version", "registry/2.0")
_BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})


def _error_response(error: RegistryError) -> Response:
    return Response(error.body(), error.status, {"Content-Type": "application/json", **error.headers})


class RegistryApp:
    """One registry (account and region) speaking the OCI distribution API."""

    def __init__(self, registry: RegistryAddress, network: NetworkSimulator, uploads: Uploads, api_port: int):
        self.registry = registry
        self._network = network
        self._api_port = api_port
        self._actions: dict[tuple[Endpoint, str], tuple[str, Handler]] = {
            (Endpoint.MANIFEST, "GET"): ("BatchGetImage", manifests.get),
            (Endpoint.MANIFEST, "HEAD"): ("BatchGetImage", manifests.get),
            (Endpoint.MANIFEST, "PUT"): ("PutImage", manifests.put),
            (Endpoint.MANIFEST, "DELETE"): ("BatchDeleteImage", manifests.delete),
            (Endpoint.BLOB, "GET"): ("GetDownloadUrlForLayer", blobs.get),
            (Endpoint.BLOB, "HEAD"): ("BatchCheckLayerAvailability", blobs.head),
            (Endpoint.BLOB, "DELETE"): ("BatchDeleteImage", blobs.delete),
            (Endpoint.UPLOADS, "POST"): ("InitiateLayerUpload", uploads.start),
            (Endpoint.UPLOAD, "GET"): ("UploadLayerPart", uploads.status),
            (Endpoint.UPLOAD, "PATCH"): ("UploadLayerPart", uploads.append),
            (Endpoint.UPLOAD, "PUT"): ("CompleteLayerUpload", uploads.complete),
            (Endpoint.UPLOAD, "DELETE"): ("UploadLayerPart", uploads.cancel),
            (Endpoint.TAGS, "GET"): ("ListImages", listing.tags),
            (Endpoint.REFERRERS, "GET"): ("BatchGetImage", listing.referrers_index),
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self._network.delay()
        rate = self._network.bytes_per_second
        if rate is not None and environ.get("REQUEST_METHOD") in _BODY_METHODS:
            environ["wsgi.input"] = ThrottledReader(environ["wsgi.input"], rate)
        request = Request(environ)
        try:
            response = self._respond(request)
        except RegistryError as error:
            response = _error_response(error)
        except HTTPException as error:  # werkzeug's own (a client that hung up mid-body, a bad request line)
            response = _error_response(RegistryError(error.code or 400, "UNKNOWN", error.description or ""))
        except Exception as error:  # a sandbox bug: one log line and a 500, never a traceback on stderr
            summary = f"{type(error).__name__}: {error}".splitlines()[0][:300]
            log.error("internal error in registry %s %s: %s", request.method, request.path, summary)
            log.debug("internal error in registry request", exc_info=error)
            response = _error_response(RegistryError(500, "UNKNOWN", "Sandbox internal error"))
        response.headers[API_VERSION_HEADER[0]] = API_VERSION_HEADER[1]
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        fault = self._network.draw_fault()
        if fault is not None:
            if fault < 0.5:
                raise RegistryError(429, "TOOMANYREQUESTS", "Rate exceeded")
            raise RegistryError(500, "UNKNOWN", "Simulated internal error")
        target = route(request.path)
        if target is None:
            raise RegistryError(404, "NAME_INVALID", f"No registry endpoint at {request.path}")
        runtime = current()
        claims = authenticate(
            request.headers.get("Authorization"),
            self.registry,
            request.host_url,
            derive_key(runtime.url_key),
            runtime.clock().timestamp(),
        )
        if target.endpoint is Endpoint.PING:
            return Response(b"{}", 200, {"Content-Type": "application/json"})
        if target.endpoint is Endpoint.CATALOG:
            raise unsupported(
                "Amazon ECR does not list repositories through the registry API; use DescribeRepositories"
            )
        action = self._actions.get((target.endpoint, request.method))
        if action is None:
            raise unsupported(f"{request.method} is not supported on this endpoint")
        action_name, handler = action
        authorize(claims, self.registry, action_name, target.name)
        call = Call(request, self.registry, claims, target.name, target.reference, self._api_port)
        return handler(call)
