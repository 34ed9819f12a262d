"""Keys the footer shows act where they are shown: the Registries pane hides the image and repository keys that
would only answer "No image" there. The real App against the shared demo sandbox, driven by keys."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from ecrtui.sandbox import seed
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, open_repository_named

SIZE = (160, 36)


def footer_keys(app: object) -> set[str]:
    return {key.description for key in app.query(FooterKey)}  # type: ignore[attr-defined]


@asynctest
async def test_the_registries_pane_hides_the_keys_of_images_and_repositories(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        assert {"Tag", "Delete"} <= footer_keys(app), "in the Images pane they act on the image"
        await pilot.press("p")
        await wait_for(pilot, lambda: app.registries.has_focus, "the registries pane")
        await wait_for(pilot, lambda: not {"Tag", "Delete"} & footer_keys(app), "Tag and Delete hidden")
        notes = len(app._notifications)
        await pilot.press("t", "d")
        await pilot.pause()
        assert len(app._notifications) == notes, "nothing answers 'No image'"
        assert app.registries.has_focus


@asynctest
async def test_slash_in_the_registries_pane_filters_the_repositories_and_runs_no_command(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await pilot.press("p")
        await wait_for(pilot, lambda: app.registries.has_focus, "the registries pane")
        notes = len(app._notifications)
        await pilot.press("slash", *"web/api")  # one burst: i and p would copy the login line, switch profile
        await wait_for(pilot, lambda: app.repositories.table.filter_query == "web/api", "the filter applied")
        assert app.focused is app.repositories.filter_input
        assert len(app._notifications) == notes, "no key ran as a command"
