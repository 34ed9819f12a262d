"""The read-only views and lines, on the demo registry (never changed): repository policy, lifecycle rules and
preview, the audit log, the inspector's Scan and Referrers tabs, the login and pull lines; and read-only mode,
which hides every changing key while the views stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecrtui.config import Settings
from ecrtui.manage import AuditEntry, AuditLog
from ecrtui.sandbox import seed
from ecrtui.sandbox.seed_copy_cases import CHECKOUT_LEGACY_SIGNED_TAG, CHECKOUT_SIGNED_TAG
from ecrtui.sandbox.seed_manage import API_LIFECYCLE_POLICY
from ecrtui.ui.manage import CHANGES
from ecrtui.ui.screens.audit_log import AuditLogScreen
from ecrtui.ui.screens.lifecycle import LifecycleScreen
from ecrtui.ui.screens.plan_review import PlanReviewScreen
from ecrtui.ui.screens.repository_policy import RepositoryPolicyScreen
from ecrtui.ui.widgets.inspector.referrers_tab import ReferrersTab
from ecrtui.ui.widgets.inspector.scan_tab import ScanTab
from tests.conftest import SandboxProcess
from tests.ui.app_steps import MakeApp, WaitFor, asynctest, inspected, open_repository_named, started
from tests.ui.manage_steps import back_to_browser, manage, wait_screen

SIZE = (120, 36)


async def go_to_tab(pilot: Any, app: Any, tab: str) -> None:
    while app.inspector.active_tab != tab:
        await pilot.press("right_square_bracket")


@asynctest
async def test_p_shows_the_repository_policy_as_pretty_json(
    make_app: MakeApp, demo_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await pilot.press("P")
        screen = await wait_screen(pilot, RepositoryPolicyScreen, wait_for)
        await wait_for(pilot, lambda: screen.view.display, "the policy")
        assert json.loads(screen.view.text) == seed.API_REPOSITORY_POLICY
        assert '\n  "Statement": [' in screen.view.text, "indented for reading"
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
        app.repositories.show_repository(seed.EMPTY_REPOSITORY)
        app.repositories.table.focus()
        await pilot.press("P")
        screen = await wait_screen(pilot, RepositoryPolicyScreen, wait_for)
        await wait_for(pilot, lambda: "No repository policy" in screen.status_text, "no policy")
        assert not screen.view.display


@asynctest
async def test_l_shows_the_rules_and_the_images_each_would_expire_or_archive(
    make_app: MakeApp, demo_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    client = demo_sandbox.session("demo-dev").client("ecr")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await pilot.press("L")
        screen = await wait_screen(pilot, LifecycleScreen, wait_for)
        await wait_for(pilot, lambda: screen.preview is not None, "the preview")
        assert [r.priority for r in screen.rules] == [
            r["rulePriority"] for r in API_LIFECYCLE_POLICY["rules"]
        ]
        assert screen.rules_table.row_count == 3
        preview = screen.preview
        assert preview is not None
        assert (
            f"expire {preview.expiring_count} and archive {preview.transitioning_count}" in screen.status_text
        )
        first = preview.by_rule(1)
        assert first, "the demo's rule 1 archives older 1.0 releases"
        assert screen.images_table.row_count == len(first)
        assert {str(row[0]) for row in map(screen.images_table.get_row_at, range(len(first)))} == {"archive"}
        await pilot.press("j")  # rule 2: expire untagged feature builds
        assert screen.images_table.row_count == len(preview.by_rule(2))
        service = app.sessions.current
        assert service is not None
        calls = service.call_counts.get("StartLifecyclePolicyPreview", 0)
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
        await pilot.press("L")
        screen = await wait_screen(pilot, LifecycleScreen, wait_for)
        await wait_for(pilot, lambda: screen.preview is not None, "the preview again")
        assert service.call_counts.get("StartLifecyclePolicyPreview", 0) == calls, "cached"
    # The preview agrees with ECR's own answer for the same policy.
    client.start_lifecycle_policy_preview(repositoryName=seed.API_REPOSITORY)
    answer = client.get_lifecycle_policy_preview(repositoryName=seed.API_REPOSITORY)
    assert {r["imageDigest"] for r in answer["previewResults"]} == {r.digest for r in preview.results}


@asynctest
async def test_h_lists_the_audit_log_newest_first(
    make_app: MakeApp, tmp_path: Path, wait_for: WaitFor
) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for minute, (action, result) in enumerate([("tag", "ok"), ("delete-images", "refused: read-only")]):
        log.append(
            AuditEntry(
                datetime(2026, 6, 1, 9, minute, tzinfo=UTC),
                "demo-dev",
                "111111111111",
                "us-east-1",
                action,
                "web/api:x",
                result,
            )
        )
    app = make_app()
    manage(app).audit = log
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, wait_for)
        await pilot.press("H")
        screen = await wait_screen(pilot, AuditLogScreen, wait_for)
        await wait_for(pilot, lambda: screen.entries, "the entries")
        assert [e.action for e in screen.entries] == ["delete-images", "tag"]
        assert screen.table.row_count == 2
        assert "refused: read-only" in str(screen.query_one("#audit-detail").content)


@asynctest
async def test_the_scan_tab_lists_findings_with_fix_and_exploit_availability(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_repository_named(pilot, seed.ETL_REPOSITORY, wait_for)
        await inspected(pilot, app, wait_for)
        service = app.sessions.current
        assert service is not None
        assert service.call_counts.get("DescribeImageScanFindings", 0) == 0, "loaded only when shown"
        await go_to_tab(pilot, app, "tab-scan")
        tab = app.inspector.query_one(ScanTab)
        await wait_for(pilot, lambda: tab.findings is not None, "the findings")
        findings = tab.findings
        assert findings is not None
        assert findings.enhanced
        assert tab.table.row_count == len(findings.findings) > 0
        fix_column = [str(tab.table.get_row_at(row)[5]) for row in range(tab.table.row_count)]
        assert set(fix_column) <= {"yes", "no", "partial"}
        assert "enhanced scanning (Amazon Inspector)" in tab.status_text


@asynctest
async def test_the_referrers_tab_lists_signatures_and_opens_one_in_place(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_repository_named(pilot, seed.CHECKOUT_REPOSITORY, wait_for)
        summary = next(s for s in app.images.summaries if CHECKOUT_SIGNED_TAG in s.tags)
        app.images.table.move_cursor_to_key(summary.digest)
        await inspected(pilot, app, wait_for)
        await go_to_tab(pilot, app, "tab-referrers")
        tab = app.inspector.query_one(ReferrersTab)
        await wait_for(pilot, lambda: tab.referrers, "the referrers")
        kinds = {str(tab.table.get_row_at(row)[0]) for row in range(tab.table.row_count)}
        assert {"signature", "sbom"} <= kinds
        first = tab.referrers[0].digest
        tab.table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.inspector.depth == 2 and app.inspector.state == "ready", "opened")
        details = app.inspector.details
        assert details is not None
        assert details.summary.digest == first
        assert str(details.manifest.kind) == "artifact"
        await pilot.press(
            "d"
        )  # in the inspector, a key acts on what it opened (reviewed, never confirmed here)
        review = await wait_screen(pilot, PlanReviewScreen, wait_for)
        assert [i.digest for i in review.plan.images] == [first]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await back_to_browser(pilot, wait_for)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.inspector.depth == 1, "back to the image")
        assert app.inspector.active_tab == "tab-referrers"
        await wait_for(pilot, lambda: tab.referrers, "the image's referrers again")
        service = app.sessions.current
        assert service is not None
        assert service.call_counts.get("ListImageReferrers") == 1, (
            "the signature's referrers were never shown (it opened on Summary); the image's came from the cache"
        )


@asynctest
async def test_a_signature_made_the_old_cosign_way_is_listed_by_its_tag(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    """``sha256-<hex>.sig`` names no subject, so ECR's ListImageReferrers omits it; the tab finds it by its tag."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_repository_named(pilot, seed.CHECKOUT_REPOSITORY, wait_for)
        summary = next(s for s in app.images.summaries if CHECKOUT_LEGACY_SIGNED_TAG in s.tags)
        signature_tag = "sha256-" + summary.digest.split(":", 1)[1] + ".sig"
        signature = next(s for s in app.images.summaries if signature_tag in s.tags)
        app.images.table.move_cursor_to_key(summary.digest)
        await inspected(pilot, app, wait_for)
        await go_to_tab(pilot, app, "tab-referrers")
        tab = app.inspector.query_one(ReferrersTab)
        await wait_for(pilot, lambda: tab.referrers, "the referrers")
        assert [r.digest for r in tab.referrers] == [signature.digest]
        assert [str(cell) for cell in tab.table.get_row_at(0)][:2] == ["signature", "(cosign tag)"]
        assert "1 points at it by cosign's tag" in tab.status_text
        tab.table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.inspector.depth == 2 and app.inspector.state == "ready", "opened")
        assert app.inspector.details is not None
        assert app.inspector.details.summary.digest == signature.digest


@asynctest
async def test_i_and_d_copy_the_login_and_pull_lines_without_a_token(
    make_app: MakeApp, demo_sandbox: SandboxProcess, wait_for: WaitFor
) -> None:
    client = demo_sandbox.session("demo-dev").client("ecr")
    auth = client.get_authorization_token()["authorizationData"][0]
    host = auth["proxyEndpoint"].split("://", 1)[-1]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        await pilot.press("i")
        await wait_for(pilot, lambda: app.clipboard.startswith("aws ecr"), "the login line")
        assert app.clipboard == (
            "aws ecr get-login-password --region us-east-1 --profile demo-dev"
            f" | docker login --username AWS --password-stdin {host}"
        )
        assert auth["authorizationToken"] not in app.clipboard
        image = app.image
        assert image is not None
        await pilot.press("D")
        await wait_for(pilot, lambda: app.clipboard.startswith("docker pull"), "the pull line")
        assert app.clipboard == f"docker pull {host}/{seed.API_REPOSITORY}@{image.digest}"


@asynctest
async def test_read_only_hides_every_changing_key_and_keeps_the_views(
    make_app: MakeApp, wait_for: WaitFor
) -> None:
    app = make_app(settings=Settings(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        controller = manage(app)
        assert all(controller.check(method) is False for method in CHANGES)
        shown = {binding.id for binding in (b.binding for b in app.active_bindings.values()) if binding.id}
        assert not {f"manage.{m}" for m in ("tag", "delete", "untag", "archive", "restore", "scan")} & shown
        assert {"manage.policy", "manage.lifecycle", "manage.audit"} <= shown
        for key in ("t", "d", "u", "a", "A", "S", "n", "m", "T"):
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == 1, f"{key} did nothing"
        titles = [c.title for c in app.palette_commands()]
        assert "view: lifecycle policy" in titles
        assert not [t for t in titles if t.startswith(("image: delete", "repository: new"))]
        await pilot.press("P")
        await wait_screen(pilot, RepositoryPolicyScreen, wait_for)


@asynctest
async def test_read_only_is_refused_by_the_data_layer_even_past_the_keys(
    make_app: MakeApp, tmp_path: Path, wait_for: WaitFor
) -> None:
    """Calling the controller directly (no key) in read-only mode: the review shows, and executing is refused
    before any request, recorded as refused."""
    app = make_app(settings=Settings(read_only=True))
    log = manage(app).audit = AuditLog(tmp_path / "audit.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await open_repository_named(pilot, seed.API_REPOSITORY, wait_for)
        manage(app).delete()
        await wait_screen(pilot, PlanReviewScreen, wait_for)
        await pilot.press("y")
        await wait_for(pilot, lambda: log.read(), "the audit entry")
        service = app.sessions.current
        assert service is not None
        assert service.call_counts.get("BatchDeleteImage", 0) == 0
    (entry,) = log.read()
    assert entry.result.startswith("refused: ")
    assert "Read-only" in entry.result
