"""Fixtures of the copy tests: the services of the two demo registries and an engine, over a real sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecrtui.copy import CopyEngine
from ecrtui.ecr.service import EcrService

DEV_ACCOUNT = "111111111111"
PROD_ACCOUNT = "222222222222"


@pytest.fixture(scope="module")
def dev(rw_sandbox: Any) -> EcrService:
    """``demo-dev`` (111111111111, us-east-1): the source of most copies."""
    return EcrService(session=rw_sandbox.session("demo-dev"))


@pytest.fixture(scope="module")
def prod(rw_sandbox: Any) -> EcrService:
    """``demo-prod`` (222222222222, eu-west-1): another account in another region."""
    return EcrService(session=rw_sandbox.session("demo-prod"))


@pytest.fixture(scope="module")
def dev_ecr(rw_sandbox: Any) -> Any:
    """A plain boto3 client of demo-dev, for setting up and checking (never the code under test)."""
    return rw_sandbox.session("demo-dev").client("ecr")


@pytest.fixture(scope="module")
def prod_ecr(rw_sandbox: Any) -> Any:
    return rw_sandbox.session("demo-prod").client("ecr")


@pytest.fixture
def engine() -> Iterator[CopyEngine]:
    with CopyEngine(jobs=4) as copy_engine:
        yield copy_engine
