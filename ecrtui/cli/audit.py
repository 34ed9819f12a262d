"""``ecrtui audit``: the latest entries of the audit log (every change ecrtui made or tried, and how it ended).

Reads the log under the user state directory; no AWS call is made.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ecrtui.cli.arguments import positive_int
from ecrtui.cli.common import EXIT_OK, guarded, print_json
from ecrtui.cli.tables import print_table


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "audit",
        help="show the audit log of changes",
        description="Show the latest entries of ecrtui's audit log (changes made or tried, newest last).",
    )
    parser.add_argument(
        "-n",
        "--last",
        type=positive_int,
        default=20,
        metavar="N",
        help="how many entries (at least 1; default 20)",
    )
    parser.add_argument("--all", action="store_true", help="every entry")
    parser.add_argument("--json", action="store_true", help="print a JSON array, one object per entry")
    parser.set_defaults(run=lambda args: guarded("audit", lambda: run_audit(args), json_output=args.json))
    return parser


def run_audit(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ecrtui.manage.audit import AuditLog

    log = AuditLog()
    entries = log.read(None if args.all else args.last)
    if args.json:
        print_json([asdict(e) for e in entries])
        return EXIT_OK
    if not entries:
        print(f"no changes recorded yet ({log.path})", file=sys.stderr)
        return EXIT_OK
    rows = [
        (
            e.time.strftime("%Y-%m-%d %H:%M:%S"),
            e.profile or "-",
            f"{e.account}/{e.region}",
            e.action,
            e.target,
            e.result,
        )
        for e in entries
    ]
    print_table(("TIME (UTC)", "PROFILE", "REGISTRY", "ACTION", "TARGET", "RESULT"), rows, sys.stdout)
    return EXIT_OK
