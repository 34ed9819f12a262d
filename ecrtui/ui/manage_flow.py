"""A change's road after its key: the plan built in a worker, reviewed, executed, reported, and the listings it
touched loaded again.

``ChangeFlow.review`` asks for the plan in a worker (``ecrtui.manage`` plans only read), shows it on
``PlanReviewScreen``, and executes what the user confirms in another worker (``Manager.execute`` appends the audit
log). A clean outcome is a notification; anything failed or refused opens ``OutcomeScreen``, one line per target.
Then what the change touched (``Affected``) is loaded again: the Images cursor first steps off images that went
away onto the nearest row that stays, so the reload keeps it there; marks are cleared after a change to the marked
images; a restore is watched until ECR says its images are ``ACTIVE`` (``restore_watch``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecrtui.ui.restore_watch import RestoreWatch

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.models import Repository
    from ecrtui.manage import Outcome, Plan
    from ecrtui.ui.manage import ManageController

__all__ = ["Affected", "ChangeFlow", "same_repository"]


@dataclass(frozen=True)
class Affected:
    """What a change touched, so the right listings are loaded again once it is done."""

    images_of: Repository | None = None
    """A repository whose images changed (reloaded if the Images pane shows it)."""
    leaving: tuple[tuple[str, str], ...] = ()
    """``(target, digest)`` of images that go away when that target of the change succeeds (the cursor moves off
    them first)."""
    marked: bool = False
    """The change was made to the marked images: the marks are cleared once it succeeded."""
    repositories: bool = False
    """The registry's repositories changed (created, deleted, settings)."""
    gone: str | None = None
    """A repository that was deleted (the Images pane empties if it showed it)."""
    restoring: bool = False
    """The change restores images: those it restored are watched until they are ACTIVE."""


class ChangeFlow:
    """Reviews, executes, reports and refreshes the changes of one ``ManageController``."""

    def __init__(self, controller: ManageController) -> None:
        self._controller = controller
        self.app = controller.app
        self.restores = RestoreWatch(controller)
        """Restores started here, watched until their images are ACTIVE."""

    def review(self, build: Callable[[], Plan], context: str, affected: Affected) -> None:
        """Build a plan in a worker, show it, and execute what the user confirms."""
        from ecrtui.ui.screens.plan_review import PlanReviewScreen

        def show(plan: Plan) -> None:
            def answered(confirmed: Plan | None) -> None:
                if confirmed is not None:
                    self.execute(confirmed, affected)

            self.app.push_screen(PlanReviewScreen(plan), answered)

        self._controller.fetch(build, show, context)

    def execute(self, plan: Plan, affected: Affected) -> None:
        """Make the change in a worker; report and refresh on the UI thread."""
        service = self.app.sessions.current
        if service is None:
            return
        manager = self._controller.manager(service)
        self._controller.fetch(
            lambda: manager.execute(plan),
            lambda outcome: self._done(outcome, affected, service),
            plan.title,
        )

    def _done(self, outcome: Outcome, affected: Affected, service: CachedEcr) -> None:
        from ecrtui.ui.screens.outcome import OutcomeScreen

        if outcome.ok:
            self.app.notify(outcome.summary(), title=outcome.title, markup=False)
        else:
            self.app.push_screen(OutcomeScreen(outcome))
        succeeded = {item.target for item in outcome.items if item.status == "ok"}
        self._refresh(affected, service, succeeded)
        if affected.restoring and affected.images_of is not None:
            restoring = [target.rpartition("@")[2] for target in succeeded]
            if restoring:
                self.restores.watch(service, affected.images_of, restoring)

    def _refresh(self, affected: Affected, service: CachedEcr, succeeded: set[str]) -> None:
        """Load again what the change touched, keeping the cursor on (or next to) the rows that remain."""
        app = self.app
        if not app.panes_ready or app.sessions.current is not service:
            return
        registry = app.sessions.registry
        if affected.repositories and registry is not None:
            app.repositories.load(service, registry.registry_id, refresh=True)
        shown = app.repository
        if affected.gone is not None and shown is not None and shown.name == affected.gone:
            app.images.clear()
            app.inspector.clear()
            app.focus_pane(app.repositories)
            return
        if affected.images_of is None or shown is None or not same_repository(shown, affected.images_of):
            return
        gone = frozenset(digest for target, digest in affected.leaving if target in succeeded)
        if gone:
            self._step_off(gone)
        if affected.marked and succeeded:
            app.images.table.clear_marks()
        self.reload_images(service, shown)

    def _step_off(self, digests: frozenset[str]) -> None:
        """Put the Images cursor on the nearest row that stays (the reload keeps it there)."""
        from ecrtui.ui.image_rows import digest_of_key
        from ecrtui.ui.manage_input import row_after_removal

        table = self.app.images.table
        keys = table.visible_keys
        leaving = {key for key in keys if digest_of_key(key) in digests}
        target = row_after_removal(keys, table.cursor, leaving)
        if target is not None:
            table.move_cursor_to_key(target)

    def reload_images(self, service: CachedEcr, repository: Repository) -> None:
        """List the repository's images again (the rows stay until the new listing is complete)."""
        self.app.images.load(service, repository)

    def stop(self) -> None:
        self.restores.stop()


def same_repository(first: Repository, second: Repository) -> bool:
    return (first.registry_id, first.name) == (second.registry_id, second.name)
