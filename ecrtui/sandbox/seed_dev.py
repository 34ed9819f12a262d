"""The ``demo-dev`` registry: thirteen namespaced repositories that cover every kind of image ecrtui shows."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ecrtui.sandbox.profiles import DEV_PROFILE
from ecrtui.sandbox.seed import (
    API_LATEST,
    API_RELEASES,
    API_REPOSITORY,
    API_REPOSITORY_POLICY,
    ARTIFACT_REPOSITORY,
    BIG_REPOSITORY,
    BIG_REPOSITORY_IMAGES,
    CI_LIFECYCLE_POLICY,
    DEMO_EPOCH,
    EMPTY_REPOSITORY,
    ETL_REPOSITORY,
    FEATURE_STORE_REPOSITORY,
    FRONTEND_REPOSITORY,
    GATEWAY_RELEASES,
    IMMUTABLE_REPOSITORY,
    LOADER_REPOSITORY,
    MANIFEST_LIST_REPOSITORY,
    MIGRATE_REPOSITORY,
    MULTIARCH_REPOSITORY,
    MULTIARCH_TAG,
    SCHEMA1_REPOSITORY,
)
from ecrtui.sandbox.seed_content import (
    BuiltImage,
    ImageSpec,
    Step,
    build_attestation,
    build_helm_chart,
    build_image,
    build_schema1,
    make_layer,
)
from ecrtui.sandbox.seed_kit import (
    PATH_ENV,
    GatewayRelease,
    Layers,
    SeedRegistry,
    go_app,
    oci_labels,
    push_index,
    python_app,
    scan_summary,
    sha7,
)


@dataclass(frozen=True)
class DevReleases:
    """What the prod seed promotes: the dev images, by tag."""

    api: dict[str, BuiltImage]
    gateway: dict[str, GatewayRelease]
    etl: dict[str, BuiltImage]
    bases: dict[str, BuiltImage]


def _seed_api(reg: SeedRegistry, layers: Layers, rng: random.Random) -> dict[str, BuiltImage]:
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
        built = build_image(python_app(layers, "api", version, minor, pushed, rng))
        tags = [version]
        if version == API_LATEST:
            tags.append("latest")
        if number % 3 == 0:
            tags.append(f"main-{sha7(rng)}")
        pulled = pushed + timedelta(days=1, hours=3) if number >= len(API_RELEASES) - 5 else None
        reg.push(
            repo, built, pushed, tags, pulled_at=pulled, scan=scan_summary(rng, pushed + timedelta(minutes=4))
        )
        releases[version] = built
    for number in range(6):  # feature-branch builds whose tags moved on
        pushed = DEMO_EPOCH - timedelta(days=3 * number + 1, hours=7)
        built = build_image(python_app(layers, "api", f"pr-{310 + number}", "v1.4", pushed, rng))
        reg.push(repo, built, pushed)
    return releases


def _seed_frontend(reg: SeedRegistry, layers: Layers, rng: random.Random) -> None:
    repo = reg.repository(
        FRONTEND_REPOSITORY, DEMO_EPOCH - timedelta(days=180), tags={"team": "web", "env": "dev"}
    )
    for number in range(15):
        pushed = DEMO_EPOCH - timedelta(days=2 * (15 - number), hours=2)
        version = (DEMO_EPOCH - timedelta(days=2 * (15 - number))).strftime("%Y.%m.%d")
        revision = sha7(rng)
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
            labels=oci_labels("frontend", version, revision, pushed),
            exposed_ports=["8080/tcp"],
            oci=True,
        )
        tags = [] if number in (2, 5, 9) else [version]
        if number == 14:
            tags.append("latest")
        reg.push(reg_repo := repo, build_image(spec), pushed, tags)
        del reg_repo


def _gateway_release(
    layers: Layers, version: str, pushed: datetime, rng: random.Random
) -> list[tuple[BuiltImage, dict[str, Any]]]:
    amd64 = build_image(go_app(layers, "gateway", version, pushed, rng, "amd64"))
    arm64 = build_image(go_app(layers, "gateway", version, pushed, rng, "arm64"))
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


def _seed_gateway(reg: SeedRegistry, layers: Layers, rng: random.Random) -> dict[str, GatewayRelease]:
    repo = reg.repository(
        MULTIARCH_REPOSITORY, DEMO_EPOCH - timedelta(days=120), tags={"team": "web", "env": "dev"}
    )
    releases = {}
    for number, version in enumerate(GATEWAY_RELEASES):
        pushed = DEMO_EPOCH - timedelta(days=20 - 8 * number, hours=5)
        children = _gateway_release(layers, version, pushed, rng)
        tags = [version, "latest"] if version == MULTIARCH_TAG else [version]
        releases[version] = (children, push_index(reg, repo, children, pushed, tags))
    return releases


def _seed_etl(reg: SeedRegistry, layers: Layers, rng: random.Random) -> dict[str, BuiltImage]:
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
        spec = python_app(
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


def _seed_loader_and_features(reg: SeedRegistry, layers: Layers, rng: random.Random) -> None:
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
            labels=oci_labels("warehouse-loader", version, sha7(rng), pushed),
            oci=True,
        )
        reg.push(loader, build_image(spec), pushed, [version] if number != 1 else [])
    features = reg.repository(FEATURE_STORE_REPOSITORY, DEMO_EPOCH - timedelta(days=60), tags={"team": "ml"})
    for number in range(5):
        version = f"2026.{4 + number // 3}.{number}"
        pushed = DEMO_EPOCH - timedelta(days=7 * (5 - number), hours=9)
        spec = python_app(
            layers, "feature-store", version, "2026", pushed, rng, port="8500/tcp", cmd=["feast", "serve"]
        )
        reg.push(features, build_image(spec), pushed, [version] if number not in (0, 2) else [])


def _seed_base_images(reg: SeedRegistry, layers: Layers, rng: random.Random) -> dict[str, BuiltImage]:
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
            steps=steps, created=pushed, cmd=cmd, labels=oci_labels("base-images", tag, sha7(rng), pushed)
        )
        built = build_image(spec)
        reg.push(repo, built, pushed, [tag])
        built_by_tag[tag] = built
    return built_by_tag


def _seed_ci_runner(reg: SeedRegistry, layers: Layers, rng: random.Random) -> None:
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
            labels=oci_labels("ci-runner", f"build-{build}", sha7(rng), pushed),
            oci=True,
        )
        tags: list[str] = []
        if number % 4 == 0 or number >= BIG_REPOSITORY_IMAGES - 10:
            tags.append(f"build-{build}")
        if number == BIG_REPOSITORY_IMAGES - 1:
            tags += ["nightly", "latest"]
        reg.push(repo, build_image(spec), pushed, tags)


def _seed_tools(reg: SeedRegistry, layers: Layers, rng: random.Random) -> None:
    migrate = reg.repository(MIGRATE_REPOSITORY, DEMO_EPOCH - timedelta(days=150), tags={"team": "platform"})
    for number in range(5):
        version = f"v0.{3 + number}.0"
        pushed = DEMO_EPOCH - timedelta(days=15 * (5 - number), hours=4)
        spec = go_app(layers, "db-migrate", version, pushed, rng, oci=False, port="9090/tcp")
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
                labels=oci_labels("debug-shell", version, sha7(rng), pushed),
            )
            platform = {"architecture": arch, "os": "linux", **({"variant": "v8"} if arch == "arm64" else {})}
            children.append((build_image(spec), {"platform": platform}))
        push_index(reg, debug, children, pushed, [version, "latest"] if number == 1 else [version], oci=False)


def _seed_artifacts_and_legacy(reg: SeedRegistry, layers: Layers) -> None:
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


def seed_dev(layers: Layers, rng: random.Random) -> DevReleases:
    """Create every ``demo-dev`` repository, in ``DEV_REPOSITORIES`` order."""
    dev = SeedRegistry(DEV_PROFILE.account_id, DEV_PROFILE.region)
    api = _seed_api(dev, layers, rng)
    _seed_frontend(dev, layers, rng)
    gateway = _seed_gateway(dev, layers, rng)
    etl = _seed_etl(dev, layers, rng)
    _seed_loader_and_features(dev, layers, rng)
    bases = _seed_base_images(dev, layers, rng)
    _seed_ci_runner(dev, layers, rng)
    _seed_tools(dev, layers, rng)
    _seed_artifacts_and_legacy(dev, layers)
    return DevReleases(api, gateway, etl, bases)
