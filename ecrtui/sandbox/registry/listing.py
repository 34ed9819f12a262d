"""``GET /v2/NAME/tags/list`` (lexical order, ``n``/``last`` paging with a ``Link`` header) and
``GET /v2/NAME/referrers/DIGEST`` (an OCI image index of the referrers, optionally filtered by artifact type)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from ecrtui.sandbox.images import repo_images
from ecrtui.sandbox.manifest_rules import OCI_INDEX
from ecrtui.sandbox.registry.context import Call
from ecrtui.sandbox.registry.errors import RegistryError
from ecrtui.sandbox.registry.referrers import referrers
from ecrtui.sandbox.runtime import current

MAX_TAGS_PAGE = 1000
"""A page never holds more tags than this (as ECR's ``maxResults``); a ``Link`` header points at the rest."""


def _page_size(call: Call) -> int:
    text = call.request.args.get("n")
    if text is None:
        return MAX_TAGS_PAGE
    if not text.isdigit():
        raise RegistryError(
            400, "PAGINATION_NUMBER_INVALID", f"n must be a non-negative integer (got {text!r})"
        )
    return min(int(text), MAX_TAGS_PAGE)


def tags(call: Call) -> Response:
    size = _page_size(call)
    last = call.request.args.get("last")
    with current().lock:
        names = sorted(repo_images(call.repository()).by_tag)
    if last is not None:
        names = [name for name in names if name > last]
    page, more = names[:size], len(names) > size
    headers = {"Content-Type": "application/json"}
    if more and page:
        query = urlencode({"n": size, "last": page[-1]})
        headers["Link"] = f'</v2/{call.name}/tags/list?{query}>; rel="next"'
    return Response(json.dumps({"name": call.name, "tags": page}), 200, headers)


def referrers_index(call: Call) -> Response:
    artifact_type = call.request.args.get("artifactType") or None
    with current().lock:
        found = referrers(call.repository(), call.reference, artifact_type)
    headers = {"Content-Type": OCI_INDEX}
    if artifact_type is not None:
        headers["OCI-Filters-Applied"] = "artifactType"
    body = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": found}
    return Response(json.dumps(body), 200, headers)
