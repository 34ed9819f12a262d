"""``CachedEcr``: the service as the UI holds it, with TTL listings and content-addressed manifests and blobs.

- Listings (repositories, images, policies, tags) live for ``ttl`` seconds of the injected ``clock``; a mutation
  made through the cache invalidates every listing it touches; ``refresh=True`` bypasses and refills.
- A paged listing is stored only once fully iterated (a cancelled or abandoned one is not), then replayed as the
  same pages. If a mutation lands while a listing is being fetched, that listing is not stored.
- Image listings are stored as the ``ImageListing`` the pages were views of (the same object the Images pane
  shows, never a copy), and together they hold at most ``ListingBudget.max_images`` images: the least recently
  used listing is dropped first, across every registry sharing the budget, so visiting ten large repositories
  does not grow the process without limit.
- Manifests and blobs are named by digest, so they never expire: a memory LRU, and optionally a disk store
  (``default_cache_dir()``), both size-capped. Revisiting a repository within the TTL, or opening an image whose
  manifest and config are cached, makes zero API calls.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from ecrtui.ecr.batches import BatchFailure, ManifestBatch
from ecrtui.ecr.blobs import verify_digest
from ecrtui.ecr.content_store import DiskStore, MemoryLru, default_cache_dir
from ecrtui.ecr.details import ImageDetails, build_image_details
from ecrtui.ecr.image_counts import ImageCount
from ecrtui.ecr.images import ImageStatusFilter, StorageClass
from ecrtui.ecr.lifecycle import LifecyclePreview
from ecrtui.ecr.listing import ImageListing, ImagePage
from ecrtui.ecr.login import RegistryEndpoint
from ecrtui.ecr.manifests import Manifest, ManifestError, Schema1Manifest, parse_manifest
from ecrtui.ecr.models import ImageSummary, Registry, Repository
from ecrtui.ecr.mutability import TagMutability
from ecrtui.ecr.registry_policy import RegistryPolicy
from ecrtui.ecr.replication import (
    BackfillReport,
    BackfillResult,
    ImageReplication,
    ReplicationBackfill,
    ReplicationConfiguration,
    ReplicationDestination,
    ReplicationStatus,
)
from ecrtui.ecr.replication_ops import BACKFILL_PAGE, RESULTS_PAGE
from ecrtui.ecr.scans import ScanFindings
from ecrtui.ecr.service import PAGE_SIZE, CallerIdentity, EcrService, TagStatus
from ecrtui.ecr.transfers import Referrer

__all__ = ["DEFAULT_LISTING_IMAGES", "CachedEcr", "ListingBudget", "default_cache_dir"]

T = TypeVar("T")
Clock = Callable[[], float]

DEFAULT_TTL = 300.0
DEFAULT_MEMORY_CAP = 64 * 1024 * 1024
DEFAULT_DISK_CAP = 512 * 1024 * 1024
DEFAULT_LISTING_IMAGES = 200_000
"""Images the cached image listings may hold together (about 30 MB per 100,000 images)."""


@dataclass(slots=True)
class _Entry:
    value: Any
    stored_at: float


class ListingBudget:
    """How many images the cached image listings may hold together, shared by the caches of every registry.

    Least recently used first out: storing a listing evicts the oldest ones until the total fits; a listing
    larger than the whole budget is not stored at all (the pane showing it still holds it until it is left).
    Thread-safe (listings are stored from the panes' workers).
    """

    def __init__(self, max_images: int = DEFAULT_LISTING_IMAGES) -> None:
        self.max_images = max_images
        self._lock = threading.Lock()
        self._held: OrderedDict[tuple[int, Hashable], tuple[weakref.ref[CachedEcr], int]] = OrderedDict()

    @property
    def held_images(self) -> int:
        """Images in the listings stored now."""
        with self._lock:
            return sum(size for _, size in self._held.values())

    def admit(self, owner: CachedEcr, key: Hashable, images: int) -> bool:
        """Make room for a listing of ``images`` images (evicting others); ``False`` if it can never fit."""
        victims: list[tuple[CachedEcr, Hashable]] = []
        with self._lock:
            self._held.pop((id(owner), key), None)
            if images > self.max_images:
                return False
            total = sum(size for _, size in self._held.values())
            while self._held and total + images > self.max_images:
                (_, old_key), (ref, size) = self._held.popitem(last=False)
                total -= size
                victim = ref()
                if victim is not None:
                    victims.append((victim, old_key))
            self._held[(id(owner), key)] = (weakref.ref(owner), images)
        for victim, old_key in victims:  # outside the budget's lock: the victim takes its own
            victim.evict_listing(old_key)
        return True

    def touch(self, owner: CachedEcr, key: Hashable) -> None:
        """The listing was used: it goes to the back of the eviction queue."""
        with self._lock:
            if (id(owner), key) in self._held:
                self._held.move_to_end((id(owner), key))

    def forget(self, owner: CachedEcr, key: Hashable) -> None:
        """The listing left the cache (expired, invalidated or refreshed)."""
        with self._lock:
            self._held.pop((id(owner), key), None)


class CachedEcr:
    """A caching front for an ``EcrService`` with the same read methods (plus ``refresh``) and mutations."""

    def __init__(
        self,
        service: EcrService,
        ttl: float = DEFAULT_TTL,
        clock: Clock = time.monotonic,
        disk_dir: Path | None = None,
        disk_cap_bytes: int = DEFAULT_DISK_CAP,
        memory_cap_bytes: int = DEFAULT_MEMORY_CAP,
        listing_budget: ListingBudget | None = None,
    ) -> None:
        """``listing_budget`` bounds the images of the cached listings; pass one budget to every registry's
        cache to bound them together (a cache without one gets its own, ``DEFAULT_LISTING_IMAGES``)."""
        self.service = service
        self.ttl = ttl
        self._clock = clock
        self._listings: dict[Hashable, _Entry] = {}
        self._generations: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self._manifests: MemoryLru[Manifest] = MemoryLru(memory_cap_bytes // 2)
        self._blobs: MemoryLru[bytes] = MemoryLru(memory_cap_bytes // 2)
        self._disk = DiskStore(disk_dir, disk_cap_bytes) if disk_dir is not None else None
        self.listing_budget = listing_budget or ListingBudget()

    # -- pass-through facts -----------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.service.read_only

    @property
    def call_counts(self) -> dict[str, int]:
        return self.service.call_counts

    def identity(self) -> CallerIdentity:
        return self.service.identity()

    def registry(self) -> Registry:
        return self.service.registry()

    def count_images(
        self, repository_name: str, registry_id: str | None = None, *, cancel: threading.Event | None = None
    ) -> ImageCount | None:
        """Not cached: the Repositories pane keeps the counts it showed until the registry is listed again."""
        return self.service.count_images(repository_name, registry_id, cancel=cancel)

    # -- listing cache machinery ------------------------------------------------------------------------------

    def _rid(self, registry_id: str | None) -> str:
        return registry_id or self.service.account_id

    def _fresh(self, key: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._listings.get(key)
            if entry is None:
                return None
            if self._clock() - entry.stored_at >= self.ttl:
                del self._listings[key]
                expired = True
            else:
                expired = False
        if expired:
            self.listing_budget.forget(self, key)
            return None
        return entry

    def evict_listing(self, key: Hashable) -> None:
        """Drop one stored listing (the budget needs the room); the next read fetches it again."""
        with self._lock:
            self._listings.pop(key, None)

    def _generation(self, key: Hashable) -> int:
        with self._lock:
            return self._generations.setdefault(key, 0)

    def _store(self, key: Hashable, value: Any, generation: int) -> None:
        with self._lock:
            if self._generations.get(key, 0) == generation:
                self._listings[key] = _Entry(value, self._clock())

    def invalidate(self, predicate: Callable[[tuple[Any, ...]], bool] | None = None) -> None:
        """Forget listings (all, or those whose key matches); content by digest is kept."""
        with self._lock:
            keys = [k for k in self._listings.keys() | self._generations.keys() if isinstance(k, tuple)]
            dropped = [key for key in keys if predicate is None or predicate(key)]
            for key in dropped:
                self._listings.pop(key, None)
                self._generations[key] = self._generations.get(key, 0) + 1
        for key in dropped:
            self.listing_budget.forget(self, key)

    def _invalidate_keys(self, *keys: tuple[Any, ...]) -> None:
        wanted = set(keys)
        with self._lock:
            for key in wanted:
                self._listings.pop(key, None)
                self._generations[key] = self._generations.get(key, 0) + 1
        for key in wanted:
            self.listing_budget.forget(self, key)

    def _cached(
        self,
        key: tuple[Any, ...],
        loader: Callable[[], T],
        refresh: bool,
        keep: Callable[[T], bool] | None = None,
    ) -> T:
        """The stored value within the TTL, else ``loader()``, stored unless ``keep`` says it will not last."""
        if not refresh:
            entry = self._fresh(key)
            if entry is not None:
                value: T = entry.value
                return value
        generation = self._generation(key)
        loaded = loader()
        if keep is None or keep(loaded):
            self._store(key, loaded, generation)
        return loaded

    def _cached_pages(
        self,
        key: tuple[Any, ...],
        fetch: Callable[[], Iterator[list[T]]],
        refresh: bool,
        cancel: threading.Event | None,
    ) -> Iterator[list[T]]:
        if not refresh:
            entry = self._fresh(key)
            if entry is not None:
                for page in entry.value:
                    if cancel is not None and cancel.is_set():
                        return
                    yield list(page)
                return
        generation = self._generation(key)
        pages: list[tuple[T, ...]] = []
        for page in fetch():
            pages.append(tuple(page))
            yield page
        if cancel is None or not cancel.is_set():
            self._store(key, tuple(pages), generation)

    # -- repositories -----------------------------------------------------------------------------------------

    def iter_repository_pages(
        self,
        registry_id: str | None = None,
        *,
        refresh: bool = False,
        cancel: threading.Event | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[list[Repository]]:
        """Pages of repositories, replayed from the cache within the TTL."""
        rid = self._rid(registry_id)
        return self._cached_pages(
            ("repositories", rid),
            lambda: self.service.iter_repository_pages(rid, cancel=cancel, page_size=page_size),
            refresh,
            cancel,
        )

    def list_repositories(
        self, registry_id: str | None = None, *, refresh: bool = False, cancel: threading.Event | None = None
    ) -> list[Repository]:
        return [r for p in self.iter_repository_pages(registry_id, refresh=refresh, cancel=cancel) for r in p]

    def get_repository(
        self, name: str, registry_id: str | None = None, *, refresh: bool = False
    ) -> Repository:
        """One repository (from a fresh full listing when there is one, else one call, cached for the TTL)."""
        rid = self._rid(registry_id)
        if not refresh:
            listing = self._fresh(("repositories", rid))
            if listing is not None:
                for page in listing.value:
                    for repository in page:
                        if isinstance(repository, Repository) and repository.name == name:
                            return repository
        return self._cached(
            ("repository", rid, name), lambda: self.service.get_repository(name, rid), refresh
        )

    def get_resource_tags(self, arn: str, *, refresh: bool = False) -> dict[str, str]:
        return dict(
            self._cached(("resource-tags", arn), lambda: self.service.get_resource_tags(arn), refresh)
        )

    def get_repository_policy(
        self, name: str, registry_id: str | None = None, *, refresh: bool = False
    ) -> str | None:
        rid = self._rid(registry_id)
        return self._cached(
            ("repository-policy", rid, name), lambda: self.service.get_repository_policy(name, rid), refresh
        )

    def get_lifecycle_policy(
        self, name: str, registry_id: str | None = None, *, refresh: bool = False
    ) -> str | None:
        rid = self._rid(registry_id)
        return self._cached(
            ("lifecycle-policy", rid, name), lambda: self.service.get_lifecycle_policy(name, rid), refresh
        )

    def get_replication_configuration(self, *, refresh: bool = False) -> ReplicationConfiguration:
        return self._cached(
            ("replication", self.service.account_id), self.service.get_replication_configuration, refresh
        )

    # -- images -----------------------------------------------------------------------------------------------

    def iter_image_pages(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        tag_status: TagStatus | None = None,
        image_status: ImageStatusFilter | None = None,
        refresh: bool = False,
        cancel: threading.Event | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[ImagePage]:
        """Pages of images, replayed from the cached listing within the TTL (views of it, never a copy).

        ``image_status`` ``"ANY"`` lists archived and restoring images too (what the Images pane shows); each
        filter is a listing of its own."""
        rid = self._rid(registry_id)
        return self._cached_listing(
            ("images", rid, repository_name, tag_status, image_status),
            lambda: self.service.iter_image_pages(
                repository_name,
                rid,
                tag_status=tag_status,
                cancel=cancel,
                page_size=page_size,
                image_status=image_status,
            ),
            refresh,
            cancel,
            page_size,
        )

    def _cached_listing(
        self,
        key: tuple[Any, ...],
        fetch: Callable[[], Iterator[ImagePage]],
        refresh: bool,
        cancel: threading.Event | None,
        page_size: int,
    ) -> Iterator[ImagePage]:
        if not refresh:
            entry = self._fresh(key)
            if entry is not None:
                self.listing_budget.touch(self, key)
                listing: ImageListing = entry.value
                for start in range(0, max(len(listing), 1), page_size):
                    if cancel is not None and cancel.is_set():
                        return
                    yield listing.page(start, min(start + page_size, len(listing)))
                return
        generation = self._generation(key)
        fetched: ImageListing | None = None
        for page in fetch():
            fetched = page.listing
            yield page
        if fetched is None or not fetched.complete or (cancel is not None and cancel.is_set()):
            return
        with self._lock:
            current = self._generations.get(key, 0) == generation
        if current and self.listing_budget.admit(self, key, len(fetched)):
            self._store(key, fetched, generation)
            with self._lock:
                stored = key in self._listings
            if not stored:  # a mutation landed in between: the budget must not count it
                self.listing_budget.forget(self, key)
        else:
            with self._lock:
                self._listings.pop(key, None)  # a refresh that could not be kept must not leave the old one

    def list_images(
        self,
        repository_name: str,
        registry_id: str | None = None,
        *,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> list[ImageSummary]:
        pages = self.iter_image_pages(repository_name, registry_id, refresh=refresh, cancel=cancel)
        return [i for p in pages for i in p]

    def describe_images(
        self, repository_name: str, references: Sequence[str], registry_id: str | None = None
    ) -> list[ImageSummary]:
        """Summaries for specific tags or digests: always asked (tags move)."""
        return self.service.describe_images(repository_name, references, self._rid(registry_id))

    def cached_images(
        self, repository_name: str, registry_id: str | None = None
    ) -> list[ImageSummary] | None:
        """The complete, fresh image listing if cached (no call ever), else ``None``."""
        listing = self.cached_listing(repository_name, registry_id)
        return None if listing is None else list(listing.page(0, len(listing)))

    def cached_listing(self, repository_name: str, registry_id: str | None = None) -> ImageListing | None:
        """The complete, fresh ``ImageListing`` of a repository if cached (shared, not copied), else ``None``:
        the one with every status (the Images pane's) when there is one, else ECR's default (active images)."""
        rid = self._rid(registry_id)
        for image_status in ("ANY", None):
            entry = self._fresh(("images", rid, repository_name, None, image_status))
            if entry is not None:
                value: ImageListing = entry.value
                return value
        return None

    def list_referrers(
        self,
        repository_name: str,
        subject_digest: str,
        registry_id: str | None = None,
        *,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> list[Referrer]:
        """The artifacts naming an image as their subject (``ListImageReferrers``), cached until the repository's
        images change."""
        rid = self._rid(registry_id)
        return list(
            self._cached(
                ("referrers", rid, repository_name, subject_digest),
                lambda: tuple(
                    self.service.list_referrers(repository_name, subject_digest, rid, cancel=cancel)
                ),
                refresh,
            )
        )

    def get_scan_findings(
        self,
        repository_name: str,
        digest: str,
        registry_id: str | None = None,
        *,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> ScanFindings:
        rid = self._rid(registry_id)
        return self._cached(
            ("scan-findings", rid, repository_name, digest),
            lambda: self.service.get_scan_findings(repository_name, digest, rid, cancel=cancel),
            refresh,
        )

    # -- content by digest ------------------------------------------------------------------------------------

    def _manifest_from_disk(self, digest: str) -> Manifest | None:
        if self._disk is None:
            return None
        stored = self._disk.get("manifests", digest)
        if stored is None:
            return None
        media_type, data = stored
        try:
            return parse_manifest(data, media_type or None)
        except ManifestError:
            return None

    def cached_manifest(self, digest: str) -> Manifest | None:
        """A manifest from memory or disk, never from the network."""
        manifest = self._manifests.get(digest)
        if manifest is None:
            manifest = self._manifest_from_disk(digest)
            if manifest is not None:
                self._manifests.put(digest, manifest, len(manifest.raw))
        return manifest

    def _remember_manifest(self, digest: str, manifest: Manifest) -> None:
        self._manifests.put(digest, manifest, len(manifest.raw))
        # Schema 1 digests do not cover the stored bytes, so the disk store (which re-hashes) skips them.
        if self._disk is not None and not isinstance(manifest, Schema1Manifest):
            self._disk.put("manifests", digest, manifest.raw, manifest.media_type)

    def get_manifests(
        self, repository_name: str, digests: Iterable[str], registry_id: str | None = None
    ) -> ManifestBatch:
        """Manifests by digest: cached ones free, the rest in one BatchGetImage pass (chunks of 100)."""
        wanted = list(dict.fromkeys(digests))
        found: dict[str, Manifest] = {}
        missing: list[str] = []
        for digest in wanted:
            manifest = self.cached_manifest(digest)
            if manifest is None:
                missing.append(digest)
            else:
                found[digest] = manifest
        failures: tuple[BatchFailure, ...] = ()
        if missing:
            batch = self.service.get_manifests(repository_name, missing, registry_id)
            for digest, manifest in batch.manifests.items():
                self._remember_manifest(digest, manifest)
                found[digest] = manifest
            failures = batch.failures
        return ManifestBatch(manifests={d: found[d] for d in wanted if d in found}, failures=failures)

    def get_manifest(self, repository_name: str, reference: str, registry_id: str | None = None) -> Manifest:
        """A manifest by digest (cached) or tag (always asked: tags move)."""
        if reference.startswith("sha256:"):
            return self.get_manifests(repository_name, [reference], registry_id).require(reference)
        return self.service.get_manifest(repository_name, reference, registry_id)

    def get_blob(
        self,
        repository_name: str,
        digest: str,
        registry_id: str | None = None,
        *,
        expected_size: int | None = None,
        max_bytes: int | None = None,
        cancel: threading.Event | None = None,
    ) -> bytes:
        """A blob by digest from memory, disk, or (verified) the registry."""
        data = self._blobs.get(digest)
        if data is None and self._disk is not None:
            stored = self._disk.get("blobs", digest)
            if stored is not None:
                data = stored[1]
                self._blobs.put(digest, data, len(data))
        if data is not None:
            return data
        data = self.service.get_blob(
            repository_name,
            digest,
            registry_id,
            expected_size=expected_size,
            max_bytes=max_bytes,
            cancel=cancel,
        )
        verify_digest(data, digest)  # the service checked already; the cache never stores unverified bytes
        self._blobs.put(digest, data, len(data))
        if self._disk is not None:
            self._disk.put("blobs", digest, data)
        return data

    def get_image_details(
        self, repository: Repository, summary: ImageSummary, *, refresh: bool = False
    ) -> ImageDetails:
        """Inspector details; children's summaries come from the cached listing (no extra call)."""
        if refresh:
            self._forget_content(summary.digest)
        listing = self.cached_listing(repository.name, summary.registry_id or repository.registry_id)
        children = listing.by_digest() if listing is not None else {}
        return build_image_details(self, repository, summary, child_summaries=children)

    def _forget_content(self, digest: str) -> None:
        # Content never changes, but a refresh is the user saying "ask again": fetch and verify it anew.
        self._manifests.discard(digest)
        if self._disk is not None:
            self._disk.discard("manifests", digest)

    # -- mutations (pass-through, then invalidate what they touch) --------------------------------------------

    def create_repository(
        self,
        name: str,
        registry_id: str | None = None,
        *,
        tag_mutability: TagMutability = "MUTABLE",
        exclusion_filters: Sequence[str] = (),
        scan_on_push: bool = False,
        encryption_type: Literal["AES256", "KMS"] = "AES256",
        kms_key: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Repository:
        rid = self._rid(registry_id)
        try:
            return self.service.create_repository(
                name,
                rid,
                tag_mutability=tag_mutability,
                exclusion_filters=exclusion_filters,
                scan_on_push=scan_on_push,
                encryption_type=encryption_type,
                kms_key=kms_key,
                tags=tags,
            )
        finally:
            self._invalidate_keys(("repositories", rid), ("repository", rid, name))
            self._invalidate_resource_tags(rid, name)

    def delete_repository(self, name: str, registry_id: str | None = None, *, force: bool = False) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.delete_repository(name, rid, force=force)
        finally:
            self._invalidate_repository(rid, name, listing_too=True)
            self._invalidate_resource_tags(rid, name)

    def set_tag_mutability(
        self,
        name: str,
        mutability: TagMutability,
        registry_id: str | None = None,
        *,
        exclusion_filters: Sequence[str] = (),
    ) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.set_tag_mutability(name, mutability, rid, exclusion_filters=exclusion_filters)
        finally:
            self._invalidate_keys(("repositories", rid), ("repository", rid, name))

    def tag_resource(self, arn: str, tags: Mapping[str, str]) -> None:
        try:
            self.service.tag_resource(arn, tags)
        finally:
            self._invalidate_keys(("resource-tags", arn))

    def untag_resource(self, arn: str, keys: Iterable[str]) -> None:
        try:
            self.service.untag_resource(arn, keys)
        finally:
            self._invalidate_keys(("resource-tags", arn))

    def set_repository_policy(self, name: str, policy_text: str, registry_id: str | None = None) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.set_repository_policy(name, policy_text, rid)
        finally:
            self._invalidate_keys(("repository-policy", rid, name))

    def delete_repository_policy(self, name: str, registry_id: str | None = None) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.delete_repository_policy(name, rid)
        finally:
            self._invalidate_keys(("repository-policy", rid, name))

    def add_tag(self, repository_name: str, digest: str, tag: str, registry_id: str | None = None) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.add_tag(repository_name, digest, tag, rid)
        finally:
            self._invalidate_repository(rid, repository_name)

    def remove_tag(self, repository_name: str, tag: str, registry_id: str | None = None) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.remove_tag(repository_name, tag, rid)
        finally:
            self._invalidate_repository(rid, repository_name)

    def remove_tags(
        self, repository_name: str, tags: Sequence[str], registry_id: str | None = None
    ) -> tuple[BatchFailure, ...]:
        rid = self._rid(registry_id)
        try:
            return self.service.remove_tags(repository_name, tags, rid)
        finally:
            self._invalidate_repository(rid, repository_name)

    def delete_image(self, repository_name: str, digest: str, registry_id: str | None = None) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.delete_image(repository_name, digest, rid)
        finally:
            self._invalidate_repository(rid, repository_name)

    def delete_images(
        self, repository_name: str, digests: Sequence[str], registry_id: str | None = None
    ) -> tuple[BatchFailure, ...]:
        rid = self._rid(registry_id)
        try:
            return self.service.delete_images(repository_name, digests, rid)
        finally:
            self._invalidate_repository(rid, repository_name)

    def forget_repository(self, name: str, registry_id: str | None = None, *, created: bool = False) -> None:
        """Someone else wrote to a repository (a copy into it): forget its cached images; ``created`` (the
        repository is new) also forgets the registry's repository listing."""
        self._invalidate_repository(self._rid(registry_id), name, listing_too=created)

    def _invalidate_resource_tags(self, rid: str, name: str) -> None:
        """Resource tags are keyed by ARN: a repository deleted and created again keeps its ARN, not its tags."""
        suffix = f":{rid}:repository/{name}"
        self.invalidate(lambda key: key[0] == "resource-tags" and str(key[1]).endswith(suffix))

    def _invalidate_repository(self, rid: str, name: str, *, listing_too: bool = False) -> None:
        """Image listings (every tag filter) and scan results of one repository; with ``listing_too`` (the
        repository itself went away) everything about it and the registry's repository listing."""
        image_keys = {"images", "scan-findings", "lifecycle-preview", "referrers", "image-replication"}

        def touches(key: tuple[Any, ...]) -> bool:
            if listing_too and key == ("repositories", rid):
                return True
            if len(key) < 3 or key[1] != rid or key[2] != name:
                return False
            return listing_too or key[0] in image_keys

        self.invalidate(touches)
        self._invalidate_keys(("images", rid, name, None, None), ("images", rid, name, None, "ANY"))

    # -- management (issue 9): archive, scans, lifecycle policies and previews, the login endpoint ------------

    def update_image_storage_class(
        self, repository_name: str, digest: str, target: StorageClass, registry_id: str | None = None
    ) -> str:
        """Archive or restore an image (its status changes what the listings hold)."""
        rid = self._rid(registry_id)
        try:
            return self.service.update_image_storage_class(repository_name, digest, target, rid)
        finally:
            self._invalidate_repository(rid, repository_name)

    def start_image_scan(self, repository_name: str, digest: str, registry_id: str | None = None) -> str:
        """Start a scan (the image's scan status and findings change)."""
        rid = self._rid(registry_id)
        try:
            return self.service.start_image_scan(repository_name, digest, rid)
        finally:
            self._invalidate_repository(rid, repository_name)

    def put_lifecycle_policy(self, name: str, policy_text: str, registry_id: str | None = None) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.put_lifecycle_policy(name, policy_text, rid)
        finally:
            self._invalidate_keys(("lifecycle-policy", rid, name), ("lifecycle-preview", rid, name))

    def delete_lifecycle_policy(self, name: str, registry_id: str | None = None) -> None:
        rid = self._rid(registry_id)
        try:
            self.service.delete_lifecycle_policy(name, rid)
        finally:
            self._invalidate_keys(("lifecycle-policy", rid, name), ("lifecycle-preview", rid, name))

    def preview_lifecycle_policy(
        self,
        name: str,
        registry_id: str | None = None,
        *,
        policy_text: str | None = None,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> LifecyclePreview:
        """The preview of the repository's policy (cached until its images or policy change), or of a draft."""
        rid = self._rid(registry_id)
        if policy_text is not None:
            return self.service.preview_lifecycle_policy(name, rid, policy_text=policy_text, cancel=cancel)
        return self._cached(
            ("lifecycle-preview", rid, name),
            lambda: self.service.preview_lifecycle_policy(name, rid, cancel=cancel),
            refresh,
        )

    def registry_endpoint(self, registry_id: str | None = None, *, refresh: bool = False) -> RegistryEndpoint:
        """Where ``docker login``/``docker pull`` go (no token is kept)."""
        rid = self._rid(registry_id)
        return self._cached(("registry-endpoint", rid), lambda: self.service.registry_endpoint(rid), refresh)

    # -- ECR's replication (issue 10): rules, the registry policy, backfills, each image's status -------------------

    @property
    def account_id(self) -> str:
        """The caller's account: the registry whose rules and policy ``DescribeRegistry`` answers for."""
        return self.service.account_id

    @property
    def region(self) -> str:
        return self.service.region

    def put_replication_configuration(
        self, configuration: ReplicationConfiguration
    ) -> ReplicationConfiguration:
        """Replace the rules; every image's replication status may change with them."""
        try:
            return self.service.put_replication_configuration(configuration)
        finally:
            self._invalidate_keys(("replication", self.account_id))
            self._invalidate_image_replication(self.account_id)

    def get_registry_policy(self, *, refresh: bool = False) -> RegistryPolicy | None:
        """Who may replicate into this registry (cached: only ``PutRegistryPolicy`` changes it)."""
        return self._cached(("registry-policy", self.account_id), self.service.get_registry_policy, refresh)

    def recent_replication_backfills(
        self,
        limit: int = BACKFILL_PAGE,
        registry_id: str | None = None,
        *,
        cancel: threading.Event | None = None,
    ) -> list[ReplicationBackfill]:
        """The newest backfills, one call; never cached: their progress moves on ECR's side."""
        pages = self.service.iter_replication_backfill_pages(
            self._rid(registry_id), cancel=cancel, page_size=limit
        )
        return next(pages, [])

    def get_backfill_results(
        self,
        backfill_id: str,
        registry_id: str | None = None,
        *,
        limit: int = RESULTS_PAGE,
        refresh: bool = False,
        cancel: threading.Event | None = None,
    ) -> BackfillReport:
        """A backfill with at most ``limit`` of its per-image results, failures first (a backfill of a whole
        registry has one result per image and tag). Cached once the backfill has ended: its results never change."""
        rid = self._rid(registry_id)

        def load() -> BackfillReport:
            backfill: ReplicationBackfill | None = None
            results: list[BackfillResult] = []
            for status in (ReplicationStatus.FAILED, ReplicationStatus.COMPLETE):
                for seen, page in self.service.iter_backfill_result_pages(
                    backfill_id, rid, status=status, cancel=cancel, page_size=min(limit, RESULTS_PAGE) or 1
                ):
                    backfill = seen
                    results.extend(page[: limit - len(results)])
                    if len(results) >= limit:
                        break
                if backfill is None or not backfill.status.is_final or len(results) >= limit:
                    break  # ECR publishes results once a backfill has ended
            if backfill is None:
                backfill = self.service.get_replication_backfill(backfill_id, rid)
            return BackfillReport(backfill, tuple(results))

        return self._cached(
            ("backfill-results", rid, backfill_id, limit),
            load,
            refresh,
            keep=lambda report: (
                report.backfill.status.is_final and not (cancel is not None and cancel.is_set())
            ),
        )

    def get_image_replication(
        self, repository_name: str, reference: str, registry_id: str | None = None, *, refresh: bool = False
    ) -> ImageReplication:
        """An image's replication per destination; cached only once every destination is done (until the rules,
        a backfill or the repository's images change). No status at all is not kept: a backfill gives one."""
        rid = self._rid(registry_id)
        return self._cached(
            ("image-replication", rid, repository_name, reference),
            lambda: self.service.get_image_replication(repository_name, reference, rid),
            refresh,
            keep=lambda replication: bool(replication.statuses) and replication.is_final,
        )

    def start_replication_backfill(
        self, destination: ReplicationDestination, registry_id: str | None = None
    ) -> ReplicationBackfill:
        rid = self._rid(registry_id)
        try:
            return self.service.start_replication_backfill(destination, rid)
        finally:
            self._invalidate_image_replication(rid)

    def stop_replication_backfill(
        self, backfill_id: str, registry_id: str | None = None
    ) -> ReplicationBackfill:
        rid = self._rid(registry_id)
        try:
            return self.service.stop_replication_backfill(backfill_id, rid)
        finally:
            self._invalidate_image_replication(rid)

    def _invalidate_image_replication(self, rid: str) -> None:
        """Every image's replication status in one registry (a backfill or new rules move them all)."""
        self.invalidate(lambda key: key[0] == "image-replication" and key[1] == rid)
