"""The demo seed: a believable dev registry and a prod registry it promotes to.

``demo-dev`` (111111111111, us-east-1) holds namespaced repositories with Docker v2 and OCI images, multi-arch
indexes with BuildKit attestations, a Docker manifest list, Helm chart artifacts, a legacy schema 1 image, an
IMMUTABLE repository, a repository of 320 nightly builds (so paging shows), repository tags, a repository policy
and a lifecycle policy. ``demo-prod`` (222222222222, eu-west-1) holds releases promoted from dev: same manifests,
same digests. Every byte and timestamp is fixed, so two starts give identical registries. Tests and screenshots
refer to the data through the constants below.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.ecr.models import Repository, ecr_backends

from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.images import SandboxImage, repo_images
from ecrtui.sandbox.profiles import DEV_PROFILE, PROD_PROFILE
from ecrtui.sandbox.seed_content import (
    Blob,
    BuiltImage,
    ImageSpec,
    Step,
    build_attestation,
    build_helm_chart,
    build_image,
    build_index,
    build_schema1,
    make_layer,
)

DEMO_EPOCH = datetime(2026, 5, 29, 16, 0, tzinfo=UTC)
"""The newest push in the demo; everything else is older."""

API_REPOSITORY = "web/api"
FRONTEND_REPOSITORY = "web/frontend"
MULTIARCH_REPOSITORY = "web/gateway"
MULTIARCH_TAG = "v2.1.0"
ETL_REPOSITORY = "data/etl"
LOADER_REPOSITORY = "data/warehouse-loader"
FEATURE_STORE_REPOSITORY = "data/ml/feature-store"
IMMUTABLE_REPOSITORY = "platform/base"
BIG_REPOSITORY = "platform/ci-runner"
BIG_REPOSITORY_IMAGES = 320
MIGRATE_REPOSITORY = "tools/db-migrate"
MANIFEST_LIST_REPOSITORY = "tools/debug-shell"
ARTIFACT_REPOSITORY = "charts/web-api"
SCHEMA1_REPOSITORY = "legacy/cron"
EMPTY_REPOSITORY = "experiments/empty"

API_RELEASES = (
    "v1.0.0", "v1.0.1", "v1.1.0", "v1.1.1", "v1.1.2", "v1.2.0", "v1.2.1",
    "v1.3.0", "v1.3.1", "v1.3.2", "v1.4.0", "v1.4.1", "v1.4.2",
)  # fmt: skip
API_LATEST = "v1.4.2"
PROMOTED_API_TAGS = ("v1.3.0", "v1.4.0", "v1.4.2")
GATEWAY_RELEASES = ("v2.0.0", "v2.0.1", "v2.1.0")
PROMOTED_GATEWAY_TAG = "v2.0.1"

DEV_REPOSITORIES = (
    API_REPOSITORY,
    FRONTEND_REPOSITORY,
    MULTIARCH_REPOSITORY,
    ETL_REPOSITORY,
    LOADER_REPOSITORY,
    FEATURE_STORE_REPOSITORY,
    IMMUTABLE_REPOSITORY,
    BIG_REPOSITORY,
    MIGRATE_REPOSITORY,
    MANIFEST_LIST_REPOSITORY,
    ARTIFACT_REPOSITORY,
    SCHEMA1_REPOSITORY,
    EMPTY_REPOSITORY,
)
PROD_REPOSITORIES = (API_REPOSITORY, MULTIARCH_REPOSITORY, ETL_REPOSITORY, IMMUTABLE_REPOSITORY)

API_REPOSITORY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowProdPull",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PROD_PROFILE.account_id}:root"},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        }
    ],
}
CI_LIFECYCLE_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire untagged builds after 14 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Keep the last 200 builds",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 200},
            "action": {"type": "expire"},
        },
    ]
}

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class _Layers:
    """Base layers shared across images (as real base images are), built once per seed."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, str], Blob] = {}

    def get(self, name: str, size: int) -> Blob:
        key = (name, size, "")
        if key not in self._cache:
            self._cache[key] = make_layer(name, size)
        return self._cache[key]


@dataclass
class _Registry:
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


def _scan(rng: random.Random, completed: datetime) -> dict[str, Any]:
    counts = {
        "CRITICAL": rng.choice((0, 0, 0, 1)),
        "HIGH": rng.randint(0, 3),
        "MEDIUM": rng.randint(1, 9),
        "LOW": rng.randint(2, 14),
    }
    return {
        "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
        "imageScanFindingsSummary": {
            "imageScanCompletedAt": completed,
            "vulnerabilitySourceUpdatedAt": completed - timedelta(hours=6),
            "findingSeverityCounts": {k: v for k, v in counts.items() if v},
        },
    }


def _sha7(rng: random.Random) -> str:
    return f"{rng.getrandbits(28):07x}"


def _labels(source: str, version: str, revision: str, created: datetime) -> dict[str, str]:
    return {
        "org.opencontainers.image.source": f"https://github.com/example/{source}",
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "maintainer": "platform-team@example.com",
    }


def _python_app(
    layers: _Layers,
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
    revision = _sha7(rng) + _sha7(rng)
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
            layers.get(f"site-packages/{app}-{deps_key}.tar", 260_000 + (hash_len(app) % 7) * 30_000),
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
        labels=_labels(app, version, revision, created),
        exposed_ports=[port] if port else [],
        working_dir="/srv/app",
        user="10001",
        oci=oci,
    )


def hash_len(text: str) -> int:
    """A stable small number from a string (``hash()`` changes per process)."""
    return sum(text.encode())


def _go_app(
    layers: _Layers,
    app: str,
    version: str,
    created: datetime,
    rng: random.Random,
    arch: str = "amd64",
    *,
    oci: bool = True,
    port: str = "8080/tcp",
) -> ImageSpec:
    revision = _sha7(rng) + _sha7(rng)
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
        labels=_labels(app, version, revision, created),
        exposed_ports=[port],
        user="65532:65532",
        oci=oci,
    )


def _seed_api(reg: _Registry, layers: _Layers, rng: random.Random) -> dict[str, BuiltImage]:
    repo = reg.repository(
        API_REPOSITORY,
        DEMO_EPOCH - timedelta(days=210),
        scan_on_push=True,
        tags={"team": "web", "env": "dev", "cost-center": "cc-1042"},
    )
    repo.policy = json.dumps(API_REPOSITORY_POLICY, indent=2)
    releases: dict[str, BuiltImage] = {}
    for number, version in enumerate(API_RELEASES):
        minor = ".".join(version.split(".")[:2])
        pushed = DEMO_EPOCH - timedelta(days=4 * (len(API_RELEASES) - number), hours=number % 5)
        built = build_image(_python_app(layers, "api", version, minor, pushed, rng))
        tags = [version]
        if version == API_LATEST:
            tags.append("latest")
        if number % 3 == 0:
            tags.append(f"main-{_sha7(rng)}")
        pulled = pushed + timedelta(days=1, hours=3) if number >= len(API_RELEASES) - 5 else None
        reg.push(repo, built, pushed, tags, pulled_at=pulled, scan=_scan(rng, pushed + timedelta(minutes=4)))
        releases[version] = built
    for number in range(6):  # feature-branch builds whose tags moved on
        pushed = DEMO_EPOCH - timedelta(days=3 * number + 1, hours=7)
        built = build_image(_python_app(layers, "api", f"pr-{310 + number}", "v1.4", pushed, rng))
        reg.push(repo, built, pushed)
    return releases


def _seed_frontend(reg: _Registry, layers: _Layers, rng: random.Random) -> None:
    repo = reg.repository(
        FRONTEND_REPOSITORY, DEMO_EPOCH - timedelta(days=180), tags={"team": "web", "env": "dev"}
    )
    for number in range(15):
        pushed = DEMO_EPOCH - timedelta(days=2 * (15 - number), hours=2)
        version = (DEMO_EPOCH - timedelta(days=2 * (15 - number))).strftime("%Y.%m.%d")
        revision = _sha7(rng)
        spec = ImageSpec(
            steps=[
                Step(
                    "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit",
                    layers.get("alpine-3.20/rootfs.tar", 360_000),
                ),
                Step('CMD ["/bin/sh"]'),
                Step(
                    "RUN /bin/sh -c apk add --no-cache nginx # buildkit",
                    layers.get("usr/sbin/nginx.tar", 540_000),
                ),
                Step(
                    "COPY nginx.conf /etc/nginx/nginx.conf # buildkit",
                    layers.get("etc/nginx/nginx.conf", 3_000),
                ),
                Step(
                    "COPY dist/ /usr/share/nginx/html # buildkit",
                    layers.get(f"html/frontend-{version}", rng.randint(150_000, 420_000)),
                ),
                Step("EXPOSE map[8080/tcp:{}]"),
                Step("STOPSIGNAL SIGQUIT"),
                Step('CMD ["nginx" "-g" "daemon off;"]'),
            ],
            created=pushed,
            env=[PATH_ENV, "NGINX_VERSION=1.26.2"],
            cmd=["nginx", "-g", "daemon off;"],
            labels=_labels("frontend", version, revision, pushed),
            exposed_ports=["8080/tcp"],
            oci=True,
        )
        tags = [] if number in (2, 5, 9) else [version]
        if number == 14:
            tags.append("latest")
        reg.push(reg_repo := repo, build_image(spec), pushed, tags)
        del reg_repo


def _gateway_release(
    layers: _Layers, version: str, pushed: datetime, rng: random.Random
) -> list[tuple[BuiltImage, dict[str, Any]]]:
    amd64 = build_image(_go_app(layers, "gateway", version, pushed, rng, "amd64"))
    arm64 = build_image(_go_app(layers, "gateway", version, pushed, rng, "arm64"))
    name = f"{DEV_PROFILE.account_id}.dkr.ecr.{DEV_PROFILE.region}.amazonaws.com/{MULTIARCH_REPOSITORY}"
    unknown = {"architecture": "unknown", "os": "unknown"}
    return [
        (amd64, {"platform": {"architecture": "amd64", "os": "linux"}}),
        (arm64, {"platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}}),
        (
            build_attestation(amd64, name, pushed),
            {
                "annotations": {
                    "vnd.docker.reference.digest": amd64.digest,
                    "vnd.docker.reference.type": "attestation-manifest",
                },
                "platform": unknown,
            },
        ),
        (
            build_attestation(arm64, name, pushed),
            {
                "annotations": {
                    "vnd.docker.reference.digest": arm64.digest,
                    "vnd.docker.reference.type": "attestation-manifest",
                },
                "platform": unknown,
            },
        ),
    ]


def _push_index(
    reg: _Registry,
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


def _seed_gateway(reg: _Registry, layers: _Layers, rng: random.Random) -> dict[str, GatewayRelease]:
    repo = reg.repository(
        MULTIARCH_REPOSITORY, DEMO_EPOCH - timedelta(days=120), tags={"team": "web", "env": "dev"}
    )
    releases = {}
    for number, version in enumerate(GATEWAY_RELEASES):
        pushed = DEMO_EPOCH - timedelta(days=20 - 8 * number, hours=5)
        children = _gateway_release(layers, version, pushed, rng)
        tags = [version, "latest"] if version == MULTIARCH_TAG else [version]
        releases[version] = (children, _push_index(reg, repo, children, pushed, tags))
    return releases


def _seed_etl(reg: _Registry, layers: _Layers, rng: random.Random) -> dict[str, BuiltImage]:
    repo = reg.repository(
        ETL_REPOSITORY, DEMO_EPOCH - timedelta(days=300), tags={"team": "data", "env": "dev"}
    )
    versions = (
        "1.6.0",
        "1.6.1",
        "1.7.0",
        "1.7.1",
        "1.7.2",
        "1.7.3",
        "1.8.0-rc.1",
        "1.8.0-rc.2",
        "1.8.0",
        "1.8.1",
    )
    built_by_version = {}
    for number, version in enumerate(versions):
        pushed = DEMO_EPOCH - timedelta(days=6 * (len(versions) - number), hours=11)
        spec = _python_app(
            layers, "etl", version, version[:3], pushed, rng, port=None, cmd=["python", "-m", "etl", "run"]
        )
        built = build_image(spec)
        tags = [version]
        if version == "1.8.1":
            tags += ["1.8", "stable", "latest"]
        if version == "1.7.3":
            tags.append("1.7")
        reg.push(repo, built, pushed, tags, pulled_at=pushed + timedelta(hours=20) if number > 5 else None)
        built_by_version[version] = built
    return built_by_version


def _seed_loader_and_features(reg: _Registry, layers: _Layers, rng: random.Random) -> None:
    loader = reg.repository(
        LOADER_REPOSITORY, DEMO_EPOCH - timedelta(days=90), kms=True, tags={"team": "data"}
    )
    for number in range(6):
        version = f"0.{9 + number // 3}.{number % 3}"
        pushed = DEMO_EPOCH - timedelta(days=9 * (6 - number), hours=1)
        spec = ImageSpec(
            steps=[
                Step("ADD file:ubuntu-noble in / ", layers.get("ubuntu-noble/rootfs.tar", 1_000_000)),
                Step('CMD ["/bin/bash"]'),
                Step("ENV JAVA_HOME=/opt/java/openjdk"),
                Step(
                    "RUN /bin/sh -c set -eux; curl -fsSL temurin-21-jre | tar -x",
                    layers.get("opt/java/openjdk-21-jre.tar", 1_600_000),
                ),
                Step(
                    "COPY build/libs/loader.jar /app/loader.jar # buildkit",
                    layers.get(f"app/loader-{version}.jar", rng.randint(300_000, 700_000)),
                ),
                Step('ENTRYPOINT ["java" "-XX:MaxRAMPercentage=75" "-jar" "/app/loader.jar"]'),
            ],
            created=pushed,
            env=[PATH_ENV, "JAVA_HOME=/opt/java/openjdk", "JAVA_VERSION=jdk-21.0.7+6", "LANG=en_US.UTF-8"],
            entrypoint=["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/loader.jar"],
            labels=_labels("warehouse-loader", version, _sha7(rng), pushed),
            oci=True,
        )
        reg.push(loader, build_image(spec), pushed, [version] if number != 1 else [])
    features = reg.repository(FEATURE_STORE_REPOSITORY, DEMO_EPOCH - timedelta(days=60), tags={"team": "ml"})
    for number in range(5):
        version = f"2026.{4 + number // 3}.{number}"
        pushed = DEMO_EPOCH - timedelta(days=7 * (5 - number), hours=9)
        spec = _python_app(
            layers, "feature-store", version, "2026", pushed, rng, port="8500/tcp", cmd=["feast", "serve"]
        )
        reg.push(features, build_image(spec), pushed, [version] if number not in (0, 2) else [])


def _seed_base_images(reg: _Registry, layers: _Layers, rng: random.Random) -> dict[str, BuiltImage]:
    repo = reg.repository(
        IMMUTABLE_REPOSITORY, DEMO_EPOCH - timedelta(days=400), immutable=True, tags={"team": "platform"}
    )
    bases = {
        "alpine-3.20.3": ("alpine-3.20/rootfs.tar", 360_000, ["/bin/sh"]),
        "debian-bookworm-20260415": ("debian-bookworm-slim/rootfs.tar", 1_200_000, ["bash"]),
        "debian-bookworm-20260513": ("debian-bookworm-slim/rootfs-0513.tar", 1_210_000, ["bash"]),
        "python-3.12.10": ("usr/local/lib/python3.12.tar", 820_000, ["python3"]),
        "node-20.19.1": ("usr/local/lib/node-20.tar", 1_100_000, ["node"]),
        "distroless-static": ("distroless-static-amd64/rootfs.tar", 240_000, None),
    }
    built_by_tag = {}
    for number, (tag, (layer_name, size, cmd)) in enumerate(bases.items()):
        pushed = DEMO_EPOCH - timedelta(days=50 - 7 * number, hours=3)
        steps = [Step(f"ADD file:{layer_name} in / ", layers.get(layer_name, size))]
        if cmd:
            steps.append(Step(f"CMD {json.dumps(cmd)}"))
        spec = ImageSpec(
            steps=steps, created=pushed, cmd=cmd, labels=_labels("base-images", tag, _sha7(rng), pushed)
        )
        built = build_image(spec)
        reg.push(repo, built, pushed, [tag])
        built_by_tag[tag] = built
    return built_by_tag


def _seed_ci_runner(reg: _Registry, layers: _Layers, rng: random.Random) -> None:
    repo = reg.repository(
        BIG_REPOSITORY, DEMO_EPOCH - timedelta(days=365), tags={"team": "platform", "purpose": "ci"}
    )
    repo.lifecycle_policy = json.dumps(CI_LIFECYCLE_POLICY)
    base = layers.get("ubuntu-noble/rootfs.tar", 1_000_000)
    tools = layers.get("opt/ci-tools.tar", 700_000)
    for number in range(BIG_REPOSITORY_IMAGES):
        build = 4100 + number
        pushed = DEMO_EPOCH - timedelta(hours=6 * (BIG_REPOSITORY_IMAGES - number) + 2)
        spec = ImageSpec(
            steps=[
                Step("ADD file:ubuntu-noble in / ", base),
                Step("RUN /bin/sh -c apt-get install -y git curl jq make # buildkit", tools),
                Step(
                    "COPY runner/ /opt/runner # buildkit",
                    make_layer(f"opt/runner/build-{build}", 4_000 + rng.randint(0, 12_000)),
                ),
                Step('ENTRYPOINT ["/opt/runner/run.sh"]'),
            ],
            created=pushed,
            env=[PATH_ENV, f"RUNNER_BUILD={build}", "DEBIAN_FRONTEND=noninteractive"],
            entrypoint=["/opt/runner/run.sh"],
            labels=_labels("ci-runner", f"build-{build}", _sha7(rng), pushed),
            oci=True,
        )
        tags: list[str] = []
        if number % 4 == 0 or number >= BIG_REPOSITORY_IMAGES - 10:
            tags.append(f"build-{build}")
        if number == BIG_REPOSITORY_IMAGES - 1:
            tags += ["nightly", "latest"]
        reg.push(repo, build_image(spec), pushed, tags)


def _seed_tools(reg: _Registry, layers: _Layers, rng: random.Random) -> None:
    migrate = reg.repository(MIGRATE_REPOSITORY, DEMO_EPOCH - timedelta(days=150), tags={"team": "platform"})
    for number in range(5):
        version = f"v0.{3 + number}.0"
        pushed = DEMO_EPOCH - timedelta(days=15 * (5 - number), hours=4)
        spec = _go_app(layers, "db-migrate", version, pushed, rng, oci=False, port="9090/tcp")
        reg.push(migrate, build_image(spec), pushed, [version, "latest"] if number == 4 else [version])
    debug = reg.repository(
        MANIFEST_LIST_REPOSITORY, DEMO_EPOCH - timedelta(days=100), tags={"team": "platform"}
    )
    for number, version in enumerate(("1.0", "1.1")):
        pushed = DEMO_EPOCH - timedelta(days=30 - 20 * number, hours=8)
        children = []
        for arch in ("amd64", "arm64"):
            spec = ImageSpec(
                steps=[
                    Step("ADD alpine-minirootfs / ", layers.get(f"alpine-3.20-{arch}/rootfs.tar", 350_000)),
                    Step(
                        "RUN /bin/sh -c apk add curl bind-tools tcpdump strace",
                        layers.get(f"debug-tools-{version}-{arch}.tar", 1_300_000),
                    ),
                    Step('CMD ["/bin/sh"]'),
                ],
                created=pushed,
                architecture=arch,
                variant="v8" if arch == "arm64" else None,
                cmd=["/bin/sh"],
                labels=_labels("debug-shell", version, _sha7(rng), pushed),
            )
            platform = {"architecture": arch, "os": "linux", **({"variant": "v8"} if arch == "arm64" else {})}
            children.append((build_image(spec), {"platform": platform}))
        _push_index(
            reg, debug, children, pushed, [version, "latest"] if number == 1 else [version], oci=False
        )


def _seed_artifacts_and_legacy(reg: _Registry, layers: _Layers) -> None:
    charts = reg.repository(
        ARTIFACT_REPOSITORY, DEMO_EPOCH - timedelta(days=80), tags={"team": "web", "kind": "helm"}
    )
    for number, (version, app_version) in enumerate(
        (("0.4.0", "v1.2.0"), ("0.5.0", "v1.3.0"), ("0.5.1", "v1.3.2"), ("0.6.0", "v1.4.2"))
    ):
        pushed = DEMO_EPOCH - timedelta(days=18 * (4 - number), hours=6)
        reg.push(charts, build_helm_chart("web-api", version, app_version, pushed), pushed, [version])
    legacy = reg.repository(
        SCHEMA1_REPOSITORY, DEMO_EPOCH - timedelta(days=2000), tags={"team": "ops", "deprecated": "true"}
    )
    for number, tag in enumerate(("2019.11", "2020.03")):
        pushed = DEMO_EPOCH - timedelta(days=1500 - 120 * number)
        blobs = [layers.get("centos-7/rootfs.tar", 900_000), layers.get(f"cron/jobs-{tag}.tar", 20_000)]
        reg.push(legacy, build_schema1(SCHEMA1_REPOSITORY, tag, blobs, pushed), pushed, [tag])
    reg.repository(EMPTY_REPOSITORY, DEMO_EPOCH - timedelta(days=3), tags={"owner": "intern"})


def _seed_prod(
    layers: _Layers,
    api: dict[str, BuiltImage],
    gateway: dict[str, GatewayRelease],
    etl: dict[str, BuiltImage],
    bases: dict[str, BuiltImage],
) -> None:
    reg = _Registry(PROD_PROFILE.account_id, PROD_PROFILE.region)
    dev = ecr_backends[DEV_PROFILE.account_id][DEV_PROFILE.region]

    def after_dev(repository: str, image: BuiltImage, days: int = 1) -> datetime:
        """A promotion happens after the dev push (and before the demo's epoch)."""
        pushed = repo_images(dev.repositories[repository]).by_digest[image.digest].pushed_at
        return min(pushed + timedelta(days=days, hours=2), DEMO_EPOCH - timedelta(hours=1))

    promoted = DEMO_EPOCH - timedelta(days=40)
    api_repo = reg.repository(
        API_REPOSITORY, promoted, immutable=True, scan_on_push=True, tags={"team": "web", "env": "prod"}
    )
    for number, tag in enumerate(PROMOTED_API_TAGS):
        reg.push(api_repo, api[tag], after_dev(API_REPOSITORY, api[tag], 1 + number), [tag])
    gateway_repo = reg.repository(
        MULTIARCH_REPOSITORY, promoted, immutable=True, tags={"team": "web", "env": "prod"}
    )
    children, index = gateway[PROMOTED_GATEWAY_TAG]
    pushed = after_dev(MULTIARCH_REPOSITORY, index, 2)
    _push_index(reg, gateway_repo, children, pushed, [PROMOTED_GATEWAY_TAG], index=index)
    etl_repo = reg.repository(ETL_REPOSITORY, promoted, tags={"team": "data", "env": "prod"})
    for number, version in enumerate(("1.7.3", "1.8.0")):
        reg.push(
            etl_repo,
            etl[version],
            after_dev(ETL_REPOSITORY, etl[version], 3),
            [version, "stable"] if number else [version],
        )
    base_repo = reg.repository(
        IMMUTABLE_REPOSITORY, promoted - timedelta(days=100), immutable=True, tags={"team": "platform"}
    )
    for number, tag in enumerate(("alpine-3.20.3", "debian-bookworm-20260415", "python-3.12.10")):
        reg.push(base_repo, bases[tag], after_dev(IMMUTABLE_REPOSITORY, bases[tag], 1 + number), [tag])


def seed_demo() -> None:
    """Fill ``demo-dev`` and ``demo-prod`` with the demo registries (deterministic)."""
    rng = random.Random("ecrtui-demo-seed")
    layers = _Layers()
    dev = _Registry(DEV_PROFILE.account_id, DEV_PROFILE.region)
    api = _seed_api(dev, layers, rng)
    _seed_frontend(dev, layers, rng)
    gateway = _seed_gateway(dev, layers, rng)
    etl = _seed_etl(dev, layers, rng)
    _seed_loader_and_features(dev, layers, rng)
    bases = _seed_base_images(dev, layers, rng)
    _seed_ci_runner(dev, layers, rng)
    _seed_tools(dev, layers, rng)
    _seed_artifacts_and_legacy(dev, layers)
    _seed_prod(layers, api, gateway, etl, bases)
