"""What every successful copy must leave behind, checked with plain boto3 (not the code under test)."""

from __future__ import annotations

import json
from typing import Any

ACCEPTED = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
]


def _manifests(client: Any, repository: str, digests: list[str]) -> dict[str, tuple[str, str]]:
    got = client.batch_get_image(
        repositoryName=repository,
        imageIds=[{"imageDigest": d} for d in digests],
        acceptedMediaTypes=ACCEPTED,
    )
    return {
        image["imageId"]["imageDigest"]: (image["imageManifest"], image["imageManifestMediaType"])
        for image in got["images"]
    }


def closure(client: Any, repository: str, digest: str) -> list[str]:
    """The digest and, for an index, its children: every manifest the image is made of."""
    found = _manifests(client, repository, [digest])
    document = json.loads(found[digest][0])
    return [digest, *(m["digest"] for m in document.get("manifests", []))]


def assert_copied(
    source: Any, source_repository: str, destination: Any, destination_repository: str, digests: list[str]
) -> None:
    """The destination's BatchGetImage returns each manifest byte-identical to the source's, with the same
    media type, and every blob those manifests need is AVAILABLE in the destination repository.

    ``source`` and ``destination`` are plain boto3 ECR clients of each side's own account."""
    src = _manifests(source, source_repository, digests)
    dst = _manifests(destination, destination_repository, digests)
    assert set(src) == set(digests), f"source lacks {set(digests) - set(src)}"
    assert set(dst) == set(digests), f"destination lacks {set(digests) - set(dst)}"
    blobs: list[str] = []
    for digest in digests:
        assert dst[digest] == src[digest], f"{digest} differs"
        document = json.loads(dst[digest][0])
        if "config" in document:
            blobs.append(document["config"]["digest"])
        for layer in document.get("layers", []):
            if "foreign" not in layer["mediaType"] and "nondistributable" not in layer["mediaType"]:
                blobs.append(layer["digest"])
        blobs += [layer["blobSum"] for layer in document.get("fsLayers", [])]
    unique = list(dict.fromkeys(blobs))
    for start in range(0, len(unique), 100):
        answer = destination.batch_check_layer_availability(
            repositoryName=destination_repository,
            layerDigests=unique[start : start + 100],
        )
        assert answer["failures"] == []
        states = {layer["layerDigest"]: layer["layerAvailability"] for layer in answer["layers"]}
        assert states == dict.fromkeys(unique[start : start + 100], "AVAILABLE")


def tag_digest(client: Any, repository: str, tag: str) -> str | None:
    """Where ``tag`` points (None when it does not exist)."""
    try:
        details = client.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])[
            "imageDetails"
        ]
    except client.exceptions.ImageNotFoundException:
        return None
    return str(details[0]["imageDigest"])


def digest_of_tag(client: Any, repository: str, tag: str) -> str:
    found = tag_digest(client, repository, tag)
    assert found is not None, f"{repository}:{tag} not found"
    return found


def repository_exists(client: Any, repository: str) -> bool:
    try:
        client.describe_repositories(repositoryNames=[repository])
    except client.exceptions.RepositoryNotFoundException:
        return False
    return True


def image_count(client: Any, repository: str) -> int:
    return sum(
        len(page["imageIds"])
        for page in client.get_paginator("list_images").paginate(repositoryName=repository)
    )
