"""Scale seeding: ``--scale-images 100000`` is ready within 30 s and ``DescribeImages`` pages through all of it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from ecrtui.sandbox.scale import SCALE_IMAGES_REPOSITORY, SCALE_REPOSITORY_PREFIX

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess


@pytest.mark.slow
def test_hundred_thousand_images_ready_fast_and_fully_paged(
    sandbox_factory: Callable[..., SandboxProcess],
) -> None:
    started = time.perf_counter()
    sandbox = sandbox_factory("--scale-images", "100000", "--scale-repos", "50")  # on top of the demo seed
    ready = time.perf_counter() - started
    assert ready < 30
    ecr = sandbox.session("demo-dev").client("ecr")
    digests: set[str] = set()
    pages = 0
    for page in ecr.get_paginator("describe_images").paginate(
        repositoryName=SCALE_IMAGES_REPOSITORY, PaginationConfig={"PageSize": 1000}
    ):
        digests.update(d["imageDigest"] for d in page["imageDetails"])
        pages += 1
    assert len(digests) == 100_000
    assert pages == 100
    names = [
        r["repositoryName"]
        for page in ecr.get_paginator("describe_repositories").paginate()
        for r in page["repositories"]
    ]
    assert sum(n.startswith(SCALE_REPOSITORY_PREFIX) for n in names) == 50
