"""``ecrtui login [IMAGE...]``: the registry's ``docker login`` line, and the ``docker pull`` line of each IMAGE.

Both are built from ``GetAuthorizationToken``'s ``proxyEndpoint`` (a VPC endpoint, a China or FIPS region, or the
local sandbox each have their own host), and the login line runs ``aws ecr get-login-password`` itself: the
token is never printed. ``eval "$(ecrtui login)"`` logs docker in; the lines go to stdout, one per line.
"""

from __future__ import annotations

import argparse
from typing import Any

from ecrtui.cli.common import EXIT_OK, guarded, print_json


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "login",
        parents=parents,
        help="print the docker login line (and docker pull lines of images)",
        description="Print the registry's docker login line, built from GetAuthorizationToken's proxyEndpoint "
        "(the token itself is never printed), then the docker pull line of each IMAGE.",
    )
    parser.add_argument("images", nargs="*", metavar="IMAGE", help="REPOSITORY:TAG or REPOSITORY@DIGEST")
    parser.add_argument(
        "--registry-id", metavar="ACCOUNT", help="another account's registry (default: the profile's own)"
    )
    parser.add_argument("--by-tag", action="store_true", help="pull lines name the tag, not the digest")
    parser.add_argument("--json", action="store_true", help='one JSON object: {"login": ..., "pull": [...]}')
    parser.set_defaults(run=lambda args: guarded("login", lambda: run_login(args), json_output=args.json))
    return parser


def run_login(args: argparse.Namespace) -> int:
    from ecrtui.cli.changes import open_manager
    from ecrtui.ecr.refs import check_account

    if args.registry_id is not None:
        check_account(args.registry_id)
    manager = open_manager(args)
    login = manager.login_line(args.registry_id, endpoint_url=args.endpoint_url)
    pulls = [
        manager.pull_line(image.repository, image.summary, by_tag=args.by_tag)
        for image in manager.resolve_images(args.images)
    ]
    if args.json:
        print_json({"login": login, "pull": pulls})
    else:
        print("\n".join([login, *pulls]))
    return EXIT_OK
