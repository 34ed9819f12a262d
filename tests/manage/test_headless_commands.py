"""The headless commands as a user runs them: ``python -m ecrtui ...`` against a sandbox's profile files.

Output, JSON, exit codes (0 ok, 1 failed or refused, 2 bad usage), global options before or after the command,
confirmation (asked on a terminal, ``--yes`` required otherwise) and the audit log they write.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SandboxProcess
from tests.ecr.pushing import push_image, push_index

_names = itertools.count()


@pytest.fixture(scope="module")
def ecr(rw_sandbox: SandboxProcess) -> Any:
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("state")


@pytest.fixture(scope="module")
def env(rw_sandbox: SandboxProcess, state_dir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_", "XDG_"))}
    return {**base, **rw_sandbox.env, "AWS_PROFILE": "demo-dev", "XDG_STATE_HOME": str(state_dir)}


def ecrtui(
    env: dict[str, str], *args: str, stdin: Any = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecrtui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=stdin,
    )


def new_repository(ecr: Any) -> str:
    name = f"cli/repo-{next(_names)}"
    ecr.create_repository(repositoryName=name)
    return name


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


class TestLs:
    def test_repositories_as_a_table_and_as_json(self, env: dict[str, str]) -> None:
        table = ecrtui(env, "ls")
        assert table.returncode == 0, table.stderr
        header, *rows = table.stdout.splitlines()
        assert header.split() == ["REPOSITORY", "TAGS", "SCAN", "ON", "PUSH", "ENCRYPTION", "CREATED"]
        assert any(r.startswith("platform/base ") and "immutable except latest" in r for r in rows)
        listed = json.loads(ecrtui(env, "ls", "--json").stdout)
        api = next(r for r in listed if r["name"] == "web/api")
        assert api["uri"] == "111111111111.dkr.ecr.us-east-1.amazonaws.com/web/api"
        assert api["scan_on_push"] is True

    def test_images_include_archived_ones_with_their_status(self, env: dict[str, str]) -> None:
        result = ecrtui(env, "ls", "web/api", "--profile", "demo-dev")  # global options after the command too
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].split() == ["TAGS", "DIGEST", "SIZE", "PUSHED", "(UTC)", "STATUS", "KIND"]
        assert any(line.startswith("v0.9.0 ") and " ARCHIVED " in line for line in lines)
        images = json.loads(ecrtui(env, "ls", "web/api", "--json").stdout)
        assert {"digest", "tags", "size_bytes", "pushed_at", "status", "kind"} <= set(images[0])
        pushed = [i["pushed_at"] for i in images]
        assert pushed == sorted(pushed, reverse=True)
        archived = json.loads(
            ecrtui(env, "--profile", "demo-dev", "ls", "web/api", "--status", "archived", "--json").stdout
        )
        assert [i["tags"] for i in archived] == [["v0.9.0"], ["v0.9.1"], ["v0.9.2"]][::-1]

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (["ls", "web/api:v1"], 2, "names an image; ls takes a repository"),
            (["ls", "Web/Api"], 2, "uppercase"),
            (["ls", "no/such-repo"], 1, "does not exist"),
            (["ls", "--status", "frozen"], 2, "invalid choice"),
            (["--profile", "nope", "ls"], 2, "nope"),
        ],
    )
    def test_failures_are_one_line_with_the_right_code(
        self, env: dict[str, str], args: list[str], code: int, message: str
    ) -> None:
        result = ecrtui(env, *args)
        assert result.returncode == code
        assert message in result.stderr
        assert "Traceback" not in result.stderr


class TestInspect:
    def test_summary_of_an_index(self, env: dict[str, str]) -> None:
        result = ecrtui(env, "inspect", "web/gateway:v2.1.0")
        assert result.returncode == 0, result.stderr
        assert "Kind          index" in result.stdout
        assert "linux/arm64/v8  sha256:" in result.stdout
        data = json.loads(ecrtui(env, "inspect", "web/gateway:v2.1.0", "--json").stdout)
        assert data["kind"] == "index"
        assert [p["platform"] for p in data["platforms"] if not p["attestation"]] == [
            "linux/amd64",
            "linux/arm64/v8",
        ]
        assert data["uri_tag"] == "111111111111.dkr.ecr.us-east-1.amazonaws.com/web/gateway:v2.1.0"

    def test_manifest_and_config_are_the_exact_bytes(self, env: dict[str, str]) -> None:
        summary = json.loads(ecrtui(env, "inspect", "web/api:v1.4.2", "--json").stdout)
        manifest = ecrtui(env, "inspect", "web/api:v1.4.2", "--manifest").stdout.encode()
        assert "sha256:" + hashlib.sha256(manifest).hexdigest() == summary["digest"]
        config_digest = json.loads(manifest)["config"]["digest"]
        config = ecrtui(env, "inspect", "web/api:v1.4.2", "--config").stdout.encode()
        assert "sha256:" + hashlib.sha256(config).hexdigest() == config_digest
        assert json.loads(config)["config"]["Labels"]["org.opencontainers.image.version"] == "v1.4.2"

    def test_layers_with_their_steps(self, env: dict[str, str]) -> None:
        layers = json.loads(ecrtui(env, "inspect", "web/api:v1.4.2", "--layers", "--json").stdout)
        assert [layer["index"] for layer in layers] == list(range(len(layers)))
        assert any("pip install" in (layer["created_by"] or "") for layer in layers)
        table = ecrtui(env, "inspect", "web/api:v1.4.2", "--layers").stdout.splitlines()
        assert table[0].split() == ["#", "SIZE", "DIGEST", "STEP"]
        assert len(table) == len(layers) + 1

    def test_what_an_index_does_not_have(self, env: dict[str, str]) -> None:
        result = ecrtui(env, "inspect", "web/gateway:v2.1.0", "--config")
        assert result.returncode == 1
        assert "an index has no image config: inspect a platform, e.g. web/gateway@sha256:" in one_line(
            result
        )

    @pytest.mark.parametrize(
        ("image", "code"),
        [("web/api:v9.9.9", 1), ("web/api", 2), ("docker.io/library/nginx:1", 2), ("web/api:v1 x", 2)],
    )
    def test_bad_images(self, env: dict[str, str], image: str, code: int) -> None:
        result = ecrtui(env, "inspect", image)
        assert result.returncode == code
        assert one_line(result).startswith("ecrtui inspect: ")


class TestChanges:
    def test_tag_moves_and_an_immutable_tag_is_refused(self, env: dict[str, str], ecr: Any) -> None:
        name = new_repository(ecr)
        push_image(ecr, name, "one", tag="v1")
        two = push_image(ecr, name, "two", tag="v2")
        moved = ecrtui(env, "tag", f"{name}:v2", "v1")
        assert moved.returncode == 0, moved.stderr
        assert "v1 moves from v1" in moved.stdout
        assert "loses its only tag and stays, untagged" in moved.stdout
        assert f"ok: {name}:v1" in moved.stdout
        ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="IMMUTABLE")
        refused = ecrtui(env, "tag", f"{name}@{two.digest}", "v1", "--json")
        assert refused.returncode == 0  # already there: nothing to do
        ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="MUTABLE")
        push_image(ecr, name, "three", tag="v3")
        ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="IMMUTABLE")
        blocked = ecrtui(env, "tag", f"{name}:v3", "v1", "--json")
        assert blocked.returncode == 1
        report = json.loads(blocked.stdout)
        assert report["ok"] is False
        assert report["outcomes"][0]["results"][0]["status"] == "refused"
        assert "cannot move" in blocked.stderr  # the plan goes to stderr with --json
        bad = ecrtui(env, "tag", f"{name}:v3", "bad tag")
        assert bad.returncode == 2
        assert "contains a space" in one_line(bad)

    def test_rm_needs_yes_off_a_terminal_and_reports_each_image(self, env: dict[str, str], ecr: Any) -> None:
        name = new_repository(ecr)
        amd = push_image(ecr, name, "amd")
        push_index(ecr, name, [(amd, "amd64")], tag="multi")
        loose = push_image(ecr, name, "loose", tag="loose")
        refused = ecrtui(env, "rm", f"{name}:loose")
        assert refused.returncode == 2
        assert "refused without --yes (not a terminal)" in refused.stderr
        assert ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": "loose"}])["imageDetails"]
        result = ecrtui(env, "rm", f"{name}:loose", f"{name}@{amd.digest}", "--yes", "--json")
        assert result.returncode == 1  # the platform image is refused: its index stays
        report = json.loads(result.stdout)
        statuses = {r["target"]: (r["status"], r["code"]) for o in report["outcomes"] for r in o["results"]}
        assert statuses == {
            f"{name}@{loose.digest}": ("ok", None),
            f"{name}@{amd.digest}": ("refused", "ImageReferencedByManifestList"),
        }
        assert "tags that disappear: loose" in result.stderr

    def test_rm_asks_on_a_terminal_and_no_is_the_default(self, env: dict[str, str], ecr: Any) -> None:
        name = new_repository(ecr)
        push_image(ecr, name, "asked", tag="asked")
        for answer, code in ((b"\n", 1), (b"y\n", 0)):
            leader, follower = pty.openpty()
            try:
                os.write(leader, answer)
                result = ecrtui(env, "rm", f"{name}:asked", stdin=follower)
            finally:
                os.close(follower)
                os.close(leader)
            assert result.returncode == code, result.stderr
            assert f"Delete 1 image from {name}? [y/N]" in result.stderr
        assert ecr.describe_images(repositoryName=name)["imageDetails"] == []

    def test_untag_of_a_last_tag_asks_and_deletes(self, env: dict[str, str], ecr: Any) -> None:
        name = new_repository(ecr)
        push_image(ecr, name, "last", tag="last")
        refused = ecrtui(env, "untag", f"{name}:last")
        assert refused.returncode == 2
        result = ecrtui(env, "untag", f"{name}:last", "--yes")
        assert result.returncode == 0, result.stderr
        assert "ECR deletes the image with it" in result.stdout
        assert ecr.describe_images(repositoryName=name)["imageDetails"] == []
        no_tag = ecrtui(env, "untag", f"{name}@sha256:{'0' * 64}")
        assert no_tag.returncode == 2
        assert "names no tag" in one_line(no_tag)

    def test_archive_and_restore(self, env: dict[str, str], ecr: Any) -> None:
        name = new_repository(ecr)
        push_image(ecr, name, "cold", tag="cold")
        archived = ecrtui(env, "archive", f"{name}:cold", "--yes")
        assert archived.returncode == 0, archived.stderr
        assert "at least 90 days" in archived.stdout
        assert "now ARCHIVED" in archived.stdout
        again = ecrtui(env, "archive", f"{name}:cold", "--yes")
        assert again.returncode == 0
        assert again.stdout.startswith("nothing changed: ")  # one line: what, and why
        assert again.stdout.rstrip().endswith(": already archived")
        restored = ecrtui(env, "restore", f"{name}:cold", "--json")
        assert restored.returncode == 0, restored.stderr
        assert json.loads(restored.stdout)["outcomes"][0]["results"][0]["message"] == "now ACTIVATING"
        listed = json.loads(ecrtui(env, "ls", name, "--json").stdout)
        assert listed[0]["status"] in ("ACTIVATING", "ACTIVE")

    def test_read_only_refuses_with_exit_1(self, env: dict[str, str], ecr: Any) -> None:
        name = new_repository(ecr)
        push_image(ecr, name, "kept", tag="kept")
        for args in (["--read-only", "rm", f"{name}:kept"], ["rm", f"{name}:kept", "--read-only", "--yes"]):
            result = ecrtui(env, *args)
            assert result.returncode == 1
            assert "refused: " in result.stderr
            assert "Read-only mode: BatchDeleteImage is not allowed" in result.stderr
        result = ecrtui({**env, "ECRTUI_READ_ONLY": "1"}, "tag", f"{name}:kept", "other")
        assert result.returncode == 1
        assert "Read-only mode: PutImage is not allowed" in result.stderr
        assert ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": "kept"}])["imageDetails"]


def test_audit_lists_what_the_commands_did(env: dict[str, str], ecr: Any, state_dir: Path) -> None:
    name = new_repository(ecr)
    push_image(ecr, name, "audited", tag="a")
    assert ecrtui(env, "tag", f"{name}:a", "b").returncode == 0
    entries = json.loads(ecrtui(env, "audit", "--json", "-n", "1").stdout)
    assert len(entries) == 1
    assert {k: entries[0][k] for k in ("profile", "account", "region", "action", "target", "result")} == {
        "profile": "demo-dev",
        "account": "111111111111",
        "region": "us-east-1",
        "action": "tag",
        "target": f"{name}:b",
        "result": "ok",
    }
    assert (state_dir / "ecrtui" / "audit.jsonl").exists()
    table = ecrtui(env, "audit").stdout.splitlines()
    assert table[0].split()[:3] == ["TIME", "(UTC)", "PROFILE"]
    assert table[-1].split()[-2:] == [f"{name}:b", "ok"]
