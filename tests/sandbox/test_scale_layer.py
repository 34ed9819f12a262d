"""``--scale-layer-mib N --scale-layers K``: one image of K large layers, streamed into the sandbox's blob store."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from typing import Any

import urllib3

from ecrtui.sandbox.scale_layer import LARGE_LAYER_REPOSITORY, LARGE_LAYER_TAG

MIB = 1024 * 1024


def test_large_layers_are_served_and_verified(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory("--seed", "empty", "--scale-layer-mib", "3", "--scale-layers", "2")
    ecr = sandbox.session("demo-dev").client("ecr")
    image = ecr.batch_get_image(
        repositoryName=LARGE_LAYER_REPOSITORY, imageIds=[{"imageTag": LARGE_LAYER_TAG}]
    )
    document = json.loads(image["images"][0]["imageManifest"])
    assert [layer["size"] for layer in document["layers"]] == [3 * MIB, 3 * MIB]
    assert len({layer["digest"] for layer in document["layers"]}) == 2
    for layer in document["layers"]:
        url = ecr.get_download_url_for_layer(
            repositoryName=LARGE_LAYER_REPOSITORY, layerDigest=layer["digest"]
        )
        data = urllib3.request("GET", url["downloadUrl"], timeout=30).data
        assert "sha256:" + hashlib.sha256(data).hexdigest() == layer["digest"]
    detail = ecr.describe_images(repositoryName=LARGE_LAYER_REPOSITORY)["imageDetails"][0]
    assert detail["imageSizeInBytes"] == 6 * MIB


def test_bad_scale_layer_options_are_one_line(tmp_path: Any) -> None:
    for flag, value in (("--scale-layer-mib", "-1"), ("--scale-layers", "0")):
        result = subprocess.run(
            [sys.executable, "-m", "ecrtui", "sandbox", "--profiles-dir", str(tmp_path), flag, value],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [result.stderr.strip()]
        assert flag in result.stderr
