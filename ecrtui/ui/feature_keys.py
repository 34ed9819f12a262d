"""Keys that call a feature controller by name, so a new feature adds no App method per key.

An ``ActionSpec`` whose action is ``feature('copy.open')`` calls ``app.feature_controllers["copy"].open()``; the
App's ``check_action`` asks that controller's ``check("open")`` whether the key applies now, so the footer hides or
greys out what cannot be done (every change, in read-only mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from ecrtui.ui.controller import Controller


class FeatureKeys(App[int]):
    """Mixed into the App: ``action_feature`` and the ``check_action`` that consults the controllers."""

    feature_controllers: dict[str, Controller]
    """Set by the App: controllers by the name their keys use."""

    def action_feature(self, target: str) -> None:
        """A feature's key: ``feature('copy.open')`` calls ``self.feature_controllers['copy'].open()``."""
        name, _, method = target.partition(".")
        getattr(self.feature_controllers[name], method)()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A feature's key applies when its controller says so; other actions always apply, except ``r`` (refresh)
        in the jobs panel, where ``r`` is retry: a job that cannot be retried must not reload a pane instead."""
        if action == "feature" and parameters:
            name, _, method = str(parameters[0]).partition(".")
            controller = self.feature_controllers.get(name)
            return controller.check(method) if controller is not None else False
        return not (action == "refresh" and self.focused is not None and self.focused.id == "jobs")
