"""``ecrtui untag IMAGE``: remove the tag IMAGE names (``REPOSITORY:TAG``).

ECR deletes an image with its last tag: the command says so and then asks (``--yes`` when not on a terminal); it
refuses, before sending, when an index lists that image (ECR would answer ``ImageReferencedByManifestList``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ecrtui.cli.changes import add_change_options, open_manager, run_plans
from ecrtui.cli.common import EXIT_USAGE, CommandError, guarded


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "untag",
        parents=parents,
        help="remove a tag (an image's last tag deletes the image)",
        description="Remove the tag IMAGE names (REPOSITORY:TAG or a full image URI with a tag).",
    )
    parser.add_argument("image", metavar="IMAGE", help="REPOSITORY:TAG")
    add_change_options(parser)
    parser.set_defaults(run=lambda args: guarded("untag", lambda: run_untag(args), json_output=args.json))
    return parser


def run_untag(args: argparse.Namespace) -> int:
    from ecrtui.ecr.refs import parse_image_query

    manager = open_manager(args)
    tag = parse_image_query(args.image).ref.tag
    if tag is None:
        raise CommandError(f"'{args.image}' names no tag (write REPOSITORY:TAG)", EXIT_USAGE)
    image = manager.resolve_image(args.image)
    plan = manager.plan_untag(image.repository, image.summary, tag)
    return run_plans(manager, [plan], args)
