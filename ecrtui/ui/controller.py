"""Controllers: the App's behaviour that is not a widget (startup, registry sessions; next, copy jobs, management
actions, replication watches).

A controller owns its state and its thread workers. The workers belong to the App (``App.run_worker``), so they
live as long as the App, whatever screen or dialog started them. A worker reports back by posting one of its
controller's messages (a ``ControllerMessage`` nested in the controller class, named for a fact); the App hands
every such message back to the controller that posted it (``EcrTuiApp._controller_message``), whose ``handle``
runs on the UI thread and may touch widgets. Unexpected worker failures reach the App's one error policy through
``Worker.StateChanged`` like any other worker's. A new feature is a controller module, its screens and widgets,
and a few lines in the App that build the controller and register it in ``App.feature_controllers``; its keys
reach it through ``feature_keys.FeatureKeys``, with no App method per key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import Worker

if TYPE_CHECKING:
    from ecrtui.ui.app import EcrTuiApp


class ControllerMessage(Message):
    """A fact a controller's worker reports; the App routes it back to ``owner.handle`` on the UI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.owner: Controller | None = None
        """The controller that posted it (set by ``Controller.post``)."""


class Controller:
    """Base of the App's controllers: a reference to the App, App-owned thread workers and routed messages."""

    def __init__(self, app: EcrTuiApp) -> None:
        self.app = app
        """The App: the panes, the header, notifications and screens are reached through it."""

    def run_thread(
        self, work: Callable[[], Any], *, name: str, group: str, exclusive: bool = False
    ) -> Worker[Any]:
        """Run ``work`` in an App-owned thread worker (errors go to the App's error policy, never crash it)."""
        return self.app.run_worker(
            work, name=name, group=group, exclusive=exclusive, thread=True, exit_on_error=False
        )

    def post(self, message: ControllerMessage) -> None:
        """Report a fact to this controller's ``handle`` (thread-safe: workers call it)."""
        message.owner = self
        self.app.post_message(message)

    async def handle(self, message: ControllerMessage) -> None:
        """React to one of this controller's messages, on the UI thread."""

    def check(self, method: str) -> bool | None:
        """Whether the key bound to ``feature('NAME.method')`` applies now (``App.check_action`` asks): ``True``,
        ``None`` to show it disabled in the footer, ``False`` to hide it (a change in read-only mode)."""
        return True

    def stop(self) -> None:
        """Release what the controller holds when the App shuts down."""
