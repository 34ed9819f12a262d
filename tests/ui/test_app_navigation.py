"""Where the cursors, the marks and the registry rows end up after the palette's "go", ``r``, re-entering the open
registry and ``R``: each driven by keys against the demo sandbox."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList
from textual.pilot import Pilot

from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.screens.region_picker import RegionPickerScreen
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, open_repository_named, started

SIZE = (120, 36)


async def palette(pilot: Pilot[Any], app: EcrTuiApp, text: str, wait_for: WaitFor) -> None:
    """``:``, type ``text``, run the best match."""
    await pilot.press("colon")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "the palette")
    await pilot.press(*text)
    await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "palette matches")
    await pilot.press("down", "enter")


@asynctest
async def test_palette_go_moves_the_repositories_cursor_too(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        assert app.repositories.table.highlighted_key != seed.MULTIARCH_REPOSITORY
        await palette(pilot, app, f"go: repository {seed.MULTIARCH_REPOSITORY}", wait_for)
        await wait_for(pilot, lambda: app.repository is not None, "a repository opened")
        assert app.repository is not None
        assert app.repository.name == seed.MULTIARCH_REPOSITORY
        assert app.repositories.table.highlighted_key == seed.MULTIARCH_REPOSITORY


@asynctest
async def test_r_in_repositories_keeps_the_cursor(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        table = app.repositories.table
        await pilot.press("j", "j", "j", "j")
        kept = table.highlighted_key
        service = app.sessions.current
        assert service is not None
        listed = service.call_counts.get("DescribeRepositories", 0)
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: service.call_counts.get("DescribeRepositories", 0) > listed,
            "the repositories relisted",
        )
        await wait_for(pilot, lambda: not app.repositories.is_loading, "the relisting")
        assert table.highlighted_key == kept
        assert table.cursor == 4


@asynctest
async def test_entering_the_open_registry_keeps_cursors_lists_and_marks(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        images = app.images.table
        await pilot.press("j", "space", "space")  # mark rows 2 and 3; the cursor moves on to row 4
        marked, cursor = images.marked_keys, images.cursor
        assert len(marked) == 2
        repositories_cursor = app.repositories.table.highlighted_key
        service = app.sessions.current
        assert service is not None
        listings = ("DescribeRepositories", "DescribeImages")
        calls = [service.call_counts.get(name, 0) for name in listings]

        await pilot.press("p")  # to the registries, then enter on the open one
        assert app.focused is app.registries
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is app.repositories.table, "back in the repositories")
        await pilot.pause()
        assert app.repositories.table.highlighted_key == repositories_cursor
        assert images.marked_keys == marked
        assert images.cursor == cursor
        assert app.repository is not None
        assert app.repository.name == seed.API_REPOSITORY
        assert [service.call_counts.get(name, 0) for name in listings] == calls, "nothing was listed again"


@asynctest
async def test_switch_region_offers_real_regions_and_keeps_one_row(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    from ecrtui.ui.backend import ecr_regions

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        rows = len(app.registries.entries)

        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RegionPickerScreen), "the region picker")
        picker = app.screen
        assert isinstance(picker, RegionPickerScreen)
        assert picker.regions == ecr_regions("us-east-1")
        await pilot.press(*"nowhere-1", "enter")  # refused: the picker stays, nothing is opened or added
        await pilot.pause()
        assert app.screen is picker
        assert "is not a region" in str(picker.query_one("#region-message").render())
        assert len(app.registries.entries) == rows
        await pilot.press("escape")
        assert app.header.aws_region == "us-east-1"

        for region in ("eu-west-1", "us-west-2", "eu-west-1"):
            await pilot.press("R")
            await wait_for(pilot, lambda: isinstance(app.screen, RegionPickerScreen), "the region picker")
            await pilot.press(*region, "enter")
            await wait_for(pilot, lambda r=region: app.header.aws_region == r, f"the registry in {region}")
            assert len(app.registries.entries) == rows + 1, (
                "one row for the switched region, replaced each time"
            )
        titles = [command.title for command in app.palette_commands()]
        assert len(titles) == len(set(titles)), "no duplicate palette entries"
        assert "aws: switch profile demo-dev (eu-west-1)" in titles
