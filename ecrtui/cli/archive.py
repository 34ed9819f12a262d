"""``ecrtui archive IMAGE...``: move images to ECR's archive storage class (asks first: it is charged).

Archived images cost at least 90 days of archive storage even when restored or deleted sooner, cannot be pulled or
scanned, and are listed only when asked for (``ecrtui ls REPOSITORY`` shows them with their status). Images
already archived are skipped.
"""

from __future__ import annotations

import argparse
from typing import Any

from ecrtui.cli.changes import add_change_options, group_by_repository, open_manager, run_plans
from ecrtui.cli.common import guarded


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "archive",
        parents=parents,
        help="archive images (asks first: a 90-day minimum charge applies)",
        description="Move images to the archive storage class (UpdateImageStorageClass ARCHIVE).",
    )
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="images to archive")
    add_change_options(parser)
    parser.set_defaults(run=lambda args: guarded("archive", lambda: run_archive(args), json_output=args.json))
    return parser


def run_archive(args: argparse.Namespace) -> int:
    manager = open_manager(args)
    groups = group_by_repository(manager.resolve_images(args.images))
    plans = [manager.plan_archive(g[0].repository, [i.summary for i in g]) for g in groups]
    return run_plans(manager, plans, args)
