"""The copy dialog against the shared demo sandbox, driven by keys: it plans (reads only: nothing here writes), follows
the destination and the fields, refuses a conflict before anything is written, offers to create a missing
repository and to let ECR replicate, handles marked images and an index's platforms; read-only mode hides it."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from ecrtui.config import Settings
from ecrtui.sandbox import seed
from ecrtui.ui.copy_preview import Route
from ecrtui.ui.format import human_size
from ecrtui.ui.screens.copy_dialog import CopyDialog
from tests.conftest import SandboxProcess
from tests.ui.app_steps import MakeApp, WaitFor, asynctest
from tests.ui.copy_steps import SIZE, app_on, dialog_of, highlight, open_dialog, plan_text, three_marked

DEV_HOST = "111111111111.dkr.ecr.us-east-1.amazonaws.com"
PROD_HOST = "222222222222.dkr.ecr.eu-west-1.amazonaws.com"


@asynctest
async def test_c_plans_a_copy_to_the_other_registry_and_a_new_destination_replans(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
        dialog = await open_dialog(pilot, wait_for)
        assert dialog.query_one("#copy-body").border_title == "Copy web/api:v1.4.1"
        preview = dialog.preview
        assert preview is not None, dialog.failure
        assert preview.destination_name == "demo-prod (eu-west-1)"
        text = plan_text(app)
        assert f"To {PROD_HOST}/web/api" in text
        assert "Tags v1.4.1 create" in text
        assert "Transfer" in text
        assert "already there" in text
        assert not dialog.query_one("#copy-start").disabled
        assert app.copying.engine is not None

        await pilot.press("enter", "up", "enter")  # the registry list: demo-dev, above demo-prod
        await wait_for(
            pilot,
            lambda: dialog.preview is not None and dialog.preview.destination_name == "demo-dev (us-east-1)",
            "the plan for demo-dev",
        )
        text = plan_text(app)
        assert f"To {DEV_HOST}/web/api" in text
        assert "Tags v1.4.1 unchanged" in text
        assert "nothing to do" in text  # copying an image onto itself: a success that writes nothing

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CopyDialog), "the dialog closed")
        assert not app.jobs.board.jobs(), "closing the dialog starts nothing"


@asynctest
async def test_a_missing_repository_is_offered_and_bad_tags_are_refused(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
        dialog = await open_dialog(pilot, wait_for)
        await pilot.press("tab")  # to the repository
        await pilot.press("end", *["backspace"] * len("web/api"), *"copies/api")
        await wait_for(
            pilot,
            lambda: (
                dialog.preview is not None
                and dialog.preview.plans[0].request.destination.repository == "copies/api"
            ),
            "the plan for copies/api",
        )
        assert dialog.preview is not None
        assert dialog.preview.missing_repository
        assert dialog.query_one("#copy-create-row").display
        assert "copies/api does not exist in demo-prod (eu-west-1): tick 'Create it'" in plan_text(app)
        assert dialog.query_one("#copy-start").disabled
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, CopyDialog), "a blocked plan does not start"
        await pilot.click("#copy-create")
        await wait_for(pilot, lambda: not dialog.query_one("#copy-start").disabled, "Copy enabled")
        assert "creates copies/api (as the source: immutable" not in plan_text(
            app
        )  # dev's web/api is mutable
        assert "creates copies/api (as the source: mutable" in plan_text(app)

        await pilot.click("#copy-tags")
        await pilot.press("end", *" bad:tag")
        await wait_for(pilot, lambda: dialog.failure is not None, "the tag refused")
        assert "bad:tag" in (dialog.failure or "")
        assert dialog.query_one("#copy-start").disabled
        await pilot.press("escape")
        assert not app.jobs.board.jobs()


@asynctest
async def test_a_tag_that_would_move_in_an_immutable_repository_is_refused_in_the_plan(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.IMMUTABLE_REPOSITORY, "debian-bookworm-20260513")
        dialog = await open_dialog(pilot, wait_for)
        await pilot.press("tab", "tab")  # the tags field
        await pilot.press("end", *["backspace"] * len("debian-bookworm-20260513"), *"alpine-3.20.3", "enter")
        await wait_for(
            pilot, lambda: dialog.preview is not None and bool(dialog.preview.problems), "the conflict"
        )
        text = plan_text(app)
        assert "alpine-3.20.3 conflict (now sha256:" in text
        assert "copy under another tag, or add an exclusion filter" in text
        assert dialog.query_one("#copy-start").disabled
        assert "refused: 1 problem" in str(dialog.query_one("#copy-blocked").render())
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, CopyDialog)
        assert not app.jobs.board.jobs(), "nothing is started, nothing written"


@asynctest
async def test_letting_ecr_replicate_is_offered_where_a_rule_sends_the_repository(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
        dialog = await open_dialog(pilot, wait_for)
        offer = dialog.preview.replication if dialog.preview else None
        assert offer is not None, "demo-dev replicates web/ to demo-prod's eu-west-1"
        assert (offer.destination.region, offer.destination.registry_id, offer.prefixes) == (
            "eu-west-1",
            "222222222222",
            ("web/",),
        )
        assert dialog.query_one("#copy-route-row").display
        help_text = str(dialog.query_one("#copy-route-help").render())
        assert "a client copy of this image now" in help_text
        assert "a backfill by ECR of every image and tag of the repositories starting with web/" in help_text
        await pilot.click("#route-ecr")
        await wait_for(pilot, lambda: dialog.route is Route.ECR, "the ECR route chosen")
        assert "Backfill every image and tag of the repositories starting with web/" in plan_text(app)
        assert str(dialog.query_one("#copy-start").label) == "Start backfill"

        await pilot.click("#copy-repository")  # another name: ECR's replication keeps names, so no offer
        await pilot.press("end", "backspace", "backspace", "backspace", *"gateway")
        await wait_for(
            pilot,
            lambda: (
                dialog.preview is not None
                and dialog.preview.plans[0].request.destination.repository == "web/gateway"
            ),
            "the plan for web/gateway",
        )
        assert dialog.preview is not None
        assert dialog.preview.replication is None
        assert dialog.route is Route.CLIENT
        assert not dialog.query_one("#copy-route-row").display


@asynctest
async def test_marked_images_are_copied_together_each_with_its_tags(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
        app.images.table.focus()
        await pilot.press("space", "j", "space")
        await wait_for(pilot, lambda: len(app.images.marked_images) == 2, "two marked")
        marked = app.images.marked_images
        dialog = await open_dialog(pilot, wait_for)
        assert dialog.query_one("#copy-body").border_title == "Copy 2 images of web/api"
        assert dialog.query_one("#copy-tags").disabled
        preview = dialog.preview
        assert preview is not None
        assert [plan.source_digest for plan in preview.plans] == [image.digest for image in marked]
        assert [tuple(t.tag for t in plan.tags) for plan in preview.plans] == [image.tags for image in marked]


@asynctest
async def test_an_index_offers_its_platforms_and_copies_fewer_under_a_new_digest(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
        dialog = await open_dialog(pilot, wait_for)
        platforms = dialog.query_one("#copy-platforms")
        await wait_for(pilot, lambda: platforms.option_count == 2, "the platforms listed")
        assert dialog.query_one("#copy-platforms-row").display
        preview = dialog.preview
        assert preview is not None
        assert preview.platforms == ("linux/amd64", "linux/arm64/v8")
        whole = preview.plans[0]
        assert whole.digest == whole.source_digest
        platforms.focus()
        await pilot.press("down", "space")  # the cursor comes to linux/amd64: untick it
        await wait_for(
            pilot,
            lambda: dialog.preview is not None and dialog.preview.plans[0].request.platforms != (),
            "the plan for one platform",
        )
        filtered = dialog.preview.plans[0] if dialog.preview else None
        assert filtered is not None
        assert [str(p) for p in filtered.request.platforms] == ["linux/arm64/v8"]
        assert filtered.digest != filtered.source_digest, "a smaller index is a new image"
        await pilot.press("down", "space")  # untick the last one too: nothing to plan
        await wait_for(pilot, lambda: dialog.failure == "choose at least one platform", "the refusal")
        assert dialog.query_one("#copy-start").disabled


@asynctest
async def test_read_only_hides_the_key_and_plans_nothing(make_app: MakeApp, wait_for: WaitFor) -> None:
    app = make_app(settings=Settings(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
        assert app.check_action("feature", ("copy.open",)) is False
        footer = [key.description for key in app.query(FooterKey)]
        assert "Jobs" in footer
        assert "Copy" not in footer
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, CopyDialog)
        assert app.copying._engine is None, "no engine made, nothing planned"
        app.copying.open()  # the palette or a keymap cannot reach it either
        await pilot.pause()
        assert not isinstance(app.screen, CopyDialog)
        assert any("Read-only mode" in n.message for n in app._notifications)


@asynctest
async def test_the_registry_cannot_be_opened_says_why(make_app: MakeApp, wait_for: WaitFor) -> None:
    """A destination whose session cannot be built (a profile that is not in the AWS config) is said in the dialog
    and in the error log, never a traceback."""
    from ecrtui.config import RegistryEntry

    app = make_app(settings=Settings(registries=(RegistryEntry(label="nowhere", profile="no-such-profile"),)))
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, wait_for, seed.API_REPOSITORY, "v1.4.1")
        dialog = await open_dialog(pilot, wait_for)
        assert dialog.preview is not None
        assert dialog.preview.destination_name == "demo-prod (eu-west-1)"
        await pilot.press("enter", "down", "enter")  # the registry list: demo-dev, demo-prod, nowhere
        await wait_for(pilot, lambda: dialog.failure is not None, "the failure")
        assert dialog.failure == "Could not open nowhere: ! shows why"
        assert dialog_of(app).query_one("#copy-start").disabled
        assert any("no-such-profile" in entry.message for entry in app.errors.log)


@asynctest
async def test_marked_images_sharing_layers_count_each_blob_once(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """The engine uploads a layer the marked images share once per destination repository: so does the plan."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await three_marked(pilot, wait_for)
        dialog = await open_dialog(pilot, wait_for)
        preview = dialog.preview
        assert preview is not None
        assert preview.destination_name == "demo-prod (eu-west-1)"
        uploads = {b.digest: b.size or 0 for plan in preview.plans for b in plan.uploads}
        assert sum(len(plan.uploads) for plan in preview.plans) > len(uploads), "the images share layers"
        assert f"Transfer {human_size(sum(uploads.values()))} in {len(uploads)} blobs" in plan_text(app)


def _on_screen(dialog: CopyDialog, selector: str) -> bool:
    """The widget is drawn where it is: the screen's topmost widget at its centre is the widget itself (or one of
    its children), so it is neither clipped off nor scrolled out of view."""
    widget = dialog.query_one(selector)
    region = widget.region
    if not region or not dialog.region.contains_region(region):
        return False
    found, _ = dialog.get_widget_at(*region.center)
    return found is widget or widget in found.ancestors


def _plan_in_view(dialog: CopyDialog) -> bool:
    """Every line of the plan lies inside the scrolled form's window."""
    return dialog.query_one("#copy-form").region.contains_region(dialog.query_one("#copy-plan").region)


@asynctest
async def test_at_80x24_tab_reaches_a_visible_copy_button_with_the_plan_in_view(
    rw_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    """The tester's 80x24 terminal: the dialog goes compact, the whole plan of an index (platforms, the ECR
    replication choice) is on screen without scrolling, and tab walks the fields to a Copy that is drawn; enter
    on it starts the copy (on this module's own sandbox: the shared demo one is never written)."""
    app = app_on(rw_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await highlight(pilot, wait_for, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
        dialog = await open_dialog(pilot, wait_for)
        await wait_for(
            pilot, lambda: dialog.query_one("#copy-route-row").display, "ECR's replication offered"
        )
        assert dialog.has_class("-short")
        await wait_for(pilot, lambda: _plan_in_view(dialog), "the plan on screen")
        start = dialog.query_one("#copy-start")
        for _ in range(10):
            if dialog.focused is start:
                break
            await pilot.press("tab")
        assert dialog.focused is start, "tab never reached Copy"
        await wait_for(pilot, lambda: _on_screen(dialog, "#copy-start"), "Copy drawn while focused")
        assert _plan_in_view(dialog)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, CopyDialog), "the copy started")
        job = app.jobs.board.jobs()[0]
        await wait_for(pilot, lambda: job.state.is_final, "the copy finished")


@asynctest
async def test_on_a_very_short_terminal_focus_scrolls_the_form_and_copy_brings_the_plan_into_view(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """At 80x16 the form cannot hold everything: each field tab reaches is scrolled into view, Copy stays drawn
    below the form, and reaching it scrolls the plan (the form's end) into view; shift+tab back to the registry
    scrolls up again."""
    app = make_app()
    async with app.run_test(size=(80, 16)) as pilot:
        await highlight(pilot, wait_for, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
        dialog = await open_dialog(pilot, wait_for)
        await wait_for(
            pilot, lambda: dialog.query_one("#copy-route-row").display, "ECR's replication offered"
        )
        form = dialog.query_one("#copy-form")
        await wait_for(pilot, lambda: form.max_scroll_y > 0, "the form taller than its window")
        assert not _plan_in_view(dialog)
        seen: list[str] = []
        while dialog.focused is None or dialog.focused.id != "copy-start":
            await pilot.press("tab")
            focused = dialog.focused
            assert focused is not None
            assert focused.id is not None
            seen.append(focused.id)
            assert len(seen) < 10, f"tab never reached Copy: {seen}"
            if focused is not form:
                await wait_for(
                    pilot, lambda f=focused.id: _on_screen(dialog, f"#{f}"), f"{focused.id} in view"
                )
        assert "copy-route" in seen, "tab skipped the fields"
        await wait_for(pilot, lambda: _plan_in_view(dialog), "the plan scrolled into view with Copy focused")
        assert _on_screen(dialog, "#copy-start")
        while dialog.focused is None or dialog.focused.id != "copy-registry":
            await pilot.press("shift+tab")
        await wait_for(pilot, lambda: _on_screen(dialog, "#copy-registry"), "the registry scrolled back")
