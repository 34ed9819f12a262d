"""Command line entry point: the TUI (no subcommand) or a headless command.

Each command lives in its own module here and registers itself with ``register(subparsers, parents)``, setting
``run`` (a function of the parsed arguments returning the exit code) as a parser default. Command modules import
only argparse at module level, so ``ecrtui --help`` stays instant; boto3, Rich, moto and Textual load only on the
path that needs them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ecrtui import __version__
from ecrtui.cli.arguments import OneLineParser, UsageExit
from ecrtui.cli.common import EXIT_USAGE, add_global_options, global_options_parent, print_error_json

COMMAND_MODULES: tuple[str, ...] = (
    "sandbox",
    "copy",
    "ls",
    "inspect",
    "tag",
    "untag",
    "rm",
    "archive",
    "restore",
    "audit",
    "login",
    "replication",
)
"""Modules of ``ecrtui.cli`` that add a subcommand, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: TUI options at the top level, subcommands below."""
    parser = OneLineParser(
        prog="ecrtui",
        description="Browse, inspect, copy and manage Amazon ECR images from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"ecrtui {__version__}")
    add_global_options(parser)
    parser.add_argument(
        "--demo", action="store_true", help="run on a local sandbox with demo data (needs ecrtui[demo])"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parents = [global_options_parent()]
    for name in COMMAND_MODULES:
        importlib.import_module(f"ecrtui.cli.{name}").register(sub, parents)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ecrtui; return the process exit code."""
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(words)
    except UsageExit as refused:
        if "--json" in words and "--" not in words[: words.index("--json")]:
            print_error_json(refused.line, EXIT_USAGE)  # a script reading stdout gets a document here too
        raise
    run = getattr(args, "run", None)
    if run is not None:
        code: int = run(args)
        return code
    from ecrtui.launch import run_tui

    return run_tui(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
