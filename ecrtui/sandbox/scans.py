"""Scan findings that agree with the seeded scan summaries, deterministic per image.

moto answers ``DescribeImageScanFindings`` with one fixed fake finding stamped with the current time, which would
contradict the severity counts ``DescribeImages`` shows for seeded images and change between runs. For an image
with a seeded summary, the sandbox lists findings matching those counts, derived from the image digest.
"""

from __future__ import annotations

import random
from typing import Any

from ecrtui.sandbox.images import SandboxImage

_PACKAGES = (
    ("openssl", "3.0.15-1~deb12u1"),
    ("libexpat1", "2.5.0-1+deb12u1"),
    ("zlib1g", "1:1.2.13.dfsg-1"),
    ("libc6", "2.36-9+deb12u7"),
    ("curl", "7.88.1-10+deb12u8"),
    ("libsqlite3-0", "3.40.1-2+deb12u1"),
    ("perl-base", "5.36.0-7+deb12u1"),
    ("libgnutls30", "3.7.9-2+deb12u3"),
)


def findings(image: SandboxImage) -> list[dict[str, Any]]:
    """One finding per counted vulnerability, most severe first, the same on every run."""
    assert image.scan_summary is not None
    counts: dict[str, int] = image.scan_summary["imageScanFindingsSummary"]["findingSeverityCounts"]
    rng = random.Random(image.image_digest)
    result = []
    for severity in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"):
        for _ in range(counts.get(severity, 0)):
            name = f"CVE-{rng.randint(2021, 2026)}-{rng.randint(1000, 52999)}"
            package, version = rng.choice(_PACKAGES)
            result.append(
                {
                    "name": name,
                    "uri": f"https://security-tracker.debian.org/tracker/{name}",
                    "severity": severity,
                    "attributes": [
                        {"key": "package_name", "value": package},
                        {"key": "package_version", "value": version},
                    ],
                }
            )
    return result


def findings_response(image: SandboxImage, registry_id: str, repository_name: str) -> dict[str, Any]:
    """The ``DescribeImageScanFindings`` body for a seeded image (all findings on one page)."""
    assert image.scan_summary is not None
    summary = image.scan_summary["imageScanFindingsSummary"]
    image_id = {"imageDigest": image.image_digest}
    if image.image_tags:
        image_id["imageTag"] = image.image_tags[0]
    return {
        "registryId": registry_id,
        "repositoryName": repository_name,
        "imageId": image_id,
        "imageScanStatus": image.scan_summary["imageScanStatus"],
        "imageScanFindings": {
            "imageScanCompletedAt": summary["imageScanCompletedAt"],
            "vulnerabilitySourceUpdatedAt": summary["vulnerabilitySourceUpdatedAt"],
            "findingSeverityCounts": summary["findingSeverityCounts"],
            "findings": findings(image),
        },
    }
