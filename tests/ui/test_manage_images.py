"""Image actions in the app, driven by keys against a read-write sandbox: tag, untag, delete, archive, restore,
scan, each through its review; success and refusal paths; what the audit log and the listings say afterwards.

Each test pushes its own repository (plain boto3), so the tests of the module do not see each other's changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecrtui.ui.screens.outcome import OutcomeScreen
from ecrtui.ui.screens.plan_review import PlanReviewScreen
from ecrtui.ui.screens.tag_prompt import TagPromptScreen
from tests.ecr.pushing import push_image, push_index
from tests.ui.app_steps import WaitFor, asynctest
from tests.ui.manage_steps import (
    MakeRwApp,
    audit_entries,
    audit_path,
    back_to_browser,
    ecr,
    highlight,
    make_rw_app,
    open_repository,
    unique_repository,
    wait_screen,
)

__all__ = ["audit_path", "ecr", "make_rw_app"]  # fixtures used by the tests below


def tags_of(ecr: Any, repository: str, digest: str) -> list[str]:
    details = ecr.describe_images(repositoryName=repository, imageIds=[{"imageDigest": digest}])[
        "imageDetails"
    ]
    return sorted(details[0].get("imageTags", []))


def digests_in(ecr: Any, repository: str) -> set[str]:
    pages = ecr.get_paginator("describe_images").paginate(
        repositoryName=repository, filter={"imageStatus": "ANY"}
    )
    return {d["imageDigest"] for page in pages for d in page["imageDetails"]}


@asynctest
async def test_t_tags_the_highlighted_image_and_the_review_says_which_image_loses_a_moved_tag(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    old = push_image(ecr, name, "old", tag="stable")
    new = push_image(ecr, name, "new", tag="v2")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, new.digest, wait_for)
        await pilot.press("t")
        prompt = await wait_screen(pilot, TagPromptScreen, wait_for)
        await pilot.press("b", "a", "d", "space")
        assert "contains a space" in prompt.problem, "checked as it is typed"
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"stable", "enter")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "stable moves from stable (" in review.text
        assert "loses its only tag and stays, untagged" in review.text
        await pilot.press("y")
        await back_to_browser(pilot, wait_for)
        await wait_for(pilot, lambda: tags_of(ecr, name, new.digest) == ["stable", "v2"], "the tag moved")
        assert tags_of(ecr, name, old.digest) == []
        await wait_for(
            pilot,
            lambda: app.image is not None and app.image.digest == new.digest and "stable" in app.image.tags,
            "the listing reloaded with the cursor kept",
        )
    entries = audit_entries(audit_path)
    assert [(e.action, e.target, e.result) for e in entries] == [("tag", f"{name}:stable", "ok")]
    assert f"moved from {old.digest}" in entries[0].detail


@asynctest
async def test_t_with_images_marked_says_it_tags_the_highlighted_one(
    make_rw_app: MakeRwApp, ecr: Any, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    first = push_image(ecr, name, "first", tag="a")
    push_image(ecr, name, "second", tag="b")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, first.digest, wait_for)
        await pilot.press("space", "k")  # marks one, moves off it
        await wait_for(pilot, lambda: len(app.images.marked_images) == 1, "one image marked")
        await pilot.press("t")
        await wait_screen(pilot, TagPromptScreen, wait_for)
        said = [n.message for n in app._notifications if n.title == "Tag"]
        assert said == [
            "A tag points at one image: t tags the highlighted one (the marks are kept for d, a, A, S, c)"
        ]


@asynctest
async def test_a_tag_the_repository_keeps_immutable_is_refused_with_the_reason_and_nothing_is_sent(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(
        repositoryName=name,
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "latest"}],
    )
    push_image(ecr, name, "release", tag="v1")
    other = push_image(ecr, name, "other", tag="v2")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, other.digest, wait_for)
        await pilot.press("t")
        await wait_screen(pilot, TagPromptScreen, wait_for)
        await pilot.press("v", "1", "enter")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "Not sent (ECR would refuse):" in review.text
        assert "v1 is on v1 (" in review.text
        assert "cannot move" in review.text
        assert not review.query_one("#review-yes").display, "nothing to confirm"
        await pilot.press("y")  # confirming is not possible
        assert isinstance(app.screen, PlanReviewScreen)
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
        service = app.sessions.current
        assert service is not None
        assert service.call_counts.get("PutImage", 0) == 0
    assert tags_of(ecr, name, other.digest) == ["v2"]
    assert audit_entries(audit_path) == [], "closing a refused review records nothing"


@asynctest
async def test_d_deletes_the_marked_images_after_a_review_that_defaults_to_no(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    keep = push_image(ecr, name, "keep", tag="keep")
    first = push_image(ecr, name, "first", tag="one")
    second = push_image(ecr, name, "second")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, second.digest, wait_for)
        await pilot.press("space")
        await highlight(pilot, app, first.digest, wait_for)
        await pilot.press("space")
        assert {i.digest for i in app.images.marked_images} == {first.digest, second.digest}
        await pilot.press("d")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert review.plan.title == f"Delete 2 images from {name}"
        assert "tags that disappear: one" in review.text
        await pilot.press("enter")  # the focus is on Cancel: enter is safe
        await back_to_browser(pilot, wait_for)
        assert digests_in(ecr, name) == {keep.digest, first.digest, second.digest}
        await pilot.press("d")
        await wait_screen(pilot, PlanReviewScreen, wait_for)
        await pilot.press("y")
        await back_to_browser(pilot, wait_for)
        await wait_for(pilot, lambda: digests_in(ecr, name) == {keep.digest}, "the images deleted")
        await wait_for(
            pilot,
            lambda: [s.digest for s in app.images.summaries] == [keep.digest] and not app.images.is_loading,
            "the Images list reloaded",
        )
        assert app.image is not None
        assert app.image.digest == keep.digest, "the cursor moved to a row that stays"
        assert app.images.marked_images == []
    assert sorted(e.target for e in audit_entries(audit_path)) == sorted(
        [f"{name}@{first.digest}", f"{name}@{second.digest}"]
    )


@asynctest
async def test_deleting_an_index_child_is_refused_before_sending_and_the_outcome_shows_it(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    amd = push_image(ecr, name, "amd")
    arm = push_image(ecr, name, "arm", arch="arm64")
    push_index(ecr, name, [(amd, "amd64"), (arm, "arm64")], tag="multi")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await wait_for(pilot, lambda: app.images.is_grouped, "the platforms grouped under their index")
        await highlight(pilot, app, amd.digest, wait_for)
        await pilot.press("d")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "ImageReferencedByManifestList" in review.text
        assert review.plan.nothing_to_do
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
        service = app.sessions.current
        assert service is not None
        assert service.call_counts.get("BatchDeleteImage", 0) == 0
    assert amd.digest in digests_in(ecr, name)


@asynctest
async def test_a_refusal_at_execution_is_shown_per_target(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    """The image is deleted behind the app's back between review and confirmation: ECR's per-image failure is
    shown on the outcome screen and recorded."""
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    push_image(ecr, name, "stays", tag="stays")
    doomed = push_image(ecr, name, "doomed", tag="doomed")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, doomed.digest, wait_for)
        await pilot.press("d")
        await wait_screen(pilot, PlanReviewScreen, wait_for)
        ecr.batch_delete_image(repositoryName=name, imageIds=[{"imageDigest": doomed.digest}])
        await pilot.press("y")
        outcome = await wait_screen(pilot, OutcomeScreen, wait_for)
        assert "failed" in outcome.text
        assert "ImageNotFound" in outcome.text
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
    (entry,) = audit_entries(audit_path)
    assert entry.result.startswith("failed: ")


@asynctest
async def test_untagging_the_last_tag_says_the_image_goes_with_it(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    push_image(ecr, name, "other", tag="other")
    lone = push_image(ecr, name, "lone", tag="lone")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, lone.digest, wait_for)
        await pilot.press("u")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "ECR deletes the image with it" in review.text
        assert review.plan.destructive
        await pilot.press("y")
        await back_to_browser(pilot, wait_for)
        await wait_for(pilot, lambda: lone.digest not in digests_in(ecr, name), "the image gone with its tag")
        await wait_for(
            pilot,
            lambda: len(app.images.summaries) == 1 and not app.images.is_loading,
            "the listing reloaded",
        )
    assert [e.action for e in audit_entries(audit_path)] == ["untag"]


@asynctest
async def test_archive_then_restore_shows_archived_then_restoring_until_active(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    image = push_image(ecr, name, "cold", tag="cold")
    app = make_rw_app()
    async with app.run_test(size=(160, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, image.digest, wait_for)
        await pilot.press("a")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "at least 90 days" in review.text, "the minimum archive charge is stated"
        assert review.plan.costs
        assert review.focused is not None
        assert review.focused.id == "review-no"
        await pilot.press("y")
        await back_to_browser(pilot, wait_for)

        def status() -> str | None:
            shown = app.images.listing
            position = None if shown is None else shown.position(image.digest)
            return None if shown is None or position is None else shown.status(position)

        await wait_for(pilot, lambda: status() == "ARCHIVED" and not app.images.is_loading, "archived")
        row = app.images.table.get_row(image.digest)
        assert row is not None
        assert row.cell_texts[6] == "archived"
        assert row.classes == ("warning",)
        await pilot.press("A")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "restore cold (" in review.text
        await pilot.press("y")
        await back_to_browser(pilot, wait_for)
        await wait_for(pilot, lambda: status() == "ACTIVATING", "restoring")
        await wait_for(pilot, lambda: status() == "ACTIVE", "active again, without pressing r")
    assert [e.action for e in audit_entries(audit_path)] == ["archive", "restore"]


@asynctest
async def test_s_starts_a_scan_and_an_index_is_refused_first(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    amd = push_image(ecr, name, "scan-amd")
    index = push_index(ecr, name, [(amd, "amd64")], tag="multi")
    plain = push_image(ecr, name, "plain", tag="plain")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        await highlight(pilot, app, index.digest, wait_for)
        await pilot.press("S")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "UnsupportedImageTypeException" not in review.text  # the code stays in the audit, not the text
        assert "an index cannot be scanned (scan its platform images)" in review.text
        assert review.plan.nothing_to_do
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
        await highlight(pilot, app, plain.digest, wait_for)
        await pilot.press("S")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert review.plan.title == f"Scan 1 image in {name}"
        await pilot.press("enter")  # a scan loses nothing: the focus is on Scan
        await back_to_browser(pilot, wait_for)
        await wait_for(
            pilot,
            lambda: (
                app.image is not None
                and app.image.digest == plain.digest
                and app.image.scan_status is not None
            ),
            "the listing shows the scan",
        )
    assert [(e.action, e.target) for e in audit_entries(audit_path)] == [
        ("start-scan", f"{name}@{plain.digest}")
    ]


@asynctest
async def test_a_tag_move_is_judged_on_the_repository_as_ecr_has_it_now(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    """The repository became immutable after the app listed it: the review reads it again and refuses."""
    name = unique_repository()
    ecr.create_repository(repositoryName=name)
    push_image(ecr, name, "first", tag="v1")
    second = push_image(ecr, name, "second", tag="v2")
    app = make_rw_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_repository(pilot, name, wait_for)
        assert app.repository is not None
        assert app.repository.image_tag_mutability == "MUTABLE"
        ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="IMMUTABLE")
        await highlight(pilot, app, second.digest, wait_for)
        await pilot.press("t", "v", "1", "enter")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert review.plan.nothing_to_do
        assert "cannot move" in review.text
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
    assert tags_of(ecr, name, second.digest) == ["v2"]
