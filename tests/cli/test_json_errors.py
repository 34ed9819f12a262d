"""``--json`` failures: one JSON object on stdout (``error``, ``exit_code``) and the same line on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.cli_run import cli_env, ecrtui, one_line


@pytest.fixture(scope="module")
def env(demo_sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return cli_env(demo_sandbox, tmp_path_factory.mktemp("state"))


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["ls", "no/such-repo"], 1, "does not exist"),
        (["ls", "web/api:v1"], 2, "names an image"),
        (["ls", "--status", "frozen"], 2, "invalid choice"),
        (["inspect", "web/api:no-such-tag"], 1, "no-such-tag"),
        (["copy", "web/api", "web/api-copy"], 2, "names a repository"),
        (["replication", "status", "web/api"], 2, "name a tag or a digest"),
        (["tag", "web/api:nope", "v9"], 1, "nope"),
        (["archive", "Web/Api:x", "--yes"], 2, "uppercase"),
        (["audit", "-n", "0"], 2, "at least 1"),
    ],
)
def test_a_failure_prints_one_json_object_and_one_line(
    env: dict[str, str], args: list[str], code: int, words: str
) -> None:
    result = ecrtui(env, *args, "--json")
    assert result.returncode == code, result.stderr
    line = one_line(result)
    assert words in line
    document = json.loads(result.stdout)
    assert document == {"error": document["error"], "exit_code": code}
    assert document["error"] in line


def test_without_json_stdout_stays_empty(env: dict[str, str]) -> None:
    result = ecrtui(env, "ls", "no/such-repo")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "does not exist" in one_line(result)


def test_success_is_unchanged(env: dict[str, str], tmp_path: Path) -> None:
    result = ecrtui(env, "ls", "--json")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
