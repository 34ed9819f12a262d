"""The ``subject`` of a referrer (a signature, an SBOM, an attestation): ECR's ``subjectManifestDigest``.

``DescribeImages`` reports it for every image whose manifest names a subject, which is how a client finds what
would be left without its subject when an image is deleted. Read once per image and kept on it; manifests that
cannot name a subject (no ``"subject"`` in their bytes) are never parsed, so listing 100,000 images stays cheap.
"""

from __future__ import annotations

import json
from typing import Any

_UNREAD = object()


def subject_digest(image: Any) -> str | None:
    """The digest ``image``'s manifest names as its ``subject``, or None."""
    cached = getattr(image, "_sandbox_subject", _UNREAD)
    if cached is not _UNREAD:
        return cached if isinstance(cached, str) else None
    found: str | None = None
    manifest = image.image_manifest
    if isinstance(manifest, str) and '"subject"' in manifest:
        try:
            subject = json.loads(manifest).get("subject")
        except (ValueError, AttributeError):
            subject = None
        if isinstance(subject, dict) and isinstance(subject.get("digest"), str):
            found = subject["digest"]
    image._sandbox_subject = found
    return found
