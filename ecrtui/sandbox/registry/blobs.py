"""``/v2/NAME/blobs/DIGEST``: HEAD answers from the repository; GET redirects to a presigned download URL.

ECR answers a blob GET with ``307 Temporary Redirect`` to a presigned S3 URL, and clients follow it (dropping their
``Authorization`` header on the way, since the host differs). The sandbox does the same with the URL
``GetDownloadUrlForLayer`` returns, served by the sandbox's API endpoint: one blob route for both faces, with
``Range``, expiry, the bandwidth limit and dropped streams. A repository holds a blob when it was uploaded or
mounted into it (``repository.layers``), exactly as for ``BatchCheckLayerAvailability``.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from ecrtui.sandbox.blob_urls import BlobGrant, sign_url
from ecrtui.sandbox.registry.context import Call
from ecrtui.sandbox.registry.errors import blob_unknown, unsupported
from ecrtui.sandbox.runtime import current


def _size(call: Call) -> int:
    runtime = current()
    with runtime.lock:
        repository = call.repository()
        held = call.reference in repository.layers
    size = runtime.blobs.size(call.reference)
    if not held or size is None:
        raise blob_unknown(call.reference)
    return size


def head(call: Call) -> Response:
    size = _size(call)
    headers = {
        "Content-Type": "application/octet-stream",
        "Docker-Content-Digest": call.reference,
        "Accept-Ranges": "bytes",
    }
    response = Response(b"", 200, headers)
    response.headers["Content-Length"] = str(size)  # HEAD: the blob's length, with no body
    return response


def get(call: Call) -> Response:
    _size(call)
    runtime = current()
    grant = BlobGrant(
        call.registry.account_id,
        call.registry.region,
        call.name,
        call.reference,
        int(runtime.clock().timestamp()) + runtime.url_ttl_seconds,
    )
    url = sign_url(call.api_url(), runtime.url_key, grant)
    return Response(b"", 307, {"Location": url, "Docker-Content-Digest": call.reference})


def delete(call: Call) -> Response:
    raise unsupported("Amazon ECR does not delete blobs through the registry API; delete the images instead")
