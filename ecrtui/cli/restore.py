"""``ecrtui restore IMAGE...``: bring archived images back to standard storage.

A restore is ``ACTIVATING`` for up to 20 minutes, then ``ACTIVE`` (``ecrtui ls REPOSITORY`` shows the status); the
command returns once ECR has accepted each restore. Images that are not archived are skipped.
"""

from __future__ import annotations

import argparse
from typing import Any

from ecrtui.cli.changes import add_change_options, group_by_repository, open_manager, run_plans
from ecrtui.cli.common import guarded


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "restore",
        parents=parents,
        help="restore archived images",
        description="Restore archived images to standard storage (UpdateImageStorageClass STANDARD).",
    )
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="archived images to restore")
    add_change_options(parser)
    parser.set_defaults(run=lambda args: guarded("restore", lambda: run_restore(args), json_output=args.json))
    return parser


def run_restore(args: argparse.Namespace) -> int:
    manager = open_manager(args)
    groups = group_by_repository(manager.resolve_images(args.images))
    plans = [manager.plan_restore(g[0].repository, [i.summary for i in g]) for g in groups]
    return run_plans(manager, plans, args)
