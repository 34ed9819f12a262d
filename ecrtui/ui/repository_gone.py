"""The open repository was deleted outside the app: say so once, list the repositories again, clear the inspector.

The Images pane has already cleared itself (and says why in place of its rows); this is the App's side, kept out
of ``app.py``, which only wires the pane's ``RepositoryGone`` here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecrtui.ecr.models import Repository
    from ecrtui.ui.app import EcrTuiApp

__all__ = ["repository_gone"]


def repository_gone(app: EcrTuiApp, repository: Repository, error: BaseException) -> None:
    """One notification (the error goes to the ``!`` log, not to a second toast) and a fresh repository list."""
    app.errors.report(error, f"listing images of {repository.name}", notify=False)
    app.inspector.clear()
    service, registry = app.sessions.current, app.sessions.registry
    if service is not None and registry is not None:
        app.repositories.load(service, registry.registry_id, refresh=True)
    app.notify(
        f"{repository.name} no longer exists (deleted outside ecrtui?): the repositories are listed again",
        title="Repository gone",
        severity="warning",
        markup=False,
    )
    app.focus_pane(app.repositories)
