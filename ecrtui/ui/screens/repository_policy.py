"""The repository policy, pretty-printed: who else may pull or push (read-only; loaded in the screen's worker,
cached by ``CachedEcr`` like every listing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from ecrtui.ui.actions import bindings_of
from ecrtui.ui.error_report import one_line
from ecrtui.ui.messages import EcrFailed
from ecrtui.ui.screens.dialog import Dialog
from ecrtui.ui.widgets.inspector.json_view import JsonView

if TYPE_CHECKING:
    from ecrtui.ecr.models import Repository

__all__ = ["NO_POLICY_TEXT", "PolicySource", "RepositoryPolicyScreen"]

NO_POLICY_TEXT = "No repository policy: only principals of this account whose IAM policies allow it can use the repository."


class PolicySource(Protocol):
    """What the screen reads (``CachedEcr``)."""

    def get_repository_policy(self, name: str, registry_id: str | None = None) -> str | None: ...


class RepositoryPolicyScreen(Dialog[None]):
    """The policy document of one repository, or why there is none."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_of("view.close")

    class _Loaded(Message):
        def __init__(self, text: str | None) -> None:
            super().__init__()
            self.text = text

    class _Failed(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def __init__(self, source: PolicySource, repository: Repository) -> None:
        super().__init__()
        self._source = source
        self._repository = repository

    @property
    def status_text(self) -> str:
        return str(self.query_one("#policy-status", Static).content)

    @property
    def view(self) -> JsonView:
        return self.query_one(JsonView)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body -view", id="policy-body") as body:
            body.border_title = f"Repository policy of {self._repository.name}"
            body.border_subtitle = "esc closes"
            yield Static("Loading the policy…", id="policy-status", classes="dialog-hint", markup=False)
            yield JsonView(id="policy-json")

    def on_mount(self) -> None:
        self.view.display = False
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        worker = get_current_worker()
        repository = self._repository
        try:
            text = self._source.get_repository_policy(repository.name, repository.registry_id)
        except Exception as error:  # reported by the App's error policy; the screen says it failed
            if not worker.is_cancelled:
                self.post_message(self._Failed(error))
            return
        if not worker.is_cancelled:
            self.post_message(self._Loaded(text))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        status = self.query_one("#policy-status", Static)
        if message.text is None:
            status.update(NO_POLICY_TEXT)
            return
        status.update("The policy as ECR stores it, re-indented:")
        self.view.set_document(message.text.encode("utf-8"))
        self.view.display = True
        self.view.focus()

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.query_one("#policy-status", Static).update(
            f"Could not read the policy: {one_line(message.error)}"
        )
        self.app.post_message(EcrFailed(message.error, f"reading the policy of {self._repository.name}"))

    def action_close(self) -> None:
        self.dismiss(None)
