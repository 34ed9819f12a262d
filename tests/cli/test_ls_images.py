"""``ecrtui ls REPOSITORY`` lists what the app's Images pane lists (every status, the same count), in pages of
``DescribeImages``, never a call per image."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ecrtui.cli.ls as ls_command
from ecrtui.cli import main
from ecrtui.ecr.cache import CachedEcr
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox import seed
from tests.cli.cli_run import cli_env, ecrtui
from tests.conftest import SandboxProcess


def pane_listing(sandbox: SandboxProcess, repository: str) -> dict[str, str]:
    """Digest to status, read the way the Images pane reads (``iter_image_pages``, ``imageStatus`` ANY)."""
    ecr = CachedEcr(EcrService(session=sandbox.session("demo-dev")))
    repo = ecr.get_repository(repository)
    pages = ecr.iter_image_pages(repo.name, repo.registry_id, image_status="ANY")
    return {image.digest: image.status or "ACTIVE" for page in pages for image in page}


def test_the_same_images_as_the_images_pane(demo_sandbox: SandboxProcess, tmp_path: Path) -> None:
    env = cli_env(demo_sandbox, tmp_path)
    for repository in (seed.API_REPOSITORY, seed.BIG_REPOSITORY):
        listed = json.loads(ecrtui(env, "ls", repository, "--json").stdout)
        assert {i["digest"]: i["status"] for i in listed} == pane_listing(demo_sandbox, repository)
        assert len(listed) == len({i["digest"] for i in listed})  # one row per image, as the pane
    api = json.loads(ecrtui(env, "ls", seed.API_REPOSITORY, "--json").stdout)
    assert sum(i["status"] == "ARCHIVED" for i in api) == 3
    table = ecrtui(env, "ls", seed.API_REPOSITORY).stdout.splitlines()
    assert len(table) - 1 == len(api)
    assert sum(" ARCHIVED " in row for row in table) == 3


def test_a_restoring_image_is_listed_as_activating(
    sandbox_factory: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    sandbox = sandbox_factory("--activation-seconds", "3600", "--no-rate-limits")
    env = cli_env(sandbox, tmp_path)
    archived = json.loads(ecrtui(env, "ls", seed.API_REPOSITORY, "--status", "archived", "--json").stdout)
    digest = archived[0]["digest"]
    restore = ecrtui(env, "restore", f"{seed.API_REPOSITORY}@{digest}", "--yes")
    assert restore.returncode == 0, restore.stderr
    listed = {
        i["digest"]: i["status"] for i in json.loads(ecrtui(env, "ls", seed.API_REPOSITORY, "--json").stdout)
    }
    assert listed[digest] == "ACTIVATING"
    assert listed == pane_listing(sandbox, seed.API_REPOSITORY)
    row = next(r for r in ecrtui(env, "ls", seed.API_REPOSITORY).stdout.splitlines() if digest[:19] in r)
    assert " ACTIVATING " in row


@pytest.mark.parametrize("json_output", [True, False])
def test_the_nightly_repository_is_one_page_of_calls(
    demo_sandbox: SandboxProcess,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    json_output: bool,
) -> None:
    for name, value in demo_sandbox.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_PROFILE", "demo-dev")
    monkeypatch.setenv("ECRTUI_CONFIG", "/dev/null")
    services: list[EcrService] = []
    opened = ls_command.open_service

    def counting(*args: Any, **kwargs: Any) -> EcrService:
        service = opened(*args, **kwargs)
        services.append(service)
        return service

    monkeypatch.setattr(ls_command, "open_service", counting)
    assert main(["ls", seed.BIG_REPOSITORY, *(["--json"] if json_output else [])]) == 0
    out = capsys.readouterr().out
    shown = len(json.loads(out)) if json_output else len(out.splitlines()) - 1
    assert shown == seed.BIG_REPOSITORY_IMAGES == 320
    (service,) = services
    calls = service.call_counts
    # 320 images are one DescribeImages page (1,000 a call): no call per image, no manifest reads at all.
    assert calls.get("DescribeImages") == 1, calls
    assert set(calls) <= {"DescribeImages", "GetCallerIdentity"}, calls
    assert service.total_calls <= 2
