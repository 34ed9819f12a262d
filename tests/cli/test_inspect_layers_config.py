"""``ecrtui inspect --layers`` shows build steps cleaned as the inspector's Layers tab does; ``--config`` whose
download is refused (a sandbox started with ``--deny-blob-downloads``) is one line and exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ecrtui.ecr.history import clean_created_by
from ecrtui.sandbox import seed
from tests.cli.cli_run import cli_env, ecrtui, one_line
from tests.conftest import SandboxProcess

IMAGE = f"{seed.API_REPOSITORY}:{seed.API_LATEST}"


@pytest.fixture(scope="module")
def env(demo_sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return cli_env(demo_sandbox, tmp_path_factory.mktemp("state"))


def test_layers_show_cleaned_steps_and_keep_the_exact_command(env: dict[str, str]) -> None:
    layers = json.loads(ecrtui(env, "inspect", IMAGE, "--layers", "--json").stdout)
    raw = [layer["created_by"] for layer in layers]
    assert raw[0].startswith("/bin/sh -c #(nop) ADD ")  # the seed records the classic builder's form
    assert any(command.endswith(" # buildkit") for command in raw)
    assert [layer["step"] for layer in layers] == [clean_created_by(command) for command in raw]
    assert layers[0]["step"].startswith("ADD file:")

    table = ecrtui(env, "inspect", IMAGE, "--layers")
    assert table.returncode == 0, table.stderr
    rows = table.stdout.splitlines()[1:]
    assert len(rows) == len(layers)
    assert "#(nop)" not in table.stdout
    assert "# buildkit" not in table.stdout
    assert rows[0].endswith(layers[0]["step"])


def test_a_refused_config_download_is_one_line_and_exit_1(
    sandbox_factory: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    denied = cli_env(sandbox_factory("--deny-blob-downloads", "--no-rate-limits"), tmp_path)
    result = ecrtui(denied, "inspect", IMAGE, "--config")
    assert result.returncode == 1
    line = one_line(result)
    assert line.startswith(
        "ecrtui inspect: the image config could not be downloaded: Download of blob sha256:"
    )
    assert "refused" in line
    assert "X-Amz-Signature" not in result.stderr  # never the presigned URL
    assert result.stdout == ""

    as_json = ecrtui(denied, "inspect", IMAGE, "--config", "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["exit_code"] == 1

    # The layers are still listed (from the manifest); the steps are unknown and stderr says why.
    layers = ecrtui(denied, "inspect", IMAGE, "--layers", "--json")
    assert layers.returncode == 0, layers.stderr
    assert "build steps unknown, the image config could not be downloaded" in one_line(layers)
    assert [layer["step"] for layer in json.loads(layers.stdout)] == [None] * 5

    # The manifest is an API call (BatchGetImage), not a blob download: it still works.
    assert ecrtui(denied, "inspect", IMAGE, "--manifest").returncode == 0


def test_a_schema1_image_lists_its_layers_and_an_index_says_an_index(env: dict[str, str]) -> None:
    """Schema 1 keeps its steps in v1Compatibility (no sizes); an index has none of its own, said in good English."""
    legacy = ecrtui(env, "inspect", f"{seed.SCHEMA1_REPOSITORY}:2020.03", "--layers", "--json")
    assert legacy.returncode == 0, legacy.stderr
    layers = json.loads(legacy.stdout)
    assert len(layers) == 2
    assert all(layer["size_bytes"] is None for layer in layers)
    digests = [layer["digest"] for layer in layers]
    assert len(set(digests)) == 2
    assert all(d.startswith("sha256:") for d in digests)
    index = ecrtui(env, "inspect", f"{seed.MULTIARCH_REPOSITORY}:{seed.MULTIARCH_TAG}", "--layers")
    assert index.returncode == 1
    assert "an index has no layers of its own" in one_line(index)
