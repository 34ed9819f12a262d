"""Scan findings that agree with each image's scan summary, deterministic per image, in ECR's two shapes.

moto answers ``DescribeImageScanFindings`` with one fixed fake finding stamped with the current time, which would
contradict the severity counts ``DescribeImages`` shows and change between runs. Here every finding derives from
the image digest and the counts of its summary:

- basic scanning (``imageScanStatus`` ``COMPLETE``): ``findings`` with name, uri, severity and package attributes;
- enhanced scanning (Amazon Inspector, ``imageScanStatus`` ``ACTIVE``, "Continuous scan is selected for image."):
  ``enhancedFindings`` with the vulnerable package, the version that fixes it, ``fixAvailable`` (YES, NO,
  PARTIAL), ``exploitAvailable`` (YES, NO), scores and remediation, as botocore's ``EnhancedImageScanFinding``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ecrtui.sandbox.images import SandboxImage

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED")
"""Most severe first, the order findings are listed in."""
ENHANCED_STATUS = {"status": "ACTIVE", "description": "Continuous scan is selected for image."}
BASIC_COMPLETE = {"status": "COMPLETE", "description": "The scan was completed successfully."}

_PACKAGES: tuple[tuple[str, str, str | None], ...] = (
    ("openssl", "3.0.15-1~deb12u1", "3.0.16-1~deb12u1"),
    ("libexpat1", "2.5.0-1+deb12u1", "2.5.0-1+deb12u2"),
    ("zlib1g", "1:1.2.13.dfsg-1", None),
    ("libc6", "2.36-9+deb12u7", "2.36-9+deb12u10"),
    ("curl", "7.88.1-10+deb12u8", "7.88.1-10+deb12u12"),
    ("libsqlite3-0", "3.40.1-2+deb12u1", None),
    ("perl-base", "5.36.0-7+deb12u1", "5.36.0-7+deb12u2"),
    ("libgnutls30", "3.7.9-2+deb12u3", "3.7.9-2+deb12u4"),
)
_SCORES = {"CRITICAL": 9.1, "HIGH": 7.5, "MEDIUM": 5.3, "LOW": 3.1, "INFORMATIONAL": 0.0, "UNDEFINED": 0.0}


def is_enhanced(image: SandboxImage) -> bool:
    """Whether the image's scan summary is an enhanced (continuous) one."""
    summary = image.scan_summary or {}
    return bool(summary.get("imageScanStatus", {}).get("status") == ENHANCED_STATUS["status"])


def completed_summary(
    rng: random.Random, completed: datetime, status: dict[str, str] | None = None
) -> dict[str, Any]:
    """A finished scan's ``DescribeImages`` fields with varied but seeded severity counts."""
    counts = {
        "CRITICAL": rng.choice((0, 0, 0, 1)),
        "HIGH": rng.randint(0, 3),
        "MEDIUM": rng.randint(1, 9),
        "LOW": rng.randint(2, 14),
    }
    return {
        "imageScanStatus": dict(status or BASIC_COMPLETE),
        "imageScanFindingsSummary": {
            "imageScanCompletedAt": completed,
            "vulnerabilitySourceUpdatedAt": completed - timedelta(hours=6),
            "findingSeverityCounts": {k: v for k, v in counts.items() if v},
        },
    }


def _draws(image: SandboxImage) -> list[tuple[str, str, tuple[str, str, str | None], random.Random]]:
    """(severity, vulnerability id, package, rng) per counted finding, most severe first, the same every run."""
    assert image.scan_summary is not None
    counts: dict[str, int] = image.scan_summary["imageScanFindingsSummary"]["findingSeverityCounts"]
    rng = random.Random(image.image_digest)
    drawn: list[tuple[str, str, tuple[str, str, str | None], random.Random]] = []
    for severity in SEVERITIES:
        for _ in range(counts.get(severity, 0)):
            name = f"CVE-{rng.randint(2021, 2026)}-{rng.randint(1000, 52999)}"
            drawn.append((severity, name, rng.choice(_PACKAGES), rng))
    return drawn


def findings(image: SandboxImage) -> list[dict[str, Any]]:
    """Basic-scanning findings, one per counted vulnerability."""
    return [
        {
            "name": name,
            "uri": f"https://security-tracker.debian.org/tracker/{name}",
            "severity": severity,
            "attributes": [
                {"key": "package_name", "value": package},
                {"key": "package_version", "value": version},
            ],
        }
        for severity, name, (package, version, _), _ in _draws(image)
    ]


def enhanced_findings(image: SandboxImage, registry_id: str, region: str) -> list[dict[str, Any]]:
    """Enhanced-scanning (Inspector) findings, one per counted vulnerability."""
    assert image.scan_summary is not None
    observed: datetime = image.scan_summary["imageScanFindingsSummary"]["imageScanCompletedAt"]
    result = []
    for number, (severity, name, (package, version, fixed), rng) in enumerate(_draws(image)):
        fix = "NO" if fixed is None else rng.choice(("YES", "YES", "PARTIAL"))
        package_entry: dict[str, Any] = {"name": package, "version": version, "packageManager": "OS"}
        if fixed is not None:
            package_entry["fixedInVersion"] = fixed
        score = _SCORES[severity]
        result.append(
            {
                "awsAccountId": registry_id,
                "description": f"A flaw in {package} {version} ({name}).",
                "findingArn": f"arn:aws:inspector2:{region}:{registry_id}:finding/{image.image_digest[7:23]}{number:04d}",
                "firstObservedAt": observed - timedelta(days=rng.randint(1, 30)),
                "lastObservedAt": observed,
                "updatedAt": observed,
                "packageVulnerabilityDetails": {
                    "vulnerabilityId": name,
                    "source": "DEBIAN_BOOKWORM",
                    "sourceUrl": f"https://security-tracker.debian.org/tracker/{name}",
                    "vendorSeverity": severity.lower(),
                    "vulnerablePackages": [package_entry],
                    "cvss": [{"baseScore": score, "scoringVector": "CVSS:3.1/AV:N/AC:L", "source": "NVD"}],
                },
                "remediation": {
                    "recommendation": {
                        "text": f"Upgrade {package} to {fixed}." if fixed else "None provided",
                    }
                },
                "resources": [
                    {
                        "id": f"arn:aws:ecr:{region}:{registry_id}:repository/{image.repository_name}/"
                        f"{image.image_digest}",
                        "type": "AWS_ECR_CONTAINER_IMAGE",
                        "details": {
                            "awsEcrContainerImage": {
                                "imageHash": image.image_digest,
                                "imageTags": list(image.image_tags),
                                "registry": registry_id,
                                "repositoryName": image.repository_name,
                                "pushedAt": image.pushed_at,
                            }
                        },
                    }
                ],
                "score": score,
                "scoreDetails": {"cvss": {"score": score, "scoreSource": "NVD", "version": "3.1"}},
                "severity": severity,
                "status": "ACTIVE",
                "title": f"{name} - {package}",
                "type": "PACKAGE_VULNERABILITY",
                "fixAvailable": fix,
                "exploitAvailable": rng.choice(("NO", "NO", "YES")),
            }
        )
    return result
