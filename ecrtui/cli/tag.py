"""``ecrtui tag IMAGE NEW_TAG``: point a tag at an image (a new tag, or one moved from another image).

Moving a tag says which image loses it; a tag the repository keeps immutable (exclusion filters honoured) is
refused before anything is sent. Exit 0 when the tag points at the image (already did included), 1 when refused or
failed, 2 for a bad reference or tag.
"""

from __future__ import annotations

import argparse
from typing import Any

from ecrtui.cli.changes import add_change_options, open_manager, run_plans
from ecrtui.cli.common import guarded


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "tag",
        parents=parents,
        help="point a tag at an image",
        description="Point NEW_TAG at IMAGE (REPOSITORY:TAG, REPOSITORY@DIGEST or a full image URI).",
    )
    parser.add_argument("image", metavar="IMAGE", help="the image to tag")
    parser.add_argument("new_tag", metavar="NEW_TAG", help="the tag to add or move")
    add_change_options(parser)
    parser.set_defaults(run=lambda args: guarded("tag", lambda: run_tag(args), json_output=args.json))
    return parser


def run_tag(args: argparse.Namespace) -> int:
    manager = open_manager(args)
    image = manager.resolve_image(args.image)
    plan = manager.plan_tag(image.repository, image.summary, args.new_tag)
    return run_plans(manager, [plan], args)
