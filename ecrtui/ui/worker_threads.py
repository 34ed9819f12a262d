"""The threads Textual's thread workers run in: one daemon thread per task, so quitting never waits for them.

Textual runs a thread worker with ``loop.run_in_executor(None, ...)``, and at exit ``asyncio.run`` waits for the
default executor's threads. A worker stuck in a network call (an endpoint that accepts and never answers: botocore
gives up only after its read timeout times its attempts, minutes) would then hold ``q`` on a blank screen, and
Ctrl-C would print the interpreter's own traceback. These threads are daemons and nobody joins them: the App
quits at once. Work that must not be cut short (a copy) is cancelled and waited for by its own controller before
the App exits; cutting a read off mid-way loses nothing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class DaemonThreadExecutor(ThreadPoolExecutor):
    """Runs each call in a new daemon thread; ``shutdown`` never waits. (A ``ThreadPoolExecutor`` only because
    asyncio accepts nothing else as a default executor; its pool is never used.)"""

    def __init__(self, name: str = "ecrtui-worker") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._name = name
        self._shut = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._shut:
            raise RuntimeError("cannot schedule new work after shutdown")
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # handed to whoever awaits the future
                future.set_exception(error)
            else:
                future.set_result(result)

        threading.Thread(target=run, name=self._name, daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shut = True


def use_daemon_worker_threads() -> None:
    """Make the running event loop's default executor a ``DaemonThreadExecutor`` (call from the App's loop)."""
    asyncio.get_running_loop().set_default_executor(DaemonThreadExecutor())
