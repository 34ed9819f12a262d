"""App-wide messages: facts that any widget may post and the App handles.

Widget-scoped messages (a pane's selection, a table's cursor) nest in their widget, and a controller's in its
controller (``controller.py``); the ones here cross the whole app, so every part can report a failed AWS call
the same way.
"""

from __future__ import annotations

from textual.message import Message


class EcrFailed(Message):
    """An AWS call failed; the App turns it into a titled notification and an error-log entry.

    Panes and the inspector post this from their workers (``post_message`` is thread-safe) instead of showing
    errors themselves, so every failure is titled and logged the same way.
    """

    def __init__(self, error: BaseException, context: str = "", *, notify: bool = True) -> None:
        self.error = error
        """The exception, usually an ``ecrtui.ecr.errors.EcrError``."""
        self.context = context
        """What was being done, e.g. ``"listing images of web"``."""
        self.notify = notify
        """Whether to raise a toast; background niceties (counting images) only go to the error log."""
        super().__init__()
