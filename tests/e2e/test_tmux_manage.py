"""End to end: a change made in ``ecrtui --demo`` in a real terminal (tmux) with real keys: tag an image through
its review, see the list reloaded, read it in the audit log viewer, and find it in the audit file under the
(test's own) home directory."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_tmux import DEMO_REPOSITORIES_TITLE, Terminal, pytestmark, terminal

__all__ = ["pytestmark", "terminal"]  # the e2e marks and the tmux fixture


def test_a_tag_made_with_keys_is_reviewed_listed_and_audited(terminal: tuple[Terminal, Path]) -> None:
    term, exit_file = terminal
    term.wait_for(lambda s: DEMO_REPOSITORIES_TITLE in s, "the demo's repositories")
    term.keys("/", "w", "e", "b", "/", "a", "p", "i", "Enter")  # filter the repositories to web/api
    term.wait_for(lambda s: "filter: web/api" in s, "web/api found")
    term.keys("Enter")
    term.wait_for(lambda s: "Images (" in s and "· web/api" in s, "the images of web/api")
    term.keys("/", "v", "1", ".", "3", ".", "0", "Enter")
    term.wait_for(lambda s: "filter: v1.3.0" in s, "v1.3.0 alone")
    term.keys("t")
    term.wait_for(lambda s: "New or existing tag" in s, "the tag prompt")
    term.keys("e", "2", "e", " ")
    term.wait_for(lambda s: "contains a space" in s, "the tag checked as typed")
    term.keys("BSpace", "Enter")
    term.wait_for(lambda s: "e2e is new in web/api" in s and "y: tag" in s, "the review")
    term.keys("y")
    term.wait_for(lambda s: "v1.3.0, e2e" in s, "the list reloaded with the new tag")
    term.keys("H")
    term.wait_for(lambda s: "Audit log" in s and "web/api:e2e" in s, "the change in the audit log viewer")
    term.keys("Escape")
    term.wait_for(lambda s: "Audit log" not in s, "the viewer closed")
    audit = exit_file.parent / "home" / ".local" / "state" / "ecrtui" / "audit.jsonl"
    (entry,) = [json.loads(line) for line in audit.read_text().splitlines()]
    assert (entry["action"], entry["target"], entry["result"], entry["profile"]) == (
        "tag",
        "web/api:e2e",
        "ok",
        "demo-dev",
    )
