"""The management dialogs on their own (no AWS): what each answers to which keys. A review answers the plan only
on an explicit yes where something is lost, a typed name where one is asked for, and never when nothing would be
sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.app import App

from ecrtui.ecr.models import ImageSummary, Repository
from ecrtui.manage import DeleteRepositoryPlan, TagPlan, UntagPlan
from ecrtui.ui.screens.choice import ChoiceScreen
from ecrtui.ui.screens.plan_review import PlanReviewScreen
from ecrtui.ui.screens.tag_prompt import TagPromptScreen

REPOSITORY = Repository(registry_id="111111111111", name="web/api")
IMMUTABLE = Repository(registry_id="111111111111", name="web/api", image_tag_mutability="IMMUTABLE")


def image(name: str, *tags: str) -> ImageSummary:
    return ImageSummary(
        registry_id="111111111111", repository_name="web/api", digest="sha256:" + name * 64, tags=tags
    )


class Harness(App[None]):
    """Pushes one screen and records what it dismissed with."""

    def __init__(self, screen: Any) -> None:
        super().__init__()
        self._screen = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self._screen, self.results.append)


def answers(screen: Any, *keys: str) -> list[Any]:
    async def scenario() -> list[Any]:
        app = Harness(screen)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            return app.results

    return asyncio.run(scenario())


LAST_TAG = UntagPlan(REPOSITORY, image("a", "v1"), "v1")
NEW_TAG = TagPlan(REPOSITORY, image("a", "v1"), "stable", None)
REFUSED_MOVE = TagPlan(IMMUTABLE, image("a", "v1"), "v2", image("b", "v2"))


@pytest.mark.parametrize(
    ("keys", "confirmed"),
    [
        (("y",), True),
        (("enter",), False),
        (("n",), False),
        (("escape",), False),
        (("shift+tab", "enter"), True),
    ],
)
def test_a_destructive_review_defaults_to_no(keys: tuple[str, ...], confirmed: bool) -> None:
    assert LAST_TAG.destructive
    assert answers(PlanReviewScreen(LAST_TAG), *keys) == [LAST_TAG if confirmed else None]


def test_a_review_that_loses_nothing_confirms_with_enter() -> None:
    assert not NEW_TAG.needs_confirmation
    assert answers(PlanReviewScreen(NEW_TAG), "enter") == [NEW_TAG]


def test_a_review_with_nothing_to_send_can_only_be_closed() -> None:
    assert REFUSED_MOVE.nothing_to_do
    assert answers(PlanReviewScreen(REFUSED_MOVE), "y", "enter") == [None], "y does nothing, enter closes"


def test_deleting_a_repository_needs_force_and_its_typed_name() -> None:
    plan = DeleteRepositoryPlan(REPOSITORY, (image("a", "v1"), image("b")))
    assert answers(PlanReviewScreen(plan), "y", "escape") == [None]
    typed = ("tab", *"web/api", "enter")
    assert answers(PlanReviewScreen(plan), *typed, "escape") == [None], "not without force"
    (forced,) = answers(PlanReviewScreen(plan), "space", *typed)
    assert isinstance(forced, DeleteRepositoryPlan)
    assert forced.force
    assert forced.repository == REPOSITORY
    assert answers(PlanReviewScreen(plan), "space", "tab", *"web/ap", "enter", "escape") == [None], (
        "a wrong name"
    )


def test_an_empty_repository_needs_only_its_typed_name() -> None:
    plan = DeleteRepositoryPlan(REPOSITORY, ())
    assert answers(PlanReviewScreen(plan), *"web/api", "enter") == [plan]


def test_the_tag_prompt_answers_only_a_valid_tag() -> None:
    prompt = TagPromptScreen("web/api", image("a", "v1"))
    assert answers(prompt, *"v1", "space", "enter", "backspace", "enter") == ["v1"]
    assert answers(TagPromptScreen("web/api", image("a")), "escape") == [None]


def test_the_choice_answers_the_highlighted_value() -> None:
    assert answers(ChoiceScreen("Remove which tag?", ["v1", "latest", "main"]), "j", "enter") == ["latest"]
    assert answers(ChoiceScreen("Remove which tag?", ["v1"]), "escape") == [None]
