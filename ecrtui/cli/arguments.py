"""Argument types and the parser class every command shares (standard library only: ``--help`` stays instant)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

__all__ = ["OneLineParser", "UsageExit", "positive_int"]


def positive_int(text: str) -> int:
    """An ``int`` of at least 1 (``-n 0`` would ask for nothing and look like an empty result)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class UsageExit(SystemExit):
    """argparse refused the command line (exit 2); ``line`` is the one line it printed on stderr."""

    def __init__(self, line: str) -> None:
        super().__init__(2)
        self.line = line


class OneLineParser(argparse.ArgumentParser):
    """A parser whose usage errors are one line on stderr and exit code 2, as every other refusal of ecrtui.

    argparse prints its whole usage block (4 to 8 lines for a command with many options) above the message; the
    message is what the user needs, and ``--help`` is one command away. Subparsers inherit the class
    (``add_subparsers`` builds them with the parent's class).
    """

    def error(self, message: str) -> NoReturn:
        first = message.strip().splitlines()[0] if message.strip() else "bad usage"
        line = f"{first} ({self.prog} --help shows the options)"
        self._print_message(f"{self.prog}: {line}\n", sys.stderr)
        raise UsageExit(line)
