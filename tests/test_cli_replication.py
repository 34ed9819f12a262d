"""``ecrtui replication`` as a user runs it, against sandboxes: output, exit codes, progress on stderr, Ctrl-C.

Each command runs in its own process (real argument parsing, real exit codes, stderr not a terminal so progress
comes as plain lines). The module's sandbox replicates after 20 ms.
"""

from __future__ import annotations

import itertools
import json
import os
import pty
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import start_sandbox
from tests.ecr.pushing import push_image
from tests.replication_counts import demo_web_replications
from tests.waiting import wait_until

if TYPE_CHECKING:
    from tests.conftest import SandboxProcess

DEV, PROD, ELSEWHERE = "111111111111", "222222222222", "333333333333"
_names = itertools.count()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    started = start_sandbox(
        tmp_path_factory.mktemp("cli-replication"), "--seed", "demo", "--replication-delay-ms", "20"
    )
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def ecr(sandbox: SandboxProcess) -> Any:
    return sandbox.session("demo-dev").client("ecr")


def _env(sandbox: SandboxProcess) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
    return {**base, **sandbox.env, "PYTHONUNBUFFERED": "1", "ECRTUI_CONFIG": os.devnull}


def cli(
    sandbox: SandboxProcess, *args: str, profile: str = "demo-dev", stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ecrtui", "replication", *args, "--profile", profile]
    return subprocess.run(
        command, capture_output=True, text=True, env=_env(sandbox), input=stdin, timeout=120
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def rules(ecr: Any) -> list[dict[str, Any]]:
    return list(ecr.describe_registry()["replicationConfiguration"]["rules"])


def configure(ecr: Any, *destinations: tuple[str, str], prefix: str) -> None:
    rule = {
        "destinations": [{"region": r, "registryId": a} for r, a in destinations],
        "repositoryFilters": [{"filter": prefix, "filterType": "PREFIX_MATCH"}],
    }
    ecr.put_replication_configuration(replicationConfiguration={"rules": [rule]})


def new_repository(ecr: Any) -> str:
    name = f"cli/r{next(_names)}"
    ecr.create_repository(repositoryName=name)
    return name


class TestShowAndSet:
    def test_show_the_demo(self, sandbox: SandboxProcess, ecr: Any) -> None:
        configure(ecr, ("eu-west-1", PROD), prefix="web/")
        result = cli(sandbox, "show")
        assert result.returncode == 0, result.stderr
        assert f"Registry {DEV} (us-east-1): 1 replication rule" in result.stdout
        assert "-> eu-west-1 (222222222222)" in result.stdout
        prod = cli(sandbox, "show", profile="demo-prod")
        assert f"account {DEV} may replicate and create repositories" in prod.stdout
        shown = json.loads(cli(sandbox, "show", "--json").stdout)
        assert shown["registryId"] == DEV
        assert shown["replicationConfiguration"]["rules"][0]["repositoryFilters"][0]["filter"] == "web/"

    def test_set_dry_run_then_for_real_round_trips_show_json(
        self, sandbox: SandboxProcess, ecr: Any, tmp_path: Path
    ) -> None:
        configure(ecr, ("eu-west-1", PROD), prefix="web/")
        shown = json.loads(cli(sandbox, "show", "--json").stdout)
        shown["replicationConfiguration"]["rules"].append(
            {
                "destinations": [{"region": "us-west-2", "registryId": DEV}],
                "deleteReplication": {"enabled": True},
            }
        )
        wanted = tmp_path / "rules.json"
        wanted.write_text(json.dumps(shown))
        before = rules(ecr)
        dry = cli(sandbox, "set", str(wanted), "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert '+      "deleteReplication": {' in dry.stdout
        assert "dry run: nothing sent" in dry.stdout
        assert "must allow account 111111111111 ecr:ReplicateImage" in dry.stdout
        assert rules(ecr) == before
        done = cli(sandbox, "set", str(wanted), "--yes")
        assert done.returncode == 0, done.stderr
        assert "replaced: 2 rules" in done.stdout
        assert rules(ecr) == shown["replicationConfiguration"]["rules"]
        again = cli(sandbox, "set", str(wanted), "--yes")
        assert "no change" in again.stdout

    @pytest.mark.parametrize(
        ("stdin", "code", "words"),
        [
            ("not json", 2, "- is not JSON"),
            (
                '{"rules": [{"destinations": [{"region": "us-east-1", "registryId": "111111111111"}]}]}',
                2,
                "this registry itself",
            ),
            (
                '{"rules": [{"destinations": [], "repositoryFilters": [{"filter": "x", "filterType": "PREFIX_MATCH"}]}]}',
                2,
                "not a repository-name prefix",
            ),
            ('{"rules": [' + ",".join(['{"destinations": []}'] * 26) + "]}", 2, "at most 25"),
        ],
        ids=["not-json", "itself", "bad-filter", "26-rules"],
    )
    def test_set_refuses_before_sending(
        self, sandbox: SandboxProcess, ecr: Any, stdin: str, code: int, words: str
    ) -> None:
        before = rules(ecr)
        result = cli(sandbox, "set", "-", stdin=stdin)
        assert result.returncode == code
        assert words in one_line(result)
        assert rules(ecr) == before

    def test_read_only_refuses_set(self, sandbox: SandboxProcess, ecr: Any, tmp_path: Path) -> None:
        wanted = tmp_path / "off.json"
        wanted.write_text('{"rules": []}')
        before = rules(ecr)
        result = cli(sandbox, "set", str(wanted), "--read-only")
        assert result.returncode == 1
        assert "Read-only mode" in one_line(result)
        assert result.stdout == ""
        assert rules(ecr) == before

    def test_no_action_is_bad_usage(self, sandbox: SandboxProcess) -> None:
        result = cli(sandbox)
        assert result.returncode == 2
        assert "choose an action" in result.stderr


class TestBackfill:
    def test_wait_shows_progress_and_per_image_results(self, sandbox: SandboxProcess, ecr: Any) -> None:
        repository = new_repository(ecr)
        ecr.put_replication_configuration(replicationConfiguration={"rules": []})
        push_image(ecr, repository, "old-one", tag="v1")
        configure(ecr, ("us-west-2", DEV), prefix=repository)
        result = cli(sandbox, "backfill", "--destination", "us-west-2", "--wait", "--json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["status"] == "COMPLETE"
        assert report["progress"]["completedReplicationCount"] == 1
        assert [(r["repositoryName"], r["imageId"]["imageTag"], r["status"]) for r in report["results"]] == [
            (repository, "v1", "COMPLETE")
        ]
        assert (
            "backfill: complete: 1 of 1 replicated to us-west-2 (111111111111)" in result.stderr.splitlines()
        )

    def test_on_a_terminal_progress_is_a_bar(self, sandbox: SandboxProcess, ecr: Any) -> None:
        repository = new_repository(ecr)
        ecr.put_replication_configuration(replicationConfiguration={"rules": []})
        push_image(ecr, repository, "on-a-tty", tag="v1")
        configure(ecr, ("us-west-1", DEV), prefix=repository)
        controller, terminal = pty.openpty()
        command = [sys.executable, "-m", "ecrtui", "replication", "backfill", "--destination", "us-west-1"]
        with subprocess.Popen(
            [*command, "--wait", "--profile", "demo-dev"],
            env={**_env(sandbox), "COLUMNS": "100", "TERM": "xterm"},
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
        ) as process:
            os.close(terminal)
            shown = b""
            while True:  # read the terminal until the process has closed it
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # EIO: no writer left
                    break
                if not chunk:
                    break
                shown += chunk
            stdout, _ = process.communicate(timeout=120)
        os.close(controller)
        assert process.returncode == 0
        text = shown.decode(errors="replace")
        assert "━" in text
        assert "1/1" in text
        assert "complete: 1 of 1 replicated" in stdout

    def test_failures_exit_1_with_their_codes(self, sandbox: SandboxProcess, ecr: Any) -> None:
        repository = new_repository(ecr)
        ecr.put_replication_configuration(replicationConfiguration={"rules": []})
        push_image(ecr, repository, "refused", tag="v1")
        configure(ecr, ("eu-west-2", ELSEWHERE), prefix=repository)
        result = cli(sandbox, "backfill", "--destination", f"eu-west-2:{ELSEWHERE}", "--wait")
        assert result.returncode == 1
        assert f"{repository}:v1: ReplicateImageAccessDenied: the destination registry's" in result.stdout
        assert f"backfill: {repository}:v1 failed: ReplicateImageAccessDenied" in result.stderr

    def test_without_wait_it_starts_and_returns(self, sandbox: SandboxProcess, ecr: Any) -> None:
        configure(ecr, ("ap-south-1", DEV), prefix="web/")
        started = cli(sandbox, "backfill", "--destination", "ap-south-1", "--json")
        assert started.returncode == 0, started.stderr
        backfill = json.loads(started.stdout)
        assert (backfill["status"], backfill["destination"]) == (
            "PREPARING",
            {"region": "ap-south-1", "registryId": DEV},
        )
        backfill_id = backfill["replicationBackfillId"]
        wait_until(
            lambda: (
                ecr.describe_replication_backfill_results(replicationBackfillId=backfill_id)["status"]
                == "COMPLETE"
            ),
            "the backfill to complete",
        )

    def test_bad_destination_is_bad_usage(self, sandbox: SandboxProcess) -> None:
        result = cli(sandbox, "backfill", "--destination", "eu-west-1:12")
        assert result.returncode == 2
        assert "not an account id" in one_line(result)


class TestStatus:
    def test_wait_until_complete_text_and_json(self, sandbox: SandboxProcess, ecr: Any) -> None:
        repository = new_repository(ecr)
        configure(ecr, ("us-west-2", DEV), prefix=repository)
        pushed = push_image(ecr, repository, "watched", tag="v1")
        result = cli(sandbox, "status", f"{repository}:v1", "--wait")
        assert result.returncode == 0, result.stderr
        assert f"{repository}:v1 ({pushed.digest}):" in result.stdout
        assert "us-west-2 (111111111111)" in result.stdout
        assert "COMPLETE" in result.stdout
        uri = f"{DEV}.dkr.ecr.us-east-1.amazonaws.com/{repository}@{pushed.digest}"
        shown = json.loads(cli(sandbox, "status", uri, "--json").stdout)
        assert shown["replicationStatuses"] == [
            {"region": "us-west-2", "registryId": DEV, "status": "COMPLETE"}
        ]

    def test_a_failed_destination_exits_1_with_wait(self, sandbox: SandboxProcess, ecr: Any) -> None:
        repository = new_repository(ecr)
        configure(ecr, ("eu-west-1", ELSEWHERE), prefix=repository)
        push_image(ecr, repository, "denied", tag="v1")
        result = cli(sandbox, "status", f"{repository}:v1", "--wait")
        assert result.returncode == 1
        assert "FAILED  ReplicateImageAccessDenied" in result.stdout

    def test_an_image_nothing_replicates(self, sandbox: SandboxProcess) -> None:
        result = cli(sandbox, "status", "data/etl:1.8.0", "--wait")
        assert result.returncode == 0
        assert "no replication recorded" in result.stdout

    @pytest.mark.parametrize(
        ("image", "code", "words"),
        [
            ("Web/API:v1", 2, "uppercase"),
            ("web/api", 2, "name a tag or a digest"),
            ("web/api:nope", 1, "not"),
        ],
    )
    def test_bad_images(self, sandbox: SandboxProcess, image: str, code: int, words: str) -> None:
        result = cli(sandbox, "status", image)
        assert result.returncode == code
        assert words in one_line(result)


def test_a_second_backfill_is_refused_and_ctrl_c_stops_the_first(
    sandbox_factory: Callable[..., SandboxProcess],
) -> None:
    slow = sandbox_factory("--seed", "demo", "--replication-delay-ms", "300")
    command = [
        sys.executable,
        "-m",
        "ecrtui",
        "replication",
        "backfill",
        "--destination",
        f"eu-west-1:{PROD}",
    ]
    process = subprocess.Popen(
        [*command, "--wait", "--profile", "demo-dev"],
        env=_env(slow),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:  # progress lines, one per change
            if re.search(r"\b[1-9][0-9]* of [0-9]+ replicated", line):
                break
        second = cli(slow, "backfill", "--destination", f"eu-west-1:{PROD}")  # 50-odd x 300 ms: still running
        assert second.returncode == 1
        assert "already in progress" in one_line(second)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "stopping backfill" in stderr
    assert "stopped: " in stdout
    ecr = slow.session("demo-dev").client("ecr")
    (backfill,) = ecr.list_replication_backfills()["backfills"]
    assert backfill["status"] == "STOPPED"
    assert backfill["progress"]["completedReplicationCount"] < demo_web_replications(ecr)


def test_the_sandbox_refuses_a_negative_replication_delay() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ecrtui", "sandbox", "--replication-delay-ms", "-1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--replication-delay-ms must be between 0 and 3,600,000" in one_line(result)
