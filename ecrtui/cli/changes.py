"""What the changing commands (``tag``, ``untag``, ``rm``, ``archive``, ``restore``) share: opening a ``Manager``,
showing the plan, confirming, executing and reporting.

The plan is printed before anything is sent (to stderr with ``--json``, so stdout holds only the result). A plan
that destroys or costs is confirmed on a terminal, and needs ``--yes`` otherwise. Each target's result is one line
(``ok``, ``failed``, ``refused``, ``skipped``); any failure or refusal makes the exit code 1. A plan with nothing to
send (archiving an image already archived) prints no plan, only one ``nothing changed:`` line with the reason, and
exits 0; ``--json`` says ``"changed": false``. Only the standard library at import time (``ecrtui --help`` builds
these parsers).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ecrtui.cli.common import EXIT_FAILED, EXIT_OK, confirm, open_service, print_json

if TYPE_CHECKING:
    from ecrtui.manage import Manager, Outcome, Plan, ResolvedImage

__all__ = ["add_change_options", "group_by_repository", "open_manager", "run_plans"]


def add_change_options(parser: argparse.ArgumentParser) -> None:
    """``--yes`` and ``--json`` for a command that changes ECR."""
    parser.add_argument(
        "--yes", "-y", action="store_true", help="do not ask before changes that destroy or cost"
    )
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")


def open_manager(args: argparse.Namespace) -> Manager:
    """A ``Manager`` on the registry the global options name, writing to the user's audit log."""
    from ecrtui.ecr.cache import CachedEcr
    from ecrtui.manage import AuditLog, Manager

    service = open_service(args)
    return Manager(CachedEcr(service), audit=AuditLog())


def group_by_repository(images: Sequence[ResolvedImage]) -> list[list[ResolvedImage]]:
    """Images grouped by repository (one plan each), in the order first named."""
    groups: dict[tuple[str, str], list[ResolvedImage]] = {}
    for image in images:
        key = (image.repository.registry_id, image.repository.name)
        groups.setdefault(key, []).append(image)
    return list(groups.values())


def _unchanged(plan: Plan) -> bool:
    """Nothing will be sent and nothing refused: every target is already as asked."""
    return plan.nothing_to_do and not plan.refusals


def _changed(outcome: Outcome) -> bool:
    """Whether any target of the outcome was changed."""
    return any(item.status == "ok" for item in outcome.items)


def _nothing_changed_line(outcome: Outcome) -> str:
    """One line for an outcome where every target was skipped: what, and why."""
    reasons = "; ".join(f"{item.target}: {item.message}" for item in outcome.items)
    return f"nothing changed: {reasons or outcome.title}"


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "action": outcome.action,
        "title": outcome.title,
        "ok": outcome.ok,
        "changed": _changed(outcome),
        "results": [
            {"target": i.target, "status": i.status, "message": i.message, "code": i.code}
            for i in outcome.items
        ],
    }


def run_plans(
    manager: Manager,
    plans: Sequence[Plan],
    args: argparse.Namespace,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Show the plans, confirm if they destroy or cost, execute them, report; the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    shown = err if args.json else out
    for plan in plans:
        if not _unchanged(plan):
            print("\n".join(plan.describe()), file=shown)
    if any(p.needs_confirmation for p in plans) and not manager.read_only:
        question = f"{plans[0].title}?" if len(plans) == 1 else f"Make the {len(plans)} changes above?"
        confirm(question, assume_yes=args.yes)
    outcomes = [manager.execute(plan) for plan in plans]
    ok = all(o.ok for o in outcomes)
    if args.json:
        changed = any(_changed(o) for o in outcomes)
        print_json({"ok": ok, "changed": changed, "outcomes": [_outcome_json(o) for o in outcomes]}, out)
    else:
        for plan, outcome in zip(plans, outcomes, strict=True):
            if _unchanged(plan) and all(item.status == "skipped" for item in outcome.items):
                print(_nothing_changed_line(outcome), file=out)
                continue
            for item in outcome.items:
                line = f"{item.status}: {item.target}" + (f": {item.message}" if item.message else "")
                print(line, file=out if item.status in ("ok", "skipped") else err)
    return EXIT_OK if ok else EXIT_FAILED
