"""End the app cleanly when its terminal goes away (SIGHUP) or it is told to stop (SIGTERM).

The default action of both signals ends the process at once: no ``finally`` runs, so ``ecrtui --demo`` would leave
its blob spill files (megabytes) and its profile directory (a credentials file) in the temp dir. Handling SIGHUP
takes more than asking the app to exit, because the terminal is gone:

- writing to a hung-up terminal fails with EIO, which kills Textual's writer thread, and the app's next writes
  then wait forever for room in that thread's queue; so the terminal's descriptors are pointed at ``/dev/null``;
- the kernel follows the SIGHUP with a SIGCONT to the session leader, on which Textual restarts application mode
  (a new writer on the dead terminal); so SIGCONT is ignored from then on;
- and if the app still has not ended after a grace period, the cleanup runs anyway and the process exits.

No Textual import: the app is reached through the ``quit_app`` callable (``App.exit``).
"""

from __future__ import annotations

import asyncio
import atexit
import os
import signal
import threading
from collections.abc import Callable

__all__ = ["GRACE_SECONDS", "exit_on_hangup"]

GRACE_SECONDS = 10.0
"""How long the app gets to end by itself after the signal before the cleanup runs without it."""


def exit_on_hangup(
    quit_app: Callable[[], object], cleanup: Callable[[], None], *, grace: float = GRACE_SECONDS
) -> None:
    """On SIGHUP or SIGTERM: end the app as ``q`` does; ``cleanup`` runs after ``grace`` seconds if it has not.

    The handler runs on the main thread, which is the app's event loop thread: it schedules ``quit_app`` on the
    loop rather than calling it in the middle of whatever the loop was doing.
    """
    started = threading.Event()

    def handler(number: int, frame: object) -> None:
        if number == signal.SIGHUP:
            _forget_the_terminal()
        if not started.is_set():
            started.set()
            _last_resort(cleanup, grace, 128 + number)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not running yet, or already stopped: leave through the normal exit path
            raise SystemExit(128 + number) from None
        loop.call_soon_threadsafe(quit_app)

    for number in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, handler)


def _forget_the_terminal() -> None:
    """Reads and writes of the terminal now go to ``/dev/null``; a SIGCONT resumes nothing."""
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for descriptor in (0, 1, 2):
            os.dup2(null, descriptor)
    finally:
        os.close(null)
    signal.signal(signal.SIGCONT, lambda number, frame: None)


def _last_resort(cleanup: Callable[[], None], grace: float, code: int) -> None:
    """After ``grace`` seconds, clean up and exit even if the app is stuck (a daemon timer: gone if it ends)."""

    def give_up() -> None:
        try:
            cleanup()
            atexit._run_exitfuncs()  # the demo sandbox's blob store removes its spill files there
        finally:
            os._exit(code)

    timer = threading.Timer(grace, give_up)
    timer.daemon = True
    timer.start()
