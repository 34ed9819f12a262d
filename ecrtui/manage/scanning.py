"""Starting a basic vulnerability scan, with ECR's refusals said first.

ECR refuses to scan an archived image (``ImageArchivedException``), an index or a non-image artifact
(``UnsupportedImageTypeException``); under enhanced scanning (status ``ACTIVE``) images are scanned continuously
and not on demand. An image can be scanned once every 24 hours (``LimitExceededException``, reported when ECR says
so: the listing does not tell when a scan was last started).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from ecrtui.ecr.mediatypes import ImageKind
from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.manage.plan import ItemResult, Plan, attempt, image_label

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr

__all__ = ["ScanPlan", "scan_refusal"]


def scan_refusal(image: ImageSummary) -> tuple[str, str] | None:
    """(code, reason) when ECR would refuse to scan ``image``, else None."""
    if image.status in ("ARCHIVED", "ACTIVATING"):
        return "ImageArchivedException", "the image is archived: restore it before scanning"
    if image.kind in (ImageKind.INDEX, ImageKind.ARTIFACT):
        return (
            "UnsupportedImageTypeException",
            f"an {image.kind} cannot be scanned (scan its platform images)",
        )
    if image.scan_status == "ACTIVE":
        return "ValidationException", "enhanced scanning already scans this image continuously"
    return None


@dataclass(frozen=True)
class ScanPlan(Plan):
    """Start a scan of each image (one ``StartImageScan`` each)."""

    action: ClassVar[str] = "start-scan"
    repository: Repository
    images: tuple[ImageSummary, ...]

    def target(self, image: ImageSummary) -> str:
        return f"{self.repository.name}@{image.digest}"

    @property
    def todo(self) -> tuple[ImageSummary, ...]:
        return tuple(i for i in self.images if scan_refusal(i) is None)

    @property
    def title(self) -> str:
        count = len(self.todo)
        return f"Scan {count} image{'s' if count != 1 else ''} in {self.repository.name}"

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(f"scan {image_label(i)}" for i in self.todo)

    @property
    def refusals(self) -> tuple[ItemResult, ...]:
        results = []
        for image in self.images:
            refusal = scan_refusal(image)
            if refusal is not None:
                code, reason = refusal
                results.append(ItemResult(self.target(image), "refused", reason, code))
        return tuple(results)

    @property
    def notes(self) -> tuple[str, ...]:
        return ("ECR scans an image at most once every 24 hours; results arrive within minutes",)

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo

    def run(self, ecr: CachedEcr) -> list[ItemResult]:
        results = list(self.refusals)
        for image in self.todo:
            call = partial(
                ecr.start_image_scan, self.repository.name, image.digest, self.repository.registry_id
            )
            result, status = attempt(self.target(image), call)
            if status:
                result = ItemResult(result.target, "ok", f"scan {status}")
            results.append(result)
        return results
