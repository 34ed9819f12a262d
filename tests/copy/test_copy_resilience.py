"""A copy under pressure: cancelled midway then resumed, a faulty network, bad bytes, throttling, expired URLs,
lost responses and blobs that vanish before the manifest is put. Each test has its own sandbox."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from typing import Any

import botocore.exceptions
import pytest
from botocore.config import Config
from copy_checks import assert_copied, closure, digest_of_tag, tag_digest

from ecrtui.copy import BlobAction, CopyEngine, CopyRequest, Side
from ecrtui.ecr.errors import Cancelled, IntegrityError
from ecrtui.ecr.service import EcrService
from ecrtui.jobs.events import ItemProgress, ItemState, ProgressEvent
from ecrtui.sandbox import seed
from ecrtui.sandbox.scale_layer import LARGE_LAYER_REPOSITORY, LARGE_LAYER_TAG
from tests.ecr.quiet_http import QuietHTTPServer

DEV, PROD = "111111111111", "222222222222"


def services(sandbox: Any) -> tuple[EcrService, EcrService, Any, Any]:
    return (
        EcrService(session=sandbox.session("demo-dev")),
        EcrService(session=sandbox.session("demo-prod")),
        sandbox.session("demo-dev").client("ecr"),
        sandbox.session("demo-prod").client("ecr"),
    )


def gateway_to_prod(
    dev: EcrService, prod: EcrService, repository: str = seed.MULTIARCH_REPOSITORY
) -> CopyRequest:
    return CopyRequest(
        Side(dev, DEV, seed.MULTIARCH_REPOSITORY),
        seed.MULTIARCH_TAG,
        Side(prod, PROD, repository),
        tags=(seed.MULTIARCH_TAG,),
        create_repository=True,
    )


def test_cancelled_midway_then_rerun_uploads_only_what_is_missing(sandbox_factory: Any) -> None:
    dev, prod, dev_ecr, prod_ecr = services(sandbox_factory("--seed", "demo"))
    copy = gateway_to_prod(dev, prod, "web/gateway-copy")
    cancel = threading.Event()
    finished: list[str] = []

    def on_progress(event: ProgressEvent) -> None:
        if (
            isinstance(event, ItemProgress)
            and event.state is ItemState.DONE
            and not event.key.startswith("manifest:")
        ):
            finished.append(event.key)
            cancel.set()  # stop after the first blob

    with CopyEngine(jobs=1) as engine:
        first = engine.plan(copy)
        with pytest.raises(Cancelled) as stopped:
            engine.execute(first, on_progress=on_progress, cancel=cancel)
        assert "run it again to upload only what is missing" in str(stopped.value)
        assert len(finished) == 1
        assert prod_ecr.list_images(repositoryName="web/gateway-copy")["imageIds"] == []  # nothing put

        prod.reset_call_counts()
        again = engine.plan(copy)
        assert len(again.uploads) == len(first.uploads) - 1
        assert {b.digest for b in first.uploads} - {b.digest for b in again.uploads} == {
            finished[0].split("@")[1]
        }
        result = engine.execute(again)
    assert prod.call_counts["CompleteLayerUpload"] == len(first.uploads) - 1
    assert result.blobs_uploaded == len(first.uploads) - 1
    digest = digest_of_tag(dev_ecr, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
    assert_copied(
        dev_ecr,
        seed.MULTIARCH_REPOSITORY,
        prod_ecr,
        "web/gateway-copy",
        closure(dev_ecr, seed.MULTIARCH_REPOSITORY, digest),
    )


def test_a_network_failing_one_call_in_five_still_completes(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory("--seed", "demo", "--fail-rate", "0.2", "--fail-seed", "11")
    dev, prod, _, _ = services(sandbox)
    clean = sandbox.session("demo-dev").client(
        "ecr", config=Config(retries={"mode": "standard", "max_attempts": 20})
    )
    clean_prod = sandbox.session("demo-prod").client(
        "ecr", config=Config(retries={"mode": "standard", "max_attempts": 20})
    )
    with CopyEngine() as engine:
        result = engine.execute(engine.plan(gateway_to_prod(dev, prod)))
    assert dev.http_attempts > dev.total_calls - dev.call_counts.get("DownloadBlob", 0)  # faults were retried
    digest = digest_of_tag(clean, seed.MULTIARCH_REPOSITORY, seed.MULTIARCH_TAG)
    assert result.digest == digest
    assert_copied(
        clean,
        seed.MULTIARCH_REPOSITORY,
        clean_prod,
        seed.MULTIARCH_REPOSITORY,
        closure(clean, seed.MULTIARCH_REPOSITORY, digest),
    )


@pytest.fixture
def wrong_bytes_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A storage endpoint that serves, for any path, bytes of the right length but the wrong content."""
    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served["blob"]
            start, end = 0, len(body) - 1
            header = self.headers.get("Range")
            if header:
                first, _, last = header.removeprefix("bytes=").partition("-")
                start, end = int(first), min(int(last), len(body) - 1)
            self.send_response(206 if header else 200)
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
            self.end_headers()
            self.wfile.write(body[start : end + 1])

        def log_message(self, *args: Any) -> None:
            return None

    server = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/blob", served
    finally:
        server.shutdown()
        server.server_close()


def test_a_blob_whose_bytes_do_not_match_its_digest_fails_cleanly(
    sandbox_factory: Any, wrong_bytes_server: tuple[str, dict[str, bytes]]
) -> None:
    dev, prod, dev_ecr, prod_ecr = services(sandbox_factory("--seed", "demo"))
    url, served = wrong_bytes_server

    manifest = json.loads(
        dev_ecr.batch_get_image(repositoryName=seed.API_REPOSITORY, imageIds=[{"imageTag": seed.API_LATEST}])[
            "images"
        ][0]["imageManifest"]
    )
    victim = max(manifest["layers"], key=lambda layer: layer["size"])
    served["blob"] = bytes(victim["size"])  # zeros: right length, wrong digest

    def redirect(parsed: dict[str, Any], **_: Any) -> None:
        if parsed.get("layerDigest") == victim["digest"]:
            parsed["downloadUrl"] = url

    dev._ecr.meta.events.register("after-call.ecr.GetDownloadUrlForLayer", redirect)
    copy = CopyRequest(
        Side(dev, DEV, seed.API_REPOSITORY),
        seed.API_LATEST,
        Side(prod, PROD, "web/api-bad"),
        tags=("x",),
        create_repository=True,
    )
    with CopyEngine() as engine, pytest.raises(IntegrityError) as failed:
        engine.execute(engine.plan(copy))
    assert "hash to" in str(failed.value)
    assert "nothing was stored" in str(failed.value)
    assert prod_ecr.list_images(repositoryName="web/api-bad")["imageIds"] == []
    answer = prod_ecr.batch_check_layer_availability(
        repositoryName="web/api-bad", layerDigests=[victim["digest"]]
    )
    assert answer["layers"][0]["layerAvailability"] == "UNAVAILABLE"


def test_put_image_stays_under_the_quota(sandbox_factory: Any) -> None:
    """30 tags = 30 PutImage calls into a sandbox enforcing ECR's 10/s: the engine's pace is never throttled."""
    sandbox = sandbox_factory("--seed", "demo")
    dev, prod, _, prod_ecr = services(sandbox)
    tags = tuple(f"t{n}" for n in range(30))
    copy = CopyRequest(
        Side(dev, DEV, seed.ETL_REPOSITORY),
        "1.8.1",
        Side(prod, PROD, "data/etl-tags"),
        tags=tags,
        create_repository=True,
    )
    with CopyEngine() as engine:
        plan = engine.plan(copy)
        prod.reset_call_counts()
        result = engine.execute(plan)
    assert result.tags_written == 30
    assert prod.call_counts["PutImage"] == 30
    assert prod.http_attempts == prod.total_calls  # no call needed a retry: nothing was throttled
    assert {tag_digest(prod_ecr, "data/etl-tags", t) for t in tags} == {result.digest}


def test_throttled_put_image_backs_off_and_completes(sandbox_factory: Any) -> None:
    """PutImage at a fifth of ECR's quota (2 per second) while the copy puts an image and 12 tags, paced for the
    real 10 per second: its puts are throttled, and it backs off and completes."""
    sandbox = sandbox_factory("--seed", "demo", "--rate-limit-scale", "0.2")
    dev, prod, _, prod_ecr = services(sandbox)
    tags = tuple(f"t{n}" for n in range(12))
    copy = CopyRequest(
        Side(dev, DEV, seed.ETL_REPOSITORY),
        "1.8.1",
        Side(prod, PROD, "data/etl-busy"),
        tags=tags,
        create_repository=True,
    )
    with CopyEngine() as engine:
        plan = engine.plan(copy)
        prod.reset_call_counts()
        result = engine.execute(plan)
    assert prod.http_attempts > prod.total_calls  # the copy's own calls were throttled and retried
    assert {tag_digest(prod_ecr, "data/etl-busy", t) for t in tags} == {result.digest}


def test_expired_download_urls_are_replaced_and_the_download_resumes(sandbox_factory: Any) -> None:
    """URLs that live 1 s, a 24 MiB layer read at 64 Mbit/s (3 s): later parts need a fresh URL."""
    sandbox = sandbox_factory(
        "--seed", "empty", "--scale-layer-mib", "24", "--url-ttl-seconds", "1", "--bandwidth-mbps", "64"
    )
    dev, _, dev_ecr, _ = services(sandbox)
    copy = CopyRequest(
        Side(dev, DEV, LARGE_LAYER_REPOSITORY),
        LARGE_LAYER_TAG,
        Side(dev, DEV, "copied/large"),
        tags=("x",),
        create_repository=True,
    )
    with CopyEngine() as engine:
        result = engine.execute(engine.plan(copy))
    assert dev.call_counts["GetDownloadUrlForLayer"] > 2  # config + layer, plus the refreshes
    assert_copied(dev_ecr, LARGE_LAYER_REPOSITORY, dev_ecr, "copied/large", [result.digest])


def test_a_part_whose_answer_was_lost_is_not_sent_twice(sandbox_factory: Any) -> None:
    """The first UploadLayerPart lands but its answer is lost: the retry meets InvalidLayerPartException and the
    upload continues after lastValidByteReceived."""
    sandbox = sandbox_factory("--seed", "empty", "--scale-layer-mib", "12")
    dev, _, dev_ecr, _ = services(sandbox)
    lost = {"done": False}

    def lose_first_answer(**_: Any) -> None:
        if not lost["done"]:
            lost["done"] = True
            raise botocore.exceptions.ConnectionClosedError(endpoint_url="sandbox")

    dev._ecr.meta.events.register("after-call.ecr.UploadLayerPart", lose_first_answer)
    copy = CopyRequest(
        Side(dev, DEV, LARGE_LAYER_REPOSITORY),
        LARGE_LAYER_TAG,
        Side(dev, DEV, "copied/resumed"),
        tags=("x",),
        create_repository=True,
    )
    with CopyEngine(jobs=1) as engine:
        result = engine.execute(engine.plan(copy))
    assert lost["done"]
    assert_copied(dev_ecr, LARGE_LAYER_REPOSITORY, dev_ecr, "copied/resumed", [result.digest])


def test_blobs_gone_at_put_time_are_uploaded_and_the_put_retried(sandbox_factory: Any) -> None:
    """The plan saw every blob in the destination, but by PutImage time they are gone: ECR answers
    LayersNotFoundException, the engine uploads what is missing and puts again, once."""
    dev, prod, dev_ecr, prod_ecr = services(sandbox_factory("--seed", "demo"))
    copy = CopyRequest(
        Side(dev, DEV, seed.ETL_REPOSITORY), "1.7.0", Side(prod, PROD, seed.ETL_REPOSITORY), tags=("1.7.0",)
    )
    with CopyEngine() as engine:
        plan = engine.plan(copy)
        assert plan.uploads
        stale = replace(plan, blobs=tuple(replace(b, action=BlobAction.SKIP) for b in plan.blobs))
        prod.reset_call_counts()
        result = engine.execute(stale)
    assert prod.call_counts["PutImage"] == 2  # refused once, then stored
    assert prod.call_counts["CompleteLayerUpload"] == len(plan.uploads)
    assert_copied(dev_ecr, seed.ETL_REPOSITORY, prod_ecr, seed.ETL_REPOSITORY, [result.digest])
