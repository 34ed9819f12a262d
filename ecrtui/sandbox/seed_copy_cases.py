"""``web/checkout`` in ``demo-dev``: the images that make copying hard, for the demo and for the copy tests.

- ``v3.1.0``: a Docker v2 image signed the old cosign way, by a tag ``sha256-<hex>.sig`` on a signature manifest;
- ``v3.2.0``: an OCI image of 12 layers, with an OCI 1.1 cosign signature and an SPDX SBOM whose ``subject`` is it;
- ``v3.3.0``: an OCI index (linux/amd64, linux/arm64), signed (Notation) and with an SBOM, both naming the index;
- ``v3.2.0-windows``: a Windows image with a foreign (non-distributable) base layer, which registries never store.

Deterministic like the rest of the seed: fixed bytes, fixed push times.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import timedelta
from typing import Any

from moto.ecr.models import Repository

from ecrtui.sandbox.profiles import DEV_PROFILE
from ecrtui.sandbox.seed import CHECKOUT_REPOSITORY, DEMO_EPOCH
from ecrtui.sandbox.seed_content import (
    DOCKER_LAYER,
    Blob,
    BuiltImage,
    ImageSpec,
    Step,
    build_image,
    build_index,
)
from ecrtui.sandbox.seed_kit import PATH_ENV, Layers, SeedRegistry, oci_labels, sha7

__all__ = [
    "CHECKOUT_INDEX_TAG",
    "CHECKOUT_LEGACY_SIGNED_TAG",
    "CHECKOUT_MANY_LAYERS",
    "CHECKOUT_SIGNED_TAG",
    "CHECKOUT_WINDOWS_TAG",
    "COSIGN_SIGNATURE_TYPE",
    "NOTATION_SIGNATURE_TYPE",
    "SPDX_SBOM_TYPE",
    "cosign_signature_tag",
    "seed_copy_cases",
]

CHECKOUT_LEGACY_SIGNED_TAG = "v3.1.0"
CHECKOUT_SIGNED_TAG = "v3.2.0"
CHECKOUT_INDEX_TAG = "v3.3.0"
CHECKOUT_WINDOWS_TAG = "v3.2.0-windows"
CHECKOUT_MANY_LAYERS = 12

COSIGN_SIGNATURE_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json"
NOTATION_SIGNATURE_TYPE = "application/vnd.cncf.notary.signature"
SPDX_SBOM_TYPE = "application/spdx+json"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
WINDOWS_FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar"

_EMPTY = Blob(b"{}", OCI_EMPTY)


def _iso(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _simple_signing(subject: BuiltImage, name: str) -> Blob:
    payload = {
        "critical": {
            "identity": {"docker-reference": name},
            "image": {"docker-manifest-digest": subject.digest},
            "type": "cosign container image signature",
        },
        "optional": None,
    }
    return Blob(json.dumps(payload, separators=(",", ":")).encode(), SIMPLE_SIGNING)


def _signature_annotation(seed: str) -> str:
    return base64.b64encode(random.Random(f"ecrtui-signature:{seed}").randbytes(70)).decode()


def _referrer(
    subject: BuiltImage, artifact_type: str, layer: Blob, created: Any, **layer_annotations: str
) -> BuiltImage:
    """An OCI 1.1 artifact manifest naming ``subject``: empty config, one layer, ``artifactType``."""
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": _EMPTY.descriptor(data="e30="),
        "layers": [layer.descriptor(**({"annotations": layer_annotations} if layer_annotations else {}))],
        "subject": subject.descriptor(),
        "annotations": {"org.opencontainers.image.created": _iso(created)},
    }
    return BuiltImage(json.dumps(document, separators=(",", ":")), OCI_MANIFEST, (_EMPTY, layer))


def _sbom(subject: BuiltImage, name: str, created: Any) -> BuiltImage:
    document = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "creationInfo": {"created": _iso(created), "creators": ["Tool: syft-1.4.1"]},
        "packages": [
            {"name": "checkout", "versionInfo": name.rsplit(":", 1)[-1], "SPDXID": "SPDXRef-checkout"},
            {"name": "express", "versionInfo": "4.19.2", "SPDXID": "SPDXRef-express"},
        ],
        "documentDescribes": [f"SPDXRef-{subject.digest.split(':', 1)[1][:12]}"],
    }
    layer = Blob(json.dumps(document, separators=(",", ":")).encode(), SPDX_SBOM_TYPE)
    return _referrer(subject, SPDX_SBOM_TYPE, layer, created)


def _cosign_signature(subject: BuiltImage, name: str, created: Any) -> BuiltImage:
    return _referrer(
        subject,
        COSIGN_SIGNATURE_TYPE,
        _simple_signing(subject, name),
        created,
        **{"dev.cosignproject.cosign/signature": _signature_annotation(subject.digest)},
    )


def _notation_signature(subject: BuiltImage, created: Any) -> BuiltImage:
    envelope = Blob(
        random.Random(f"ecrtui-notation:{subject.digest}").randbytes(1_200),
        "application/jose+json",
    )
    return _referrer(subject, NOTATION_SIGNATURE_TYPE, envelope, created)


def _legacy_cosign_signature(subject: BuiltImage, name: str) -> BuiltImage:
    """cosign before OCI 1.1: a manifest tagged ``sha256-<hex>.sig``, with no ``subject`` field."""
    signing = _simple_signing(subject, name)
    config = Blob(
        json.dumps(
            {
                "architecture": "",
                "config": {},
                "created": "0001-01-01T00:00:00Z",
                "history": [{"created": "0001-01-01T00:00:00Z"}],
                "os": "",
                "rootfs": {"type": "layers", "diff_ids": [signing.digest]},
            },
            separators=(",", ":"),
        ).encode(),
        "application/vnd.oci.image.config.v1+json",
    )
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor(),
        "layers": [
            signing.descriptor(
                annotations={
                    "dev.cosignproject.cosign/signature": _signature_annotation(f"legacy:{subject.digest}")
                }
            )
        ],
    }
    return BuiltImage(json.dumps(document, separators=(",", ":")), OCI_MANIFEST, (config, signing))


def _node_app(
    layers: Layers, version: str, created: Any, rng: random.Random, arch: str = "amd64"
) -> ImageSpec:
    """A Node.js service built the usual way: many small layers (12), one per Dockerfile step."""
    steps = [
        Step(
            "ADD alpine-minirootfs-3.20.3.tar.gz / # buildkit",
            layers.get(f"alpine-3.20-{arch}/rootfs.tar", 350_000),
        ),
        Step('CMD ["/bin/sh"]'),
        Step("ENV NODE_VERSION=20.19.1"),
        Step(
            "RUN /bin/sh -c addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node",
            layers.get("etc/passwd-node", 3_000),
        ),
        Step(
            "RUN /bin/sh -c apk add --no-cache libstdc++ # buildkit",
            layers.get(f"usr/lib/libstdc++-{arch}.tar", 240_000),
        ),
        Step(
            "RUN /bin/sh -c tar -xJf node-v20.19.1.tar.xz # buildkit",
            layers.get(f"usr/local/node-20-{arch}.tar", 900_000),
        ),
        Step("RUN /bin/sh -c corepack enable # buildkit", layers.get("usr/local/corepack.tar", 40_000)),
        Step("WORKDIR /srv/checkout"),
        Step(
            "COPY package.json package-lock.json ./ # buildkit",
            layers.get(f"srv/checkout/package-{version}.json", 6_000),
        ),
        Step(
            "RUN /bin/sh -c npm ci --omit=dev # buildkit",
            layers.get(f"srv/checkout/node_modules-{version}-{arch}.tar", 420_000),
        ),
        Step("COPY tsconfig.json ./ # buildkit", layers.get("srv/checkout/tsconfig.json", 1_000)),
        Step(
            "COPY src/ ./src/ # buildkit",
            layers.get(f"srv/checkout/src-{version}.tar", 60_000 + rng.randint(0, 20_000)),
        ),
        Step(
            "RUN /bin/sh -c npm run build # buildkit",
            layers.get(f"srv/checkout/dist-{version}-{arch}.tar", 120_000),
        ),
        Step("COPY config/ ./config/ # buildkit", layers.get(f"srv/checkout/config-{version}.tar", 4_000)),
        Step("COPY locales/ ./locales/ # buildkit", layers.get("srv/checkout/locales.tar", 30_000)),
        Step("USER node"),
        Step("EXPOSE map[3000/tcp:{}]"),
        Step('CMD ["node" "dist/server.js"]'),
    ]
    return ImageSpec(
        steps=steps,
        created=created,
        architecture=arch,
        variant="v8" if arch == "arm64" else None,
        env=[PATH_ENV, "NODE_VERSION=20.19.1", "NODE_ENV=production"],
        cmd=["node", "dist/server.js"],
        labels=oci_labels("checkout", version, sha7(rng) + sha7(rng), created),
        exposed_ports=["3000/tcp"],
        working_dir="/srv/checkout",
        user="node",
        oci=True,
    )


def _windows_image(layers: Layers, created: Any, rng: random.Random) -> BuiltImage:
    """A Docker v2 Windows image: a foreign base layer (never uploaded; fetched from its URL) and app layers."""
    built = build_image(
        ImageSpec(
            steps=[
                Step("Apply image 10.0.20348.2582"),
                Step("cmd /S /C mkdir C:\\checkout", layers.get("windows/checkout-dir.tar", 8_000)),
                Step("COPY publish/ C:\\checkout\\", layers.get("windows/checkout-3.2.0.tar", 180_000)),
                Step('CMD ["C:\\\\checkout\\\\Checkout.exe"]'),
            ],
            created=created,
            cmd=["C:\\checkout\\Checkout.exe"],
            labels=oci_labels("checkout", CHECKOUT_WINDOWS_TAG, sha7(rng), created),
        )
    )
    document = json.loads(built.manifest)
    foreign = {
        "mediaType": WINDOWS_FOREIGN_LAYER,
        "size": 1_471_537_113,
        "digest": "sha256:" + random.Random("ecrtui-windows-base").randbytes(32).hex(),
        "urls": ["https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:" + "0" * 64],
    }
    document["layers"] = [foreign, *document["layers"]]
    config = json.loads(built.blobs[0].data)
    config["os"] = "windows"
    config["os.version"] = "10.0.20348.2582"
    config["rootfs"]["diff_ids"] = [
        "sha256:" + random.Random("ecrtui-windows-diff").randbytes(32).hex()
    ] + config["rootfs"]["diff_ids"]
    config_blob = Blob(json.dumps(config, separators=(",", ":")).encode(), built.blobs[0].media_type)
    document["config"] = config_blob.descriptor()
    layer_blobs = [b for b in built.blobs[1:] if b.media_type == DOCKER_LAYER]
    return BuiltImage(json.dumps(document, indent=3), built.media_type, (config_blob, *layer_blobs))


def cosign_signature_tag(digest: str) -> str:
    """The tag cosign (before OCI 1.1) gives the signature of image ``digest``: ``sha256-<hex>.sig``."""
    return "sha256-" + digest.split(":", 1)[1] + ".sig"


def seed_copy_cases(layers: Layers) -> None:
    """Create ``web/checkout`` in ``demo-dev`` (after the other dev repositories; its own random sequence)."""
    rng = random.Random("ecrtui-demo-copy-cases")
    reg = SeedRegistry(DEV_PROFILE.account_id, DEV_PROFILE.region)
    repo: Repository = reg.repository(
        CHECKOUT_REPOSITORY,
        DEMO_EPOCH - timedelta(days=70),
        tags={"team": "web", "env": "dev", "signed": "true"},
    )
    name = f"{DEV_PROFILE.account_id}.dkr.ecr.{DEV_PROFILE.region}.amazonaws.com/{CHECKOUT_REPOSITORY}"

    pushed = DEMO_EPOCH - timedelta(days=21, hours=3)
    legacy = build_image(_node_app(layers, CHECKOUT_LEGACY_SIGNED_TAG, pushed, rng))
    reg.push(repo, legacy, pushed, [CHECKOUT_LEGACY_SIGNED_TAG])
    legacy_signature = _legacy_cosign_signature(legacy, name)
    reg.push(repo, legacy_signature, pushed + timedelta(minutes=2), [cosign_signature_tag(legacy.digest)])

    pushed = DEMO_EPOCH - timedelta(days=12, hours=5)
    signed = build_image(_node_app(layers, CHECKOUT_SIGNED_TAG, pushed, rng))
    reg.push(repo, signed, pushed, [CHECKOUT_SIGNED_TAG])
    reg.push(repo, _cosign_signature(signed, name, pushed), pushed + timedelta(minutes=2))
    reg.push(repo, _sbom(signed, f"{name}:{CHECKOUT_SIGNED_TAG}", pushed), pushed + timedelta(minutes=3))
    reg.push(
        repo, _windows_image(layers, pushed, rng), pushed + timedelta(minutes=30), [CHECKOUT_WINDOWS_TAG]
    )

    pushed = DEMO_EPOCH - timedelta(days=2, hours=4)
    children = [
        (build_image(_node_app(layers, CHECKOUT_INDEX_TAG, pushed, rng, arch)), {"platform": platform})
        for arch, platform in (
            ("amd64", {"architecture": "amd64", "os": "linux"}),
            ("arm64", {"architecture": "arm64", "os": "linux", "variant": "v8"}),
        )
    ]
    for child, _ in children:
        reg.push(repo, child, pushed)
    index = build_index(children, annotations={"org.opencontainers.image.created": _iso(pushed)})
    reg.push(repo, index, pushed, [CHECKOUT_INDEX_TAG, "latest"])
    reg.push(repo, _notation_signature(index, pushed), pushed + timedelta(minutes=2))
    reg.push(repo, _sbom(index, f"{name}:{CHECKOUT_INDEX_TAG}", pushed), pushed + timedelta(minutes=3))
