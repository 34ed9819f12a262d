"""Large layers for copy benchmarks and memory tests: ``--scale-layer-mib N`` (and ``--scale-layers K``).

One image ``scale/large-layer:latest`` in ``demo-dev`` whose K layers are N MiB each. The bytes are generated
1 MiB at a time and streamed into the blob store's spill file while they are hashed, so seeding a 2 GiB layer
costs the sandbox a few MiB of memory, never the layer. Seeded pseudo-random bytes (incompressible, like real
compressed layers) make the same digests on every start.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime

from moto.ecr.models import ecr_backends

from ecrtui.sandbox import registry_ops
from ecrtui.sandbox.images import repo_images
from ecrtui.sandbox.manifest_rules import OCI_CONFIG, OCI_MANIFEST
from ecrtui.sandbox.profiles import DEV_PROFILE
from ecrtui.sandbox.runtime import current

__all__ = ["LARGE_LAYER_REPOSITORY", "LARGE_LAYER_TAG", "seed_large_layers"]

LARGE_LAYER_REPOSITORY = "scale/large-layer"
LARGE_LAYER_TAG = "latest"
MIB = 1024 * 1024
_PUSHED = datetime(2026, 5, 1, tzinfo=UTC)
_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"


def _layer_bytes(number: int, mib: int) -> Iterator[bytes]:
    generator = random.Random(f"ecrtui-large-layer:{number}:{mib}")
    for _ in range(mib):
        yield generator.randbytes(MIB)


def seed_large_layers(mib: int, count: int = 1) -> str:
    """Create ``scale/large-layer:latest`` with ``count`` layers of ``mib`` MiB; return its digest."""
    backend = ecr_backends[DEV_PROFILE.account_id][DEV_PROFILE.region]
    repository = backend.repositories.get(LARGE_LAYER_REPOSITORY) or backend.create_repository(
        LARGE_LAYER_REPOSITORY, None, {}, None, "MUTABLE", []
    )
    blobs = current().blobs
    layers = []
    for number in range(count):
        digest, size = blobs.put_stream(_layer_bytes(number, mib))
        repository.layers[digest] = size
        layers.append({"mediaType": _LAYER_TYPE, "digest": digest, "size": size})
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Cmd": ["/bin/true"]},
            "rootfs": {"type": "layers", "diff_ids": [layer["digest"] for layer in layers]},
            "history": [{"created_by": f"COPY large-{n} / # {mib} MiB"} for n in range(count)],
        },
        separators=(",", ":"),
    ).encode()
    config_digest = registry_ops.add_blob(repository, config)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
            "layers": layers,
        },
        separators=(",", ":"),
    )
    image, _ = registry_ops.put_image(repository, manifest, media_type=OCI_MANIFEST, pushed_at=_PUSHED)
    repo_images(repository).tag(image, LARGE_LAYER_TAG)
    return str(image.image_digest)
