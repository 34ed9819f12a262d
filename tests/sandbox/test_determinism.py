"""Two starts with ``--seed demo`` give identical registries: repository lists, digests and push times."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess


def _snapshot(sandbox: SandboxProcess) -> dict[str, Any]:
    """Everything a user could see of both registries, in order."""
    result: dict[str, Any] = {}
    for profile in ("demo-dev", "demo-prod"):
        ecr = sandbox.session(profile).client("ecr")
        repositories = [
            (r["repositoryName"], r["repositoryArn"], r["createdAt"], r["imageTagMutability"])
            for page in ecr.get_paginator("describe_repositories").paginate()
            for r in page["repositories"]
        ]
        images = {
            name: [
                (d["imageDigest"], tuple(d.get("imageTags", ())), d["imagePushedAt"], d["imageSizeInBytes"])
                for page in ecr.get_paginator("describe_images").paginate(repositoryName=name)
                for d in page["imageDetails"]
            ]
            for name, *_ in repositories
        }
        result[profile] = {"repositories": repositories, "images": images}
    return result


def test_two_demo_starts_are_identical(
    demo_sandbox: SandboxProcess, sandbox_factory: Callable[..., SandboxProcess]
) -> None:
    second = sandbox_factory("--seed", "demo")
    first_view, second_view = _snapshot(demo_sandbox), _snapshot(second)
    assert first_view == second_view
    assert sum(len(v) for v in first_view["demo-dev"]["images"].values()) >= 80


def test_empty_seed_has_no_repositories(sandbox_factory: Callable[..., SandboxProcess]) -> None:
    empty = sandbox_factory("--seed", "empty")
    for profile in ("demo-dev", "demo-prod"):
        assert empty.session(profile).client("ecr").describe_repositories()["repositories"] == []
