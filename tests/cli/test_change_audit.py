"""Copies, replication rule changes and backfills are changes: each appends to the audit log (CLI and app)."""

from __future__ import annotations

import json
import os
import pty
import threading
from pathlib import Path
from typing import Any

import pytest

from ecrtui.copy import CopyEngine, CopyRequest, Side
from ecrtui.ecr.service import EcrService
from ecrtui.manage.audit import AUDIT_FILE_NAME, AuditLog
from ecrtui.sandbox import seed
from ecrtui.ui.copy_controller import _copy_runner
from tests.cli.cli_run import audit_entries, cli_env, ecrtui, one_line

DEV = "111111111111"
PROD = "222222222222"
PROD_HOST = f"{PROD}.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("state")


@pytest.fixture(scope="module")
def env(rw_sandbox: Any, state: Path) -> dict[str, str]:
    return cli_env(rw_sandbox, state)


def new_entries(state: Path, before: int) -> list[Any]:
    return audit_entries(state)[before:]


def test_a_cli_copy_appends_one_entry_per_copy(env: dict[str, str], state: Path) -> None:
    before = len(audit_entries(state))
    result = ecrtui(
        env,
        "copy",
        f"{seed.FRONTEND_REPOSITORY}:latest",
        f"{PROD_HOST}/audit/frontend:promoted",
        "--dest-profile",
        "demo-prod",
        "--create-repo",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    digest = json.loads(result.stdout)["digest"]
    [entry] = new_entries(state, before)
    assert (entry.action, entry.result, entry.account, entry.region, entry.profile) == (
        "copy",
        "ok",
        PROD,
        "eu-west-1",
        "demo-prod",
    )
    assert (
        entry.target
        == f"{DEV}.dkr.ecr.us-east-1.amazonaws.com/{seed.FRONTEND_REPOSITORY}:latest → {PROD_HOST}/audit/frontend"
    )
    assert entry.detail == f"digest {digest}; tags promoted"
    text = (state / "ecrtui" / AUDIT_FILE_NAME).read_text()
    assert "aws_secret" not in text.lower()
    assert "secret" not in text.lower()


def test_a_refused_copy_is_recorded_with_its_reason(env: dict[str, str], state: Path) -> None:
    before = len(audit_entries(state))
    result = ecrtui(env, "copy", f"{seed.FRONTEND_REPOSITORY}:latest", "audit/missing-repo")
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    [entry] = new_entries(state, before)
    assert entry.action == "copy"
    assert entry.result.startswith("refused: ")
    assert "audit/missing-repo" in entry.result


def test_dry_run_records_nothing(env: dict[str, str], state: Path) -> None:
    before = len(audit_entries(state))
    result = ecrtui(
        env, "copy", f"{seed.FRONTEND_REPOSITORY}:latest", "audit/dry", "--create-repo", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert new_entries(state, before) == []


def test_the_app_copy_job_records_each_copy(rw_sandbox: Any, tmp_path: Path) -> None:
    dev = EcrService(session=rw_sandbox.session("demo-dev"))
    log = AuditLog(tmp_path / "audit.jsonl")
    source = Side(dev, DEV, seed.FRONTEND_REPOSITORY)
    with CopyEngine() as engine:
        plans = tuple(
            engine.plan(
                CopyRequest(source, tag, Side(dev, DEV, "audit/app"), tags=(tag,), create_repository=True)
            )
            for tag in ("latest", "no-such-tag")
        )
        runner = _copy_runner(engine, plans, log)
        with pytest.raises(Exception, match="1 of 2 copies failed"):
            runner(lambda _event: None, threading.Event())
    ok, failed = log.read()
    assert (ok.action, ok.result, ok.account, ok.region) == ("copy", "ok", DEV, "us-east-1")
    assert ok.target.endswith(":latest → 111111111111.dkr.ecr.us-east-1.amazonaws.com/audit/app")
    assert ok.detail.startswith("digest sha256:")
    assert ok.detail.endswith("tags latest")
    assert failed.result.startswith("refused: ")
    assert "no-such-tag" in failed.result


def rules_file(tmp_path: Path, env: dict[str, str], extra_region: str) -> Path:
    shown = json.loads(ecrtui(env, "replication", "show", "--json").stdout)["replicationConfiguration"]
    shown["rules"][0]["destinations"].append({"region": extra_region, "registryId": DEV})
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(shown))
    return path


class TestReplicationSet:
    def test_not_a_terminal_needs_yes_and_sends_nothing(
        self, env: dict[str, str], state: Path, tmp_path: Path
    ) -> None:
        before = len(audit_entries(state))
        path = rules_file(tmp_path, env, "ap-south-1")
        result = ecrtui(env, "replication", "set", str(path))
        assert result.returncode == 2
        assert '+          "region": "ap-south-1"' in result.stdout  # the diff is shown first
        assert "refused without --yes" in one_line(result)
        shown = ecrtui(env, "replication", "show")
        assert "ap-south-1" not in shown.stdout
        assert new_entries(state, before) == []

    def test_a_terminal_is_asked_and_the_change_is_recorded(
        self, env: dict[str, str], state: Path, tmp_path: Path
    ) -> None:
        path = rules_file(tmp_path, env, "ap-south-1")
        before = len(audit_entries(state))
        for answer, code in ((b"n\n", 1), (b"y\n", 0)):
            leader, follower = pty.openpty()
            try:
                os.write(leader, answer)
                result = ecrtui(env, "replication", "set", str(path), stdin=follower)
            finally:
                os.close(follower)
                os.close(leader)
            assert result.returncode == code, result.stderr
            assert "Replace the replication rules of 111111111111 (us-east-1)? [y/N]" in result.stderr
        assert "ap-south-1" in ecrtui(env, "replication", "show").stdout
        [entry] = new_entries(state, before)
        assert (entry.action, entry.result) == ("replication set", "ok")
        assert entry.target == "replication rules of 111111111111 (us-east-1)"
        assert "ap-south-1 (111111111111)" in entry.detail

    def test_dry_run_never_asks(self, env: dict[str, str], tmp_path: Path) -> None:
        result = ecrtui(env, "replication", "set", str(rules_file(tmp_path, env, "sa-east-1")), "--dry-run")
        assert result.returncode == 0, result.stderr
        assert "dry run: nothing sent" in result.stdout


class TestBackfillDestination:
    @pytest.mark.parametrize(
        ("destination", "words"),
        [
            (
                "sa-east-1",
                "sa-east-1 (111111111111) is not a destination of the registry's replication rules",
            ),
            ("nowhere-1", "ECR does not run in a region named 'nowhere-1'"),
            ("us-east-1:12ab", "'12ab' is not an account id"),
            ("Bad_Region", "is not a region name"),
        ],
    )
    def test_a_bad_destination_is_bad_usage(self, env: dict[str, str], destination: str, words: str) -> None:
        result = ecrtui(env, "replication", "backfill", "--destination", destination)
        assert result.returncode == 2
        assert words in one_line(result)

    def test_a_started_backfill_is_recorded(self, env: dict[str, str], state: Path) -> None:
        before = len(audit_entries(state))
        result = ecrtui(env, "replication", "backfill", "--destination", f"eu-west-1:{PROD}", "--wait")
        assert result.returncode == 0, result.stderr
        [entry] = new_entries(state, before)
        assert (entry.action, entry.result) == ("replication backfill", "ok")
        assert entry.target == f"backfill to eu-west-1 ({PROD})"
