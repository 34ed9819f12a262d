"""The app's modal screens on their own: confirm answers, the region picker filters and returns a region."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.app import App

from ecrtui.ui.screens.confirm import ConfirmScreen
from ecrtui.ui.screens.region_picker import REGIONS, RegionPickerScreen


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


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("e", "u", "-", "w", "e", "s", "t", "-", "2", "enter"), "eu-west-2"),
        (("a", "p", "-", "n", "o", "r", "t", "h", "e", "a", "s", "t", "down", "enter"), "ap-northeast-2"),
        (("escape",), None),
    ],
)
def test_region_picker_filters_as_you_type(keys: tuple[str, ...], expected: str | None) -> None:
    async def scenario() -> None:
        app = Harness(RegionPickerScreen("us-east-1"))
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            assert app.results == [expected]

    asyncio.run(scenario())


def test_region_list_has_no_duplicates() -> None:
    assert len(set(REGIONS)) == len(REGIONS)
    assert "us-east-1" in REGIONS
