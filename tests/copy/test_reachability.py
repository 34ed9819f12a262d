"""``ReachBudget``: one deadline per copy job for an endpoint that does not answer, on an injected clock (no
waiting). The endpoints are real services of the shared demo sandbox; only their identity is used here."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecrtui.copy.pacing import Backoff, retrying
from ecrtui.copy.reachability import EndpointUnreachable, ReachBudget
from ecrtui.copy.request import Side
from ecrtui.ecr.errors import NetworkError
from ecrtui.ecr.service import EcrService


class Clock:
    """Seconds that move only when a test (or a simulated call) moves them."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def sides(demo_sandbox: Any) -> tuple[Side, Side]:
    """The source (demo-dev) and the destination (demo-prod): two registries, so two endpoints."""
    dev = EcrService(session=demo_sandbox.session("demo-dev"))
    prod = EcrService(session=demo_sandbox.session("demo-prod"))
    return Side(dev, "111111111111", "web/api"), Side(prod, "222222222222", "web/api")


def dead(clock: Clock, seconds: float, calls: list[str] | None = None) -> Callable[[], str]:
    """A call to a black-holed endpoint: it takes ``seconds`` of the clock, then fails as botocore's would."""

    def call() -> str:
        if calls is not None:
            calls.append("called")
        clock.now += seconds
        raise NetworkError("Timed out waiting for http://127.0.0.1:9/ to answer", operation="PutImage")

    return call


def test_one_black_holed_call_spends_the_whole_budget_and_later_calls_make_none(
    sides: tuple[Side, Side],
) -> None:
    """The deadline counts from the start of the first failing call: a call that waited 60 s for an answer has
    spent the budget itself, so it stops the job, and no later call to that endpoint is made."""
    _, dst = sides
    clock = Clock()
    budget = ReachBudget(60, clock=clock)
    with pytest.raises(EndpointUnreachable) as stopped:
        budget.side(dst).call(dead(clock, 60))
    message = str(stopped.value)
    assert message.startswith("222222222222 in eu-west-1 unreachable for 60 s, the copy stopped: Timed out")
    assert "\n" not in message
    assert budget.stopped is stopped.value
    calls: list[str] = []
    with pytest.raises(EndpointUnreachable):
        budget.side(dst).call(dead(clock, 60, calls))
    assert calls == [], "the job gave up on the endpoint: no call is made"


def test_failures_inside_the_budget_are_the_calls_own_and_the_budget_is_shared(
    sides: tuple[Side, Side],
) -> None:
    """Two images failing 20 s each stay within 60 s and raise their own error; the third one's failure is
    past the deadline counted from the first (one budget for the job, not one per image)."""
    _, dst = sides
    clock = Clock()
    budget = ReachBudget(60, clock=clock)
    for _ in range(2):
        with pytest.raises(NetworkError) as raised:
            budget.side(dst).call(dead(clock, 20))
        assert not isinstance(raised.value, EndpointUnreachable)
    with pytest.raises(EndpointUnreachable):
        budget.side(dst).call(dead(clock, 20))


def test_an_answer_ends_the_outage_and_endpoints_are_counted_apart(sides: tuple[Side, Side]) -> None:
    src, dst = sides
    clock = Clock()
    budget = ReachBudget(60, clock=clock)
    with pytest.raises(NetworkError):
        budget.side(dst).call(dead(clock, 40))
    assert budget.side(dst).call(lambda: "answered") == "answered"
    with pytest.raises(NetworkError) as again:
        budget.side(dst).call(dead(clock, 40))  # 80 s since the first failure, but it answered in between
    assert not isinstance(again.value, EndpointUnreachable)
    with pytest.raises(EndpointUnreachable):
        budget.side(dst).call(dead(clock, 20))
    assert budget.side(src).call(lambda: "the source still answers") == "the source still answers"


def test_retrying_stops_at_the_deadline_instead_of_using_every_attempt(sides: tuple[Side, Side]) -> None:
    """8 attempts of a call that fails after 10 s: without a budget all 8 are made; with 30 s the job stops
    after the 3rd, and the ``EndpointUnreachable`` is not retried."""
    _, dst = sides
    clock = Clock()
    quick = Backoff(base=0, cap=0, rng=random.Random(1))
    calls: list[str] = []
    with pytest.raises(NetworkError):
        retrying(dead(clock, 10, calls), attempts=8, backoff=quick)
    assert len(calls) == 8
    calls.clear()
    budget = ReachBudget(30, clock=clock)
    with pytest.raises(EndpointUnreachable):
        retrying(dead(clock, 10, calls), attempts=8, backoff=quick, reach=budget.side(dst))
    assert len(calls) == 3


def test_the_setting_comes_from_the_environment(tmp_path: Path) -> None:
    from ecrtui.config import Settings, load_settings

    assert Settings().copy_unreachable_seconds == 60
    empty = tmp_path / "config.toml"
    empty.write_text("", encoding="utf-8")
    loaded = load_settings(empty, env={"ECRTUI_COPY_UNREACHABLE_SECONDS": "2.5"})
    assert loaded.copy_unreachable_seconds == 2.5
