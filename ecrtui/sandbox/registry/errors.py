"""Errors of the registry API as the OCI distribution specification writes them, and the ECR errors they map from.

A response body is ``{"errors": [{"code": ..., "message": ..., "detail": ...}]}``; clients (skopeo, docker,
crane) print ``code: message``, so messages say what ECR would say. ``from_ecr`` maps the errors the shared store
raises (``registry_ops.put_image`` is the same code path as ``PutImage``) to the codes a registry client expects.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import ServiceException


class RegistryError(Exception):
    """One error response: HTTP status, distribution error code, message, optional detail and headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> bytes:
        entry: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail is not None:
            entry["detail"] = self.detail
        return json.dumps({"errors": [entry]}).encode()


def name_unknown(name: str, registry_id: str) -> RegistryError:
    return RegistryError(
        404,
        "NAME_UNKNOWN",
        f"The repository with name '{name}' does not exist in the registry with id '{registry_id}'",
    )


def manifest_unknown(reference: str, message: str | None = None) -> RegistryError:
    return RegistryError(
        404,
        "MANIFEST_UNKNOWN",
        message or f"Requested image not found: {reference}",
        {"Reference": reference},
    )


def blob_unknown(digest: str) -> RegistryError:
    return RegistryError(404, "BLOB_UNKNOWN", f"The blob '{digest}' does not exist in the repository", digest)


def upload_unknown(upload_id: str) -> RegistryError:
    return RegistryError(404, "BLOB_UPLOAD_UNKNOWN", f"Upload '{upload_id}' is not known to this repository")


def digest_invalid(message: str, digest: str | None = None) -> RegistryError:
    return RegistryError(400, "DIGEST_INVALID", message, digest)


def unsupported(message: str) -> RegistryError:
    return RegistryError(405, "UNSUPPORTED", message)


_ECR_CODES: dict[str, tuple[int, str]] = {
    "RepositoryNotFoundException": (404, "NAME_UNKNOWN"),
    "ImageNotFoundException": (404, "MANIFEST_UNKNOWN"),
    "ImageDigestDoesNotMatchException": (400, "DIGEST_INVALID"),
    "LayersNotFoundException": (400, "MANIFEST_BLOB_UNKNOWN"),
    "ReferencedImagesNotFoundException": (400, "MANIFEST_BLOB_UNKNOWN"),
    "ImageTagAlreadyExistsException": (400, "TAG_INVALID"),
    "InvalidParameterException": (400, "MANIFEST_INVALID"),
}


def from_ecr(error: ServiceException) -> RegistryError:
    """The distribution-API form of an ECR error (the sandbox's or moto's) raised by the shared store."""
    status, code = _ECR_CODES.get(str(error.code), (500, "UNKNOWN"))
    return RegistryError(status, code, str(error.message))
