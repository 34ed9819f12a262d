"""The copy engine's rules that need no registry: part sizes, platforms, tag rules, mutability, pacing, retries."""

from __future__ import annotations

import random
import threading

import pytest

from ecrtui.copy.blob_transfer import MAX_PART, MIN_PART, part_size_for
from ecrtui.copy.destination import tag_is_immutable
from ecrtui.copy.pacing import Backoff, RateLimiter, retrying
from ecrtui.copy.request import PlatformSpec, destination_tags
from ecrtui.copy.result import CopyRefused
from ecrtui.ecr.descriptors import Platform
from ecrtui.ecr.errors import Cancelled, NotFound, Throttled
from ecrtui.ecr.models import Repository
from ecrtui.ecr.refs import InvalidReference, parse_reference

MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("size", "suggested", "expected"),
    [
        (100 * MIB, 10 * MIB, 10 * MIB),  # ECR's suggestion
        (1024, 10 * MIB, 10 * MIB),
        (100 * MIB, 0, MIN_PART),  # no suggestion: the minimum
        (100 * MIB, 1 * MIB, MIN_PART),  # never below 5 MiB
        (100 * MIB, 64 * MIB, MAX_PART),  # never above 20 MiB
        (50_000 * MIB, 10 * MIB, 50_000 * MIB // 4200 + 1),  # at most 4,200 parts
        (None, 10 * MIB, 10 * MIB),  # size unknown (schema 1)
    ],
)
def test_part_size(size: int | None, suggested: int, expected: int) -> None:
    part = part_size_for(size, suggested)
    assert part == expected
    if size:
        assert -(-size // part) <= 4200


def test_platform_spec() -> None:
    arm = PlatformSpec.parse("linux/arm64")
    assert arm.matches(Platform(os="linux", architecture="arm64", variant="v8"))
    assert not arm.matches(Platform(os="linux", architecture="amd64"))
    assert not arm.matches(None)
    v7 = PlatformSpec.parse("linux/arm/v7")
    assert not v7.matches(Platform(os="linux", architecture="arm", variant="v6"))
    assert str(v7) == "linux/arm/v7"
    for bad in ("linux", "linux/", "a/b/c/d", ""):
        with pytest.raises(InvalidReference):
            PlatformSpec.parse(bad)


@pytest.mark.parametrize(
    ("source", "dest_tag", "extra", "expected"),
    [
        ("web/api:v1", None, [], ("v1",)),  # the source's tag
        ("web/api:v1", "prod", [], ("prod",)),  # DEST's tag wins
        ("web/api:v1", None, ["a", "b", "a"], ("a", "b")),  # else --tag values
        ("web/api:v1", "prod", ["extra"], ("prod", "extra")),
        ("web/api@sha256:" + "0" * 64, None, [], ()),  # a digest copies untagged
        ("web/api@sha256:" + "0" * 64, None, ["t"], ("t",)),
    ],
)
def test_destination_tags(
    source: str, dest_tag: str | None, extra: list[str], expected: tuple[str, ...]
) -> None:
    assert destination_tags(parse_reference(source), dest_tag, extra) == expected


def test_destination_tags_are_checked() -> None:
    with pytest.raises(InvalidReference):
        destination_tags(parse_reference("web/api:v1"), None, ["bad tag"])


@pytest.mark.parametrize(
    ("mutability", "filters", "tag", "immutable"),
    [
        ("MUTABLE", (), "v1", False),
        ("IMMUTABLE", (), "v1", True),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "sha256-*"), "latest", False),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "sha256-*"), "sha256-abc.sig", False),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest",), "v1", True),
        ("MUTABLE_WITH_EXCLUSION", ("release-*",), "release-1", True),
        ("MUTABLE_WITH_EXCLUSION", ("release-*",), "dev", False),
    ],
)
def test_tag_mutability(mutability: str, filters: tuple[str, ...], tag: str, immutable: bool) -> None:
    repository = Repository(
        registry_id="1" * 12,
        name="r/x",
        image_tag_mutability=mutability,
        tag_mutability_exclusion_filters=filters,
    )
    assert tag_is_immutable(repository, tag) is immutable


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float, cancel: threading.Event | None) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)


def test_rate_limiter_spaces_calls() -> None:
    fake = FakeTime()
    limiter = RateLimiter(8, clock=fake.clock, sleep=fake.sleep)
    for _ in range(17):
        limiter.acquire()
    assert fake.now == pytest.approx(16 / 8)  # 17 calls take 2 s at 8 per second: never 10 in one second
    fake.now += 10
    fake.slept.clear()
    limiter.acquire()
    assert fake.slept == [0.0]  # after a pause, no wait


def test_backoff_is_bounded_and_jittered() -> None:
    backoff = Backoff(base=0.5, cap=4, rng=random.Random(1))
    delays = [backoff.delay(n) for n in range(10)]
    assert all(0 <= d <= min(4, 0.5 * 2**n) for n, d in enumerate(delays))
    assert len(set(delays)) == len(delays)


def test_retrying() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Throttled("slow down")
        return "ok"

    assert retrying(flaky, attempts=3, backoff=Backoff(base=0.001, cap=0.001)) == "ok"
    calls.clear()
    with pytest.raises(Throttled):
        retrying(flaky, attempts=2, backoff=Backoff(base=0.001, cap=0.001))
    with pytest.raises(NotFound):  # not retryable: raised at once
        retrying(lambda: (_ for _ in ()).throw(NotFound("gone")), attempts=5, backoff=Backoff())
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        retrying(flaky, attempts=3, backoff=Backoff(), cancel=cancel)


def test_refusal_message() -> None:
    refused = CopyRefused(["first problem", "second", "third"])
    assert str(refused) == "first problem (and 2 more problem(s))"
    assert refused.problems == ("first problem", "second", "third")


def test_large_buffers_are_kept_off_the_heap_on_glibc() -> None:
    """Process-wide, so in a child interpreter; the copy command calls it (see bench/bench_copy.py)."""
    import subprocess
    import sys

    code = "from ecrtui.copy.memory import keep_large_buffers_off_the_heap as k; print(k())"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    expected = sys.platform.startswith("linux") and "glibc" in " ".join(__import__("platform").libc_ver())
    assert result.stdout.strip() == str(expected)
