"""What every headless command shares: global options, exit codes, opening a service, errors, output, prompts.

Only the standard library at import time: ``ecrtui --help`` builds every subcommand's parser and must stay instant
(no boto3, no Textual, no Rich). The data layer is imported inside the functions that need it.

Exit codes, the same for every command: 0 success (nothing to do included), 1 the action failed (one clear line on
stderr), 2 bad usage (argparse's own code) or a bad reference, 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from ecrtui.config import Settings
    from ecrtui.ecr.service import EcrService

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CommandError",
    "add_global_options",
    "confirm",
    "exit_code_for",
    "global_options_parent",
    "guarded",
    "open_service",
    "print_error_json",
    "print_json",
    "settings_from",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A refusal the command itself decides (``str()`` is the one line shown); ``code`` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """``--profile``, ``--region``, ``--endpoint-url``, ``--read-only`` and ``--config``.

    The top-level parser gets real defaults; every subcommand gets the same options with ``suppress`` (no default
    at all), so ``ecrtui --profile P ls`` and ``ecrtui ls --profile P`` both work and one never resets the other.
    """

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--profile", metavar="P", default=default(None), help="AWS profile (default: AWS_PROFILE or default)"
    )
    parser.add_argument(
        "--region", metavar="R", default=default(None), help="AWS region (default: the profile's region)"
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        default=default(None),
        help="ECR endpoint URL (a VPC endpoint, a local sandbox)",
    )
    parser.add_argument(
        "--read-only", action="store_true", default=default(None), help="refuse every change to ECR"
    )
    parser.add_argument(
        "--config", metavar="FILE", default=default(None), help="config file (default: the user config dir)"
    )


def global_options_parent() -> argparse.ArgumentParser:
    """A parent parser carrying the global options with no defaults, for ``add_parser(parents=[...])``."""
    parent = argparse.ArgumentParser(add_help=False)
    add_global_options(parent, suppress=True)
    return parent


def settings_from(args: argparse.Namespace) -> Settings:
    """The config file and ``ECRTUI_*`` environment, overlaid by the flags the user typed."""
    from ecrtui.config import ConfigError, apply_flags, load_settings

    try:
        settings = load_settings(Path(args.config).expanduser() if args.config else None)
    except ConfigError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    return apply_flags(settings, read_only=args.read_only)


def open_service(
    args: argparse.Namespace,
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    settings: Settings | None = None,
) -> EcrService:
    """An ``EcrService`` for the command: explicit values first, then the global options, then the AWS config.

    Read-only comes from the flag, the config file or ``ECRTUI_READ_ONLY``, and the service enforces it.
    """
    from ecrtui.ecr.service import EcrService

    settings = settings or settings_from(args)
    return EcrService(
        profile=profile or args.profile or os.environ.get("AWS_PROFILE") or None,
        region=region or args.region,
        endpoint_url=endpoint_url or args.endpoint_url,
        read_only=settings.read_only,
        on_retry=report_retries(getattr(args, "command", None) or "ecrtui"),
    )


def report_retries(command: str, stream: TextIO | None = None) -> Callable[[Any], None]:
    """Say on stderr why a command waits: a call its endpoint did not answer (or refused) is tried again.

    Without it a black-holed endpoint looks like a hang for a minute. The ``RetryNotice`` holds a host and counts
    only, never a URL's query or a credential.
    """

    def report(notice: Any) -> None:
        print(f"ecrtui {command}: {notice.describe()}, Ctrl-C stops", file=stream or sys.stderr, flush=True)

    return report


def exit_code_for(error: BaseException) -> int:
    """The exit code of a failure: 2 for bad usage (a bad reference, input or configuration), else 1."""
    from ecrtui.ecr.errors import ConfigurationError, InvalidInput
    from ecrtui.ecr.refs import InvalidReference

    if isinstance(error, CommandError):
        return error.code
    if isinstance(error, InvalidReference | ConfigurationError):
        return EXIT_USAGE
    if isinstance(error, InvalidInput) and error.operation is None:
        return EXIT_USAGE  # refused before any request: the user's input, not the service
    return EXIT_FAILED


def fail_message(error: BaseException) -> str:
    """The one line that says why a command failed, never a traceback (unexpected errors name their type)."""
    from ecrtui.ecr.errors import EcrError
    from ecrtui.ecr.refs import InvalidReference

    if isinstance(error, EcrError | CommandError | InvalidReference):
        text = str(error)
    else:
        text = f"unexpected {type(error).__name__}: {error}"
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def fail_line(command: str, error: BaseException) -> str:
    """``ecrtui COMMAND: message`` on one line."""
    return f"ecrtui {command}: {fail_message(error)}"


def guarded(
    command: str, run: Callable[[], int], *, stderr: TextIO | None = None, json_output: bool = False
) -> int:
    """Run a command body: failures become one line on stderr and an exit code; Ctrl-C exits 130.

    With ``json_output`` (the command was given ``--json``) a failure also prints one JSON object on stdout,
    ``{"error": LINE, "exit_code": N}``, so a script reading stdout always gets a document; the exit code is the same.
    """
    out = stderr or sys.stderr
    try:
        return run()
    except KeyboardInterrupt:
        return _failed(command, "cancelled", EXIT_INTERRUPTED, out, json_output)
    except BrokenPipeError:
        # The reader went away (``ecrtui ls | head``): stop quietly, as Unix tools do, and keep Python from
        # complaining when it flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:
        return _failed(command, fail_message(error), exit_code_for(error), out, json_output)


def _failed(command: str, message: str, code: int, stderr: TextIO, json_output: bool) -> int:
    print(f"ecrtui {command}: {message}", file=stderr)
    if json_output:
        print_error_json(message, code)
    return code


def print_error_json(message: str, code: int, stream: TextIO | None = None) -> None:
    """The one JSON object a ``--json`` command prints when it fails (the same message as the stderr line)."""
    print_json({"error": message, "exit_code": code}, stream)


def print_json(value: Any, stream: TextIO | None = None) -> None:
    """One JSON document on stdout (datetimes as ISO 8601 UTC, sets and tuples as lists)."""
    json.dump(value, stream or sys.stdout, default=_json_default, indent=2, sort_keys=False)
    (stream or sys.stdout).write("\n")


def _json_default(value: object) -> object:
    from datetime import UTC, datetime

    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def confirm(
    question: str, *, assume_yes: bool, stdin: TextIO | None = None, stderr: TextIO | None = None
) -> None:
    """Ask before a change that destroys or costs; ``--yes`` skips the question.

    Not interactive and no ``--yes``: refused (exit 2) rather than guessed. On a terminal anything but ``y``/``yes``
    is a no (exit 1). The question goes to stderr, so ``--json`` output stays clean.
    """
    if assume_yes:
        return
    source = stdin or sys.stdin
    out = stderr or sys.stderr
    if not source.isatty():
        raise CommandError(f"{question.rstrip('?')}: refused without --yes (not a terminal)", EXIT_USAGE)
    out.write(f"{question} [y/N] ")
    out.flush()
    answer = source.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise CommandError("not confirmed; nothing was changed", EXIT_FAILED)


@contextmanager
def interrupt_sets(event: Any, on_first: Callable[[], None] | None = None) -> Iterator[None]:
    """While the block runs, Ctrl-C sets ``event`` (a ``threading.Event``) instead of raising at a random point.

    Long jobs (a copy, a wait for replication) check the event between parts and stop cleanly; ``on_first`` says
    what that first Ctrl-C does (``stopping backfill ...``); a second Ctrl-C raises ``KeyboardInterrupt`` as usual.
    """
    import signal

    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        if event.is_set():
            signal.signal(signal.SIGINT, previous)
            raise KeyboardInterrupt
        event.set()
        if on_first is not None:
            on_first()

    try:
        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: leave Ctrl-C alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def die(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Raise ``CommandError`` (for argument checks a parser cannot express)."""
    raise CommandError(message, code)
