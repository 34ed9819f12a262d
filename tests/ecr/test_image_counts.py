"""``EcrService.count_images`` over real HTTP: ids only, distinct digests, a bounded number of calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ecrtui.ecr.image_counts import ImageCount
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox import seed
from tests.conftest import SandboxProcess, start_sandbox

DEV = "111111111111"


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """An otherwise empty sandbox with one 1,000-image repository (never mutated)."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("scaled"), "--seed", "empty", "--scale-images", "1000")
    try:
        yield sandbox
    finally:
        sandbox.stop()


def test_every_demo_repository_counts_what_describe_images_lists(demo_sandbox: SandboxProcess) -> None:
    """Images with several tags count once (ListImages lists one entry per tag); archived images count too."""
    service = EcrService(session=demo_sandbox.session("demo-dev"))
    client = demo_sandbox.session("demo-dev").client("ecr")
    for name in (seed.API_REPOSITORY, seed.MULTIARCH_REPOSITORY, seed.EMPTY_REPOSITORY):
        pages = client.get_paginator("describe_images").paginate(
            repositoryName=name, registryId=DEV, filter={"imageStatus": "ANY"}
        )
        expected = sum(len(page["imageDetails"]) for page in pages)
        service.reset_call_counts()
        assert service.count_images(name, DEV) == ImageCount(expected, complete=True)
        assert service.call_counts == {"ListImages": 1}


def test_a_big_repository_costs_at_most_max_pages_calls(scaled: SandboxProcess) -> None:
    service = EcrService(session=scaled.session("demo-dev"))
    assert service.count_images("scale/images", DEV) == ImageCount(1000, complete=True)
    service.reset_call_counts()
    assert service.count_images("scale/images", DEV, max_pages=3, page_size=100) == ImageCount(300, False)
    assert service.call_counts == {"ListImages": 3}


def test_a_cancelled_count_stops_before_the_next_call(scaled: SandboxProcess) -> None:
    service = EcrService(session=scaled.session("demo-dev"))
    cancel = threading.Event()
    cancel.set()
    assert service.count_images("scale/images", DEV, cancel=cancel) is None
    assert service.call_counts == {}
