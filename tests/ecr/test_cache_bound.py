"""The cache's bound on image listings (issue 12): three large repositories visited in turn stay within it."""

from __future__ import annotations

from typing import Any

import pytest

from ecrtui.ecr.cache import CachedEcr, ListingBudget
from ecrtui.ecr.service import EcrService
from tests.conftest import SandboxProcess
from tests.ecr.pushing import push_many

REPOSITORIES = ("bound/one", "bound/two", "bound/three")
IMAGES = 150
PAGE = 40


@pytest.fixture(scope="module")
def three(rw_sandbox: SandboxProcess) -> SandboxProcess:
    """Three repositories of ``IMAGES`` images each in the module's own sandbox."""
    client = rw_sandbox.session("demo-dev").client("ecr")
    for name in REPOSITORIES:
        client.create_repository(repositoryName=name)
        push_many(client, name, IMAGES)
    return rw_sandbox


def cache_for(sandbox: SandboxProcess, budget: ListingBudget) -> CachedEcr:
    service = EcrService(session=sandbox.session("demo-dev"))
    service.identity()
    service.reset_call_counts()
    return CachedEcr(service, listing_budget=budget)


def visit(cache: CachedEcr, name: str) -> int:
    """List a repository to the end as the Images pane does; the number of images."""
    return sum(len(page) for page in cache.iter_image_pages(name, page_size=PAGE))


def describe_calls(cache: CachedEcr) -> int:
    return cache.call_counts.get("DescribeImages", 0)


def test_three_repositories_in_turn_keep_the_most_recent_within_the_bound(three: Any) -> None:
    budget = ListingBudget(max_images=2 * IMAGES + 50)
    cache = cache_for(three, budget)
    for name in REPOSITORIES:
        assert visit(cache, name) == IMAGES
        assert budget.held_images <= budget.max_images
    assert budget.held_images == 2 * IMAGES
    assert cache.cached_listing(REPOSITORIES[0]) is None, "the least recently used listing made room"
    assert cache.cached_listing(REPOSITORIES[1]) is not None
    assert cache.cached_listing(REPOSITORIES[2]) is not None

    calls = describe_calls(cache)
    assert visit(cache, REPOSITORIES[1]) == IMAGES
    assert describe_calls(cache) == calls, "a kept listing is replayed without a call"
    assert visit(cache, REPOSITORIES[0]) == IMAGES
    assert describe_calls(cache) == calls + 4, "an evicted one is listed again (150 images, 40 a page)"
    # Revisiting "two" made it more recent than "three", so "three" went to make room for "one".
    assert cache.cached_listing(REPOSITORIES[2]) is None
    assert cache.cached_listing(REPOSITORIES[1]) is not None
    assert budget.held_images == 2 * IMAGES


def test_a_listing_larger_than_the_whole_bound_is_not_kept(three: Any) -> None:
    budget = ListingBudget(max_images=IMAGES - 1)
    cache = cache_for(three, budget)
    assert visit(cache, REPOSITORIES[0]) == IMAGES
    assert cache.cached_listing(REPOSITORIES[0]) is None
    assert budget.held_images == 0


def test_one_budget_bounds_the_caches_of_every_registry(three: Any) -> None:
    budget = ListingBudget(max_images=IMAGES + 10)
    first, second = cache_for(three, budget), cache_for(three, budget)
    visit(first, REPOSITORIES[0])
    assert first.cached_listing(REPOSITORIES[0]) is not None
    visit(second, REPOSITORIES[1])
    assert first.cached_listing(REPOSITORIES[0]) is None, "the other registry's listing made room"
    assert second.cached_listing(REPOSITORIES[1]) is not None
    assert budget.held_images == IMAGES


def test_a_refresh_and_an_invalidation_give_the_room_back(three: Any) -> None:
    budget = ListingBudget(max_images=3 * IMAGES)
    cache = cache_for(three, budget)
    visit(cache, REPOSITORIES[0])
    kept = cache.cached_listing(REPOSITORIES[0])
    assert sum(len(page) for page in cache.iter_image_pages(REPOSITORIES[0], refresh=True)) == IMAGES
    refreshed = cache.cached_listing(REPOSITORIES[0])
    assert refreshed is not None
    assert refreshed is not kept
    assert budget.held_images == IMAGES, "the refreshed listing replaced the old one in the count"
    cache.invalidate()
    assert budget.held_images == 0
