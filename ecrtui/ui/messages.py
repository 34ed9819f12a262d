"""App-wide messages: facts that any widget may post and the App handles.

Widget-scoped messages (a pane's selection, a table's cursor) nest in their widget; the ones here cross the
whole app, so every part can report a failed AWS call the same way.
"""

from __future__ import annotations

from textual.message import Message


class EcrFailed(Message):
    """An AWS call failed; the App turns it into a titled notification and an error-log entry.

    Panes and the inspector post this from their workers (``post_message`` is thread-safe) instead of showing
    errors themselves, so every failure is titled and logged the same way.
    """

    def __init__(self, error: BaseException, context: str = "") -> None:
        self.error = error
        """The exception, usually an ``ecrtui.ecr.errors.EcrError``."""
        self.context = context
        """What was being done, e.g. ``"listing images of web"``."""
        super().__init__()


class PanesImported(Message):
    """The list panes and inspector modules are imported (in a worker, after the first frame)."""


class BackendImported(Message):
    """boto3 and the data layer are imported (in a worker, after the first frame)."""


class SandboxStarted(Message):
    """The in-process demo sandbox is up and its profile files are written; the App now owns it."""

    def __init__(self, sandbox: object) -> None:
        self.sandbox = sandbox
        """A ``ecrtui.ui.backend.DemoSandbox`` (typed loosely: messages import no backend code)."""
        super().__init__()


class StartupFailed(Message):
    """Starting the backend failed: shown inside the app, never as a traceback."""

    def __init__(self, title: str, detail: str) -> None:
        self.title = title
        self.detail = detail
        super().__init__()


class RegistryIdentified(Message):
    """STS told us the account (and the service its region) of a registry entry."""

    def __init__(self, key: str, account_id: str, region: str | None) -> None:
        self.key = key
        self.account_id = account_id
        self.region = region
        super().__init__()


class AccountProbed(Message):
    """A background STS probe of a registries row finished: its account, or ``None`` when it failed."""

    def __init__(self, key: str, account_id: str | None) -> None:
        self.key = key
        self.account_id = account_id
        super().__init__()
