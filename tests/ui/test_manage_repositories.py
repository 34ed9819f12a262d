"""Repository actions in the app, driven by keys against a read-write sandbox: create (every field checked as it
is typed), delete (typed name, force only when ticked), tag mutability, resource tags; refusals included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Input

from ecrtui.ui.screens.create_repository import CreateRepositoryScreen
from ecrtui.ui.screens.mutability import MutabilityScreen
from ecrtui.ui.screens.plan_review import PlanReviewScreen
from ecrtui.ui.screens.resource_tags import ResourceTagsScreen
from tests.ecr.pushing import push_image
from tests.ui.app_steps import WaitFor, asynctest, started
from tests.ui.manage_steps import (
    MakeRwApp,
    audit_entries,
    audit_path,
    back_to_browser,
    ecr,
    make_rw_app,
    unique_repository,
    wait_screen,
)

__all__ = ["audit_path", "ecr", "make_rw_app"]  # fixtures used by the tests below


def repository_named(ecr: Any, name: str) -> dict[str, Any] | None:
    try:
        return dict(ecr.describe_repositories(repositoryNames=[name])["repositories"][0])
    except ecr.exceptions.RepositoryNotFoundException:
        return None


async def on_repository(pilot: Any, name: str, wait_for: WaitFor) -> Any:
    """The Repositories cursor on ``name`` (listed again first: the test created it), focus in that pane."""
    app = await started(pilot, wait_for)
    await pilot.press("r")
    await wait_for(
        pilot,
        lambda: (
            any(r.name == name for r in app.repositories.repositories) and not app.repositories.is_loading
        ),
        f"{name} listed",
    )
    app.repositories.show_repository(name)
    await wait_for(pilot, lambda: app.repositories.highlighted is not None, "the cursor")
    assert app.repositories.highlighted.name == name
    assert app.focused is app.repositories.table
    return app


@asynctest
async def test_n_creates_a_repository_with_every_setting(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository("manage/created")
    app = make_rw_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, wait_for)
        await pilot.press("n")
        form = await wait_screen(pilot, CreateRepositoryScreen, wait_for)
        ok = form.query_one("#create-ok", Button)
        await pilot.press(*"Bad")
        assert "uppercase" in str(form.query_one("#create-name-problem").content), "checked as typed"
        assert ok.disabled
        await pilot.press("backspace", "backspace", "backspace", *name)
        assert not ok.disabled
        await pilot.press("tab", "enter", "down", "down", "enter")  # immutable, except tags matching a filter
        assert "needs at least one exclusion filter" in str(form.query_one("#mutability-problem").content)
        assert ok.disabled
        await pilot.press("tab", *"latest", "tab", "space")  # the filter, scan on push
        await pilot.press("tab", "tab", *"team=web, env=dev")  # past encryption (AES256; the KMS key is off)
        assert not ok.disabled
        await pilot.press("enter")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert review.plan.title == f"Create repository {name}"
        assert "tags: immutable except latest" in review.text
        assert "scan on push: yes" in review.text
        assert "resource tags: team=web, env=dev" in review.text
        assert review.focused is not None
        assert review.focused.id == "review-yes", "nothing is lost: the focus is on Create"
        await pilot.press("enter")
        await back_to_browser(pilot, wait_for)
        await wait_for(pilot, lambda: repository_named(ecr, name) is not None, "created")
        await wait_for(
            pilot, lambda: any(r.name == name for r in app.repositories.repositories), "listed again"
        )
    created = repository_named(ecr, name)
    assert created is not None
    assert created["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert created["imageTagMutabilityExclusionFilters"] == [{"filterType": "WILDCARD", "filter": "latest"}]
    assert created["imageScanningConfiguration"] == {"scanOnPush": True}
    tags = ecr.list_tags_for_resource(resourceArn=created["repositoryArn"])["tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"team": "web", "env": "dev"}
    assert [(e.action, e.target, e.result) for e in audit_entries(audit_path)] == [
        ("create-repository", name, "ok")
    ]


@asynctest
async def test_creating_a_repository_that_exists_is_refused_in_the_review(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository("manage/exists")
    ecr.create_repository(repositoryName=name)
    app = make_rw_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, wait_for)
        await pilot.press("n")
        await wait_screen(pilot, CreateRepositoryScreen, wait_for)
        await pilot.press(*name, "enter")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "the repository already exists" in review.text
        assert review.plan.nothing_to_do
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
    assert audit_entries(audit_path) == []


@asynctest
async def test_d_in_repositories_deletes_only_with_the_typed_name_and_force_when_it_holds_images(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository("manage/doomed")
    ecr.create_repository(repositoryName=name)
    push_image(ecr, name, "one", tag="one")
    push_image(ecr, name, "two")
    app = make_rw_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await on_repository(pilot, name, wait_for)
        await pilot.press("d")
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "2 images and 1 tags go with it" in review.text
        assert "RepositoryNotEmptyException" in review.text
        confirm = review.query_one("#review-yes", Button)
        assert confirm.disabled
        await pilot.press("space")  # the focus starts on "force"
        assert review.plan.force
        assert confirm.disabled, "the name is not typed yet"
        await pilot.press("y")
        assert isinstance(app.screen, PlanReviewScreen), "y does not confirm a typed confirmation"
        review.query_one("#review-word", Input).focus()
        await pilot.press(*name[:-1])
        assert confirm.disabled
        await pilot.press(name[-1])
        assert not confirm.disabled
        await pilot.press("enter")
        await back_to_browser(pilot, wait_for)
        await wait_for(pilot, lambda: repository_named(ecr, name) is None, "deleted")
        await wait_for(
            pilot,
            lambda: (
                not app.repositories.is_loading and all(r.name != name for r in app.repositories.repositories)
            ),
            "gone from the list",
        )
    (entry,) = audit_entries(audit_path)
    assert (entry.action, entry.target, entry.result) == ("delete-repository", name, "ok")
    assert entry.detail == "2 images, 1 tags, forced"


@asynctest
async def test_m_sets_the_tag_mutability_and_t_the_resource_tags(
    make_rw_app: MakeRwApp, ecr: Any, audit_path: Path, wait_for: WaitFor
) -> None:
    name = unique_repository("manage/settings")
    arn = ecr.create_repository(
        repositoryName=name, tags=[{"Key": "team", "Value": "a"}, {"Key": "old", "Value": "x"}]
    )["repository"]["repositoryArn"]
    app = make_rw_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await on_repository(pilot, name, wait_for)
        await pilot.press("m")
        screen = await wait_screen(pilot, MutabilityScreen, wait_for)
        await pilot.press("enter", "down", "down", "down", "enter")  # mutable, except tags matching a filter
        await pilot.press("tab", *"v*")
        assert screen.fields.problem is None
        await pilot.press("tab", "enter")  # Review
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "tags: mutable → mutable except v*" in review.text
        await pilot.press("enter")  # nothing is lost: the focus is on Apply
        await back_to_browser(pilot, wait_for)
        await wait_for(
            pilot,
            lambda: (repository_named(ecr, name) or {}).get("imageTagMutability") == "MUTABLE_WITH_EXCLUSION",
            "the mutability set",
        )
        await wait_for(pilot, lambda: not app.repositories.is_loading, "listed again")
        app.repositories.show_repository(name)
        await pilot.press("T")
        editor = await wait_screen(pilot, ResourceTagsScreen, wait_for)
        assert editor.query_one("#resource-tags-text").text == "old=x\nteam=a"
        await pilot.press("f7")  # select all (TextArea), then type the new set
        await pilot.press(*"team=b", "enter", *"aws:bad=1")
        assert "reserved prefix 'aws:'" in str(editor.query_one("#resource-tags-problem").content)
        for _ in "aws:bad=1":
            await pilot.press("backspace")
        await pilot.press("backspace")
        assert editor.problem is None
        editor.query_one("#resource-tags-ok", Button).press()
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert "team=b (was a)" in review.text
        assert "remove old (was x)" in review.text
        await pilot.press("enter")
        await back_to_browser(pilot, wait_for)

        def tags() -> dict[str, str]:
            return {t["Key"]: t["Value"] for t in ecr.list_tags_for_resource(resourceArn=arn)["tags"]}

        await wait_for(pilot, lambda: tags() == {"team": "b"}, "the resource tags changed")
    assert [e.action for e in audit_entries(audit_path)] == [
        "set-tag-mutability",
        "set-resource-tags",
        "set-resource-tags",
    ]
