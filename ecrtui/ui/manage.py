"""Managing what you browse, in the app: the keys that change ECR, their reviews, the read-only views and the lines
to copy.

Every change takes the same road. The key gathers its targets on the UI thread (the marked images, else the
highlighted one; the repository under the cursor), a worker asks ``ecrtui.manage.Manager`` for the plan (reads
only), ``PlanReviewScreen`` shows what will happen, what is lost and what ECR would refuse (the answer defaults to
no where something is lost), a worker executes the plan (``Manager.execute`` appends the audit log), the outcome
is reported (per-target failures on ``OutcomeScreen``), and the listings the change touched are loaded again with
the cursor kept on, or next to, the rows that remain. A restore is watched until ECR says the images are
``ACTIVE``. Read-only mode hides every key that changes ECR (``check``); the data layer refuses anyway.

The modules a key needs (screens, ``ecrtui.manage``) are imported when it is pressed, so the first frame never
waits for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ecrtui.ui.controller import Controller, ControllerMessage
from ecrtui.ui.manage_flow import Affected, ChangeFlow
from ecrtui.ui.messages import EcrFailed

if TYPE_CHECKING:
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.ecr.models import ImageSummary, Repository
    from ecrtui.manage import AuditLog, Manager, Plan
    from ecrtui.ui.app import EcrTuiApp

__all__ = ["CHANGES", "ManageController"]

T = TypeVar("T")

CHANGES = frozenset(
    {
        "tag",
        "untag",
        "delete",
        "archive",
        "restore",
        "scan",
        "create_repository",
        "mutability",
        "resource_tags",
    }
)
"""The methods whose keys change ECR: hidden in read-only mode."""
REPOSITORIES_PANE = 1
IMAGES_PANE = 2
INSPECTOR = 3
"""``PaneFocus.index`` of the panes the keys act in."""


OF_IMAGES_OR_REPOSITORY = frozenset(
    {
        "tag",
        "untag",
        "delete",
        "archive",
        "restore",
        "scan",
        "mutability",
        "resource_tags",
        "policy",
        "lifecycle",
        "pull_line",
    }
)
"""Keys that act on the highlighted image or repository (the registry's own keys, ``i``, ``n``, ``H``, stay)."""


class ManageController(Controller):
    """Image and repository changes, the policy, lifecycle and audit views, and the login and pull lines."""

    class Fetched(ControllerMessage):
        """A worker's answer, handed to ``then`` on the UI thread."""

        def __init__(self, value: Any, then: Callable[[Any], None]) -> None:
            super().__init__()
            self.value = value
            self.then = then

    def __init__(self, app: EcrTuiApp) -> None:
        super().__init__(app)
        self.audit: AuditLog | None = None
        """Where changes are recorded (None: the user's audit log, ``ecrtui.manage.default_audit_path``);
        tests give their own."""
        self._managers: dict[int, Manager] = {}
        self.flow = ChangeFlow(self)
        """Review, execution, outcome and refresh of every change (``manage_flow.py``)."""

    # -- what applies ---------------------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        service = self.app.sessions.current
        return self.app.settings.read_only or (service is not None and service.read_only)

    def check(self, method: str) -> bool | None:
        """Changing keys are hidden in read-only mode; no key of this controller acts while a dialog is open."""
        if method in CHANGES and self.read_only:
            return False
        if method in OF_IMAGES_OR_REPOSITORY and self.app.panes_ready and self.app.pane_focus.index() == 0:
            return False  # in the Registries pane they would only answer "No image": hidden there
        return self.app.screen is self.app.screen_stack[0]

    def audit_log(self) -> AuditLog:
        from ecrtui.manage import AuditLog

        if self.audit is None:
            self.audit = AuditLog()
        return self.audit

    def manager(self, service: CachedEcr) -> Manager:
        """The one ``Manager`` of a registry session (its account is asked once, in a worker)."""
        from ecrtui.manage import Manager

        manager = self._managers.get(id(service))
        if manager is None or manager.ecr is not service:
            entry = self.app.sessions.registry
            profile = entry.profile if entry is not None else None
            manager = Manager(service, audit=self.audit_log(), profile=profile)
            self._managers[id(service)] = manager
        return manager

    def fetch(self, work: Callable[[], T], then: Callable[[T], None], context: str) -> None:
        """Run ``work`` in an App-owned worker; ``then`` gets its value on the UI thread. A failure is reported
        (``EcrFailed``: a titled notification and the error log) and ``then`` is not called."""

        def run() -> None:
            try:
                value = work()
            except Exception as error:  # every failure reaches the error policy, never a traceback
                self.app.post_message(EcrFailed(error, context))
                return
            self.post(ManageController.Fetched(value, then))

        self.run_thread(run, name=context, group="manage")

    async def handle(self, message: ControllerMessage) -> None:
        if isinstance(message, ManageController.Fetched):
            message.then(message.value)

    def stop(self) -> None:
        self.flow.stop()

    # -- targets ----------------------------------------------------------------------------------------------------

    def _session(self) -> tuple[CachedEcr, Manager] | None:
        service = self.app.sessions.current
        if service is None or not self.app.panes_ready:
            self.app.notify("Open a registry first", title="Nothing to change", severity="warning")
            return None
        return service, self.manager(service)

    def _images(self, *, marked: bool = True) -> tuple[Repository, list[ImageSummary], bool] | None:
        """The open repository and the images a key acts on: the marked ones, else the highlighted one; in the
        inspector, the platform or referrer opened there (keys that act on images apply in the Images pane and
        the inspector)."""
        app = self.app
        focus = app.pane_focus.index()
        if focus not in (IMAGES_PANE, INSPECTOR):
            app.notify("Go to the Images pane first", title="No image", severity="warning")
            return None
        repository = app.repository
        opened = app.inspector.details if focus == INSPECTOR and app.inspector.depth > 1 else None
        if opened is not None and repository is not None:
            return repository, [opened.summary], False  # a platform or referrer opened in the inspector
        chosen = app.images.marked_images if marked and app.panes_ready else []
        if chosen and repository is not None:
            return repository, chosen, True
        if repository is None or app.image is None:
            app.notify("Highlight an image first", title="No image", severity="warning")
            return None
        return repository, [app.image], False

    def _repository(self) -> Repository | None:
        """The repository a repository key acts on: under the Repositories cursor when that pane has the focus,
        else the one the Images pane shows."""
        app = self.app
        if not app.panes_ready:
            return None
        if app.pane_focus.index() == REPOSITORIES_PANE or app.repository is None:
            repository = app.repositories.highlighted
        else:
            repository = app.repository
        if repository is None:
            app.notify("Highlight a repository first", title="No repository", severity="warning")
        return repository

    # -- image keys -------------------------------------------------------------------------------------------

    def tag(self) -> None:
        """``t``: point a new or existing tag at the highlighted image (typed, checked as you type)."""
        from ecrtui.ui.screens.tag_prompt import TagPromptScreen

        session = self._session()
        found = None if session is None else self._images(marked=False)
        if found is None or session is None:
            return
        repository, (image,), _ = found
        _, manager = session
        if self.app.panes_ready and self.app.images.marked_images:  # a tag names one image: say which
            self.app.notify(
                "A tag points at one image: t tags the highlighted one (the marks are kept for d, a, A, S, c)",
                title="Tag",
                markup=False,
            )

        def plan(tag: str) -> Plan:
            # The repository as ECR has it now: its tag mutability decides whether the tag may move.
            fresh = manager.repository(repository.name, repository.registry_id)
            return manager.plan_tag(fresh, image, tag)

        def chosen(tag: str | None) -> None:
            if tag:
                self.flow.review(lambda: plan(tag), f"planning tag {tag}", Affected(images_of=repository))

        self.app.push_screen(TagPromptScreen(repository.name, image), chosen)

    def untag(self) -> None:
        """``u``: remove one tag of the highlighted image (asked which, when it has several)."""
        from ecrtui.ui.screens.choice import ChoiceScreen

        session = self._session()
        found = None if session is None else self._images(marked=False)
        if found is None or session is None:
            return
        repository, (image,), _ = found
        _, manager = session
        if not image.tags:
            self.app.notify("The image has no tag: d deletes it", title="Untagged", severity="warning")
            return

        def chosen(tag: str | None) -> None:
            if tag:
                leaving = ((f"{repository.name}:{tag}", image.digest),) if image.tags == (tag,) else ()
                self.flow.review(
                    lambda: manager.plan_untag(repository, image, tag),
                    f"planning the removal of tag {tag}",
                    Affected(images_of=repository, leaving=leaving),
                )

        if len(image.tags) == 1:
            chosen(image.tags[0])
        else:
            self.app.push_screen(ChoiceScreen("Remove which tag?", list(image.tags)), chosen)

    def delete(self) -> None:
        """``d``: the repository under the cursor in the Repositories pane, else the marked or highlighted
        images."""
        if self.app.panes_ready and self.app.pane_focus.index() == REPOSITORIES_PANE:
            self.delete_repository()
            return
        session = self._session()
        found = None if session is None else self._images()
        if found is None or session is None:
            return
        repository, images, marked = found
        _, manager = session
        self.flow.review(
            lambda: manager.plan_delete_images(repository, images),
            f"planning the deletion of images in {repository.name}",
            Affected(
                images_of=repository,
                leaving=tuple((f"{repository.name}@{i.digest}", i.digest) for i in images),
                marked=marked,
            ),
        )

    def archive(self) -> None:
        """``a``: move the marked or highlighted images to archive storage."""
        self._storage(archive=True)

    def restore(self) -> None:
        """``A``: bring archived images back (ACTIVATING, then ACTIVE)."""
        self._storage(archive=False)

    def _storage(self, *, archive: bool) -> None:
        session = self._session()
        found = None if session is None else self._images()
        if found is None or session is None:
            return
        repository, images, marked = found
        _, manager = session
        plan = manager.plan_archive if archive else manager.plan_restore
        self.flow.review(
            lambda: plan(repository, images),
            f"planning to {'archive' if archive else 'restore'} images in {repository.name}",
            Affected(images_of=repository, marked=marked, restoring=not archive),
        )

    def scan(self) -> None:
        """``S``: start a basic scan of the marked or highlighted images."""
        session = self._session()
        found = None if session is None else self._images()
        if found is None or session is None:
            return
        repository, images, marked = found
        _, manager = session
        self.flow.review(
            lambda: manager.plan_scan(repository, images),
            f"planning scans in {repository.name}",
            Affected(images_of=repository, marked=marked),
        )

    # -- repository keys ------------------------------------------------------------------------------------

    def create_repository(self) -> None:
        """``n``: a new repository in the open registry, every setting checked as you type."""
        from ecrtui.ui.screens.create_repository import CreateRepositoryScreen

        session = self._session()
        if session is None:
            return
        _, manager = session
        registry = self.app.sessions.registry
        registry_id = registry.registry_id if registry is not None else None

        def chosen(spec: Any) -> None:
            if spec is not None:
                self.flow.review(
                    lambda: manager.plan_create_repository(spec, registry_id),
                    f"planning repository {spec.name}",
                    Affected(repositories=True),
                )

        self.app.push_screen(CreateRepositoryScreen(), chosen)

    def delete_repository(self) -> None:
        """The repository under the cursor, confirmed by typing its name; force only when asked for."""
        session = self._session()
        repository = None if session is None else self._repository()
        if repository is None or session is None:
            return
        _, manager = session
        self.flow.review(
            lambda: manager.plan_delete_repository(repository),
            f"planning the deletion of {repository.name}",
            Affected(repositories=True, gone=repository.name),
        )

    def mutability(self) -> None:
        """``m``: a repository's tag mutability and its exclusion filters."""
        from ecrtui.ui.screens.mutability import MutabilityScreen

        session = self._session()
        repository = None if session is None else self._repository()
        if repository is None or session is None:
            return
        _, manager = session

        def chosen(setting: Any) -> None:
            if setting is not None:
                mutability, filters = setting
                self.flow.review(
                    lambda: manager.plan_set_tag_mutability(repository, mutability, filters),
                    f"planning the tag mutability of {repository.name}",
                    Affected(repositories=True),
                )

        self.app.push_screen(MutabilityScreen(repository), chosen)

    def resource_tags(self) -> None:
        """``T``: edit a repository's resource tags (the current ones are read first)."""
        from ecrtui.ui.screens.resource_tags import ResourceTagsScreen

        session = self._session()
        repository = None if session is None else self._repository()
        if repository is None or session is None:
            return
        service, manager = session

        def edit(current: dict[str, str]) -> None:
            def chosen(tags: dict[str, str] | None) -> None:
                if tags is not None:
                    removed = [key for key in current if key not in tags]
                    self.flow.review(
                        lambda: manager.plan_resource_tags(repository, tags, removed),
                        f"planning the resource tags of {repository.name}",
                        Affected(),
                    )

            self.app.push_screen(ResourceTagsScreen(repository.name, current), chosen)

        self.fetch(
            lambda: service.get_resource_tags(repository.arn, refresh=True),
            edit,
            f"reading the resource tags of {repository.name}",
        )

    # -- views ----------------------------------------------------------------------------------------------------

    def policy(self) -> None:
        """``P``: the repository policy, pretty JSON."""
        from ecrtui.ui.screens.repository_policy import RepositoryPolicyScreen

        repository, service = self._repository(), self.app.sessions.current
        if repository is not None and service is not None:
            self.app.push_screen(RepositoryPolicyScreen(service, repository))

    def lifecycle(self) -> None:
        """``L``: the lifecycle rules and what they would expire or archive now."""
        from ecrtui.ui.screens.lifecycle import LifecycleScreen

        repository, service = self._repository(), self.app.sessions.current
        if repository is not None and service is not None:
            self.app.push_screen(LifecycleScreen(service, repository, clock=self.app.clock))

    def audit_view(self) -> None:
        """``H``: every change ecrtui made or tried, newest first."""
        from ecrtui.ui.screens.audit_log import AuditLogScreen

        self.app.push_screen(AuditLogScreen(self.audit_log()))

    # -- lines to copy --------------------------------------------------------------------------------------------

    def login_line(self) -> None:
        """``i``: copy ``aws ecr get-login-password … | docker login … HOST`` for the open registry."""
        session = self._session()
        registry = self.app.sessions.registry
        if session is None or registry is None:
            return
        _, manager = session
        self.fetch(
            lambda: manager.login_line(registry.registry_id, endpoint_url=registry.endpoint_url),
            lambda line: self._copied(line, "Copied the login line"),
            "building the login line",
        )

    def pull_line(self) -> None:
        """``D``: copy ``docker pull HOST/NAME@DIGEST`` for the highlighted image."""
        session = self._session()
        found = None if session is None else self._images(marked=False)
        if found is None or session is None:
            return
        repository, (image,), _ = found
        _, manager = session
        self.fetch(
            lambda: manager.pull_line(repository, image),
            lambda line: self._copied(line, "Copied the pull line"),
            "building the pull line",
        )

    def _copied(self, text: str, title: str) -> None:
        self.app.copy_to_clipboard(text)  # OSC 52, like ``y``: the token is never part of it
        self.app.notify(text, title=title, markup=False)
