"""Building blocks of the demo seed: shared base layers, a registry to push into, and app image recipes.

Recipes take a seeded ``random.Random`` so revisions, sizes and scan counts look varied but are the same on every
run; base layers are cached so images share them as real images share their base.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moto.ecr.models import Repository, ecr_backends

from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.scans import completed_summary
from ecrtui.sandbox.seed_content import (
    Blob,
    BuiltImage,
    ImageSpec,
    Step,
    build_index,
    make_layer,
)

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Layers:
    """Base layers shared across images (as real base images are), built once per seed."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], Blob] = {}

    def get(self, name: str, size: int) -> Blob:
        """The layer with this name and size (made once, then shared)."""
        key = (name, size)
        if key not in self._cache:
            self._cache[key] = make_layer(name, size)
        return self._cache[key]


@dataclass
class SeedRegistry:
    """One account's registry being seeded."""

    account_id: str
    region: str

    def __post_init__(self) -> None:
        self.backend = ecr_backends[self.account_id][self.region]

    def repository(
        self,
        name: str,
        created: datetime,
        *,
        immutable: bool = False,
        scan_on_push: bool = False,
        kms: bool = False,
        tags: dict[str, str] | None = None,
    ) -> Repository:
        encryption = (
            {
                "encryptionType": "KMS",
                "kmsKey": f"arn:aws:kms:{self.region}:{self.account_id}:key/4f1c2d7e-8a9b-4c3d-9e2f-0a1b2c3d4e5f",
            }
            if kms
            else None
        )
        repository = self.backend.create_repository(
            repository_name=name,
            registry_id=None,
            encryption_config=encryption or {},
            image_scan_config={"scanOnPush": scan_on_push},
            image_tag_mutability="IMMUTABLE" if immutable else "MUTABLE",
            tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        )
        repository.created_at = created
        return repository

    @staticmethod
    def push(
        repository: Repository,
        image: BuiltImage,
        pushed_at: datetime,
        tags: tuple[str, ...] | list[str] = (),
        *,
        pulled_at: datetime | None = None,
        scan: dict[str, Any] | None = None,
    ) -> SandboxImage:
        for blob in image.blobs:
            if blob.digest not in repository.layers:
                registry_ops.add_blob(repository, blob.data, blob.digest)
        stored, _ = registry_ops.put_image(
            repository,
            image.manifest,
            media_type=image.media_type,
            known_digest=image.digest,
            pushed_at=pushed_at,
            last_pulled_at=pulled_at,
        )
        for tag in tags:
            repo_images(repository).tag(stored, tag)
        if scan is not None:
            stored.scan_summary = scan
        return stored


def scan_summary(rng: random.Random, completed: datetime) -> dict[str, Any]:
    """A finished basic scan with varied but seeded severity counts (``DescribeImages`` fields)."""
    return completed_summary(rng, completed)


def sha7(rng: random.Random) -> str:
    return f"{rng.getrandbits(28):07x}"


def oci_labels(source: str, version: str, revision: str, created: datetime) -> dict[str, str]:
    return {
        "org.opencontainers.image.source": f"https://github.com/example/{source}",
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "maintainer": "platform-team@example.com",
    }


def python_app(
    layers: Layers,
    app: str,
    version: str,
    deps_key: str,
    created: datetime,
    rng: random.Random,
    *,
    oci: bool = False,
    port: str | None = "8000/tcp",
    cmd: list[str] | None = None,
) -> ImageSpec:
    revision = sha7(rng) + sha7(rng)
    steps = [
        Step(
            "/bin/sh -c #(nop) ADD file:7d3a9e5b1c0f in / ",
            layers.get("debian-bookworm-slim/rootfs.tar", 1_200_000),
        ),
        Step('/bin/sh -c #(nop)  CMD ["bash"]'),
        Step("ENV PYTHON_VERSION=3.12.10"),
        Step(
            "RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates python3",
            layers.get("usr/local/lib/python3.12.tar", 820_000),
        ),
        Step("WORKDIR /srv/app"),
        Step("COPY requirements.txt . # buildkit", layers.get(f"srv/app/requirements-{app}.txt", 2_000)),
        Step(
            "RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt # buildkit",
            layers.get(f"site-packages/{app}-{deps_key}.tar", 260_000 + (stable_number(app) % 7) * 30_000),
        ),
        Step("COPY . . # buildkit", layers.get(f"srv/app/{app}-{version}.tar", rng.randint(12_000, 96_000))),
        Step("USER 10001"),
    ]
    if port:
        steps.append(Step(f"EXPOSE map[{port}:{{}}]"))
    steps.append(Step(f"CMD {json.dumps(cmd or ['gunicorn', 'app:create_app()'])}"))
    return ImageSpec(
        steps=steps,
        created=created,
        env=[
            PATH_ENV,
            "LANG=C.UTF-8",
            "PYTHON_VERSION=3.12.10",
            "PYTHONUNBUFFERED=1",
            f"APP_VERSION={version}",
        ],
        entrypoint=["/usr/bin/tini", "--"],
        cmd=cmd or ["gunicorn", "--bind", "0.0.0.0:8000", "app:create_app()"],
        labels=oci_labels(app, version, revision, created),
        exposed_ports=[port] if port else [],
        working_dir="/srv/app",
        user="10001",
        oci=oci,
    )


def stable_number(text: str) -> int:
    """A stable small number from a string (``hash()`` changes per process)."""
    return sum(text.encode())


def go_app(
    layers: Layers,
    app: str,
    version: str,
    created: datetime,
    rng: random.Random,
    arch: str = "amd64",
    *,
    oci: bool = True,
    port: str = "8080/tcp",
) -> ImageSpec:
    revision = sha7(rng) + sha7(rng)
    return ImageSpec(
        steps=[
            Step("COPY / / # distroless static", layers.get(f"distroless-static-{arch}/rootfs.tar", 240_000)),
            Step("ARG TARGETARCH"),
            Step(
                "COPY /out/app /app # buildkit",
                layers.get(f"app/{app}-{version}-{arch}", 900_000 + rng.randint(0, 400_000)),
            ),
            Step(f"EXPOSE map[{port}:{{}}]"),
            Step("USER 65532:65532"),
            Step('ENTRYPOINT ["/app"]'),
        ],
        created=created,
        architecture=arch,
        variant="v8" if arch == "arm64" else None,
        env=[PATH_ENV, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
        entrypoint=["/app"],
        cmd=["serve", "--listen", ":" + port.split("/")[0]],
        labels=oci_labels(app, version, revision, created),
        exposed_ports=[port],
        user="65532:65532",
        oci=oci,
    )


def push_index(
    reg: SeedRegistry,
    repo: Repository,
    children: list[tuple[BuiltImage, dict[str, Any]]],
    pushed: datetime,
    tags: list[str],
    *,
    oci: bool = True,
    index: BuiltImage | None = None,
) -> BuiltImage:
    """Children by digest first, then the index with its tags (the order ECR requires)."""
    for child, _ in children:
        reg.push(repo, child, pushed)
    if index is None:
        created = {"org.opencontainers.image.created": pushed.strftime("%Y-%m-%dT%H:%M:%SZ")}
        index = build_index(children, oci=oci, annotations=created if oci else None)
    reg.push(repo, index, pushed, tags)
    return index


GatewayRelease = tuple[list[tuple[BuiltImage, dict[str, Any]]], BuiltImage]
