"""What the service's operation groups share: the ECR client, registry-id defaulting, the read-only guard.

``EcrService`` combines ``RepositoryOperations`` and ``ImageOperations`` (one module each) on top of this base.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ecrtui.ecr.blobs import BlobDownloader
from ecrtui.ecr.errors import InvalidInput, ReadOnlyError
from ecrtui.ecr.refs import InvalidReference, check_digest, check_repository_name, check_tag

if TYPE_CHECKING:
    from mypy_boto3_ecr.client import ECRClient

__all__ = ["BATCH_SIZE", "PAGE_SIZE", "ServiceBase", "chunks"]

PAGE_SIZE = 1000
"""ECR's maximum page for DescribeRepositories/DescribeImages: a 1,000-image repository is one call."""
BATCH_SIZE = 100
"""ECR's maximum image ids per BatchGetImage/BatchDeleteImage/DescribeImages-by-id call."""


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ServiceBase:
    """State every operation group uses; ``EcrService`` fills it in."""

    read_only: bool
    _ecr: ECRClient
    _blobs: BlobDownloader

    @property
    def account_id(self) -> str:
        """The caller's own account: the default registry id."""
        raise NotImplementedError

    def _rid(self, registry_id: str | None) -> str:
        """Every call names its registry: the one given, else the caller's own."""
        return registry_id or self.account_id

    def _guard(
        self,
        operation: str,
        *,
        name: str | None = None,
        tags: Sequence[str] = (),
        digests: Sequence[str] = (),
    ) -> None:
        """Refuse a mutation before any request: read-only mode, or a name, tag or digest ECR would refuse.

        Checked here because ECR's own refusal is a regular expression, and a lenient endpoint (the sandbox, a
        mirror) might store a tag like 'v1 beta' that nothing can pull.
        """
        if self.read_only:
            raise ReadOnlyError(f"Read-only mode: {operation} is not allowed", operation=operation)
        try:
            if name is not None:
                check_repository_name(name)
            for tag in tags:
                check_tag(tag)
            for digest in digests:
                check_digest(digest)
        except InvalidReference as exc:
            raise InvalidInput(str(exc), operation=operation) from None
