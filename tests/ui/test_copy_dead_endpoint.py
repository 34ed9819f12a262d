"""The app's copy of marked images to a registry whose endpoint died after the dialog planned: the job fails on
the job's one deadline (``copy_unreachable_seconds`` 0 here: no waiting on a real minute) with one reason for the
whole batch, readable in full in the jobs panel.

Two sandboxes: the source (its demo-dev) stays up; the destination profile ``far`` is another sandbox's demo-prod,
stopped once the plan is shown (connection refused)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Select

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.jobs.model import JobState
from ecrtui.sandbox import seed
from ecrtui.ui.app import EcrTuiApp
from ecrtui.ui.widgets.registries_pane import entry_key
from tests.conftest import SandboxProcess
from tests.far_profile import with_far_profile
from tests.ui.app_steps import WaitFor, asynctest
from tests.ui.conftest import fixed_clock
from tests.ui.copy_steps import SIZE, open_dialog, panel_of, three_marked


@asynctest
async def test_marked_images_to_a_dead_registry_fail_together_with_one_reason(
    sandbox_factory: Callable[..., SandboxProcess], wait_for: WaitFor, tmp_path: Path
) -> None:
    source = sandbox_factory("--seed", "demo")
    far = sandbox_factory("--seed", "demo")
    far.session("demo-prod").client("ecr").create_repository(repositoryName=seed.FRONTEND_REPOSITORY)
    env = with_far_profile(source, far, tmp_path / "profiles")
    app = EcrTuiApp(
        Settings(copy_unreachable_seconds=0),
        aws_files=AwsFiles(Path(env["AWS_CONFIG_FILE"]), Path(env["AWS_SHARED_CREDENTIALS_FILE"])),
        open_registry=RegistryEntry(profile="demo-dev"),
        clock=fixed_clock,
    )
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await three_marked(pilot, wait_for)
        dialog = await open_dialog(pilot, wait_for)
        dialog.query_one("#copy-registry", Select).value = entry_key(
            RegistryEntry(profile="far", region="eu-west-1")
        )
        await wait_for(
            pilot,
            lambda: dialog.preview is not None and dialog.preview.destination_name.startswith("far "),
            "the plan for far",
        )
        assert dialog.preview is not None
        assert all(plan.ok for plan in dialog.preview.plans), [p.problems for p in dialog.preview.plans]
        far.stop()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(app.jobs.board.jobs()), "the copy started")
        (job,) = app.jobs.board.jobs()
        await wait_for(pilot, lambda: job.state.is_final, "the copy to end")
        snapshot = job.snapshot()
        assert snapshot.state is JobState.FAILED
        reason = snapshot.error or ""
        assert reason.startswith("222222222222 in eu-west-1 unreachable for "), reason
        assert "the copy stopped: Could not connect to" in reason
        assert reason.endswith("; 3 of 3 images not copied"), reason
        await pilot.press("J")
        panel = panel_of(app)
        await wait_for(pilot, lambda: panel.has_focus and bool(panel.shown), "the jobs panel")
        await pilot.pause()
        shown = str(panel.render()).splitlines()
        assert all(len(line) <= panel.content_region.width for line in shown), shown
        said = " ".join(line.strip() for line in shown[1:])
        assert f"{reason} · r retries" in said, shown
