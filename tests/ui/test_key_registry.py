"""Every key a user can press is in the action registry, and so on the ``?`` screen.

The registry is walked against the code: every ``BINDINGS`` of every screen and widget class in ``ecrtui.ui``, and
every key a Textual widget binds itself that an ecrtui class gives a meaning to (it handles what the widget posts:
``enter`` on a DataTable row posts ``RowSelected``). A binding added without a registry entry, or a new handler of
a row/option/button/checkbox without one, fails here.
"""

from __future__ import annotations

import importlib
import inspect
import io
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    OptionList,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

import ecrtui.ui
from ecrtui.ui.actions import ACTIONS, SCOPES, ActionSpec, bindings_of, keymap_problems
from ecrtui.ui.screens.help import HelpScreen
from tests.ui.app_steps import MakeApp, WaitFor, asynctest

KEY_MESSAGES: dict[type[Message], tuple[type[DOMNode], str]] = {
    DataTable.RowSelected: (DataTable, "select_cursor"),
    OptionList.OptionSelected: (OptionList, "select"),
    Checkbox.Changed: (Checkbox, "toggle_button"),
    SelectionList.SelectedChanged: (SelectionList, "select"),
    RadioSet.Changed: (RadioSet, "toggle_button"),
    Select.Changed: (Select, "show_overlay"),
    Input.Submitted: (Input, "submit"),
    Button.Pressed: (Button, "press"),
}
"""What a Textual widget posts when one of its own keys is pressed: the widget and the action of that key."""

WIDGETS: dict[str, type[DOMNode]] = {widget.__name__: widget for widget, _ in KEY_MESSAGES.values()} | {
    "App": App
}


def ui_classes() -> Iterator[type[DOMNode]]:
    """Every screen, widget and app class defined in ``ecrtui.ui`` (by file: ``widgets/`` is a namespace package,
    which ``pkgutil`` does not walk)."""
    root = Path(ecrtui.ui.__file__).parent
    for path in sorted(root.rglob("*.py")):
        name = ".".join(("ecrtui", "ui", *path.relative_to(root).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, DOMNode):
                yield cls


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings the class itself declares (one per key)."""
    return list(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))


def widget_bindings(widget: type[DOMNode]) -> list[Binding]:
    """Every binding a Textual class has, its bases' included (one per key)."""
    return [binding for base in widget.__mro__ for binding in own_bindings(base)]


def handled_messages(cls: type[DOMNode]) -> set[type[Message]]:
    """The key messages the class handles, by ``@on`` or by an ``on_...`` method."""
    decorated = set(cls.__dict__.get("_decorated_handlers", {}))
    named = {message for message in KEY_MESSAGES if message.handler_name in cls.__dict__}
    return {message for message in decorated | named if message in KEY_MESSAGES}


def keys(spec: ActionSpec) -> set[str]:
    return {key.strip() for key in spec.keys.split(",")}


SPECS = {spec.id: spec for spec in ACTIONS}


def test_the_walk_finds_the_classes_that_bind_keys() -> None:
    """A guard on the walk itself: it reaches screens, widgets and the inspector's tabs."""
    names = {cls.__name__ for cls in ui_classes()}
    assert {
        "EcrTuiApp",
        "ErrorLogScreen",
        "PlanReviewScreen",
        "PlatformsTab",
        "VirtualTable",
        "CopyDialog",
    } <= names


def test_every_binding_of_every_screen_and_widget_is_in_the_registry() -> None:
    missing = []
    for cls in ui_classes():
        for binding in own_bindings(cls):
            spec = SPECS.get(binding.id or "")
            if spec is None or spec.widget or binding.key not in keys(spec) or binding.action != spec.action:
                missing.append(f"{cls.__qualname__}: {binding.key} -> {binding.action} (id {binding.id})")
    assert missing == []


REBOUND = {("TablePane", Input.Submitted): ("FilterInput", "filter.keep")}
"""Handlers of a message that an ecrtui subclass of the widget posts from a key of its own (in the registry):
the Images and Repositories filter line posts ``Submitted`` from its ``enter`` binding, ``filter.keep``."""


def test_every_widget_key_an_ecrtui_class_gives_a_meaning_is_described() -> None:
    """Described by a widget entry naming the class, or by the registry entry of the subclass's own key."""
    classes = {cls.__name__: cls for cls in ui_classes()}
    undescribed = []
    for cls in classes.values():
        for message in handled_messages(cls):
            widget, _action = KEY_MESSAGES[message]
            listed = any(spec.widget == widget.__name__ and cls.__name__ in spec.where for spec in ACTIONS)
            rebound = REBOUND.get((cls.__name__, message))
            if rebound is not None:
                poster, spec_id = rebound
                listed = spec_id in {binding.id for binding in own_bindings(classes[poster])}
            if not listed:
                undescribed.append(
                    f"{cls.__qualname__} handles {message.__qualname__} ({widget.__name__}'s key)"
                )
    assert undescribed == []


def test_a_widget_key_is_one_the_widget_really_binds_and_its_places_exist() -> None:
    names = {cls.__name__ for cls in ui_classes()}
    wrong = []
    for spec in ACTIONS:
        if not spec.widget:
            assert not spec.where, spec.id
            continue
        bound = {(binding.key, binding.action) for binding in widget_bindings(WIDGETS[spec.widget])}
        wrong += [
            f"{spec.id}: {key} -> {spec.action}" for key in keys(spec) if (key, spec.action) not in bound
        ]
        wrong += [f"{spec.id}: no class {name}" for name in spec.where if name not in names]
    assert wrong == []


def test_every_scope_has_a_title_and_ids_are_unique() -> None:
    assert sorted({spec.scope for spec in ACTIONS} - set(SCOPES)) == []
    assert len(SPECS) == len(ACTIONS)


def test_a_widget_key_is_not_bound_again_and_cannot_be_remapped() -> None:
    assert [binding.id for binding in bindings_of("review.confirm", "review.cancel")] == [
        "review.confirm",
        "review.cancel",
    ]
    assert keymap_problems({"inspector.open_row": "o"}) == [
        "'inspector.open_row' is Textual's DataTable key and cannot be remapped"
    ]
    assert keymap_problems({"view.close": "escape,x", "errors.copy": "y"}) == []
    assert keymap_problems({"errors.copy": "exclamation_mark"}) == [
        "'exclamation_mark' is bound to both errors.copy and errors.close; only one of them can have it"
    ]


@asynctest
async def test_the_help_screen_shows_every_key_grouped_where_it_applies(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """``?`` lists every registry entry under its group's title, on a line with its keys (dialogs' and tabs' too);
    ``j`` scrolls it, ``?`` again closes it."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        console = Console(width=240, record=True, file=io.StringIO())
        console.print(screen.query_one("#help-table", Static).content)
        lines = [line.strip() for line in console.export_text().splitlines()]
        assert [title for title in SCOPES.values() if title not in lines] == []
        for title in ("Reviews", "Inspector tabs", "Replication view", "Error log"):
            assert title in lines
        groups = {title: index for index, title in enumerate(lines) if title in SCOPES.values()}
        unlisted = []
        for spec in ACTIONS:
            row = next((index for index, line in enumerate(lines) if line.endswith(f" {spec.id}")), -1)
            group = max((index for index in groups.values() if index < row), default=-1)
            shown = [app.get_key_display(Binding(key, "")) for key in keys(spec)]
            if row < 0 or not set(shown) <= set(lines[row].split()) or lines[group] != SCOPES[spec.scope]:
                unlisted.append(spec.id)
        assert unlisted == []
        body = screen.query_one("#help-body")
        await pilot.press("j")
        await wait_for(pilot, lambda: body.scroll_y > 0, "j scrolls the key table")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), "? closes the help screen")
