"""How many replications a backfill of the demo's ``web/`` repositories makes, counted from the registry itself.

ECR counts each image and tag combination as one replication, an untagged image as one, and the untagged children
of an index travel with their index; archived images have nothing to copy. Counting through the API (not a number
written down) keeps the backfill tests true when the demo seed grows.
"""

from __future__ import annotations

import json
from typing import Any

INDEX_TYPES = frozenset(
    {
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    }
)


def demo_web_replications(ecr: Any, prefix: str = "web/") -> int:
    """Replications a backfill makes of the ACTIVE images of every repository whose name starts with ``prefix``."""
    names = [
        r["repositoryName"]
        for r in ecr.describe_repositories(maxResults=1000)["repositories"]
        if r["repositoryName"].startswith(prefix)
    ]
    total = 0
    for name in names:
        details = [
            d
            for page in ecr.get_paginator("describe_images").paginate(repositoryName=name)
            for d in page["imageDetails"]
        ]
        indexes = [d["imageDigest"] for d in details if d.get("imageManifestMediaType") in INDEX_TYPES]
        children: set[str] = set()
        for start in range(0, len(indexes), 100):
            got = ecr.batch_get_image(
                repositoryName=name,
                imageIds=[{"imageDigest": d} for d in indexes[start : start + 100]],
                acceptedMediaTypes=sorted(INDEX_TYPES),
            )
            for image in got["images"]:
                children.update(m["digest"] for m in json.loads(image["imageManifest"]).get("manifests", []))
        for detail in details:
            tags = detail.get("imageTags") or []
            if tags:
                total += len(tags)
            elif detail["imageDigest"] not in children:
                total += 1
    return total
