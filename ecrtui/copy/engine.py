"""``CopyEngine``: plan copies, then carry them out with a bounded pool of blob transfers, paced manifest puts,
progress events and cancellation.

One engine per app (or CLI run): its worker pool (``jobs`` blob transfers at a time, default 4) and its PutImage
pacing per destination registry are shared by every copy it runs, so a batch, or several jobs at once, share the
job limit and never burst ``PutImage``. A blob two copies need in the same destination repository is transferred
once. Cancellation (a ``threading.Event``) is checked between parts, blobs and manifests; a cancelled or failed copy
leaves only uploaded blobs behind (never a manifest or tag pointing at a missing blob), so running it again uploads
only what is still missing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from ecrtui.copy.blob_transfer import BlobTransfer, TransferSettings
from ecrtui.copy.manifest_puts import ManifestPuts, PutCounts
from ecrtui.copy.pacing import Pacer, retrying
from ecrtui.copy.plan import BlobAction, BlobStep, CopyPlan, ManifestStep, NewRepository
from ecrtui.copy.planner import plan_copy
from ecrtui.copy.progress import CopyProgress, blob_key
from ecrtui.copy.reachability import ReachBudget
from ecrtui.copy.request import CopyRequest, Side
from ecrtui.copy.result import BatchResult, CopyFailed, CopyRefused, CopyResult
from ecrtui.ecr.errors import Cancelled, Conflict, EcrError, translate
from ecrtui.jobs.events import ItemState, ProgressCallback

__all__ = ["DEFAULT_JOBS", "CopyEngine"]

DEFAULT_JOBS = 4

_BlobKey = tuple[tuple[str, str, str], str, str]


class CopyEngine:
    """Plans and runs copies; thread-safe; ``close()`` (or ``with``) when done."""

    def __init__(
        self,
        jobs: int = DEFAULT_JOBS,
        *,
        settings: TransferSettings | None = None,
        pacer: Pacer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs = jobs
        self.settings = settings or TransferSettings()
        self._pacer = pacer or Pacer()
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ecrtui-copy")
        self._inflight: dict[_BlobKey, Future[int]] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> CopyEngine:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker pool (running transfers finish or notice their cancel event first)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- planning -------------------------------------------------------------------------------------------

    def plan(
        self, request: CopyRequest, *, cancel: threading.Event | None = None, reach: ReachBudget | None = None
    ) -> CopyPlan:
        """Reads only: see ``plan_copy``. ``reach``: the job's budget (``reach_budget``) when planning a batch."""
        return plan_copy(request, cancel=cancel, reach=reach)

    def reach_budget(self) -> ReachBudget:
        """A new job's deadline for endpoints that do not answer: share it between the job's planning and its
        ``execute_batch``, so a dead endpoint fails the whole batch in about the time one image would."""
        return ReachBudget(self.settings.unreachable_seconds, clock=self._clock)

    # -- executing ------------------------------------------------------------------------------------------

    def execute(
        self,
        plan: CopyPlan,
        *,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> CopyResult:
        """Carry out one plan. ``CopyRefused`` when it has problems (nothing written); the copy's ``EcrError``
        when it fails; ``Cancelled`` when cancelled."""
        if not plan.ok:
            raise CopyRefused(plan.problems)
        try:
            return self.execute_batch([plan], on_progress=on_progress, cancel=cancel).copies[0]
        except CopyFailed as failed:
            raise failed.errors[0] from None

    def execute_batch(
        self,
        plans: Sequence[CopyPlan],
        *,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        reach: ReachBudget | None = None,
    ) -> BatchResult:
        """Carry out many plans sharing the engine's job limit; the copies that can go ahead do.

        ``CopyFailed`` (with the copies that succeeded) when any failed or was refused; ``Cancelled`` when
        cancelled. ``reach``: the job's deadline for endpoints that do not answer (a new one when not given).
        """
        cancel = cancel or threading.Event()
        reach = reach or self.reach_budget()
        started = self._clock()
        progress = CopyProgress(on_progress, plans)
        progress.start()
        errors: dict[int, EcrError] = {}
        for number, plan in enumerate(plans):
            if not plan.ok:
                errors[number] = CopyRefused(plan.problems)
        created = self._create_repositories(plans, errors, cancel, reach)
        progress.phase("blobs")
        owned, failed_blobs, sent = self._transfer_blobs(plans, errors, progress, cancel, reach)
        if cancel.is_set():
            uploaded = sum(1 for n in sent.values() if n is not None)
            raise Cancelled(
                f"The copy was cancelled: {uploaded} blob(s) were uploaded and no manifest or tag was written; "
                "run it again to upload only what is missing"
            )
        counts: dict[int, PutCounts] = {}
        for number, plan in enumerate(plans):
            if number in errors:
                continue
            puts = ManifestPuts(
                plan,
                pacer=self._pacer,
                progress=progress,
                cancel=cancel,
                upload_missing=lambda p, step: self._upload_missing(p, step, progress, cancel, reach),
                attempts=self.settings.attempts,
                backoff=self.settings.backoff,
                failed_blobs=frozenset(failed_blobs.get(number, ())),
                reach=reach.side(plan.request.destination),
            )
            try:
                counts[number] = puts.run()
            except Cancelled:
                raise
            except EcrError as error:
                errors[number] = error
        progress.phase("done")
        seconds = self._clock() - started
        copies = []
        for number, plan in enumerate(plans):
            if number in errors:
                continue
            mine = [k for k in owned.get(number, ()) if sent.get(k) is not None]
            # A blob another copy of the batch uploaded was skipped by this one: uploaded + skipped = its blobs.
            shared = {self._key(plan, b) for b in plan.uploads} - set(mine)
            skipped_shared = sum(1 for k in shared if sent.get(k) is not None)
            put = counts[number]
            copies.append(
                CopyResult(
                    source=plan.request.source_label,
                    destination=plan.request.destination.uri,
                    digest=plan.digest,
                    media_type=plan.media_type,
                    tags=tuple(t.tag for t in plan.tags),
                    blobs_uploaded=len(mine),
                    blobs_skipped=plan.blobs_present + skipped_shared,
                    bytes_uploaded=sum(sent[k] or 0 for k in mine),
                    manifests_put=put.manifests_put,
                    referrers_copied=put.referrers_copied,
                    tags_written=put.tags_written,
                    seconds=seconds,
                    created_repository=number in created,
                    warnings=(*plan.warnings, *put.warnings),
                )
            )
        result = BatchResult(tuple(copies), seconds)
        if errors:
            ordered = [errors[n] for n in sorted(errors)]
            raise CopyFailed([str(e) for e in ordered], result, ordered)
        return result

    # -- phases ---------------------------------------------------------------------------------------------

    def _create_repositories(
        self,
        plans: Sequence[CopyPlan],
        errors: dict[int, EcrError],
        cancel: threading.Event,
        reach: ReachBudget,
    ) -> set[int]:
        created: set[int] = set()
        done: dict[tuple[tuple[str, str, str], str], EcrError | None] = {}
        for number, plan in enumerate(plans):
            new = plan.create_repository
            if number in errors or new is None:
                continue
            dst = plan.request.destination
            key = (dst.key, dst.repository)
            if key not in done:
                done[key] = self._create_repository(dst, new, cancel, reach)
                if done[key] is None:
                    created.add(number)
            if done[key] is not None:
                errors[number] = done[key]  # type: ignore[assignment]
        return created

    def _create_repository(
        self, dst: Side, new: NewRepository, cancel: threading.Event, reach: ReachBudget
    ) -> EcrError | None:
        try:
            retrying(
                lambda: dst.service.create_repository(
                    new.name,
                    dst.registry_id,
                    tag_mutability=new.tag_mutability,
                    exclusion_filters=new.exclusion_filters,
                    scan_on_push=new.scan_on_push,
                ),
                attempts=self.settings.attempts,
                backoff=self.settings.backoff,
                cancel=cancel,
                reach=reach.side(dst),
            )
        except Conflict as error:
            if error.code != "RepositoryAlreadyExistsException":  # made meanwhile: fine
                return error
        except EcrError as error:
            return error
        return None

    def _transfer_blobs(
        self,
        plans: Sequence[CopyPlan],
        errors: dict[int, EcrError],
        progress: CopyProgress,
        cancel: threading.Event,
        reach: ReachBudget,
    ) -> tuple[dict[int, list[_BlobKey]], dict[int, set[str]], dict[_BlobKey, int | None]]:
        """Every blob to upload, through the pool; returns which copy owns which transfer, the failed blobs of
        each copy (optional ones only: a required one fails the copy), and the bytes each transfer sent."""
        waiting: list[tuple[int, BlobStep, _BlobKey, Future[int], bool]] = []
        for number, plan in enumerate(plans):
            if number in errors:
                continue
            for blob in plan.uploads:
                future, mine = self._blob_future(plan, blob, progress, cancel, reach)
                waiting.append((number, blob, self._key(plan, blob), future, mine))
        owned: dict[int, list[_BlobKey]] = {}
        failed: dict[int, set[str]] = {}
        sent: dict[_BlobKey, int | None] = {}
        for number, blob, key, future, mine in waiting:
            try:
                count = future.result()
            except Cancelled:
                if not cancel.is_set():  # another job's cancel stopped a shared transfer: do it ourselves
                    retry, mine = self._blob_future(plans[number], blob, progress, cancel, reach, force=True)
                    try:
                        count = retry.result()
                    except EcrError as error:
                        self._blob_failed(number, blob, error, errors, failed)
                        continue
                else:
                    continue
            except EcrError as error:
                self._blob_failed(number, blob, error, errors, failed)
                continue
            if mine:
                owned.setdefault(number, []).append(key)
                sent[key] = count
            else:  # another copy of the batch owns the transfer; it is done for this one too
                progress.item(
                    blob_key(plans[number], blob), ItemState.DONE, blob.size or count, blob.size or count
                )
        return owned, failed, sent

    @staticmethod
    def _blob_failed(
        number: int, blob: BlobStep, error: EcrError, errors: dict[int, EcrError], failed: dict[int, set[str]]
    ) -> None:
        if blob.optional:
            failed.setdefault(number, set()).add(blob.digest)
        else:
            errors.setdefault(number, error)

    @staticmethod
    def _key(plan: CopyPlan, blob: BlobStep) -> _BlobKey:
        dst = plan.request.destination
        return (dst.key, dst.repository, blob.digest)

    def _blob_future(
        self,
        plan: CopyPlan,
        blob: BlobStep,
        progress: CopyProgress,
        cancel: threading.Event,
        reach: ReachBudget,
        *,
        force: bool = False,
    ) -> tuple[Future[int], bool]:
        """The transfer of ``blob`` into the plan's repository: a running one when there is one (mine=False)."""
        key = self._key(plan, blob)
        with self._lock:
            running = self._inflight.get(key)
            if running is not None and not force:
                return running, False
            future = self._pool.submit(self._transfer, plan, blob, progress, cancel, reach)
            self._inflight[key] = future
        future.add_done_callback(lambda done: self._forget(key, done))
        return future, True

    def _forget(self, key: _BlobKey, future: Future[int]) -> None:
        with self._lock:
            if self._inflight.get(key) is future:
                del self._inflight[key]

    def _transfer(
        self,
        plan: CopyPlan,
        blob: BlobStep,
        progress: CopyProgress,
        cancel: threading.Event,
        reach: ReachBudget,
    ) -> int:
        key = blob_key(plan, blob)
        request = plan.request

        def report(state: ItemState, done: int, total: int | None, detail: str) -> None:
            progress.item(key, state, done, total, detail)

        try:
            count = BlobTransfer(
                request.source,
                request.destination,
                blob,
                report=report,
                cancel=cancel,
                settings=self.settings,
                reach=reach,
            ).run()
        except Cancelled:
            progress.item(key, ItemState.CANCELLED, 0)
            raise
        except Exception as error:
            translated = translate(error, "CopyBlob")
            progress.item(key, ItemState.FAILED, 0, detail=str(translated))
            raise translated from None
        progress.item(key, ItemState.DONE, count, count)
        return count

    def _upload_missing(
        self,
        plan: CopyPlan,
        step: ManifestStep,
        progress: CopyProgress,
        cancel: threading.Event,
        reach: ReachBudget,
    ) -> None:
        """After ``LayersNotFoundException``: upload whichever of the manifest's blobs the destination lacks."""
        dst = plan.request.destination
        availability = reach.side(dst).call(
            lambda: dst.service.check_layers(dst.repository, step.blobs, dst.registry_id)
        )
        known = {b.digest: b for b in plan.blobs}
        for digest, state in availability.items():
            if state.available:
                continue
            blob = known.get(digest) or BlobStep(digest, None, "", "blob", BlobAction.UPLOAD)
            future, _ = self._blob_future(plan, blob, progress, cancel, reach, force=True)
            future.result()
