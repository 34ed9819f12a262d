"""Short digests (``web/api@sha256:2aa4292d4348``, as the app shows them) name an image in every command taking
IMAGE; an ambiguous prefix is bad usage naming the candidates, an unknown one a failure, a full digest costs no
listing call."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.service import EcrService
from ecrtui.manage import Manager
from ecrtui.sandbox import seed
from tests.cli.cli_run import cli_env, ecrtui, one_line
from tests.conftest import SandboxProcess
from tests.ecr.pushing import OCI_CONFIG, OCI_MANIFEST, push_blob, put_manifest

API = seed.API_REPOSITORY


@pytest.fixture(scope="module")
def env(demo_sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return cli_env(demo_sandbox, tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="module")
def rw_env(rw_sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return cli_env(rw_sandbox, tmp_path_factory.mktemp("rw-state"))


def full_digest(env: dict[str, str], image: str) -> str:
    result = ecrtui(env, "inspect", image, "--json")
    assert result.returncode == 0, result.stderr
    digest: str = json.loads(result.stdout)["digest"]
    return digest


def test_reading_commands_resolve_a_short_digest(env: dict[str, str]) -> None:
    digest = full_digest(env, f"{API}:{seed.API_LATEST}")
    short = f"{API}@{digest[:19]}"  # sha256: and 12 hex digits, as the Images pane shows it
    assert full_digest(env, short) == digest
    assert full_digest(env, f"{API}@{digest[:15]}") == digest  # 8 hex digits

    login = ecrtui(env, "login", short)
    assert login.returncode == 0, login.stderr
    assert login.stdout.splitlines()[1].endswith(f"/{API}@{digest}")

    status = ecrtui(env, "replication", "status", short, "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["imageId"]["imageDigest"] == digest

    copy = ecrtui(env, "copy", short, "web/elsewhere:x", "--dry-run", "--json")
    assert json.loads(copy.stdout)["digest"] == digest, copy.stderr

    layers = ecrtui(env, "inspect", short, "--layers", "--json")
    assert layers.returncode == 0, layers.stderr


def test_an_archived_image_is_found_by_its_short_digest(env: dict[str, str]) -> None:
    listed = json.loads(ecrtui(env, "ls", API, "--status", "archived", "--json").stdout)
    digest = listed[0]["digest"]
    summary = json.loads(ecrtui(env, "inspect", f"{API}@{digest[:19]}", "--json").stdout)
    assert (summary["digest"], summary["status"]) == (digest, "ARCHIVED")


@pytest.mark.parametrize(
    ("image", "code", "message"),
    [
        (f"{API}@sha256:00000000", 1, f"no image in {API} has a digest starting sha256:00000000"),
        (f"{API}@sha256:2aa4", 2, "is too short: give at least 8 hex digits"),
        (f"{API}@sha256:2AA4292D4348", 2, "followed by 64 hex digits"),
        (f"{API}@2aa4292d4348", 2, "must start with 'sha256:'"),
        ("web/no-such-repo@sha256:2aa4292d4348", 1, "does not exist"),
    ],
)
def test_bad_prefixes_are_one_line(env: dict[str, str], image: str, code: int, message: str) -> None:
    result = ecrtui(env, "inspect", image)
    assert result.returncode == code
    assert message in one_line(result)


def test_a_full_digest_makes_no_listing_call(demo_sandbox: SandboxProcess) -> None:
    session = demo_sandbox.session("demo-dev")
    service = EcrService(session=session)
    manager = Manager(CachedEcr(service))
    digest = manager.resolve_image(f"{API}:{seed.API_LATEST}").summary.digest
    service.reset_call_counts()
    assert manager.resolve_image(f"{API}@{digest}").summary.digest == digest
    assert service.call_counts.get("DescribeImages") == 1  # the image by id, no page of the repository
    service.reset_call_counts()
    assert manager.resolve_image(f"{API}@{digest[:19]}").summary.digest == digest
    assert service.call_counts.get("DescribeImages") == 2  # one page (22 images), then the image by id


def _colliding_manifests(config: str, config_size: int, layer: str, layer_size: int) -> tuple[bytes, bytes]:
    """Two manifests of the same image whose digests share their first 8 hex digits (a birthday search over an
    annotation: about 2^16 hashes)."""
    seen: dict[str, bytes] = {}
    for n in range(2_000_000):
        body = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "digest": config, "size": config_size},
                "layers": [
                    {
                        "mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": layer,
                        "size": layer_size,
                    }
                ],
                "annotations": {"n": str(n)},
            }
        ).encode()
        prefix = hashlib.sha256(body).hexdigest()[:8]
        if prefix in seen:
            return seen[prefix], body
        seen[prefix] = body
    raise AssertionError("no two manifests share 8 hex digits")


@pytest.fixture(scope="module")
def twins(rw_sandbox: SandboxProcess) -> tuple[str, str, str]:
    """A repository holding two images whose digests start with the same 8 hex digits."""
    ecr: Any = rw_sandbox.session("demo-dev").client("ecr")
    name = "cli/prefix-twins"
    ecr.create_repository(repositoryName=name)
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
    ).encode()
    layer = b"twin layer" * 10
    config_digest = push_blob(ecr, name, config)
    layer_digest = push_blob(ecr, name, layer)
    first, second = _colliding_manifests(config_digest, len(config), layer_digest, len(layer))
    one = put_manifest(ecr, name, first, OCI_MANIFEST, tag="one")
    two = put_manifest(ecr, name, second, OCI_MANIFEST, tag="two")
    assert one[:15] == two[:15]
    assert one != two
    return name, one, two


def test_an_ambiguous_prefix_is_bad_usage_naming_the_candidates(
    rw_env: dict[str, str], twins: tuple[str, str, str]
) -> None:
    name, one, two = twins
    common = next(i for i, (a, b) in enumerate(zip(one, two, strict=True)) if a != b)  # sha256: + 8 or more
    result = ecrtui(rw_env, "rm", f"{name}@{one[:common]}", "--yes")
    assert result.returncode == 2
    line = one_line(result)
    assert f"{one[:common]} is ambiguous: 2 images in {name}" in line
    assert one in line
    assert two in line
    listed = json.loads(ecrtui(rw_env, "ls", name, "--json").stdout)
    assert sorted(i["digest"] for i in listed) == sorted([one, two])  # nothing deleted
    # One more digit tells them apart.
    assert full_digest(rw_env, f"{name}@{two[: common + 1]}") == two


def test_changing_commands_take_a_short_digest(rw_env: dict[str, str], tmp_path: Path) -> None:
    digest = full_digest(rw_env, f"{API}:{seed.API_LATEST}")
    short = f"{API}@{digest[:19]}"
    tagged = ecrtui(rw_env, "tag", short, "by-prefix", "--yes")
    assert tagged.returncode == 0, tagged.stderr
    assert "by-prefix" in json.loads(ecrtui(rw_env, "inspect", short, "--json").stdout)["tags"]
    untagged = ecrtui(rw_env, "untag", f"{API}:by-prefix@{digest[:19]}", "--yes")
    assert untagged.returncode == 0, untagged.stderr
    assert "by-prefix" not in json.loads(ecrtui(rw_env, "inspect", short, "--json").stdout)["tags"]

    archived = json.loads(ecrtui(rw_env, "ls", API, "--status", "archived", "--json").stdout)[0]["digest"]
    restored = ecrtui(rw_env, "restore", f"{API}@{archived[:19]}", "--yes")
    assert restored.returncode == 0, restored.stderr
    assert f"{API}@{archived}" in restored.stdout

    untagged_digests = [
        i["digest"] for i in json.loads(ecrtui(rw_env, "ls", API, "--json").stdout) if not i["tags"]
    ]
    victim, to_archive = untagged_digests[0], untagged_digests[1]
    archive = ecrtui(rw_env, "archive", f"{API}@{to_archive[:19]}", "--yes")
    assert archive.returncode == 0, archive.stderr
    removed = ecrtui(rw_env, "rm", f"{API}@{victim[:19]}", "--yes")
    assert removed.returncode == 0, removed.stderr
    remaining = {i["digest"]: i["status"] for i in json.loads(ecrtui(rw_env, "ls", API, "--json").stdout)}
    assert victim not in remaining
    assert remaining[to_archive] == "ARCHIVED"
