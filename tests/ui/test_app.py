"""The App against the read-only demo sandbox: startup, navigation, keys, palette, clipboard, profiles, errors.

Every test drives the real App (real panes, real data layer, HTTP to a sandbox subprocess) with a fixed clock,
and waits on conditions, never on time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.command import CommandList

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ui.actions import ACTIONS
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.format import image_uri
from ecrtui.ui.screens.error_log import ErrorLogScreen
from ecrtui.ui.screens.help import HelpScreen
from ecrtui.ui.screens.region_picker import RegionPickerScreen
from ecrtui.ui.sessions import ACCOUNT_UNKNOWN, NOT_OPEN_TEXT
from ecrtui.ui.widgets.inspector.inspector import TAB_IDS
from ecrtui.ui.widgets.registries_pane import entry_key
from ecrtui.ui.widgets.repositories_pane import LISTING_FAILED_TEXT
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, inspected, open_first_repository, started

SIZE = (120, 36)


@asynctest
async def test_startup_shows_profile_account_region_and_every_profile(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        assert (app.header.profile, app.header.account, app.header.aws_region) == (
            "demo-dev",
            "111111111111",
            "us-east-1",
        )
        assert [entry.profile for entry in app.registries.entries] == ["demo-dev", "demo-prod"]
        assert app.registries.open_key is not None
        assert app.registries.open_key.startswith("demo-dev|")
        assert app.header.read_only is False
        assert app.errors.log == []


@asynctest
async def test_repositories_on_screen_show_their_image_counts(
    make_app: MakeApp, demo_sandbox: Any, wait_for: WaitFor
) -> None:
    """Without opening any: the rows on screen fill in their counts (ListImages, once per row on screen)."""
    client = demo_sandbox.session("demo-dev").client("ecr")
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await started(pilot, wait_for)
        table = app.repositories.table
        on_screen = table.visible_keys[: table.scrollable_content_region.height - 1]
        assert len(on_screen) < len(app.repositories.repositories), "some rows are off screen"

        def counted() -> bool:
            return all((row := table.get_row(name)) is not None and row.cells[1] for name in on_screen)

        await wait_for(pilot, counted, "the counts of the rows on screen")
        for name in on_screen:
            pages = client.get_paginator("describe_images").paginate(
                repositoryName=name, filter={"imageStatus": "ANY"}
            )
            expected = sum(len(page["imageDetails"]) for page in pages)
            row = table.get_row(name)
            assert row is not None
            assert row.cells[1] == f"{expected:,}", name
        service = app.sessions.current
        assert service is not None
        assert service.call_counts.get("ListImages") == len(on_screen)


@asynctest
async def test_navigation_registry_to_inspector_and_back(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        assert app.repository is not None
        assert app.images.repository == app.repository
        assert app.focused is app.images.table
        assert app.image is not None  # the cursor's image is highlighted as soon as rows arrive
        await inspected(pilot, app, wait_for)

        await pilot.press("j")
        await inspected(pilot, app, wait_for)
        assert app.image == app.images.highlighted

        await pilot.press("enter")  # go into the inspector
        assert app.focused is not None
        assert app.inspector in app.focused.ancestors_with_self
        shown = {key for key, active in app.screen.active_bindings.items() if active.binding.show}
        assert {"left_square_bracket", "right_square_bracket"} <= shown, "the footer offers the tab keys here"

        await pilot.press("escape")  # back to images
        assert app.focused is app.images.table
        await pilot.press("escape")  # back to repositories
        assert app.focused is app.repositories.table
        await pilot.press("h")  # back to registries
        assert app.focused is app.registries


@pytest.mark.parametrize(("go_in", "go_back"), [("l", "h"), ("right", "left")])
@asynctest
async def test_vim_and_arrow_keys_move_in_and_out(
    make_app: MakeApp, wait_for: WaitFor, go_in: str, go_back: str
) -> None:
    """``g``/``G`` jump in the lists; ``l``/``→`` go in and ``h``/``←`` come back, pane by pane."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        table = app.repositories.table
        await pilot.press("G")
        assert table.cursor == table.visible_count - 1
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press(go_in)
        await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, "images")
        assert app.focused is app.images.table
        await pilot.press("G")
        assert app.images.table.cursor == app.images.table.visible_count - 1
        await pilot.press(go_in)
        assert app.focused is not None
        assert app.inspector in app.focused.ancestors_with_self
        await pilot.press(go_back)
        assert app.focused is app.images.table
        await pilot.press(go_back)
        assert app.focused is app.repositories.table
        await pilot.press(go_back)
        assert app.focused is app.registries
        await pilot.press("G", "g", go_in)  # the registries pane takes the same keys
        await wait_for(pilot, lambda: app.focused is app.repositories.table, "demo-dev reopened")


@asynctest
async def test_left_scrolls_a_wide_manifest_before_it_means_back(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """In the Manifest tab ``←`` scrolls back first; once nothing is to its left it goes back to the images."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_repository(pilot, wait_for)
        await inspected(pilot, app, wait_for)
        await pilot.press("enter", "right_square_bracket")
        view = app.focused
        assert view is not None
        assert app.inspector in view.ancestors_with_self
        assert app.inspector.active_tab == "tab-manifest"
        await pilot.press("right", "right", "right")
        assert view.scroll_x > 0, "the digest lines are wider than 80 columns"
        await pilot.press("left")
        assert app.focused is view
        await pilot.press("left", "left")
        assert view.scroll_x == 0
        assert app.focused is view
        await pilot.press("left")  # nothing left to scroll: back to the images
        assert app.focused is app.images.table


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
@asynctest
async def test_tab_and_shift_tab_cycle_the_panes(
    make_app: MakeApp, wait_for: WaitFor, size: tuple[int, int]
) -> None:
    """Every pane is reachable with tab at both sizes (at 80x24 the registries pane shows when reached)."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await started(pilot, wait_for)
        assert app.focused is app.repositories.table
        await pilot.press("tab")
        assert app.focused is app.images.table
        await pilot.press("tab")
        assert app.focused is not None
        assert app.inspector in app.focused.ancestors_with_self
        await pilot.press("tab")
        assert app.focused is app.registries
        await pilot.pause()
        assert app.registries.region.width > 0, "the focused registries pane is on screen"
        await pilot.press("shift+tab")
        assert app.focused is not None
        assert app.inspector in app.focused.ancestors_with_self
        seen = [app.inspector.active_tab]
        for _ in TAB_IDS:  # every inspector tab, and back round to the first
            await pilot.press("right_square_bracket")
            seen.append(app.inspector.active_tab)
        assert seen == [*TAB_IDS, TAB_IDS[0]]


@asynctest
async def test_filter_and_sort_in_the_images_pane(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        table = app.images.table
        total = table.visible_count
        tagged = next(s for s in app.images.summaries if s.tags)
        needle = tagged.tags[0]

        await pilot.press("slash")
        assert app.focused is app.images.filter_input
        await pilot.press(*needle)
        await wait_for(pilot, lambda: table.filter_query == needle, "the filter to apply")
        assert 0 < table.visible_count <= total
        await pilot.press("escape")
        assert table.filter_query == ""
        assert table.visible_count == total
        assert app.focused is table

        before = table.sort_label
        await pilot.press("s")
        assert table.sort_label != before


@asynctest
async def test_keys_typed_in_one_burst_after_slash_go_to_the_filter(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """A paste or a slow SSH link delivers ``/s0`` at once: ``s`` must be typed, not cycle the sort."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        table = app.images.table
        sort = table.sort_label
        for key, character in (("slash", "/"), ("s", "s"), ("0", "0")):
            app.post_message(events.Key(key, character))  # queued together, before any is handled
        await wait_for(pilot, lambda: table.filter_query == "s0", "the burst to reach the filter")
        assert table.sort_label == sort
        assert app.focused is app.images.filter_input

        # And back: "enter" then "s" at once keeps the filter and sorts; "/" "esc" "s" clears it and sorts again.
        for key, character in (("enter", "\r"), ("s", "s")):
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: table.sort_label != sort, "s to reach the list")
        assert table.filter_query == "s0"
        assert app.focused is table
        resorted = table.sort_label
        for key, character in (("slash", "/"), ("escape", None), ("s", "s")):
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: table.sort_label != resorted, "s to reach the list again")
        assert table.filter_query == ""
        assert app.focused is table
        assert not app.images.filter_input.display


@asynctest
async def test_inspector_tabs_switch_with_brackets(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        await inspected(pilot, app, wait_for)
        first = app.inspector.active_tab
        await pilot.press("right_square_bracket")
        second = app.inspector.active_tab
        assert second != first
        await pilot.press("left_square_bracket")
        assert app.inspector.active_tab == first
        await pilot.press("left_square_bracket")  # wraps round to the last tab
        assert app.inspector.active_tab not in (first, second)


@asynctest
async def test_y_and_shift_y_copy_the_image_uri(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        table = app.images.table
        # Put the cursor on a tagged image, once the listing has settled (grouping may move the cursor).
        await wait_for(
            pilot,
            lambda: not app.images.is_loading and any(s.tags for s in app.images.summaries),
            "a settled listing with a tagged image",
        )
        tagged_key = next(k for k in table.visible_keys if (s := summary_for(app, k)) is not None and s.tags)
        table.move_cursor_to_key(tagged_key)
        await wait_for(
            pilot, lambda: app.image is not None and app.image.tags, "the tagged image highlighted"
        )
        repository, image = app.repository, app.image
        assert repository is not None
        assert image is not None

        await pilot.press("y")
        await wait_for(
            pilot, lambda: app.clipboard == f"{repository.uri}:{image.tags[0]}", "the tag URI copied"
        )
        assert ".dkr.ecr.us-east-1.amazonaws.com/" in app.clipboard
        await pilot.press("Y")
        await wait_for(pilot, lambda: app.clipboard == f"{repository.uri}@{image.digest}", "the digest URI")
        assert app.clipboard == image_uri(repository, image, digest_form=True)


def summary_for(app: EcrTuiApp, key: str) -> Any:
    """The summary behind a table key (keys may carry a parent prefix for index children)."""
    return next((s for s in app.images.summaries if key.endswith(s.digest)), None)


@asynctest
async def test_profile_switch_shows_the_other_accounts_repositories(
    make_app: MakeApp, demo_sandbox: Any, wait_for: WaitFor
) -> None:
    prod = demo_sandbox.session("demo-prod").client("ecr")
    expected = sorted(r["repositoryName"] for r in prod.describe_repositories()["repositories"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        dev_names = sorted(r.name for r in app.repositories.repositories)
        await pilot.press("p")
        assert app.focused is app.registries
        await pilot.press("j", "enter")
        await wait_for(pilot, lambda: app.header.account == "222222222222", "the prod account")
        await wait_for(
            pilot,
            lambda: (
                not app.repositories.is_loading
                and sorted(r.name for r in app.repositories.repositories) == expected
            ),
            "prod repositories",
        )
        assert app.header.profile == "demo-prod"
        assert app.header.aws_region == "eu-west-1"
        assert dev_names != expected


@asynctest
async def test_palette_offers_context_commands(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        titles = [c.title for c in app.palette_commands()]
        assert "aws: switch profile demo-prod" in titles
        assert "aws: switch region" in titles
        assert "view: refresh" in titles
        assert "copy: image URI" not in titles  # no image highlighted yet
        target = app.repositories.repositories[-1]
        assert f"go: repository {target.name}" in titles

        command = next(c for c in app.palette_commands() if c.title == f"go: repository {target.name}")
        command.callback()
        await wait_for(pilot, lambda: app.images.repository == target and not app.images.is_loading, "go")
        assert app.repository == target

        # Through the palette itself: ":" then fuzzy text, enter runs the best match.
        await pilot.press("colon")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "the palette")
        await pilot.press(*"switch profile demo-prod")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "palette matches")
        await pilot.press("down", "enter")  # the first match is the best: "aws: switch profile demo-prod"
        await wait_for(
            pilot, lambda: app.header.account == "222222222222", "the prod account via the palette"
        )


@asynctest
async def test_switch_region_reopens_the_registry_there(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        await pilot.press("R")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RegionPickerScreen", "the region picker")
        await pilot.press(*"eu-west-1", "enter")
        await wait_for(pilot, lambda: app.header.aws_region == "eu-west-1", "the new region")
        assert app.sessions.registry is not None
        assert app.sessions.registry.region == "eu-west-1"
        assert any(e.profile == "demo-dev" and e.region == "eu-west-1" for e in app.registries.entries)


@asynctest
async def test_help_lists_every_action_with_its_id(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        ids = [str(cell) for cell in screen._table().columns[3].cells]  # the table the screen renders
        assert [spec.id for spec in ACTIONS if spec.id not in ids] == []
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@asynctest
async def test_keymap_from_settings_remaps_by_binding_id(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app(settings=Settings(keymap={"app.help": "f1"}))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help on f1")


@asynctest
async def test_a_keymap_with_an_unknown_id_or_a_clash_says_so_and_the_rest_works(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """A typo in ``[keymap]`` or a key given to two actions at once is a notification, not silence."""
    app = make_app(settings=Settings(keymap={"app.hlep": "f1", "manage.tag": "r", "app.help": "f2"}))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        said = [n.message for n in app._notifications if n.title == "Keymap"]
        assert any("'app.hlep' is not a binding id" in m for m in said), said
        assert any("'r' is bound to both app.refresh and manage.tag" in m for m in said), said
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help on f2")


@asynctest
async def test_cache_ttl_from_settings_reaches_the_data_layer(make_app: MakeApp, wait_for: WaitFor) -> None:
    """With ``cache_ttl = 0`` every revisit asks ECR again (the default reuses the listing)."""
    app = make_app(settings=Settings(cache_ttl=0))
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        service = app.sessions.service_for(app.sessions.registry) if app.sessions.registry else None
        assert service is not None
        assert service.ttl == 0
        repository = app.repository
        assert repository is not None
        before = service.call_counts.get("DescribeImages", 0)
        app.open_repository(repository)
        await wait_for(
            pilot, lambda: service.call_counts.get("DescribeImages", 0) > before, "an uncached revisit"
        )


@asynctest
async def test_read_only_badge(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app(settings=Settings(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        assert app.header.read_only is True
        assert "READ-ONLY" in app.header.render().plain
        service = app.sessions.service_for(app.sessions.registry) if app.sessions.registry else None
        assert service is not None
        assert service.read_only is True


@asynctest
async def test_missing_repository_is_a_titled_notification_and_logged(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        real = app.repositories.repositories[0]
        gone = real.model_copy(update={"name": "deleted-meanwhile", "uri": real.uri.rsplit("/", 1)[0] + "/x"})
        app.open_repository(gone)
        await wait_for(pilot, lambda: app.errors.log, "the error")
        entry = app.errors.log[-1]
        assert entry.title == "Not found"
        assert "deleted-meanwhile" in entry.message or "deleted-meanwhile" in entry.context
        assert [n.title for n in app._notifications if n.severity != "information"] == ["Repository gone"]

        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorLogScreen), "the error log")
        screen = app.screen
        assert isinstance(screen, ErrorLogScreen)
        assert screen.selected == entry
        await pilot.press("c")
        assert app.clipboard == entry.as_text()
        assert "Not found" in app.clipboard


@asynctest
async def test_unreachable_endpoint_is_a_network_error(make_app: MakeApp, wait_for: WaitFor) -> None:
    """``--endpoint-url`` is ECR's only: the listing fails with a network error while STS, which keeps the
    profile's own endpoint (the sandbox's profile files name it), still says which account this is."""
    app = make_app(open_registry=RegistryEntry(profile="demo-dev", endpoint_url="http://127.0.0.1:9"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: any(e.title == "Network problem" for e in app.errors.log), "a network error"
        )
        assert app.is_running
        await wait_for(
            pilot, lambda: app.panes_ready and not app.repositories.is_loading, "the pane to settle"
        )
        assert app.repositories.table.empty_text == LISTING_FAILED_TEXT  # not "no repositories"
        await wait_for(pilot, lambda: app.header.account == "111111111111", "the account, from STS")
        assert all("STS" not in e.context for e in app.errors.log)


@asynctest
async def test_an_account_sts_cannot_tell_shows_as_unknown(
    tmp_path: Path, demo_sandbox: Any, wait_for: WaitFor
) -> None:
    """A profile whose endpoints do not answer at all: the header and the row stop waiting for the account."""
    config = Path(demo_sandbox.config_file).read_text()
    config += "\n[profile dead-end]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n"
    config += "aws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n"
    (tmp_path / "config").write_text(config)
    (tmp_path / "credentials").write_text(Path(demo_sandbox.credentials_file).read_text())
    files = AwsFiles(tmp_path / "config", tmp_path / "credentials")
    app = EcrTuiApp(Settings(), aws_files=files, open_registry=RegistryEntry(profile="dead-end"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.sessions.registry is not None and app.panes_ready, "the registry")
        registry = app.sessions.registry
        assert registry is not None
        row = app.registries.get_option(entry_key(registry))
        await wait_for(pilot, lambda: ACCOUNT_UNKNOWN in str(row.prompt), "the row to give up on the account")
        assert app.header.account == "unknown"
        # The row gives up first; the failure reaches the error log as its own message, just after.
        await wait_for(
            pilot,
            lambda: any(e.context == "asking STS for the account" for e in app.errors.log),
            "the STS failure in the error log",
        )


@pytest.mark.parametrize("size", [(120, 36), (160, 40), (80, 24)])
@asynctest
async def test_the_focused_list_gets_the_room_for_its_columns(
    make_app: MakeApp, wait_for: WaitFor, size: tuple[int, int]
) -> None:
    """Choosing a repository shows when it was created (the issue's columns); browsing images gives the width
    back to the Images pane."""
    app = make_app()
    wide = size[0] >= 120
    async with app.run_test(size=size) as pilot:
        await started(pilot, wait_for)
        expected = ["name", "images", "tags", "created"]

        def repositories_laid_out() -> bool:
            shown = app.repositories.table.shown_columns
            return shown == expected if wide else {"name", "tags", "created"} <= set(shown)

        # The layout follows focus through CSS, so it settles a frame or two later: wait, then assert.
        await wait_for(pilot, repositories_laid_out, "the Repositories pane to show its columns")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, "images")

        def images_laid_out() -> bool:
            shown = app.images.table.shown_columns
            if app.focused is not app.images.table or shown[:2] != ["tags", "digest"]:
                return False
            if not wide:
                return True
            return {"size", "pushed"} <= set(shown) and (
                app.images.table.size.width > app.repositories.table.size.width
            )

        await wait_for(pilot, images_laid_out, "the Images pane to take the room")
        assert app.images.table.shown_columns[:2] == ["tags", "digest"]
        if wide:
            assert app.images.table.size.width > app.repositories.table.size.width


@asynctest
async def test_unexpected_failure_is_logged_not_raised(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        worker = app.run_worker(lambda: 1 / 0, thread=True, exit_on_error=False, name="boom")
        await wait_for(pilot, lambda: any(e.title == "Unexpected error" for e in app.errors.log), "the error")
        entry = next(e for e in app.errors.log if e.title == "Unexpected error")
        assert "ZeroDivisionError" in entry.detail
        assert worker.name in entry.context
        assert app.is_running


@asynctest
async def test_narrow_terminal_hides_registries_until_asked(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, wait_for)
        assert app.registries.display is False  # hidden: the lists get the 80 columns
        await pilot.press("p")
        await pilot.pause()
        assert app.registries.display is True
        assert app.focused is app.registries
        assert app.registries.region.width > 0
        await pilot.press("enter")  # reopen demo-dev: focus goes to repositories, registries hide again
        await wait_for(pilot, lambda: app.focused is app.repositories.table, "repositories focused")
        assert app.registries.display is False


@asynctest
async def test_missing_credentials_and_region_are_messages_inside_the_app(
    tmp_path: Path, wait_for: WaitFor
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile lonely]\nregion = us-east-1\n\n[profile nowhere]\n")
    (tmp_path / "credentials").write_text(
        "[nowhere]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n"
    )
    files = AwsFiles(config, tmp_path / "credentials")
    app = EcrTuiApp(Settings(), aws_files=files, open_registry=RegistryEntry(profile="lonely"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.errors.log, "the credentials error")
        assert app.errors.log[-1].title == "Credentials problem"
        assert "lonely" in app.errors.log[-1].message
        assert app.is_running
        await wait_for(pilot, lambda: app.panes_ready, "the panes")
        assert app.repositories.table.empty_text == NOT_OPEN_TEXT

        await pilot.press("p")
        app.registries.highlighted = [e.profile for e in app.registries.entries].index("nowhere")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.errors.log) == 2, "the region error")
        assert app.errors.log[-1].title == "Configuration problem"
        assert "region" in app.errors.log[-1].message.lower()
        assert app.is_running


@asynctest
async def test_a_profile_without_a_region_opens_once_r_picks_one(
    demo_sandbox: Any, tmp_path: Path, wait_for: WaitFor
) -> None:
    """demo-dev's keys and endpoint, no region: the registry cannot open; ``R`` offers the regions and opens it."""
    config = Path(demo_sandbox.config_file).read_text()
    endpoint = next(line for line in config.splitlines() if line.startswith("endpoint_url"))
    (tmp_path / "config").write_text(f"[profile roaming]\n{endpoint}\n")
    credentials = Path(demo_sandbox.credentials_file).read_text()
    keys = credentials.split("[demo-dev]", 1)[1].split("[", 1)[0]
    (tmp_path / "credentials").write_text(f"[roaming]{keys}")
    files = AwsFiles(tmp_path / "config", tmp_path / "credentials")
    app = EcrTuiApp(Settings(), aws_files=files, open_registry=RegistryEntry(profile="roaming"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.panes_ready and app.errors.log, "the region error")
        assert "region" in app.errors.log[-1].message.lower()
        assert app.repositories.table.empty_text == NOT_OPEN_TEXT
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RegionPickerScreen), "the region picker")
        assert "us-east-1" in app.screen.regions
        await pilot.press(*"us-east-1", "enter")
        await wait_for(pilot, lambda: app.repositories.table.row_count > 0, "demo-dev's repositories")
        assert app.header.aws_region == "us-east-1"


def test_no_color_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert EcrTuiApp(Settings()).no_color is True
    monkeypatch.delenv("NO_COLOR")
    assert EcrTuiApp(Settings()).no_color is False


def test_the_app_module_defers_boto3_moto_and_the_panes() -> None:
    """The first frame needs only Textual and the shell: boto3, moto and the pane modules load after it."""
    code = (
        "import sys, ecrtui.launch, ecrtui.ui.app\n"
        "heavy = ['boto3', 'botocore', 'moto', 'ecrtui.ui.widgets.images_pane', 'ecrtui.ui.widgets.inspector.inspector',\n"
        "         'ecrtui.ecr.service', 'ecrtui.ecr.models']\n"
        "print([name for name in heavy if name in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


@asynctest
async def test_holding_j_loads_the_inspector_once_not_per_row(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        await inspected(pilot, app, wait_for)
        loads: list[str] = []
        original = app.inspector.load

        def counting(service: Any, repository: Any, summary: Any) -> None:
            loads.append(summary.digest)
            original(service, repository, summary)

        app.inspector.load = counting  # type: ignore[method-assign]
        rows = min(8, app.images.table.visible_count - 1)
        await pilot.press(*["j"] * rows)
        await inspected(pilot, app, wait_for)
        assert app.images.table.cursor == rows
        assert app.image is not None
        assert loads[-1] == app.image.digest  # the load is for where the cursor rested ...
        assert len(loads) < rows / 2  # ... not one per row passed (normally exactly one)


@asynctest
async def test_revisits_come_from_the_cache_and_r_refetches(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_repository(pilot, wait_for)
        service = app.sessions.service_for(app.sessions.registry) if app.sessions.registry else None
        assert service is not None
        repository = app.repository
        assert repository is not None
        before = service.call_counts.get("DescribeImages", 0)
        assert before >= 1

        app.open_repository(repository)  # a revisit: served by the cache
        await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, "images again")
        assert service.call_counts.get("DescribeImages", 0) == before

        assert app.focused is app.images.table
        await pilot.press("r")  # the first r already bypasses the cache: one page, one DescribeImages call
        await wait_for(pilot, lambda: service.call_counts.get("DescribeImages", 0) > before, "a refetch")
        await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, "images refreshed")
        assert service.call_counts.get("DescribeImages", 0) == before + 1
        await pilot.press("r")  # and so does every one after it
        await wait_for(
            pilot, lambda: service.call_counts.get("DescribeImages", 0) == before + 2, "a 2nd refetch"
        )
        await wait_for(pilot, lambda: app.images.summaries and not app.images.is_loading, "images again")

        listed = service.call_counts.get("DescribeRepositories", 0)
        await pilot.press("shift+tab")  # in the Repositories pane, r relists the repositories
        assert app.focused is app.repositories.table
        await pilot.press("r")
        await wait_for(pilot, lambda: service.call_counts.get("DescribeRepositories", 0) > listed, "a relist")


@asynctest
async def test_config_registry_reaches_another_account(
    make_app: MakeApp, wait_for: WaitFor, demo_sandbox: Any
) -> None:
    """A registry from the config file: dev credentials reading prod's registry by its registry id."""
    prod = demo_sandbox.session("demo-prod").client("ecr")
    expected = sorted(r["repositoryName"] for r in prod.describe_repositories()["repositories"])
    shared = RegistryEntry(
        label="prod images", profile="demo-dev", region="eu-west-1", registry_id="222222222222"
    )
    app = make_app(settings=Settings(registries=(shared,)))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        labels = [e.label or e.profile for e in app.registries.entries]
        assert labels == ["demo-dev", "demo-prod", "prod images"]
        await pilot.press("p", "G", "enter")
        await wait_for(
            pilot,
            lambda: (
                not app.repositories.is_loading
                and sorted(r.name for r in app.repositories.repositories) == expected
            ),
            "prod repositories through the dev profile",
        )
        assert app.sessions.registry == shared
        assert (app.header.profile, app.header.account, app.header.aws_region) == (
            "demo-dev",
            "222222222222",
            "eu-west-1",
        )


@asynctest
async def test_theme_from_settings_and_unknown_theme_warns(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app(settings=Settings(theme="nord"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
    app = make_app(settings=Settings(theme="no-such-theme"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any(n.title == "Config" for n in app._notifications), "a warning")
        assert app.theme == "textual-dark"
        app.action_toggle_theme()  # "view: toggle theme"
        assert app.theme == "textual-light"


CRASHING_APP = """
from ecrtui.config import Settings
from ecrtui.ui.app import EcrTuiApp

class Crashing(EcrTuiApp):
    def on_ready(self) -> None:
        token = "AKIAEXAMPLESECRET0000"  # a local the default crash screen would print
        raise RuntimeError("boom " + token[:0])

app = Crashing(Settings())
app.run(headless=True)
raise SystemExit(app.return_code)
"""


def test_a_crash_prints_one_line_and_keeps_the_traceback_in_a_file(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "TEXTUAL_ANIMATIONS": "none",
    }
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_APP], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 1
    output = " ".join((result.stdout + result.stderr).split())
    assert output.startswith("ecrtui stopped on an unexpected error: boom (details: ")
    assert "Traceback" not in output
    assert "AKIAEXAMPLESECRET0000" not in output
    [crash_file] = tmp_path.glob("ecrtui-crash-*.log")
    report = crash_file.read_text()
    assert "RuntimeError: boom" in report
    assert "AKIAEXAMPLESECRET0000" not in report  # no locals in the file either
