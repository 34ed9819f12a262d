"""Deterministic image content for the seed: layers, configs and manifests that look like real builds.

Everything derives from fixed strings and timestamps: layers are real gzip-compressed tar files whose bytes come
from a seeded generator, configs carry real diff_ids, history and settings, and manifests are serialised the way
Docker (3-space indent) or BuildKit (compact) write them. The same seed gives the same digests on every run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import tarfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from ecrtui.sandbox.manifest_rules import (
    DOCKER_CONFIG,
    DOCKER_LIST,
    DOCKER_V1,
    DOCKER_V2,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
)

DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
IN_TOTO_LAYER = "application/vnd.in-toto+json"
HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
class Blob:
    """Bytes with their digest; for a layer, ``diff_id`` is the digest of the uncompressed tar."""

    data: bytes
    media_type: str
    diff_id: str | None = None

    @cached_property
    def digest(self) -> str:
        return _sha(self.data)

    @property
    def size(self) -> int:
        return len(self.data)

    def descriptor(self, **extra: Any) -> dict[str, Any]:
        return {"mediaType": self.media_type, "digest": self.digest, "size": self.size, **extra}


def make_layer(name: str, size: int, media_type: str = DOCKER_LAYER) -> Blob:
    """A gzip'd tar (stored blocks: the payload is random, so compression would gain nothing) holding one file of ``size`` seeded bytes at ``name`` (same name -> same bytes)."""
    payload = random.Random(f"ecrtui-layer:{name}:{size}").randbytes(size)
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo(name.lstrip("/"))
        info.size = len(payload)
        info.mtime = 1_700_000_000
        info.mode = 0o644
        info.uname = info.gname = "root"
        archive.addfile(info, io.BytesIO(payload))
    tar_bytes = tar_buffer.getvalue()
    compressed = gzip.compress(tar_bytes, compresslevel=0, mtime=0)
    return Blob(compressed, media_type, diff_id=_sha(tar_bytes))


@dataclass(frozen=True, slots=True)
class Step:
    """One Dockerfile instruction: its history line and, unless empty, the layer it made."""

    created_by: str
    layer: Blob | None = None


@dataclass(slots=True)
class ImageSpec:
    """What the seed says about one image; ``build`` turns it into config and manifest bytes."""

    steps: list[Step]
    created: datetime
    architecture: str = "amd64"
    variant: str | None = None
    env: list[str] = field(default_factory=list)
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    exposed_ports: list[str] = field(default_factory=list)
    working_dir: str = ""
    user: str = ""
    oci: bool = False
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def layers(self) -> list[Blob]:
        return [s.layer for s in self.steps if s.layer is not None]


@dataclass(frozen=True)
class BuiltImage:
    """A manifest and the blobs it needs in the repository."""

    manifest: str
    media_type: str
    blobs: tuple[Blob, ...]

    @cached_property
    def digest(self) -> str:
        return _sha(self.manifest.encode())

    def descriptor(self, **extra: Any) -> dict[str, Any]:
        return {
            "mediaType": self.media_type,
            "digest": self.digest,
            "size": len(self.manifest.encode()),
            **extra,
        }


def _config(spec: ImageSpec) -> bytes:
    container: dict[str, Any] = {
        "Env": spec.env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    }
    if spec.entrypoint is not None:
        container["Entrypoint"] = spec.entrypoint
    if spec.cmd is not None:
        container["Cmd"] = spec.cmd
    if spec.exposed_ports:
        container["ExposedPorts"] = {port: {} for port in spec.exposed_ports}
    if spec.labels:
        container["Labels"] = spec.labels
    if spec.working_dir:
        container["WorkingDir"] = spec.working_dir
    if spec.user:
        container["User"] = spec.user
    history = []
    for step in spec.steps:
        entry: dict[str, Any] = {"created": _iso(spec.created), "created_by": step.created_by}
        if step.layer is None:
            entry["empty_layer"] = True
        else:
            entry["comment"] = "buildkit.dockerfile.v0"
        history.append(entry)
    document: dict[str, Any] = {
        "architecture": spec.architecture,
        "config": container,
        "created": _iso(spec.created),
        "history": history,
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in spec.layers]},
    }
    if spec.variant:
        document["variant"] = spec.variant
    return json.dumps(document, separators=(",", ":")).encode()


def build_image(spec: ImageSpec) -> BuiltImage:
    """Config blob plus a Docker v2 (3-space indent, like docker push) or OCI (compact, like BuildKit) manifest."""
    config = Blob(_config(spec), OCI_CONFIG if spec.oci else DOCKER_CONFIG)
    layers = spec.layers
    if spec.oci:
        oci_layers = [Blob(layer.data, OCI_LAYER, layer.diff_id) for layer in layers]
        document: dict[str, Any] = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config.descriptor(),
            "layers": [layer.descriptor() for layer in oci_layers],
        }
        if spec.annotations:
            document["annotations"] = spec.annotations
        manifest = json.dumps(document, separators=(",", ":"))
        return BuiltImage(manifest, OCI_MANIFEST, (config, *oci_layers))
    document = {
        "schemaVersion": 2,
        "mediaType": DOCKER_V2,
        "config": config.descriptor(),
        "layers": [layer.descriptor() for layer in layers],
    }
    return BuiltImage(json.dumps(document, indent=3), DOCKER_V2, (config, *layers))


def build_attestation(subject: BuiltImage, name: str, created: datetime) -> BuiltImage:
    """A BuildKit attestation manifest (SPDX SBOM and SLSA provenance as in-toto layers) for ``subject``."""
    sbom = json.dumps(
        {
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": "https://spdx.dev/Document",
            "subject": [{"name": name, "digest": {"sha256": subject.digest.split(":", 1)[1]}}],
            "predicate": {
                "spdxVersion": "SPDX-2.3",
                "name": name,
                "creationInfo": {"created": _iso(created)},
            },
        },
        separators=(",", ":"),
    ).encode()
    provenance = json.dumps(
        {
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": "https://slsa.dev/provenance/v0.2",
            "subject": [{"name": name, "digest": {"sha256": subject.digest.split(":", 1)[1]}}],
            "predicate": {
                "builder": {"id": "https://github.com/example/ecrtui-demo/actions"},
                "buildType": "docker",
            },
        },
        separators=(",", ":"),
    ).encode()
    config = Blob(
        b'{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":[]}}',
        OCI_CONFIG,
    )
    layers = (
        Blob(sbom, IN_TOTO_LAYER),
        Blob(provenance, IN_TOTO_LAYER),
    )
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor(),
        "layers": [
            layers[0].descriptor(annotations={"in-toto.io/predicate-type": "https://spdx.dev/Document"}),
            layers[1].descriptor(
                annotations={"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}
            ),
        ],
    }
    return BuiltImage(json.dumps(document, separators=(",", ":")), OCI_MANIFEST, (config, *layers))


def build_index(
    children: list[tuple[BuiltImage, dict[str, Any]]],
    oci: bool = True,
    annotations: dict[str, str] | None = None,
) -> BuiltImage:
    """An OCI index (or Docker manifest list) over already-built children with their platform entries."""
    entries = [child.descriptor(**extra) for child, extra in children]
    document: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX if oci else DOCKER_LIST,
        "manifests": entries,
    }
    if annotations:
        document["annotations"] = annotations
    text = json.dumps(document, separators=(",", ":")) if oci else json.dumps(document, indent=3)
    return BuiltImage(text, OCI_INDEX if oci else DOCKER_LIST, ())


def build_schema1(name: str, tag: str, layers: list[Blob], created: datetime) -> BuiltImage:
    """An unsigned Docker schema 1 manifest (legacy, still stored by ECR)."""
    history = [
        {
            "v1Compatibility": json.dumps(
                {"id": hashlib.sha256(f"{name}:{i}".encode()).hexdigest(), "created": _iso(created)},
                separators=(",", ":"),
            )
        }
        for i in range(len(layers))
    ]
    document = {
        "schemaVersion": 1,
        "name": name,
        "tag": tag,
        "architecture": "amd64",
        "fsLayers": [{"blobSum": layer.digest} for layer in reversed(layers)],
        "history": history,
    }
    return BuiltImage(json.dumps(document, indent=3), DOCKER_V1, tuple(layers))


def build_helm_chart(chart: str, version: str, app_version: str, created: datetime) -> BuiltImage:
    """An OCI artifact as ``helm push`` writes it: helm config plus one chart layer."""
    config = Blob(
        json.dumps(
            {
                "name": chart,
                "version": version,
                "appVersion": app_version,
                "apiVersion": "v2",
                "type": "application",
                "description": f"Helm chart for {chart}",
            },
            separators=(",", ":"),
        ).encode(),
        HELM_CONFIG,
    )
    chart_layer = make_layer(f"{chart}/Chart-{version}.tgz", 3_000 + len(version) * 100, HELM_CHART)
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config.descriptor(),
        "layers": [chart_layer.descriptor()],
        "annotations": {
            "org.opencontainers.image.created": _iso(created),
            "org.opencontainers.image.title": chart,
            "org.opencontainers.image.version": version,
        },
    }
    return BuiltImage(json.dumps(document, separators=(",", ":")), OCI_MANIFEST, (config, chart_layer))
