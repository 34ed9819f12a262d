"""Unit tests of the read-ahead used by the Images pane's worker (ecrtui.ui.prefetch)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ecrtui.ecr.errors import Throttled
from ecrtui.ui.prefetch import read_ahead


def test_pages_arrive_in_order_and_all_of_them() -> None:
    pages = [[n, n + 1] for n in range(0, 20, 2)]
    assert list(read_ahead(iter(pages), threading.Event())) == pages


def test_an_error_from_the_pages_is_raised_in_the_consumer_after_the_good_pages() -> None:
    def pages() -> Iterator[int]:
        yield 1
        yield 2
        raise Throttled("Rate exceeded: slow down")

    reader = read_ahead(pages(), threading.Event())
    assert [next(reader), next(reader)] == [1, 2]
    with pytest.raises(Throttled, match="Rate exceeded"):
        next(reader)


def test_the_producer_stays_at_most_depth_pages_ahead_and_cancel_stops_it() -> None:
    produced: list[int] = []
    cancel = threading.Event()

    def pages() -> Iterator[int]:
        for number in range(100):
            produced.append(number)
            yield number

    reader = read_ahead(pages(), cancel, depth=2)
    assert next(reader) == 0
    cancel.set()
    assert list(reader) == []
    assert len(produced) <= 5, "a cancelled read-ahead does not page through the whole repository"


def test_tick_reports_idle_time_so_a_batching_consumer_can_flush() -> None:
    gate = threading.Event()

    def pages() -> Iterator[str]:
        yield "first"
        gate.wait(10)
        yield "second"

    seen: list[str | None] = []
    for item in read_ahead(pages(), threading.Event(), tick=0.05):
        seen.append(item)
        if item is None:
            gate.set()
    assert seen[0] == "first"
    assert None in seen
    assert seen[-1] == "second"


def test_a_consumer_that_stops_early_releases_the_producer() -> None:
    finished = threading.Event()

    def pages() -> Iterator[int]:
        try:
            yield from range(100)
        finally:
            finished.set()

    reader = read_ahead(pages(), threading.Event(), depth=1)
    assert next(reader) == 0
    reader.close()  # e.g. the worker failed while formatting a page
    assert finished.wait(5), "the producer thread ends instead of waiting forever on a full buffer"
