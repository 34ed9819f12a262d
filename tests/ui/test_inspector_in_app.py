"""The inspector inside the app, driven by keys: a platform opened from an index, copying what is shown, titles and
the Config tab's labels."""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.widgets.inspector.facts import FactList
from ecrtui.ui.widgets.inspector.platforms_tab import PlatformsTab
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, inspected, open_repository_named

SIZE = (120, 36)


async def on_tag(pilot: Pilot[Any], app: EcrTuiApp, tag: str, wait_for: WaitFor) -> None:
    """Move the Images cursor with keys to the image tagged ``tag`` and wait for the inspector."""
    table = app.images.table
    await pilot.press("g")
    while app.image is None or tag not in app.image.tags:
        assert table.cursor < table.visible_count - 1, f"no image tagged {tag}"
        await pilot.press("j")
    await inspected(pilot, app, wait_for)


async def open_platform(pilot: Pilot[Any], app: EcrTuiApp, row: int, wait_for: WaitFor) -> None:
    """From the index's inspector: Platforms, the ``row``-th child, ``enter``; wait until it is shown."""
    await pilot.press("enter")  # into the inspector
    while app.inspector.active_tab != "tab-platforms":
        await pilot.press("right_square_bracket")
    await wait_for(pilot, lambda: app.focused is app.inspector.query_one(PlatformsTab).table, "the platforms")
    await pilot.press(*["down"] * row, "enter")
    await wait_for(pilot, lambda: app.inspector.depth == 2 and app.inspector.state == "ready", "the child")


def summary_fact(app: EcrTuiApp, label: str) -> str:
    """The value of one Summary fact, as shown."""
    facts = app.inspector.query_one("#summary-facts", FactList).text
    return next(line[len(label) :].strip() for line in facts.splitlines() if line.startswith(label + " "))


def footer_descriptions(app: EcrTuiApp) -> list[str]:
    return [key.description for key in app.query_one(Footer).query(FooterKey)]


@asynctest
async def test_a_platform_opens_on_its_summary_and_y_copies_it(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.MULTIARCH_REPOSITORY, wait_for)
        await on_tag(pilot, app, seed.MULTIARCH_TAG, wait_for)
        index = app.image
        assert index is not None
        await open_platform(pilot, app, 1, wait_for)  # linux/arm64/v8
        child = app.inspector.details
        assert child is not None
        assert child.summary.digest != index.digest
        assert app.inspector.active_tab == "tab-summary", "a child opens on its Summary"
        assert summary_fact(app, "Platform") == "linux/arm64/v8"
        repository_uri = app.images.repository.uri if app.images.repository else ""

        await pilot.press("Y")
        await wait_for(
            pilot, lambda: app.clipboard == f"{repository_uri}@{child.summary.digest}", "the child URI"
        )
        await pilot.press("y")  # the child is untagged: its digest form
        assert app.clipboard == f"{repository_uri}@{child.summary.digest}"
        await wait_for(pilot, lambda: "Back to index" in footer_descriptions(app), "the footer offering esc")

        await pilot.press("escape")  # back to the index, on the Platforms tab, on the same row
        await wait_for(pilot, lambda: app.inspector.depth == 1, "the index again")
        assert app.inspector.active_tab == "tab-platforms"
        assert app.inspector.query_one(PlatformsTab).table.cursor_row == 1
        await wait_for(
            pilot, lambda: "Back to index" not in footer_descriptions(app), "the footer to drop esc"
        )
        await pilot.press("Y")
        assert app.clipboard == f"{repository_uri}@{index.digest}"


@asynctest
async def test_an_attestation_is_named_by_its_index(make_app: MakeApp, wait_for: WaitFor) -> None:
    """An attestation's own config names no platform; the Summary says what the index calls it."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.MULTIARCH_REPOSITORY, wait_for)
        await on_tag(pilot, app, seed.MULTIARCH_TAG, wait_for)
        await open_platform(pilot, app, 2, wait_for)  # the first attestation, after the two platforms
        assert summary_fact(app, "Platform") == "unknown/unknown (attestation for linux/amd64)"


@asynctest
async def test_an_untagged_image_is_titled_with_its_repository(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        table = app.images.table
        while app.image is None or app.image.tags:
            assert table.cursor < table.visible_count - 1, "no untagged image"
            await pilot.press("j")
        await inspected(pilot, app, wait_for)
        digest = app.image.digest
        assert app.inspector.border_title == f"Inspector · {seed.API_REPOSITORY}@{digest[:19]}"


@asynctest
async def test_config_labels_are_shown_whole(make_app: MakeApp, wait_for: WaitFor) -> None:
    """Label names longer than a quarter of the tab (``org.opencontainers.image.revision``) are not cut."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await on_tag(pilot, app, seed.API_LATEST, wait_for)
        while app.inspector.active_tab != "tab-config":
            await pilot.press("right_square_bracket")
        await pilot.pause()
        labels = app.inspector.query_one("#config-labels")
        lines = [
            strip.text for strip in labels.render_lines(Region(0, 0, labels.size.width, labels.size.height))
        ]
        screen_text = "\n".join(lines)
        for name in ("org.opencontainers.image.revision", "org.opencontainers.image.source"):
            assert any(line.startswith(name) for line in lines), screen_text
        assert "https://github.com/example/" in screen_text


@asynctest
async def test_following_the_list_cursor_leaves_the_footer_alone(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """Each image the inspector follows used to announce new bindings twice (loading, then ready), and each
    announcement rebuilt the footer: a layout pass that, while 100,000 images load, took the UI thread's time.
    Only a change of what the footer offers (``esc`` back to the index) is announced."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await inspected(pilot, app, wait_for)
        announced: list[object] = []
        app.screen.bindings_updated_signal.subscribe(app, announced.append)
        shown = []
        for _ in range(3):
            await pilot.press("j")
            await inspected(pilot, app, wait_for)
            assert app.image is not None
            shown.append(app.image.digest)
        assert len(set(shown)) == 3, "the inspector followed three different images"
        assert announced == [], "following images changed nothing the footer offers"
