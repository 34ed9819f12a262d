"""The App's side of copying images: ``c`` opens the copy dialog, planning runs in a worker, the copy runs as a job.

``CopyController`` owns one ``CopyEngine`` for the session, made on first use: its blob pool (4 transfers at a
time) and its PutImage pacing are shared by every copy the app runs, however many jobs are started, and it is
closed when the App stops (after the jobs controller has cancelled what was running). Planning reads only: a
worker per request, the newest wins (the older one's cancel event is set and its answer dropped). The copy itself
is a job (``app.jobs.start``) whose runner carries out the plans the dialog showed; a retry plans again first, so it
uploads only what is still missing. When a job ends, the destination's cached listings are dropped and the panes
that show that repository are listed again. "Let ECR replicate" starts a backfill job instead
(``jobs.replication_runners.backfill_runner``). Read-only mode: the key is hidden and nothing is planned.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ecrtui.config import RegistryEntry
from ecrtui.ecr.refs import InvalidReference, check_repository_name, check_tag
from ecrtui.jobs.model import JobKind, JobOutcome, JobRunner, JobSnapshot
from ecrtui.ui.controller import Controller, ControllerMessage
from ecrtui.ui.copy_preview import CopyForm, CopyPreview, ReplicationOffer, Route, result_summary
from ecrtui.ui.format import short_digest
from ecrtui.ui.widgets.registries_pane import entry_key, entry_name

if TYPE_CHECKING:
    from ecrtui.copy import CopyEngine, CopyPlan
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.models import ImageSummary
    from ecrtui.jobs.events import ProgressCallback
    from ecrtui.manage.audit import AuditLog
    from ecrtui.ui.app import EcrTuiApp
    from ecrtui.ui.screens.copy_dialog import CopyDialog

__all__ = ["CopyController", "app_audit_log"]


def app_audit_log(app: EcrTuiApp) -> AuditLog:
    """The audit log the app's changes go to (the management controller's, which tests point elsewhere)."""
    from ecrtui.ui.manage import ManageController

    manage = app.feature_controllers["manage"]
    assert isinstance(manage, ManageController)
    return manage.audit_log()


class CopyController(Controller):
    """Opens the copy dialog, plans in workers, starts copies and backfills as jobs."""

    class Planned(ControllerMessage):
        """A planning pass finished (reads only)."""

        def __init__(self, generation: int, preview: CopyPreview) -> None:
            super().__init__()
            self.generation = generation
            self.preview = preview

    class PlanFailed(ControllerMessage):
        """A planning pass could not read what it needed (one line a person understands)."""

        def __init__(self, generation: int, message: str) -> None:
            super().__init__()
            self.generation = generation
            self.message = message

    def __init__(self, app: EcrTuiApp) -> None:
        super().__init__(app)
        self._engine: CopyEngine | None = None
        self._generation = 0
        self._planning: threading.Event | None = None
        """The cancel event of the planning pass in flight."""
        self._dialog: CopyDialog | None = None
        """The dialog on screen, if any (plans are shown there)."""

    @property
    def engine(self) -> CopyEngine:
        """The session's copy engine (made on first use, on the UI thread)."""
        if self._engine is None:
            from ecrtui.copy import CopyEngine
            from ecrtui.copy.blob_transfer import TransferSettings

            unreachable = self.app.settings.copy_unreachable_seconds
            self._engine = CopyEngine(settings=TransferSettings(unreachable_seconds=unreachable))
        return self._engine

    def check(self, method: str) -> bool | None:
        """Every copy writes: the key is hidden in read-only mode."""
        return not self.app.settings.read_only

    # -- the dialog -----------------------------------------------------------------------------------------

    def open(self) -> None:
        """``c``: copy the marked images, else the highlighted one."""
        app = self.app
        if app.settings.read_only:
            app.notify("Read-only mode: nothing is copied", title="Copy", severity="warning")
            return
        if app.screen is not app.screen_stack[0] or not app.panes_ready:
            return  # a dialog is open: its own keys apply
        images = app.images.marked_images or ([app.image] if app.image is not None else [])
        source, registry = app.sessions.current, app.sessions.registry
        if not images or source is None or registry is None:
            app.notify("Highlight an image (or mark some with space) first", title="Copy", severity="warning")
            return
        if len({image.repository_name for image in images}) > 1:
            app.notify("Mark images of one repository", title="Copy", severity="warning")
            return
        from ecrtui.ui.screens.copy_dialog import (
            CopyDialog,
        )  # its widgets load on first use, not before the first frame

        entries = app.registries.entries
        own = entry_key(registry)
        default = next((entry for entry in entries if entry_key(entry) != own), registry)
        dialog = CopyDialog(self, tuple(images), entries, default, source_name=entry_name(registry))
        self._dialog = dialog

        def closed(_started: bool | None) -> None:
            if self._dialog is dialog:
                self._dialog = None
                self._cancel_planning()

        app.push_screen(dialog, closed)

    def request_plan(self, form: CopyForm) -> str | None:
        """Plan ``form`` in a worker (the answer goes to the dialog); a message instead when it cannot be planned."""
        self._cancel_planning()
        self._generation += 1
        try:
            check_repository_name(form.repository)
            for tag in form.tags or ():
                check_tag(tag)
        except InvalidReference as error:
            return str(error)
        source = self.app.sessions.current
        destination = self.app.sessions.service_for(form.destination)
        if source is None or destination is None:
            return f"Could not open {entry_name(form.destination)}: ! shows why"
        engine, generation = self.engine, self._generation
        cancel = self._planning = threading.Event()
        self.run_thread(
            lambda: self._plan(generation, form, source, destination, engine, cancel),
            name="copy plan",
            group="copy-plan",
        )
        return None

    def _cancel_planning(self) -> None:
        if self._planning is not None:
            self._planning.set()
            self._planning = None

    def _plan(
        self,
        generation: int,
        form: CopyForm,
        source: CachedEcr,
        destination: CachedEcr,
        engine: CopyEngine,
        cancel: threading.Event,
    ) -> None:
        """Worker: one plan per image (the engine's reads), the index's platforms, and ECR's replication offer."""
        from ecrtui.copy import CopyRequest, PlatformSpec, Side
        from ecrtui.ecr.errors import Cancelled, EcrError

        try:
            registry_id = form.destination.registry_id or destination.service.account_id
            dst = Side(destination.service, registry_id, form.repository)
            platforms = tuple(PlatformSpec.parse(p) for p in form.platforms)
            reach = engine.reach_budget()  # marked images: a dead endpoint stops the pass once, not per image
            plans = tuple(
                engine.plan(
                    CopyRequest(
                        Side(source.service, image.registry_id, image.repository_name),
                        image.digest,
                        dst,
                        tags=form.tags if form.tags is not None else image.tags,
                        platforms=platforms,
                        referrers=form.referrers,
                        create_repository=True,  # the dialog asks before a missing repository is created
                    ),
                    cancel=cancel,
                    reach=reach,
                )
                for image in form.images
            )
            preview = CopyPreview(
                plans,
                f"{entry_name(form.destination)} ({dst.region})",  # a profile can be open in several regions
                platforms=_index_platforms(source, form.images),
                replication=_replication_offer(source, form, dst.region, registry_id),
            )
        except Cancelled:
            return
        except (EcrError, InvalidReference) as error:
            self.post(self.PlanFailed(generation, str(error)))
            return
        self.post(self.Planned(generation, preview))

    async def handle(self, message: ControllerMessage) -> None:
        if not isinstance(message, self.Planned | self.PlanFailed):
            return
        dialog = self._dialog
        if dialog is None or message.generation != self._generation:
            return  # a newer request (or a closed dialog) supersedes it
        if isinstance(message, self.Planned):
            dialog.show_preview(message.preview)
        else:
            dialog.show_failure(message.message)

    # -- starting -------------------------------------------------------------------------------------------

    def start(self, form: CopyForm, preview: CopyPreview, route: Route) -> None:
        """Start what the dialog planned: a copy through this machine, or a backfill by ECR."""
        destination = self.app.sessions.service_for(form.destination)
        source = self.app.sessions.current
        if destination is None or source is None:
            return
        if route is Route.ECR and preview.replication is not None:
            self._start_backfill(source, preview.replication, form.destination, destination)
        else:
            self._start_copy(form, preview, destination)
        self.app.jobs_view.show()

    def _start_copy(self, form: CopyForm, preview: CopyPreview, destination: CachedEcr) -> None:
        plans = preview.plans
        first, image = plans[0].request, form.images[0]
        if len(plans) > 1:
            what = f"{len(plans)} images of {first.source.repository}"
        elif image.tags:
            what = f"{first.source.repository}:{image.tags[0]}"
        else:
            what = f"{first.source.repository}@{short_digest(image.digest)}"
        title = f"{what} → {preview.destination_name} {first.destination.repository}"
        created = preview.missing_repository

        def done(_snapshot: JobSnapshot) -> None:
            self._copied(
                form.destination,
                destination,
                first.destination.registry_id,
                first.destination.repository,
                created,
            )

        runner = _copy_runner(self.engine, plans, app_audit_log(self.app))
        self.app.jobs.start(JobKind.COPY, title, runner, on_done=done)

    def _start_backfill(
        self, source: CachedEcr, offer: ReplicationOffer, entry: RegistryEntry, destination: CachedEcr
    ) -> None:
        from ecrtui.jobs.replication_runners import backfill_runner

        runner = backfill_runner(source.service, offer.destination, offer.source_registry_id)

        def done(_snapshot: JobSnapshot) -> None:
            destination.invalidate()  # ECR wrote to every repository the rules cover
            self._refresh_if_shown(entry, destination, None, created=True)

        self.app.jobs.start(JobKind.BACKFILL, f"backfill to {offer.destination.label}", runner, on_done=done)

    # -- after a job ----------------------------------------------------------------------------------------

    def _copied(
        self, entry: RegistryEntry, destination: CachedEcr, registry_id: str, repository: str, created: bool
    ) -> None:
        """A copy ended (whatever its state: blobs may have moved): forget and re-list what shows that repository."""
        destination.forget_repository(repository, registry_id, created=created)
        self._refresh_if_shown(entry, destination, repository, created=created)

    def _refresh_if_shown(
        self, entry: RegistryEntry, destination: CachedEcr, repository: str | None, *, created: bool
    ) -> None:
        app = self.app
        shown = app.sessions.registry
        if not app.panes_ready or shown is None or entry_key(shown) != entry_key(entry):
            return
        if created:
            app.repositories.load(destination, shown.registry_id, refresh=True)
        open_repository = app.repository
        if open_repository is not None and (repository is None or open_repository.name == repository):
            app.images.load(destination, open_repository, refresh=True)

    def stop(self) -> None:
        """At exit (the jobs were cancelled first): stop planning, close the engine's pool."""
        self._cancel_planning()
        if self._engine is not None:
            self._engine.close()


def _copy_runner(engine: CopyEngine, plans: tuple[CopyPlan, ...], log: AuditLog) -> JobRunner:
    """A job carrying out the dialog's plans; a retry plans again first (only what is still missing moves).
    Every attempt appends one audit entry per copy (``manage.copy_audit``), as ``ecrtui copy`` does."""
    from ecrtui.copy import CopyFailed
    from ecrtui.copy.reachability import EndpointUnreachable
    from ecrtui.manage.copy_audit import execute_audited

    attempts = 0

    def run(report: ProgressCallback, cancel: threading.Event) -> JobOutcome:
        nonlocal attempts
        attempts += 1
        reach = engine.reach_budget()  # one deadline for a dead endpoint, for the whole batch
        todo = (
            plans
            if attempts == 1
            else tuple(engine.plan(p.request, cancel=cancel, reach=reach) for p in plans)
        )
        try:
            batch = execute_audited(engine, todo, log, on_progress=report, cancel=cancel, reach=reach)
        except CopyFailed as failed:
            if len(todo) == 1:
                raise failed.errors[0] from None  # one copy: its own error, as ``engine.execute`` raises it
            if reach.stopped is not None:  # every image it stopped says the same: say it once
                not_copied = len(failed.failures)
                raise EndpointUnreachable(
                    f"{reach.stopped}; {not_copied} of {len(todo)} images not copied",
                    operation=reach.stopped.operation,
                ) from None
            raise
        if len(todo) == 1:
            result = batch.copies[0]
            return JobOutcome(summary=result_summary([result]), warnings=result.warnings, result=result)
        warnings = tuple(dict.fromkeys(w for copy in batch.copies for w in copy.warnings))
        return JobOutcome(summary=result_summary(batch.copies), warnings=warnings, result=batch)

    return run


def _index_platforms(source: CachedEcr, images: tuple[ImageSummary, ...]) -> tuple[str, ...]:
    """The platforms of a single index source (cached: the inspector has usually read it already)."""
    from ecrtui.ecr.manifests import ImageIndex

    if len(images) != 1:
        return ()
    image = images[0]
    manifest = source.get_manifest(image.repository_name, image.digest, image.registry_id)
    if not isinstance(manifest, ImageIndex):
        return ()
    return tuple(dict.fromkeys(str(platform) for platform in manifest.platforms if not platform.is_unknown))


def _replication_offer(
    source: CachedEcr, form: CopyForm, region: str, registry_id: str
) -> ReplicationOffer | None:
    """ECR's replication rules already send the source repository to this destination (same name): offer it."""
    from ecrtui.ecr.errors import EcrError
    from ecrtui.ecr.replication import ReplicationDestination

    repository = form.images[0].repository_name
    own = source.service.account_id
    if form.repository != repository or form.images[0].registry_id != own:
        return None
    try:
        config = source.get_replication_configuration()
    except EcrError:
        return None  # not allowed to read the rules: no offer, the client copy still works
    wanted = ReplicationDestination(region, registry_id)
    if wanted not in config.destinations_for(repository):
        return None
    rules = [rule for rule in config.rules if wanted in rule.destinations]
    prefixes = (
        ()
        if any(not rule.repository_prefixes for rule in rules)
        else tuple(dict.fromkeys(p for rule in rules for p in rule.repository_prefixes))
    )
    return ReplicationOffer(wanted, prefixes, own)
