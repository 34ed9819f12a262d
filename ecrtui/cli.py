"""Command line entry point.

Parses arguments and dispatches: the TUI (default), or a headless subcommand. Heavy modules (Textual, boto3,
moto) are imported only on the path that needs them, so ``ecrtui --help`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ecrtui import __version__


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: TUI options at the top level, subcommands below."""
    parser = argparse.ArgumentParser(
        prog="ecrtui",
        description="Browse and inspect Amazon ECR registries, repositories and images from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"ecrtui {__version__}")
    parser.add_argument(
        "--profile", metavar="P", help="AWS profile to open (default: AWS_PROFILE or default)"
    )
    parser.add_argument("--region", metavar="R", help="AWS region (default: the profile's region)")
    parser.add_argument("--endpoint-url", metavar="URL", help="ECR endpoint URL (e.g. a local sandbox)")
    parser.add_argument("--read-only", action="store_true", default=None, help="refuse every change to ECR")
    parser.add_argument(
        "--demo", action="store_true", help="run on a local sandbox with demo data (needs ecrtui[demo])"
    )
    parser.add_argument("--config", metavar="FILE", help="config file (default: the user config dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from ecrtui.sandbox_cli import add_sandbox_parser

    add_sandbox_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ecrtui; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "sandbox":
        from ecrtui.sandbox_cli import run_sandbox

        return run_sandbox(args)
    from ecrtui.launch import run_tui

    return run_tui(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
