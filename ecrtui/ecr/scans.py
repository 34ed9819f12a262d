"""Image scan findings (``DescribeImageScanFindings``) as plain frozen records the UI can list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["SEVERITY_ORDER", "Finding", "ScanFindings"]

SEVERITY_ORDER = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED")
"""Most severe first; the order the UI sorts and counts by."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One vulnerability, from basic or enhanced scanning alike."""

    name: str
    severity: str
    description: str = ""
    uri: str | None = None
    package: str | None = None
    package_version: str | None = None
    score: float | None = None
    fixed_in_version: str | None = None
    fix_available: str | None = None
    """Enhanced scanning only: ``YES``, ``NO`` or ``PARTIAL`` (some, not all, affected packages have a fix)."""
    exploit_available: str | None = None
    """Enhanced scanning only: ``YES`` or ``NO``."""

    @classmethod
    def from_basic(cls, raw: Mapping[str, Any]) -> Finding:
        attributes = {str(a.get("key")): str(a.get("value")) for a in raw.get("attributes") or ()}
        score = attributes.get("CVSS3_SCORE") or attributes.get("CVSS2_SCORE")
        return cls(
            name=str(raw.get("name") or "?"),
            severity=str(raw.get("severity") or "UNDEFINED"),
            description=str(raw.get("description") or ""),
            uri=raw.get("uri"),
            package=attributes.get("package_name"),
            package_version=attributes.get("package_version"),
            score=_float(score),
        )

    @classmethod
    def from_enhanced(cls, raw: Mapping[str, Any]) -> Finding:
        details: Mapping[str, Any] = raw.get("packageVulnerabilityDetails") or {}
        packages: Sequence[Mapping[str, Any]] = details.get("vulnerablePackages") or ()
        first: Mapping[str, Any] = packages[0] if packages else {}
        return cls(
            name=str(details.get("vulnerabilityId") or raw.get("title") or "?"),
            severity=str(raw.get("severity") or "UNDEFINED"),
            description=str(raw.get("description") or ""),
            uri=details.get("sourceUrl"),
            package=first.get("name"),
            package_version=first.get("version"),
            score=_float(raw.get("score")),
            fixed_in_version=first.get("fixedInVersion"),
            fix_available=raw.get("fixAvailable"),
            exploit_available=raw.get("exploitAvailable"),
        )


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class ScanFindings:
    """The scan state of one image and, once complete, its findings (every page gathered)."""

    status: str
    description: str = ""
    completed_at: datetime | None = None
    vulnerability_source_updated_at: datetime | None = None
    severity_counts: Mapping[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    @property
    def enhanced(self) -> bool:
        """Findings from enhanced scanning (Amazon Inspector), which say whether a fix or an exploit exists."""
        return any(f.fix_available is not None or f.exploit_available is not None for f in self.findings)

    @property
    def fixable(self) -> int:
        """How many findings have a fix (fully or partly)."""
        return sum(f.fix_available in ("YES", "PARTIAL") for f in self.findings)

    @property
    def exploitable(self) -> int:
        """How many findings have a known exploit."""
        return sum(f.exploit_available == "YES" for f in self.findings)

    @classmethod
    def from_pages(cls, pages: Sequence[Mapping[str, Any]]) -> ScanFindings:
        """Merge the pages of ``DescribeImageScanFindings`` into one record."""
        first = pages[0] if pages else {}
        status: Mapping[str, Any] = first.get("imageScanStatus") or {}
        body: Mapping[str, Any] = first.get("imageScanFindings") or {}
        findings: list[Finding] = []
        for page in pages:
            page_body: Mapping[str, Any] = page.get("imageScanFindings") or {}
            findings.extend(Finding.from_basic(f) for f in page_body.get("findings") or ())
            findings.extend(Finding.from_enhanced(f) for f in page_body.get("enhancedFindings") or ())
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        findings.sort(key=lambda f: (rank.get(f.severity, len(rank)), f.name))
        return cls(
            status=str(status.get("status") or "UNKNOWN"),
            description=str(status.get("description") or ""),
            completed_at=body.get("imageScanCompletedAt"),
            vulnerability_source_updated_at=body.get("vulnerabilitySourceUpdatedAt"),
            severity_counts={str(k): int(v) for k, v in (body.get("findingSeverityCounts") or {}).items()},
            findings=tuple(findings),
        )
