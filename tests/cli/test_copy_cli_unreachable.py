"""``ecrtui copy REPO DEST --all-tags`` to a registry whose endpoint is dead: the batch stops on one deadline
(``copy_unreachable_seconds``, here 0 s through ``ECRTUI_COPY_UNREACHABLE_SECONDS``, so nothing waits out a real
minute) with one line, instead of every image spending its own retries.

The source is a running sandbox; the destination profile points at a second sandbox that is stopped before the
command runs (connection refused). DEST is a full URI, so nothing calls the destination before planning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecrtui.sandbox import seed
from tests.cli.cli_run import cli_env, ecrtui
from tests.far_profile import with_far_profile

PROD_URI = "222222222222.dkr.ecr.eu-west-1.amazonaws.com"


def test_a_dead_destination_stops_the_whole_batch_with_one_line(sandbox_factory: Any, tmp_path: Path) -> None:
    source = sandbox_factory("--seed", "demo")
    far = sandbox_factory("--seed", "empty")
    env = {
        **cli_env(source, tmp_path / "state"),
        **with_far_profile(source, far, tmp_path / "profiles"),
        "ECRTUI_COPY_UNREACHABLE_SECONDS": "0",
    }
    far.stop()

    result = ecrtui(
        env,
        "copy",
        seed.FRONTEND_REPOSITORY,
        f"{PROD_URI}/web/frontend",
        "--all-tags",
        "--dest-profile",
        "far",
    )

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    retries = [line for line in lines if "trying again" in line]
    others = [line for line in lines if "trying again" not in line]
    assert len(others) == 1, result.stderr
    assert others[0].startswith("ecrtui copy: 222222222222 in eu-west-1 unreachable for ")
    assert "the copy stopped: Could not connect to" in others[0]
    assert others[0].endswith("; nothing was written")
    # Only the first image's first read called the dead endpoint (botocore's 3 attempts: 2 retries said);
    # the other images were not planned against it at all.
    assert len(retries) == 2, result.stderr
    assert result.stdout == ""
