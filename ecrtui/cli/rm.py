"""``ecrtui rm IMAGE...``: delete images by digest, with every tag they carry.

The plan names the tags that disappear, the images ECR would refuse to delete because an index that stays lists
them (not sent), the referrers left without their subject and the archive charge of archived images; then it asks
(``--yes`` when not on a terminal). Deletions go in ``BatchDeleteImage`` calls of at most 100, indexes first, and
each image's result is reported.
"""

from __future__ import annotations

import argparse
from typing import Any

from ecrtui.cli.changes import add_change_options, group_by_repository, open_manager, run_plans
from ecrtui.cli.common import guarded


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "rm",
        parents=parents,
        help="delete images (asks first)",
        description="Delete images (REPOSITORY:TAG, REPOSITORY@DIGEST or full URIs) with all their tags.",
    )
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="images to delete")
    add_change_options(parser)
    parser.set_defaults(run=lambda args: guarded("rm", lambda: run_rm(args), json_output=args.json))
    return parser


def run_rm(args: argparse.Namespace) -> int:
    manager = open_manager(args)
    groups = group_by_repository(manager.resolve_images(args.images))
    plans = [manager.plan_delete_images(g[0].repository, [i.summary for i in g]) for g in groups]
    return run_plans(manager, plans, args)
