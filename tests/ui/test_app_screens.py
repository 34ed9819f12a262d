"""The app's modal screens on their own: confirm answers, the region picker filters and returns a region."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Static

from ecrtui.ui.backend import ecr_regions
from ecrtui.ui.screens.confirm import ConfirmScreen
from ecrtui.ui.screens.region_picker import RegionPickerScreen


class Harness(App[None]):
    """Pushes one screen and records what it dismissed with."""

    def __init__(self, screen: Any) -> None:
        super().__init__()
        self._screen = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self._screen, self.results.append)


@pytest.mark.parametrize(
    ("keys", "answer"), [(("y",), True), (("n",), False), (("escape",), False), (("enter",), False)]
)
def test_confirm_answers_yes_only_when_asked_explicitly(keys: tuple[str, ...], answer: bool) -> None:
    async def scenario() -> None:
        app = Harness(ConfirmScreen("Delete 3 images?", "The tags v1, v2 and v3 will be removed."))
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            assert app.results == [answer]

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def commercial_regions() -> tuple[str, ...]:
    """The regions botocore lists for ECR in the commercial partition (what ``R`` offers from us-east-1)."""
    return ecr_regions("us-east-1")


def test_the_regions_offered_are_botocores_for_the_partition(commercial_regions: tuple[str, ...]) -> None:
    assert {"us-east-1", "eu-west-1", "ap-northeast-2"} <= set(commercial_regions)
    assert len(set(commercial_regions)) == len(commercial_regions)
    assert not any(region.startswith(("cn-", "us-gov-")) for region in commercial_regions)
    assert set(ecr_regions("cn-north-1")) == {"cn-north-1", "cn-northwest-1"}
    assert ecr_regions("not-a-region") == commercial_regions  # unknown to botocore: the commercial list


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("e", "u", "-", "w", "e", "s", "t", "-", "2", "enter"), "eu-west-2"),
        (("a", "p", "-", "n", "o", "r", "t", "h", "e", "a", "s", "t", "down", "enter"), "ap-northeast-2"),
        (("escape",), None),
    ],
)
def test_region_picker_filters_as_you_type(
    commercial_regions: tuple[str, ...], keys: tuple[str, ...], expected: str | None
) -> None:
    async def scenario() -> None:
        app = Harness(RegionPickerScreen("us-east-1", commercial_regions))
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            assert app.results == [expected]

    asyncio.run(scenario())


def test_region_picker_refuses_a_region_that_does_not_exist(commercial_regions: tuple[str, ...]) -> None:
    """Typed text that is no ECR region gets a message and the picker stays open (nothing is returned)."""

    async def scenario() -> None:
        screen = RegionPickerScreen("us-east-1", commercial_regions)
        app = Harness(screen)
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*"mars-north-1", "enter")
            await pilot.pause()
            assert app.results == []
            assert app.screen is screen
            message = screen.query_one("#region-message", Static)
            assert message.display
            assert "'mars-north-1' is not a region" in str(message.content)
            await pilot.press(*["backspace"] * len("mars-north-1"), *"eu-west-1", "enter")
            await pilot.pause()
            assert app.results == ["eu-west-1"]

    asyncio.run(scenario())
