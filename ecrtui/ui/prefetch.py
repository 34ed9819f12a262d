"""Read an iterator of pages one step ahead in a helper thread, so the next request overlaps this page's work.

A repository of 100,000 images is 100 sequential ``DescribeImages`` calls. Without read-ahead, the worker that
turns a page into rows waits for the next response only after it finished the current page; with it, the
server's time and the UI's time overlap, which is what keeps the full listing close to raw boto3 paging.
Pure Python (no Textual); cancellation is a plain ``threading.Event``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar, cast

T = TypeVar("T")

POLL_SECONDS = 0.05
"""How often a blocked producer or consumer looks at the cancel event."""


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_DONE = object()


def read_ahead(
    pages: Iterator[T], cancel: threading.Event, depth: int = 2, tick: float | None = None
) -> Iterator[T | None]:
    """Yield ``pages`` in order while a daemon thread fetches up to ``depth`` pages ahead.

    With ``tick``, ``None`` is yielded whenever no page arrived for ``tick`` seconds, so a consumer that
    batches pages can flush what it holds. An exception raised by ``pages`` is re-raised here, in the
    consumer's thread. Setting ``cancel`` stops both sides at the next page boundary (the producer's current
    request is allowed to finish).
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)

    stopped = threading.Event()
    """Set when the consumer goes away (finished, failed or closed), so the producer never blocks forever."""

    def put(item: object) -> bool:
        while not (cancel.is_set() or stopped.is_set()):
            try:
                buffer.put(item, timeout=POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for page in pages:
                if not put(page):
                    close = getattr(pages, "close", None)
                    if close is not None:
                        close()  # let a generator clean up (from the thread that iterates it)
                    return
        except BaseException as error:  # handed to the consumer, which re-raises it
            put(_Failed(error))
            return
        put(_DONE)

    threading.Thread(target=produce, name="ecrtui-read-ahead", daemon=True).start()
    try:
        waited = 0.0
        while not cancel.is_set():
            try:
                item = buffer.get(timeout=POLL_SECONDS)
            except queue.Empty:
                waited += POLL_SECONDS
                if tick is not None and waited >= tick:
                    waited = 0.0
                    yield None
                continue
            waited = 0.0
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield cast(T, item)
    finally:
        stopped.set()
