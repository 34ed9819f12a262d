"""ECR error codes moto does not raise, as moto service exceptions.

moto serialises a ``ServiceException`` with its ``code`` as the AWS error type, so boto3 raises the typed
exception (``client.exceptions.LayersNotFoundException``) exactly as it would against real ECR.
"""

from __future__ import annotations

from collections.abc import Iterable

from moto.core.exceptions import ServiceException


def java_list(items: Iterable[str]) -> str:
    """A list as ECR (a Java service) writes it in messages: ``[sha256:a, sha256:b]``.

    Clients parse this form out of ``LayersNotFoundException`` to learn which layers to upload, so a Python
    repr (``['sha256:a']``) would break them.
    """
    return "[" + ", ".join(items) + "]"


class EcrServiceError(ServiceException):
    """Base of the sandbox's ECR errors; ``code`` is the ECR exception name."""

    code = "ServerException"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class ImageDigestDoesNotMatchException(EcrServiceError):
    code = "ImageDigestDoesNotMatchException"


class InvalidLayerException(EcrServiceError):
    code = "InvalidLayerException"


class EmptyUploadException(EcrServiceError):
    code = "EmptyUploadException"


class LayerPartTooSmallException(EcrServiceError):
    code = "LayerPartTooSmallException"


class InvalidLayerPartException(EcrServiceError):
    """Carries ``lastValidByteReceived`` (a modelled field of the error), so a client can resume after it."""

    code = "InvalidLayerPartException"

    def __init__(
        self, message: str, *, last_valid_byte: int, upload_id: str, registry_id: str, name: str
    ) -> None:
        super().__init__(message)
        self.lastValidByteReceived = last_valid_byte
        self.uploadId = upload_id
        self.registryId = registry_id
        self.repositoryName = name


class UploadNotFoundException(EcrServiceError):
    code = "UploadNotFoundException"


class LayersNotFoundException(EcrServiceError):
    code = "LayersNotFoundException"


class ReferencedImagesNotFoundException(EcrServiceError):
    code = "ReferencedImagesNotFoundException"


class ImageTagAlreadyExistsException(EcrServiceError):
    code = "ImageTagAlreadyExistsException"


class ImageAlreadyExistsException(EcrServiceError):
    code = "ImageAlreadyExistsException"


class ImageNotFoundException(EcrServiceError):
    code = "ImageNotFoundException"


class InvalidParameterException(EcrServiceError):
    code = "InvalidParameterException"


class RepositoryNotFoundException(EcrServiceError):
    code = "RepositoryNotFoundException"


class LayerInaccessibleException(EcrServiceError):
    code = "LayerInaccessibleException"


class LayerAlreadyExistsException(EcrServiceError):
    code = "LayerAlreadyExistsException"


class ImageArchivedException(EcrServiceError):
    code = "ImageArchivedException"


class ImageStorageClassUpdateNotSupportedException(EcrServiceError):
    code = "ImageStorageClassUpdateNotSupportedException"


class ValidationException(EcrServiceError):
    """A request that breaks a constraint of the API model (a list too long, a value off its pattern)."""

    code = "ValidationException"


class UnsupportedImageTypeException(EcrServiceError):
    code = "UnsupportedImageTypeException"


class LimitExceededException(EcrServiceError):
    code = "LimitExceededException"


class ScanNotFoundException(EcrServiceError):
    code = "ScanNotFoundException"


class LifecyclePolicyNotFoundException(EcrServiceError):
    code = "LifecyclePolicyNotFoundException"


class LifecyclePolicyPreviewNotFoundException(EcrServiceError):
    code = "LifecyclePolicyPreviewNotFoundException"


class LifecyclePolicyPreviewInProgressException(EcrServiceError):
    code = "LifecyclePolicyPreviewInProgressException"


class ReplicationBackfillInProgressException(EcrServiceError):
    code = "ReplicationBackfillInProgressException"


class ReplicationBackfillNotFoundException(EcrServiceError):
    code = "ReplicationBackfillNotFoundException"


class ReplicationBackfillInvalidStatusException(EcrServiceError):
    code = "ReplicationBackfillInvalidStatusException"


class TemplateAlreadyExistsException(EcrServiceError):
    code = "TemplateAlreadyExistsException"


class TemplateNotFoundException(EcrServiceError):
    code = "TemplateNotFoundException"


class AccessDeniedException(EcrServiceError):
    """A cross-account repository call no repository policy allows (or one an explicit Deny refuses)."""

    code = "AccessDeniedException"
