"""The palette's management entries ("image: delete", "view: lifecycle policy" ...), the same methods the keys
call; changes are left out in read-only mode, image entries when no image is highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrtui.ui.manage import CHANGES, ManageController

if TYPE_CHECKING:
    from ecrtui.ui.app import EcrTuiApp
    from ecrtui.ui.commands import PaletteCommand

__all__ = ["manage_commands"]

IMAGE_ENTRIES = (
    ("image: add or move a tag", "point a tag at the highlighted image", "tag"),
    ("image: remove a tag", "remove one tag of the highlighted image", "untag"),
    ("image: delete", "delete the marked or highlighted images", "delete"),
    ("image: archive", "move the marked or highlighted images to archive storage", "archive"),
    ("image: restore", "bring archived images back", "restore"),
    ("image: start scan", "scan the marked or highlighted images", "scan"),
    ("copy: docker pull line", "docker pull HOST/NAME@DIGEST of the highlighted image", "pull_line"),
)
REGISTRY_ENTRIES = (
    ("repository: new", "create a repository in the open registry", "create_repository"),
    ("repository: tag mutability", "tag mutability and exclusion filters", "mutability"),
    ("repository: resource tags", "edit the repository's resource tags", "resource_tags"),
    ("view: repository policy", "who else may pull or push", "policy"),
    ("view: lifecycle policy", "the rules and what they would expire or archive now", "lifecycle"),
    ("view: audit log", "every change ecrtui made or tried", "audit_view"),
    ("copy: registry login line", "aws ecr get-login-password … | docker login … (no token)", "login_line"),
)


def manage_commands(app: EcrTuiApp) -> list[PaletteCommand]:
    """What the palette offers for managing the open registry now."""
    from ecrtui.ui.commands import PaletteCommand

    controller = app.feature_controllers.get("manage")
    if not isinstance(controller, ManageController) or not app.panes_ready or app.sessions.current is None:
        return []
    entries = list(REGISTRY_ENTRIES)
    if app.image is not None:
        entries = list(IMAGE_ENTRIES) + entries
    return [
        PaletteCommand(title, help, getattr(controller, method))
        for title, help, method in entries
        if not (method in CHANGES and controller.read_only)
    ]
