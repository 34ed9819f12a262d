"""Two things every changing command does the same way.

A change that destroys or costs, run without a terminal and without ``--yes``, is refused as bad usage (exit 2:
the run lacks the flag that says yes), with one line and nothing sent: ``untag`` of an image's last tag, ``rm``,
``archive`` and ``replication set`` alike. A change with nothing to do (archiving an image already archived)
prints one ``nothing changed:`` line with the reason, no plan and no notes, and exits 0; ``--json`` says
``"changed": false``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecrtui.sandbox import seed
from tests.cli.cli_run import audit_entries, cli_env, ecrtui, one_line

API = seed.API_REPOSITORY
ETL = seed.ETL_REPOSITORY


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("state")


@pytest.fixture(scope="module")
def env(rw_sandbox: Any, state: Path) -> dict[str, str]:
    return cli_env(rw_sandbox, state)


def tags_of(env: dict[str, str], repository: str) -> str:
    listed = ecrtui(env, "ls", repository, "--json")
    assert listed.returncode == 0, listed.stderr
    return json.dumps([image["tags"] for image in json.loads(listed.stdout)])


@pytest.mark.parametrize(
    ("command", "wanted"),
    [
        (("untag", f"{ETL}:1.8.0"), "Remove tag 1.8.0 from data/etl"),
        (("rm", f"{ETL}:1.7.2"), "Delete 1 image from data/etl"),
        (("archive", f"{ETL}:1.7.1"), "Archive 1 image in data/etl"),
    ],
)
def test_a_change_that_needs_yes_is_refused_as_bad_usage_without_a_terminal(
    env: dict[str, str], state: Path, command: tuple[str, ...], wanted: str
) -> None:
    before_tags = tags_of(env, ETL)
    before_audit = len(audit_entries(state))
    result = ecrtui(env, *command)
    assert result.returncode == 2, result.stderr
    assert wanted in result.stdout  # the plan is shown first
    line = one_line(result)
    assert line.startswith(f"ecrtui {command[0]}: {wanted}")
    assert line.endswith(": refused without --yes (not a terminal)")
    assert tags_of(env, ETL) == before_tags
    assert len(audit_entries(state)) == before_audit


def test_untag_of_the_last_tag_with_yes_deletes_the_image(env: dict[str, str]) -> None:
    result = ecrtui(env, "untag", f"{ETL}:1.6.1", "--yes")
    assert result.returncode == 0, result.stderr
    assert "ECR deletes the image with it" in result.stdout
    assert '"1.6.1"' not in tags_of(env, ETL)


def test_archiving_an_archived_image_says_nothing_changed_and_why(env: dict[str, str]) -> None:
    result = ecrtui(env, "archive", f"{API}:v0.9.2")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [line] = result.stdout.splitlines()
    assert line.startswith(f"nothing changed: {API}@sha256:")
    assert line.endswith(": already archived")


def test_restoring_an_active_image_says_nothing_changed_and_why(env: dict[str, str]) -> None:
    result = ecrtui(env, "restore", f"{API}:v1.4.2")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert line.startswith(f"nothing changed: {API}@sha256:")
    assert line.endswith(": not archived")


def test_json_reports_an_unchanged_archive_as_unchanged(env: dict[str, str]) -> None:
    result = ecrtui(env, "archive", f"{API}:v0.9.2", f"{API}:v0.9.1", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["ok"], document["changed"]) == (True, False)
    [outcome] = document["outcomes"]
    assert outcome["changed"] is False
    assert [(r["status"], r["message"]) for r in outcome["results"]] == [("skipped", "already archived")] * 2
    assert "note:" not in result.stderr  # the 90-day charge is about a change that is not made


def test_a_real_archive_still_shows_its_plan_and_notes_and_json_says_changed(env: dict[str, str]) -> None:
    result = ecrtui(env, "archive", f"{ETL}:1.7.0", f"{API}:v0.9.0", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    assert "note: ECR charges an archived image for at least 90 days" in result.stderr
    document = json.loads(result.stdout)
    assert document["changed"] is True
    assert [o["changed"] for o in document["outcomes"]] == [True, False]
