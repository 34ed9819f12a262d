"""The replication controller: the open registry's replication view, changes to its rules, backfills as jobs, and
the inspector's watch of one image's replication.

Keys reach it by name (``feature('replication.open')``; the view's keys are ``replication.*`` in the action
registry) and ``check`` says which apply now: in read-only mode every change is hidden (and the data layer refuses
it anyway). Reads run in App-owned workers and come back as the messages nested here. A change is one
``replication_edits`` record: the value typed is checked while the dialog is open (``ReplicationInputScreen``), the
whole configuration before and after is shown as a diff with what it means (``ReplicationChangeScreen``), and the
rules are read again just before sending, so a change made meanwhile by someone else is never overwritten.
Backfills and watches are jobs of ``app.jobs`` (``ecrtui.jobs.replication_runners``): they show in the jobs panel
beside copies, and stopping the job stops the backfill.

The App imports this module before its first frame, which must load neither botocore (``ecr.errors`` does) nor the
inspector: the screens and the data layer are imported by the methods that use them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ecrtui.jobs.model import JobKind, JobSnapshot
from ecrtui.ui.controller import Controller, ControllerMessage
from ecrtui.ui.error_report import one_line

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.registry_policy import ReplicationGrant
    from ecrtui.ecr.replication import (
        BackfillReport,
        ReplicationBackfill,
        ReplicationConfiguration,
        ReplicationDestination,
    )
    from ecrtui.ecr.replication_edits import ReplicationEdit
    from ecrtui.ui.app import EcrTuiApp
    from ecrtui.ui.screens.backfill_report import BackfillReportScreen
    from ecrtui.ui.screens.replication_view import ReplicationOverview, ReplicationScreen
    from ecrtui.ui.widgets.inspector.replication_tab import ReplicationTab

__all__ = ["RECENT_BACKFILLS", "RESULTS_SHOWN", "ReplicationController"]

RECENT_BACKFILLS = 10
"""Backfills the view lists, newest first (one ``ListReplicationBackfills`` call)."""
RESULTS_SHOWN = 1000
"""Per-image results a backfill's screen reads at most (failures first): one call of ECR's largest page."""
CHANGES = frozenset(
    {"add_destination", "add_filter", "remove", "toggle_deletions", "backfill", "stop_backfill"}
)
"""The keys that change something at ECR: hidden in read-only mode."""


class ReplicationController(Controller):
    """Opens the replication view, turns its keys into checked changes and jobs, and watches images."""

    class Loaded(ControllerMessage):
        """The view's reads answered."""

        def __init__(self, overview: ReplicationOverview, request: int) -> None:
            super().__init__()
            self.overview = overview
            self.request = request

    class LoadFailed(ControllerMessage):
        """The rules could not be read (the policy and the backfills fail on their own, inside the overview)."""

        def __init__(self, error: BaseException, request: int) -> None:
            super().__init__()
            self.error = error
            self.request = request

    class Sent(ControllerMessage):
        """ECR accepted a change of the rules (or stopped a backfill)."""

        def __init__(self, description: str, result: str) -> None:
            super().__init__()
            self.description = description
            self.result = result

    class SendFailed(ControllerMessage):
        """ECR (or the check just before sending) refused a change."""

        def __init__(self, error: BaseException, description: str) -> None:
            super().__init__()
            self.error = error
            self.description = description

    class ReportLoaded(ControllerMessage):
        """A backfill's per-image results were read."""

        def __init__(self, report: BackfillReport, screen: BackfillReportScreen) -> None:
            super().__init__()
            self.report = report
            self.screen = screen

    class ReportFailed(ControllerMessage):
        def __init__(self, error: BaseException, screen: BackfillReportScreen) -> None:
            super().__init__()
            self.error = error
            self.screen = screen

    def __init__(self, app: EcrTuiApp) -> None:
        super().__init__(app)
        self.view: ReplicationScreen | None = None
        """The open replication view (None when closed)."""
        self._service: CachedEcr | None = None
        """The registry the view is about (the one open when it was opened)."""
        self._request = 0
        """Counter of the view's loads: an answer to an older one is dropped."""
        self._unsubscribe_jobs: Callable[[], None] | None = None
        self._jobs_seen: tuple[object, ...] = ()
        self._backfill_jobs_by_id: dict[str, ReplicationDestination] = {}
        """The backfill jobs this session started, and where to: stopping one of their backfills cancels the job."""

    # -- which keys apply ---------------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        service = self._service or self.app.sessions.current
        return service.read_only if service is not None else self.app.settings.read_only

    def check(self, method: str) -> bool | None:
        if method == "open":
            return True if self.app.sessions.current is not None else None
        if method == "watch_image":
            return True if self._inspected() is not None else None
        if method in CHANGES and self.read_only:
            return False
        view = self.view
        if view is None or view.overview is None:
            return None if method in CHANGES or method == "reload" else True
        line = view.rule_line
        backfill = view.backfill
        applies = {
            "add_destination": True,
            "add_filter": line is not None,
            "remove": line is not None and line.kind in ("filter", "destination") and view.rules_focused,
            "toggle_deletions": line is not None,
            "backfill": bool(view.overview.config.destinations),
            "stop_backfill": backfill is not None and not backfill.status.is_final,
        }
        return True if applies.get(method, True) else None

    # -- the view -----------------------------------------------------------------------------------------------

    def open(self) -> None:
        """Show the open registry's replication (rules, incoming, backfills)."""
        from ecrtui.ui.screens.replication_view import ReplicationScreen

        service = self.app.sessions.current
        if service is None:
            self.app.notify("Open a registry first", title="Replication", severity="warning")
            return
        if self.view is not None:
            return
        self._service = service
        names = [r.name for r in self.app.repositories.repositories] if self.app.panes_ready else []
        profile = self.app.header.profile
        title = f"Replication · {profile}" if profile else "Replication"
        view = ReplicationScreen(
            title, names, self.app.clock, on_change=self._view_changed, on_open=self.open_backfill_of
        )
        self.view = view
        self.app.push_screen(view, callback=self._closed)
        self._jobs_seen = self._backfill_jobs(self.app.jobs.board.snapshots())
        self._unsubscribe_jobs = self.app.jobs.subscribe(self._jobs_changed)
        self.load(refresh=False)

    def reload(self) -> None:
        """``r`` in the view: read everything again, past the cache."""
        self.load(refresh=True)

    def load(self, *, refresh: bool) -> None:
        """Read the rules, the registry policy and the recent backfills in a worker (latest load wins)."""
        service = self._service
        if service is None or self.view is None:
            return
        self._request += 1
        request = self._request
        self.view.show_loading("Reading the replication rules…")

        def work() -> None:
            try:
                config = service.get_replication_configuration(refresh=refresh)
            except Exception as error:  # shown in the view and reported, never a traceback
                self.post(self.LoadFailed(error, request))
                return
            self.post(self.Loaded(_overview(service, config, refresh=refresh), request))

        self.run_thread(work, name="replication view", group="replication-view", exclusive=True)

    def _closed(self, _result: object = None) -> None:
        self.view = None
        self._request += 1  # answers still on their way find no view
        if self._unsubscribe_jobs is not None:
            self._unsubscribe_jobs()
            self._unsubscribe_jobs = None

    def _view_changed(self) -> None:
        """The cursor or the focus moved in the view: the footer's keys depend on what is highlighted."""
        if self.view is not None:
            self.view.refresh_bindings()

    @staticmethod
    def _backfill_jobs(snapshots: list[JobSnapshot]) -> tuple[object, ...]:
        return tuple(
            (s.id, s.state, s.progress.phase if s.progress else "", s.progress.done if s.progress else -1)
            for s in snapshots
            if s.kind is JobKind.BACKFILL
        )

    def _jobs_changed(self, snapshots: list[JobSnapshot]) -> None:
        """A backfill job moved (started, progressed, ended): the view lists the backfills again."""
        seen = self._backfill_jobs(snapshots)
        if seen != self._jobs_seen:
            self._jobs_seen = seen
            self.load(refresh=False)

    # -- changes to the rules -----------------------------------------------------------------------------------

    def _shown(self) -> tuple[ReplicationScreen, ReplicationOverview] | None:
        view = self.view
        if view is None or view.overview is None:
            return None
        return view, view.overview

    def add_destination(self) -> None:
        """``a``: one more destination for the highlighted rule (a first rule when there is none)."""
        from ecrtui.ecr.replication import ReplicationDestination
        from ecrtui.ecr.replication_edits import AddDestination

        shown = self._shown()
        if shown is None:
            return
        view, overview = shown
        line = view.rule_line
        rule = line.rule if line is not None else None
        account = overview.registry_id
        how = f"REGION for this account's registry ({account}) in another region, REGION:ACCOUNT for another account's"
        if rule is None:
            title = "New rule: replicate every repository"
            explanation = f"The registry has no rules: the new one replicates every repository. Type {how}."
        else:
            title = f"Add a destination to rule {rule + 1}"
            explanation = f"Rule {rule + 1} replicates {_rule_scope(overview.config, rule)}. Type {how}."

        def edit_of(text: str) -> ReplicationEdit:
            return AddDestination(rule, ReplicationDestination.parse(text, account))

        self._ask(title, explanation, "eu-west-1  or  eu-west-1:222222222222", edit_of)

    def add_filter(self) -> None:
        """``f``: one more repository-name prefix for the highlighted rule."""
        from ecrtui.ecr.replication_edits import AddFilter

        shown = self._shown()
        line = shown[0].rule_line if shown is not None else None
        if shown is None or line is None:
            return
        rule = line.rule
        explanation = (
            f"Rule {rule + 1} replicates {_rule_scope(shown[1].config, rule)}. A filter is a repository-name prefix "
            "(web/ matches web/api; web also matches webhooks)."
        )
        self._ask(f"Add a filter to rule {rule + 1}", explanation, "web/", lambda text: AddFilter(rule, text))

    def remove(self) -> None:
        """``d``: remove the highlighted filter or destination."""
        from ecrtui.ecr.replication_edits import RemoveDestination, RemoveFilter

        shown = self._shown()
        line = shown[0].rule_line if shown is not None else None
        if line is None:
            return
        if line.kind == "filter" and line.prefix is not None:
            self._propose(RemoveFilter(line.rule, line.prefix))
        elif line.kind == "destination" and line.destination is not None:
            self._propose(RemoveDestination(line.rule, line.destination))

    def toggle_deletions(self) -> None:
        """``x``: replicate deletions and tag removals for the highlighted rule, or stop."""
        from ecrtui.ecr.replication_edits import SetDeleteReplication

        shown = self._shown()
        line = shown[0].rule_line if shown is not None else None
        if shown is None or line is None:
            return
        enabled = shown[1].config.rules[line.rule].delete_replication
        self._propose(SetDeleteReplication(line.rule, not enabled))

    def _ask(
        self, title: str, explanation: str, placeholder: str, edit_of: Callable[[str], ReplicationEdit]
    ) -> None:
        """Ask for the value of an edit, refusing in the dialog what would be refused, then propose it."""
        from ecrtui.ecr.errors import InvalidInput
        from ecrtui.ui.screens.replication_input import ReplicationInputScreen

        shown = self._shown()
        if shown is None:
            return
        overview = shown[1]

        def refusal(text: str) -> str | None:
            try:
                _after(edit_of(text), overview)
            except InvalidInput as error:
                return str(error)
            return None

        def answered(text: str | None) -> None:
            if text is not None:
                self._propose(edit_of(text))

        self.app.push_screen(
            ReplicationInputScreen(title, explanation, placeholder, refusal), callback=answered
        )

    def _propose(self, edit: ReplicationEdit) -> None:
        """Show the change as a diff with what it means; send it on yes."""
        from ecrtui.ecr.errors import InvalidInput
        from ecrtui.ecr.replication_edits import configuration_diff
        from ecrtui.ui.screens.replication_change import ReplicationChangeScreen

        shown = self._shown()
        if shown is None:
            return
        overview = shown[1]
        before = overview.config
        try:
            after = _after(edit, overview)
        except InvalidInput as error:
            self.app.notify(str(error), title="Not sent", severity="error", markup=False)
            return
        description = edit.describe(before)
        screen = ReplicationChangeScreen(
            description,
            configuration_diff(before, after, "current", "after the change"),
            edit.consequences(before),
            f"{overview.registry_id} ({overview.region})",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._send(before, after, description)

        self.app.push_screen(screen, callback=answered)

    def _send(
        self, before: ReplicationConfiguration, after: ReplicationConfiguration, description: str
    ) -> None:
        """``PutReplicationConfiguration`` in a worker, unless the rules changed since they were shown."""
        from ecrtui.ecr.errors import Conflict, EcrError
        from ecrtui.manage.audit import REPLICATION_SET, ChangeRecorder, replication_target
        from ecrtui.ui.copy_controller import app_audit_log

        service = self._service
        if service is None:
            return
        log = app_audit_log(self.app)

        def work() -> None:
            recorder = ChangeRecorder.of(log, service.service)
            target = replication_target(recorder.account, recorder.region)
            try:
                current = service.get_replication_configuration(refresh=True)
                if current.rules != before.rules:
                    raise Conflict(
                        "The rules changed since the view read them: nothing was sent; the view shows them now",
                        operation="PutReplicationConfiguration",
                    )
                kept = service.put_replication_configuration(after)
            except EcrError as error:
                recorder.record(REPLICATION_SET, target, error, description)
                self.post(self.SendFailed(error, description))
                return
            recorder.record(REPLICATION_SET, target, detail=description)
            count = len(kept.rules)
            self.post(self.Sent(description, f"the registry has {count} rule{'s' * (count != 1)} now"))

        self.run_thread(work, name="replication change", group="replication-change")

    # -- backfills ------------------------------------------------------------------------------------------------

    def backfill(self) -> None:
        """``b``: pick a destination of the rules and start a backfill to it, as a job."""
        from ecrtui.ui.screens.replication_backfill import BackfillStartScreen

        shown = self._shown()
        if shown is None:
            return
        view, overview = shown
        line = view.rule_line
        preselected = line.destination if line is not None else None

        def chosen(destination: ReplicationDestination | None) -> None:
            if destination is not None:
                self.start_backfill(destination)

        self.app.push_screen(
            BackfillStartScreen(overview.config, overview.backfills, preselected), callback=chosen
        )

    def start_backfill(self, destination: ReplicationDestination) -> None:
        """Run a backfill to ``destination`` as a job of the jobs panel (ECR's refusal, if any, is its error)."""
        from ecrtui.jobs.replication_runners import backfill_runner
        from ecrtui.manage.audit import REPLICATION_BACKFILL, ChangeRecorder, audited_runner, backfill_target
        from ecrtui.ui.copy_controller import app_audit_log

        service = self._service or self.app.sessions.current
        if service is None:
            return
        log = app_audit_log(self.app)
        runner = audited_runner(
            backfill_runner(service.service, destination),
            lambda: ChangeRecorder.of(log, service.service),
            REPLICATION_BACKFILL,
            backfill_target(destination.label),
        )
        job = self.app.jobs.start(
            JobKind.BACKFILL,
            f"backfill to {destination.label}",
            runner,
            on_done=lambda _snapshot: self._replication_moved(service),
        )
        self._backfill_jobs_by_id[job.id] = destination
        self.app.notify(
            f"ECR replicates the images already here to {destination.label}; the jobs panel follows it",
            title="Backfill started",
            markup=False,
        )

    def stop_backfill(self) -> None:
        """``S``: stop the highlighted backfill (confirmed; what was replicated stays)."""
        from ecrtui.ecr.errors import EcrError
        from ecrtui.ui.replication_text import backfill_counts
        from ecrtui.ui.screens.confirm import ConfirmScreen

        shown = self._shown()
        backfill = shown[0].backfill if shown is not None else None
        service = self._service
        if backfill is None or service is None:
            return
        message = (
            f"ECR stops replicating to {backfill.destination.label} once the image in flight is done "
            f"({backfill_counts(backfill)}). Images already replicated stay there."
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            job_id = self._running_job_for(backfill)
            if job_id is not None:  # the job's runner stops it, and the job ends as cancelled
                self.app.jobs.cancel(job_id)
                return

            def work() -> None:
                try:
                    stopped = service.stop_replication_backfill(backfill.backfill_id)
                except EcrError as error:
                    self.post(
                        self.SendFailed(error, f"stopping the backfill to {backfill.destination.label}")
                    )
                    return
                self.post(
                    self.Sent(f"Backfill to {backfill.destination.label}", stopped.status.value.lower())
                )

            self.run_thread(work, name="replication stop", group="replication-change")

        self.app.push_screen(ConfirmScreen("Stop the backfill?", message, "Stop"), callback=answered)

    def _running_job_for(self, backfill: ReplicationBackfill) -> str | None:
        """The id of this session's running job that started ``backfill`` (ECR runs one per destination region at a
        time, so a running job to its destination is the one), or None."""
        running = {s.id for s in self.app.jobs.active}
        for job_id, destination in self._backfill_jobs_by_id.items():
            if job_id in running and destination == backfill.destination:
                return job_id
        return None

    def open_backfill_of(self, backfill: ReplicationBackfill) -> None:
        """``enter`` on a backfill: its per-image results, failures first."""
        from ecrtui.ui.screens.backfill_report import BackfillReportScreen

        service = self._service
        if service is None:
            return
        screen = BackfillReportScreen(backfill, self.app.clock)
        self.app.push_screen(screen)

        def work() -> None:
            try:
                report = service.get_backfill_results(backfill.backfill_id, limit=RESULTS_SHOWN)
            except Exception as error:  # shown on the screen and reported, never a traceback
                self.post(self.ReportFailed(error, screen))
                return
            self.post(self.ReportLoaded(report, screen))

        self.run_thread(work, name="backfill results", group="replication-report", exclusive=True)

    # -- one image ------------------------------------------------------------------------------------------------

    def _inspected(self) -> ReplicationTab | None:
        """The inspector's Replication tab when the inspector shows an image."""
        if not self.app.panes_ready or self.app.inspector.details is None:
            return None
        from ecrtui.ui.widgets.inspector.replication_tab import ReplicationTab

        return self.app.inspector.query_one(ReplicationTab)

    def watch_image(self) -> None:
        """``w`` in the inspector: follow the inspected image until every destination is done, as a job."""
        from ecrtui.jobs.replication_runners import image_replication_runner

        tab = self._inspected()
        service = self.app.sessions.current
        target = tab.target if tab is not None else None
        if tab is None or target is None or service is None:
            return
        runner = image_replication_runner(
            service.service, target.repository_name, target.digest, target.registry_id
        )
        self.app.jobs.start(
            JobKind.REPLICATION,
            f"replication of {target.label}",
            runner,
            on_done=lambda _snapshot: self._replication_moved(service),
        )
        self.app.notify(
            f"Following {target.label} to every destination; the jobs panel shows it",
            title="Watching replication",
            markup=False,
        )

    def _replication_moved(self, service: CachedEcr) -> None:
        """A backfill or a watch ended: statuses read before are stale, and the view lists the backfills again."""
        service.invalidate(lambda key: key[0] == "image-replication")
        tab = self._inspected()
        if tab is not None:
            tab.stale()
        if self.view is not None:
            self.load(refresh=False)

    # -- what the workers report ----------------------------------------------------------------------------------

    async def handle(self, message: ControllerMessage) -> None:
        if isinstance(message, self.Loaded):
            if message.request == self._request and self.view is not None:
                self.view.show(message.overview)
        elif isinstance(message, self.LoadFailed):
            self.app.errors.report(message.error, "reading the replication rules")
            if message.request == self._request and self.view is not None:
                self.view.show_error(
                    f"Could not read the replication rules: {one_line(message.error)} (r retries)"
                )
        elif isinstance(message, self.Sent):
            self.app.notify(message.result, title=message.description, markup=False)
            self.load(refresh=False)
            tab = self._inspected()
            if tab is not None:  # the rules changed: the inspected image's destinations may have too
                tab.stale()
        elif isinstance(message, self.SendFailed):
            self.app.errors.report(message.error, message.description)
            self.load(refresh=True)
        elif isinstance(message, self.ReportLoaded):
            if message.screen.is_attached:
                message.screen.show(message.report)
        elif isinstance(message, self.ReportFailed):
            self.app.errors.report(message.error, "reading a backfill's results")
            if message.screen.is_attached:
                message.screen.show_error(f"Could not read the results: {one_line(message.error)}")

    def stop(self) -> None:
        if self._unsubscribe_jobs is not None:
            self._unsubscribe_jobs()
            self._unsubscribe_jobs = None


def _after(edit: ReplicationEdit, overview: ReplicationOverview) -> ReplicationConfiguration:
    """The configuration an edit makes, refused (``InvalidInput``) when ECR or common sense would refuse it."""
    after = edit.apply(overview.config)
    after.validate(overview.region)
    return after


def _rule_scope(config: ReplicationConfiguration, index: int) -> str:
    """``repositories starting web/ to eu-west-1 (222222222222)``: what one rule does, for a dialog."""
    rule = config.rules[index]
    which = (
        "repositories starting " + ", ".join(rule.repository_prefixes)
        if rule.repository_prefixes
        else "every repository"
    )
    where = ", ".join(d.label for d in rule.destinations) or "nowhere"
    return f"{which} to {where}"


def _overview(service: CachedEcr, config: ReplicationConfiguration, *, refresh: bool) -> ReplicationOverview:
    """The rest of the view, each part on its own: a registry policy that cannot be read (a missing permission)
    still leaves the rules and the backfills on screen, saying why."""
    from ecrtui.ecr.errors import EcrError
    from ecrtui.ui.screens.replication_view import ReplicationOverview

    grants: tuple[ReplicationGrant, ...] = ()
    policy_error = ""
    try:
        policy = service.get_registry_policy(refresh=refresh)
        grants = policy.incoming_replication() if policy is not None else ()
    except EcrError as error:
        policy_error = f"Could not read the registry policy: {one_line(error)}"
    backfills: tuple[ReplicationBackfill, ...] = ()
    backfills_error = ""
    try:
        backfills = tuple(service.recent_replication_backfills(RECENT_BACKFILLS))
    except EcrError as error:
        backfills_error = f"Could not list the backfills: {one_line(error)}"
    return ReplicationOverview(
        service.account_id,
        service.region,
        config,
        grants,
        policy_error,
        backfills,
        backfills_error,
    )
