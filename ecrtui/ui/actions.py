"""The one registry of keyboard actions.

Every binding in the app comes from here, so the footer, the `?` help screen, the command palette and user
keymaps (remapped by binding id through ``App.set_keymap``) all read the same list. Keys that a Textual widget
binds itself and ecrtui gives a meaning to (``enter`` on a DataTable row, ``space`` on a checkbox) are described
here too, with the widget named, so the ``?`` screen lists every key a user can press; they are not bound again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class ActionSpec:
    """One action: its binding id (stable, used by keymaps), keys, Textual action and help text."""

    id: str
    keys: str
    action: str
    description: str
    scope: str
    show: bool = True
    priority: bool = False
    help: str = ""
    widget: str = ""
    """For a key a Textual widget binds itself: that widget's class name (``DataTable``); ``action`` is the
    widget's action. Such a key is shown on the ``?`` screen but not bound again, and cannot be remapped."""
    where: tuple[str, ...] = ()
    """For a widget's key: the ecrtui classes that give it its meaning (those that handle what it posts)."""

    def binding(self) -> Binding:
        """The Textual binding for this action."""
        return Binding(
            self.keys,
            self.action,
            self.description,
            show=self.show,
            id=self.id,
            priority=self.priority,
            tooltip=self.help or self.description,
        )


ACTIONS: tuple[ActionSpec, ...] = (
    # App-wide
    ActionSpec("app.quit", "q", "quit", "Quit", "app", help="Leave ecrtui"),
    ActionSpec("app.help", "question_mark", "help", "Help", "app", help="Show every key"),
    ActionSpec(
        "app.palette",
        "colon,ctrl+p",
        "command_palette",
        "Commands",
        "app",
        show=False,
        help="Command palette",
    ),
    ActionSpec(
        "app.errors", "exclamation_mark", "show_errors", "Errors", "app", show=False, help="Error log"
    ),
    # Copying images and the jobs panel (``ui/copy_controller.py``, ``ui/jobs_view.py``); early in the list, so the
    # footer shows them even at 80 columns
    ActionSpec(
        "app.copy_image",
        "c",
        "feature('copy.open')",
        "Copy",
        "app",
        help="Copy the image (or the marked ones) elsewhere",
    ),
    ActionSpec(
        "app.jobs",
        "J",
        "feature('jobs_panel.toggle')",
        "Jobs",
        "app",
        help="Show, focus or hide the jobs panel",
    ),
    ActionSpec(
        "app.refresh", "r", "refresh", "Refresh", "app", help="Reload the focused pane, bypassing the cache"
    ),
    ActionSpec(
        "app.next_pane",
        "tab",
        "focus_next_pane",
        "Next pane",
        "app",
        show=False,
        priority=True,
        help="Next pane; in a dialog, its next field or button",
    ),
    ActionSpec(
        "app.prev_pane",
        "shift+tab",
        "focus_previous_pane",
        "Previous pane",
        "app",
        show=False,
        priority=True,
        help="Previous pane; in a dialog, its previous field or button",
    ),
    ActionSpec(
        "app.copy_uri", "y", "copy_uri", "Copy URI", "app", help="Copy the image URI (tag form) via OSC 52"
    ),
    ActionSpec("app.copy_digest", "Y", "copy_digest", "Copy digest URI", "app", show=False),
    ActionSpec(
        "app.switch_region", "R", "switch_region", "Region", "app", help="Switch the open registry's region"
    ),
    ActionSpec(
        "app.switch_profile",
        "p",
        "switch_profile",
        "Profiles",
        "app",
        show=False,
        help="Go to the registries",
    ),
    ActionSpec(
        "app.back", "escape,h,left", "pane_back", "Back", "app", show=False, help="Back to the previous pane"
    ),
    ActionSpec("app.prev_tab", "left_square_bracket", "previous_tab", "Prev tab", "app", show=False),
    ActionSpec("app.next_tab", "right_square_bracket", "next_tab", "Next tab", "app", show=False),
    # Any list pane (the virtual table). Every list key is priority: the App runs it as the key arrives, in the
    # order typed. ``enter`` and ``/`` must (they move the focus before the next key of a burst is dispatched); so
    # must the rest, or an ``enter`` typed right after them overtakes them (the App runs a priority key at once but
    # only queues the others for the table: ``G k k k enter`` in one read opened the top row, tmux, right after
    # start). Only the focused table's bindings are live, so nothing is taken from another widget.
    ActionSpec("table.down", "down,j", "cursor_down", "Down", "table", show=False, priority=True),
    ActionSpec("table.up", "up,k", "cursor_up", "Up", "table", show=False, priority=True),
    ActionSpec("table.top", "home,g", "cursor_top", "Top", "table", show=False, priority=True),
    ActionSpec("table.bottom", "end,G", "cursor_bottom", "Bottom", "table", show=False, priority=True),
    ActionSpec("table.page_down", "pagedown", "page_down", "Page down", "table", show=False, priority=True),
    ActionSpec("table.page_up", "pageup", "page_up", "Page up", "table", show=False, priority=True),
    # Priority, like ``/``: the App runs it as the key arrives, and opening moves the focus at once, so the keys
    # typed right after ``enter`` in one burst (``/v1.4``, ``jjj``) reach the pane just opened.
    ActionSpec(
        "table.enter",
        "enter,l,right",
        "select_row",
        "Open",
        "table",
        priority=True,
        help="Go into the selection",
    ),
    ActionSpec(
        "table.back", "escape,h,left", "go_back", "Back", "table", show=False, priority=True, help="Go back"
    ),
    # Priority: the App runs it as the key arrives, before the keys typed right after it are dispatched, so a
    # burst ("/v1.4" pasted, or over a slow SSH link) lands in the filter instead of running list keys.
    ActionSpec(
        "table.filter",
        "slash",
        "start_filter",
        "Filter",
        "table",
        priority=True,
        help="Filter (substring and fuzzy)",
    ),
    ActionSpec(
        "registries.filter",
        "slash",
        "app.feature('panes.filter_repositories')",
        "Filter",
        "registries",
        priority=True,
        help="In the Registries pane: filter the repositories (the Repositories pane's filter)",
    ),
    ActionSpec("table.sort", "s", "cycle_sort", "Sort", "table", priority=True, help="Cycle the sort order"),
    ActionSpec(
        "table.mark", "space", "toggle_mark", "Mark", "table", show=False, priority=True, help="Mark images"
    ),
    # Managing what you browse (``ui/manage.py``): every change is reviewed first; read-only mode hides them
    ActionSpec(
        "manage.tag", "t", "feature('manage.tag')", "Tag", "manage", help="Add or move a tag to the image"
    ),
    ActionSpec(
        "manage.untag", "u", "feature('manage.untag')", "Untag", "manage", show=False, help="Remove a tag"
    ),
    ActionSpec(
        "manage.delete",
        "d,delete",
        "feature('manage.delete')",
        "Delete",
        "manage",
        help="Delete the marked or highlighted images; in Repositories, the repository",
    ),
    ActionSpec(
        "manage.archive",
        "a",
        "feature('manage.archive')",
        "Archive",
        "manage",
        show=False,
        help="Move the marked or highlighted images to archive storage",
    ),
    ActionSpec(
        "manage.restore",
        "A",
        "feature('manage.restore')",
        "Restore",
        "manage",
        show=False,
        help="Restore archived images (restoring, then active)",
    ),
    ActionSpec(
        "manage.scan",
        "S",
        "feature('manage.scan')",
        "Scan",
        "manage",
        show=False,
        help="Start a scan of the marked or highlighted images",
    ),
    ActionSpec(
        "manage.create_repo",
        "n",
        "feature('manage.create_repository')",
        "New repository",
        "manage",
        show=False,
        help="Create a repository in the open registry",
    ),
    ActionSpec(
        "manage.mutability",
        "m",
        "feature('manage.mutability')",
        "Tag mutability",
        "manage",
        show=False,
        help="Set the repository's tag mutability and exclusion filters",
    ),
    ActionSpec(
        "manage.repo_tags",
        "T",
        "feature('manage.resource_tags')",
        "Resource tags",
        "manage",
        show=False,
        help="Edit the repository's resource tags",
    ),
    ActionSpec(
        "manage.policy",
        "P",
        "feature('manage.policy')",
        "Policy",
        "manage",
        show=False,
        help="View the repository policy",
    ),
    ActionSpec(
        "manage.lifecycle",
        "L",
        "feature('manage.lifecycle')",
        "Lifecycle",
        "manage",
        show=False,
        help="View the lifecycle rules and what they would expire or archive now",
    ),
    ActionSpec(
        "manage.audit",
        "H",
        "feature('manage.audit_view')",
        "Audit log",
        "manage",
        show=False,
        help="Every change ecrtui made or tried, newest first",
    ),
    ActionSpec(
        "manage.login_line",
        "i",
        "feature('manage.login_line')",
        "Copy login",
        "manage",
        show=False,
        help="Copy the docker login line of the open registry (no token in it) via OSC 52",
    ),
    ActionSpec(
        "manage.pull_line",
        "D",
        "feature('manage.pull_line')",
        "Copy pull",
        "manage",
        show=False,
        help="Copy the docker pull line of the highlighted image via OSC 52",
    ),
    # The copy dialog
    ActionSpec(
        "copy.start", "ctrl+s", "start", "Start", "copy", help="Start the copy (or the backfill) planned"
    ),
    ActionSpec("copy.close", "escape", "close", "Close", "copy", help="Close the dialog; nothing is copied"),
    # The jobs panel
    ActionSpec("jobs.down", "down,j", "cursor(1)", "Next job", "jobs", show=False),
    ActionSpec("jobs.up", "up,k", "cursor(-1)", "Previous job", "jobs", show=False),
    ActionSpec(
        "jobs.cancel",
        "x",
        "cancel_job",
        "Cancel job",
        "jobs",
        help="Stop the selected job between parts (a backfill is stopped at ECR)",
    ),
    ActionSpec("jobs.retry", "r", "retry_job", "Retry", "jobs", help="Run a failed or cancelled job again"),
    ActionSpec(
        "jobs.leave", "escape", "leave", "Back", "jobs", show=False, help="Back to the pane you were in"
    ),
    # The inspector
    ActionSpec(
        "inspector.back",
        "escape",
        "close_child",
        "Back to index",
        "inspector",
        help="Leave an index's platform and return to the index",
    ),
    # Replication with ECR itself (issue 10): the open registry's view, its keys, and the inspector's watch. The
    # keys reach ``ui/replication.py`` by name; its ``check`` hides every change in read-only mode.
    ActionSpec(
        "app.replication",
        "E",
        "feature('replication.open')",
        "Replication",
        "app",
        help="The open registry's replication: rules, who may replicate in, backfills",
    ),
    ActionSpec(
        "inspector.watch_replication",
        "w",
        "app.feature('replication.watch_image')",
        "Watch replication",
        "app",
        show=False,
        help="Follow the highlighted (inspected) image's replication to every destination, as a job",
    ),
    ActionSpec(
        "replication.add_destination",
        "a",
        "app.feature('replication.add_destination')",
        "Add destination",
        "replication",
        help="Add a destination to the highlighted rule (a new rule when there is none)",
    ),
    ActionSpec(
        "replication.add_filter",
        "f",
        "app.feature('replication.add_filter')",
        "Add filter",
        "replication",
        help="Add a repository-name prefix to the highlighted rule",
    ),
    ActionSpec(
        "replication.remove",
        "d,delete",
        "app.feature('replication.remove')",
        "Remove",
        "replication",
        help="Remove the highlighted filter or destination",
    ),
    ActionSpec(
        "replication.deletions",
        "x",
        "app.feature('replication.toggle_deletions')",
        "Deletions on/off",
        "replication",
        help="Replicate deletions and tag removals for the highlighted rule, or stop",
    ),
    ActionSpec(
        "replication.backfill",
        "b",
        "app.feature('replication.backfill')",
        "Backfill",
        "replication",
        help="Replicate the images already here to a destination of the rules (a job)",
    ),
    ActionSpec(
        "replication.stop_backfill",
        "S",
        "app.feature('replication.stop_backfill')",
        "Stop backfill",
        "replication",
        help="Stop the highlighted backfill (in the backfills table, whichever table has the focus)",
    ),
    ActionSpec(
        "replication.reload",
        "r",
        "app.feature('replication.reload')",
        "Reload",
        "replication",
        help="Read the rules, the policy and the backfills again",
    ),
    ActionSpec(
        "replication.close", "escape,q", "dismiss", "Close", "replication", help="Back to the browser"
    ),
    ActionSpec(
        "replication.open_backfill",
        "enter",
        "select_cursor",
        "Backfill results",
        "replication",
        widget="DataTable",
        where=("ReplicationScreen",),
        help="In the backfills table: the highlighted backfill's per-image results",
    ),
    # Keys that live only inside dialogs, views and tabs (issue: the ? screen must list every key)
    ActionSpec(
        "app.force_quit",
        "ctrl+q",
        "quit",
        "Quit",
        "app",
        show=False,
        widget="App",
        help="Quit, like q (Textual's own key)",
    ),
    ActionSpec(
        "filter.keep",
        "enter",
        "keep_filter",
        "Keep filter",
        "filter",
        show=False,
        priority=True,
        help="Keep the filter typed and go back to the list",
    ),
    ActionSpec(
        "filter.clear",
        "escape",
        "clear_filter",
        "Clear filter",
        "filter",
        show=False,
        priority=True,
        help="Clear the filter and go back to the list",
    ),
    ActionSpec(
        "inspector.open_row",
        "enter",
        "select_cursor",
        "Open",
        "inspector_tabs",
        widget="DataTable",
        where=("PlatformsTab", "ReferrersTab"),
        help="In the Platforms or Referrers tab: open the highlighted platform or referrer (esc comes back)",
    ),
    ActionSpec(
        "review.confirm",
        "y",
        "confirm",
        "Confirm",
        "reviews",
        help="Make the change reviewed (delete, untag, archive, a replication change, quitting with jobs...)",
    ),
    ActionSpec(
        "review.cancel", "escape,n", "cancel", "Cancel", "reviews", help="Change nothing and close the review"
    ),
    ActionSpec(
        "review.force",
        "space",
        "toggle_button",
        "Force",
        "reviews",
        widget="Checkbox",
        where=("PlanReviewScreen",),
        help="Deleting a repository that holds images: tick Force to delete them with it (enter too)",
    ),
    ActionSpec(
        "review.typed_name",
        "enter",
        "submit",
        "Confirm typed",
        "reviews",
        widget="Input",
        where=("PlanReviewScreen",),
        help="Deleting a repository: after typing its name, confirm",
    ),
    ActionSpec(
        "dialog.cancel", "escape", "cancel", "Cancel", "dialogs", help="Close the dialog; nothing is changed"
    ),
    ActionSpec(
        "dialog.submit",
        "enter",
        "submit",
        "Submit",
        "dialogs",
        widget="Input",
        where=(
            "TagPromptScreen",
            "CreateRepositoryScreen",
            "RegionPickerScreen",
            "ReplicationInputScreen",
            "CopyDialog",
        ),
        help="In a text field: accept what is typed (and go on to the next step)",
    ),
    ActionSpec(
        "dialog.pick",
        "enter",
        "select",
        "Pick",
        "dialogs",
        widget="OptionList",
        where=("ChoiceScreen", "RegionPickerScreen", "BackfillStartScreen", "RegistriesPane"),
        help="In a list of choices (tag to remove, region, backfill destination): pick the highlighted one",
    ),
    ActionSpec(
        "dialog.press",
        "enter",
        "press",
        "Press",
        "dialogs",
        widget="Button",
        where=(
            "ConfirmScreen",
            "PlanReviewScreen",
            "ReplicationChangeScreen",
            "TagPromptScreen",
            "CreateRepositoryScreen",
            "MutabilityScreen",
            "ResourceTagsScreen",
            "OutcomeScreen",
            "CopyDialog",
        ),
        help="Press the focused button (the focus starts on Cancel where something would be lost)",
    ),
    ActionSpec(
        "dialog.tick",
        "space,enter",
        "toggle_button",
        "Tick",
        "dialogs",
        widget="Checkbox",
        where=("CreateRepositoryScreen", "CopyDialog"),
        help="Tick or untick the focused box (scan on push, immutable tags; copy referrers, create the repository)",
    ),
    ActionSpec(
        "dialog.open_select",
        "enter,space",
        "show_overlay",
        "Open choices",
        "dialogs",
        widget="Select",
        where=("CreateRepositoryScreen", "MutabilityFields", "CopyDialog"),
        help="Open the focused drop-down (encryption, tag mutability, destination registry); enter picks",
    ),
    ActionSpec(
        "dialog.toggle_radio",
        "enter,space",
        "toggle_button",
        "Choose",
        "dialogs",
        widget="RadioSet",
        where=("CopyDialog",),
        help="Choose the highlighted option of a set (the copy route); arrows move between them",
    ),
    ActionSpec(
        "dialog.toggle_item",
        "space",
        "select",
        "Toggle",
        "dialogs",
        widget="SelectionList",
        where=("CopyDialog",),
        help="Select or unselect the highlighted item of a list (the platforms to copy)",
    ),
    ActionSpec(
        "region.down",
        "down",
        "move(1)",
        "Down",
        "dialogs",
        show=False,
        help="In the region picker: next region",
    ),
    ActionSpec(
        "region.up",
        "up",
        "move(-1)",
        "Up",
        "dialogs",
        show=False,
        help="In the region picker: previous region",
    ),
    ActionSpec(
        "view.close",
        "escape,q",
        "close",
        "Close",
        "views",
        help="Close the view (audit log, lifecycle, policy, results, backfill results, error log, this screen)",
    ),
    ActionSpec("view.down", "j", "move(1)", "Down", "views", show=False, help="Next row (arrows work too)"),
    ActionSpec("view.up", "k", "move(-1)", "Up", "views", show=False, help="Previous row (arrows work too)"),
    ActionSpec(
        "errors.copy", "c", "copy", "Copy details", "errors", help="Copy the highlighted error's details"
    ),
    ActionSpec("errors.close", "exclamation_mark", "close", "Close", "errors", help="! again closes the log"),
    ActionSpec("help.close", "question_mark", "close", "Close", "help", help="? again closes this screen"),
)

SCOPES: dict[str, str] = {
    "app": "Everywhere",
    "manage": "Managing ECR",
    "table": "In a list pane",
    "filter": "While filtering",
    "registries": "In the Registries pane",
    "inspector": "In the inspector",
    "inspector_tabs": "Inspector tabs",
    "copy": "In the copy dialog",
    "jobs": "In the jobs panel",
    "replication": "Replication view",
    "reviews": "Reviews",
    "dialogs": "Dialogs",
    "views": "Views and logs",
    "errors": "Error log",
    "help": "This screen",
}
"""Where a scope's keys apply, as the ``?`` screen titles its groups (in this order); short, since a title sits in
the narrow Keys column."""


def actions_for(scope: str) -> tuple[ActionSpec, ...]:
    """Every action of one scope, in registry order."""
    return tuple(spec for spec in ACTIONS if spec.scope == scope)


def bindings_for(scope: str) -> list[Binding]:
    """The Textual bindings of one scope, for a widget's ``BINDINGS`` (a widget's own keys are not bound)."""
    return [spec.binding() for spec in actions_for(scope) if not spec.widget]


def bindings_of(*ids: str) -> list[BindingType]:
    """The Textual bindings of the actions named, for a screen that has a few keys of several scopes."""
    specs = {spec.id: spec for spec in ACTIONS}
    return [specs[name].binding() for name in ids]


BINDING_LAYERS: tuple[tuple[str, ...], ...] = (
    ("app", "manage"),
    ("table",),
    ("registries",),
    ("inspector",),
    ("jobs",),
    ("copy",),
    ("replication",),
    ("filter",),
    ("inspector_tabs",),
    ("reviews",),
    ("dialogs",),
    ("views",),
    ("views", "errors"),
    ("views", "help"),
)
"""Scopes whose bindings are live together (the App's own, then one per widget or screen that has focus). A key
bound twice within one layer does only one of the two things; across layers the focused widget's wins, by design.
A widget's own keys (``ActionSpec.widget``) are left out: the focused widget has them first, whatever is remapped."""


def keymap_problems(keymap: Mapping[str, str]) -> list[str]:
    """What is wrong with a user's ``[keymap]``: ids no action has, and keys it makes two live actions share."""
    known = {spec.id for spec in ACTIONS if not spec.widget}
    fixed = {spec.id: spec.widget for spec in ACTIONS if spec.widget}
    problems = [
        f"'{name}' is Textual's {fixed[name]} key and cannot be remapped"
        if name in fixed
        else f"'{name}' is not a binding id (the ids are on the ? screen)"
        for name in keymap
        if name not in known
    ]
    for layer in BINDING_LAYERS:
        owners: dict[str, list[str]] = {}
        for spec in ACTIONS:
            if spec.scope in layer and not spec.widget:
                for key in keymap.get(spec.id, spec.keys).split(","):
                    if key.strip():
                        owners.setdefault(key.strip(), []).append(spec.id)
        problems += [
            f"'{key}' is bound to both {' and '.join(ids)}; only one of them can have it"
            for key, ids in owners.items()
            if len(ids) > 1 and any(name in keymap for name in ids)
        ]
    return problems
