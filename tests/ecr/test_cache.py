"""CachedEcr against the sandbox: TTL listings, invalidation by mutation, content by digest, disk store."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.content_store import DiskStore, MemoryLru
from ecrtui.ecr.errors import ReadOnlyError
from ecrtui.ecr.service import EcrService
from tests.conftest import SandboxProcess, start_sandbox
from tests.ecr.pushing import Pushed, push_image, push_index, sha256


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sandbox = start_sandbox(
        tmp_path_factory.mktemp("cache-scaled"), "--seed", "empty", "--scale-images", "1200"
    )
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture(scope="module")
def ecr(rw_sandbox: SandboxProcess) -> Any:
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture(scope="module")
def content(rw_sandbox: SandboxProcess, ecr: Any) -> dict[str, Pushed]:
    ecr.create_repository(repositoryName="cache/app")
    amd = push_image(ecr, "cache/app", "amd", tag="amd")
    arm = push_image(ecr, "cache/app", "arm", arch="arm64")
    index = push_index(ecr, "cache/app", [(amd, "amd64"), (arm, "arm64")], tag="multi")
    return {"amd": amd, "arm": arm, "index": index}


def make_cache(sandbox: SandboxProcess, clock: FakeClock | None = None, **kwargs: Any) -> CachedEcr:
    service = EcrService(session=sandbox.session("demo-dev"))
    service.identity()  # the one STS call, out of the way of the counts below
    service.reset_call_counts()
    return CachedEcr(service, ttl=300.0, clock=clock or FakeClock(), **kwargs)


def calls(cache: CachedEcr) -> int:
    return sum(cache.call_counts.values())


def test_revisit_within_ttl_makes_zero_calls(scaled: SandboxProcess) -> None:
    clock = FakeClock()
    cache = make_cache(scaled, clock)
    first = list(cache.iter_image_pages("scale/images"))
    assert cache.call_counts == {"DescribeImages": 2}
    clock.now += 299.0
    again = list(cache.iter_image_pages("scale/images"))
    assert calls(cache) == 2  # zero new calls
    assert [len(p) for p in again] == [len(p) for p in first] == [1000, 200]
    assert again == first
    clock.now += 1.0  # the TTL has passed
    list(cache.iter_image_pages("scale/images"))
    assert cache.call_counts == {"DescribeImages": 4}


def test_refresh_bypasses_and_refills(scaled: SandboxProcess) -> None:
    cache = make_cache(scaled)
    cache.list_repositories()
    cache.list_repositories(refresh=True)
    assert cache.call_counts == {"DescribeRepositories": 2}
    cache.list_repositories()
    assert cache.call_counts == {"DescribeRepositories": 2}


def test_get_repository_comes_from_a_fresh_listing(
    rw_sandbox: SandboxProcess, content: dict[str, Pushed]
) -> None:
    cache = make_cache(rw_sandbox)
    listed = {r.name: r for r in cache.list_repositories()}
    assert cache.get_repository("cache/app") == listed["cache/app"]
    assert cache.call_counts == {"DescribeRepositories": 1}
    cache.set_tag_mutability("cache/app", "IMMUTABLE")
    assert cache.get_repository("cache/app").is_immutable
    cache.set_tag_mutability("cache/app", "MUTABLE")
    assert not cache.get_repository("cache/app").is_immutable
    assert cache.call_counts["DescribeRepositories"] == 3


def test_partially_iterated_listing_is_not_cached(scaled: SandboxProcess) -> None:
    cache = make_cache(scaled)
    pages = cache.iter_image_pages("scale/images")
    assert len(next(pages)) == 1000
    pages.close()  # the user moved on before the rest arrived
    assert cache.cached_images("scale/images") is None
    assert len(cache.list_images("scale/images")) == 1200
    assert cache.call_counts == {"DescribeImages": 3}


def test_cancelled_listing_is_not_cached(scaled: SandboxProcess) -> None:
    cache = make_cache(scaled)
    cancel = threading.Event()
    for _ in cache.iter_image_pages("scale/images", cancel=cancel):
        cancel.set()
    assert cache.cached_images("scale/images") is None
    list(cache.iter_image_pages("scale/images"))
    assert cache.call_counts == {"DescribeImages": 3}


def test_mutations_invalidate_what_they_touch(rw_sandbox: SandboxProcess, content: dict[str, Pushed]) -> None:
    cache = make_cache(rw_sandbox)
    before = {i.digest: i.tags for i in cache.list_images("cache/app")}
    repos_before = {r.name for r in cache.list_repositories()}
    amd = content["amd"].digest
    assert before[amd] == ("amd",)
    cache.add_tag("cache/app", amd, "extra")
    after = {i.digest: i.tags for i in cache.list_images("cache/app")}
    assert set(after[amd]) == {"amd", "extra"}
    cache.remove_tag("cache/app", "extra")
    assert {i.digest: i.tags for i in cache.list_images("cache/app")}[amd] == ("amd",)
    cache.create_repository("cache/new")
    assert {r.name for r in cache.list_repositories()} == repos_before | {"cache/new"}
    cache.delete_repository("cache/new")
    assert {r.name for r in cache.list_repositories()} == repos_before
    counts = cache.call_counts
    assert counts["DescribeImages"] == 3
    assert counts["DescribeRepositories"] == 3


def test_policy_and_tag_reads_are_cached_until_changed(
    rw_sandbox: SandboxProcess, content: dict[str, Pushed]
) -> None:
    cache = make_cache(rw_sandbox)
    repository = cache.service.get_repository("cache/app")
    assert cache.get_repository_policy("cache/app") is None
    assert cache.get_resource_tags(repository.arn) == {}
    cache.get_repository_policy("cache/app")
    cache.get_resource_tags(repository.arn)
    assert cache.call_counts["GetRepositoryPolicy"] == 1
    assert cache.call_counts["ListTagsForResource"] == 1
    statement = {"Sid": "r", "Effect": "Allow", "Principal": "*", "Action": ["ecr:DescribeImages"]}
    cache.set_repository_policy("cache/app", json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    cache.tag_resource(repository.arn, {"k": "v"})
    assert "ecr:DescribeImages" in (cache.get_repository_policy("cache/app") or "")
    assert cache.get_resource_tags(repository.arn) == {"k": "v"}
    cache.delete_repository_policy("cache/app")
    cache.untag_resource(repository.arn, ["k"])
    assert cache.get_repository_policy("cache/app") is None
    assert cache.get_resource_tags(repository.arn) == {}
    assert cache.call_counts["GetRepositoryPolicy"] == 3
    assert cache.call_counts["ListTagsForResource"] == 3


def test_a_recreated_repository_does_not_inherit_cached_resource_tags(rw_sandbox: SandboxProcess) -> None:
    cache = make_cache(rw_sandbox)
    first = cache.create_repository("cache/reborn", tags={"team": "old"})
    assert cache.get_resource_tags(first.arn) == {"team": "old"}
    cache.delete_repository("cache/reborn")
    second = cache.create_repository("cache/reborn")
    assert second.arn == first.arn
    assert cache.get_resource_tags(second.arn) == {}
    assert cache.call_counts["ListTagsForResource"] == 2
    cache.delete_repository("cache/reborn")


def test_mutation_during_a_listing_keeps_it_out_of_the_cache(
    rw_sandbox: SandboxProcess, content: dict[str, Pushed]
) -> None:
    cache = make_cache(rw_sandbox)
    pages = cache.iter_image_pages("cache/app", page_size=1)
    next(pages)
    cache.add_tag("cache/app", content["amd"].digest, "during")
    list(pages)  # finishes, but may mix before and after: not stored
    assert cache.cached_images("cache/app") is None
    fresh = {i.digest: i.tags for i in cache.list_images("cache/app")}
    assert "during" in fresh[content["amd"].digest]
    cache.remove_tag("cache/app", "during")


def test_opening_a_cached_image_makes_zero_calls(
    rw_sandbox: SandboxProcess, content: dict[str, Pushed]
) -> None:
    cache = make_cache(rw_sandbox)
    repository = cache.service.get_repository("cache/app")
    images = {i.digest: i for i in cache.list_images("cache/app")}
    for key in ("amd", "index"):
        summary = images[content[key].digest]
        first = cache.get_image_details(repository, summary)
        made = calls(cache)
        second = cache.get_image_details(repository, summary)
        assert calls(cache) == made
        assert second.manifest.raw == first.manifest.raw == content[key].manifest
        assert second.config == first.config
    index = cache.get_image_details(repository, images[content["index"].digest])
    assert [c.summary.digest if c.summary else None for c in index.children] == [
        content["amd"].digest,
        content["arm"].digest,
    ]
    # children's manifests were cached by the index open: opening a child needs only its config
    cache.service.reset_call_counts()
    cache.get_image_details(repository, images[content["arm"].digest])
    assert "BatchGetImage" not in cache.call_counts


def test_refresh_fetches_the_manifest_again(rw_sandbox: SandboxProcess, content: dict[str, Pushed]) -> None:
    cache = make_cache(rw_sandbox)
    repository = cache.get_repository("cache/app")
    (summary,) = cache.describe_images("cache/app", ["amd"])
    cache.get_image_details(repository, summary)
    cache.service.reset_call_counts()
    details = cache.get_image_details(repository, summary, refresh=True)
    assert cache.call_counts == {"BatchGetImage": 1}  # the manifest is asked again; the config stays cached
    assert details.manifest.raw == content["amd"].manifest


def test_get_manifests_fetches_only_the_misses(
    rw_sandbox: SandboxProcess, content: dict[str, Pushed]
) -> None:
    cache = make_cache(rw_sandbox)
    cache.get_manifests("cache/app", [content["amd"].digest])
    missing = sha256(b"nothing")
    batch = cache.get_manifests("cache/app", [content["amd"].digest, content["arm"].digest, missing])
    assert list(batch.manifests) == [content["amd"].digest, content["arm"].digest]
    assert [f.digest for f in batch.failures] == [missing]
    assert cache.call_counts == {"BatchGetImage": 2}
    cache.get_manifests("cache/app", [content["amd"].digest, content["arm"].digest])
    assert cache.call_counts == {"BatchGetImage": 2}


def test_disk_cache_survives_a_new_process_view(
    rw_sandbox: SandboxProcess, content: dict[str, Pushed], tmp_path: Path
) -> None:
    first = make_cache(rw_sandbox, disk_dir=tmp_path)
    repository = first.service.get_repository("cache/app")
    summary = next(i for i in first.list_images("cache/app") if i.digest == content["amd"].digest)
    first.get_image_details(repository, summary)
    second = make_cache(rw_sandbox, disk_dir=tmp_path)
    details = second.get_image_details(repository, summary)
    assert calls(second) == 0
    assert details.config is not None
    assert details.config.raw == content["amd"].config
    # a corrupted file is dropped and fetched again, never trusted
    manifest_file = tmp_path / "manifests" / content["amd"].digest.removeprefix("sha256:")
    manifest_file.write_bytes(manifest_file.read_bytes() + b" ")
    third = make_cache(rw_sandbox, disk_dir=tmp_path)
    assert third.get_image_details(repository, summary).manifest.raw == content["amd"].manifest
    assert third.call_counts == {"BatchGetImage": 1}


def test_read_only_passes_through(rw_sandbox: SandboxProcess, content: dict[str, Pushed]) -> None:
    service = EcrService(session=rw_sandbox.session("demo-dev"), read_only=True)
    cache = CachedEcr(service, clock=FakeClock())
    assert cache.read_only
    with pytest.raises(ReadOnlyError):
        cache.add_tag("cache/app", content["amd"].digest, "nope")
    with pytest.raises(ReadOnlyError):
        cache.delete_image("cache/app", content["amd"].digest)


def test_memory_lru_evicts_least_recently_used() -> None:
    lru: MemoryLru[str] = MemoryLru(cap_bytes=10)
    lru.put("a", "A", 4)
    lru.put("b", "B", 4)
    assert lru.get("a") == "A"  # a is now the most recent
    lru.put("c", "C", 4)
    assert "b" not in lru
    assert lru.get("a") == "A"
    assert lru.get("c") == "C"
    assert lru.size_bytes == 8
    lru.put("huge", "H", 11)
    assert "huge" not in lru


def test_disk_store_caps_its_size(tmp_path: Path) -> None:
    store = DiskStore(tmp_path, cap_bytes=3000)
    blobs = [bytes([i]) * 1000 for i in range(5)]
    for i, data in enumerate(blobs):
        digest = sha256(data)
        store.put("blobs", digest, data)
        os.utime(tmp_path / "blobs" / digest.removeprefix("sha256:"), (i, i))  # deterministic ages
    assert store.size_bytes <= 3000
    assert store.get("blobs", sha256(blobs[0])) is None  # oldest evicted
    assert store.get("blobs", sha256(blobs[4])) == ("", blobs[4])
    assert store.get("blobs", "sha256:../../etc/passwd") is None


def test_a_failed_disk_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = DiskStore(tmp_path, cap_bytes=10_000)
    data = b"config bytes"

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    store.put("blobs", sha256(data), data)  # a cache write failing is not the caller's problem
    assert list((tmp_path / "blobs").iterdir()) == []
    assert store.get("blobs", sha256(data)) is None
