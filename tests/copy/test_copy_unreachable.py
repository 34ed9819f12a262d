"""A batch copy whose destination dies after planning: the whole batch stops on one deadline, each image and blob
does not spend its own. Two sandboxes (the source stays up, the destination is stopped: connection refused), a
budget of 0 s so the job gives up at the first failed call (no waiting on a real minute)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from ecrtui.copy import CopyEngine, CopyFailed, CopyRequest, Side
from ecrtui.copy.blob_transfer import TransferSettings
from ecrtui.copy.reachability import EndpointUnreachable
from ecrtui.ecr.service import EcrService
from ecrtui.ecr.session import RetryNotice
from ecrtui.jobs.events import ItemProgress, ItemState, ProgressEvent
from ecrtui.sandbox import seed

DEV, PROD = "111111111111", "222222222222"
MIRROR = "mirror/frontend"


def test_a_destination_that_dies_after_planning_fails_the_batch_on_one_deadline(sandbox_factory: Any) -> None:
    source = sandbox_factory("--seed", "demo")
    destination = sandbox_factory("--seed", "demo")
    dev = EcrService(session=source.session("demo-dev"))
    notices: list[RetryNotice] = []
    lock = threading.Lock()

    def heard(notice: RetryNotice) -> None:
        with lock:
            notices.append(notice)

    prod = EcrService(session=destination.session("demo-prod"), on_retry=heard)
    destination.session("demo-prod").client("ecr").create_repository(repositoryName=MIRROR)
    images = [i for i in dev.list_images(seed.FRONTEND_REPOSITORY, DEV) if i.tags]
    assert len(images) >= 3, "the demo seed has several tagged frontend images"
    settings = TransferSettings(unreachable_seconds=0)
    with CopyEngine(jobs=2, settings=settings) as engine:
        plans = [
            engine.plan(
                CopyRequest(
                    Side(dev, DEV, seed.FRONTEND_REPOSITORY), i.digest, Side(prod, PROD, MIRROR), tags=i.tags
                )
            )
            for i in images
        ]
        assert all(p.ok for p in plans), [p.problems for p in plans]
        blobs = {b.digest for p in plans for b in p.uploads}
        assert len(blobs) > engine.jobs, "more blobs than transfers at once"
        destination.stop()

        events: list[ProgressEvent] = []
        with pytest.raises(CopyFailed) as failed:
            engine.execute_batch(plans, on_progress=events.append)

    errors = failed.value.errors
    assert len(errors) == len(plans), "every image of the batch failed"
    assert all(isinstance(e, EndpointUnreachable) for e in errors), [str(e) for e in errors]
    assert len({str(e) for e in errors}) == 1, "one reason for the whole batch"
    message = str(errors[0])
    assert message.startswith(f"{PROD} in eu-west-1 unreachable for ")
    assert "the copy stopped: Could not connect to" in message
    # Only the transfers running when the job gave up called the dead endpoint (each with botocore's 3 attempts);
    # every other blob failed without a call, instead of spending 8 attempts of its own.
    assert 0 < len(notices) <= 2 * engine.jobs, [n.describe() for n in notices]
    failed_items = {e.key for e in events if isinstance(e, ItemProgress) and e.state is ItemState.FAILED}
    assert len(failed_items) == len(blobs), "every blob says it failed"
