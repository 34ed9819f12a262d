"""Sandbox numbers for the README: demo seed time, 100,000-image readiness and paging, blob throughput.

Run: ``.venv/bin/python bench/sandbox_scale.py``. Starts its sandboxes as subprocesses (as the tests do) plus one
in-process sandbox for the ``--demo`` path, and prints one line per measurement.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import urllib3


def _session(profiles: Path, profile: str) -> boto3.Session:
    core = botocore.session.Session()
    core.set_config_variable("config_file", str(profiles / "config"))
    core.set_config_variable("credentials_file", str(profiles / "credentials"))
    core.set_config_variable("profile", profile)
    return boto3.Session(botocore_session=core)


def _start(profiles: Path, *args: str) -> tuple[subprocess.Popen[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ecrtui", "sandbox", "--port", "0", "--profiles-dir", str(profiles), *args],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("endpoint: "):
        process.kill()
        raise SystemExit(f"sandbox did not start: {line!r}")
    return process, time.perf_counter() - started


def _page_all(call: Any, key: str, **kwargs: Any) -> int:
    count, token = 0, None
    while True:
        page = call(**kwargs, **({"nextToken": token} if token else {}))
        count += len(page[key])
        token = page.get("nextToken")
        if not token:
            return count


def demo_memory() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        process, _ = _start(Path(tmp), "--seed", "demo")
        try:
            print(f"ecrtui sandbox --seed demo: resident memory {_rss_mb(process.pid)}")
        finally:
            process.terminate()
            process.wait(timeout=30)


def demo_in_process() -> None:
    from ecrtui.sandbox import Sandbox, SandboxOptions

    started = time.perf_counter()
    with Sandbox(SandboxOptions(seed="demo")) as sandbox:
        ready = time.perf_counter() - started
        print(
            f"demo sandbox in-process: ready in {ready:.2f} s (seeding {sandbox.seed_seconds:.2f} s, "
            f"{len(sandbox.registry_urls)} registry servers {sandbox.registry_seconds * 1000:.1f} ms)"
        )


def _rss_mb(pid: int) -> str:
    """Resident memory of a process (Linux /proc), or "?" elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return f"{int(line.split()[1]) / 1024:.0f} MB"
    except OSError:
        pass
    return "?"


def scale(images: int, seed: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        process, ready = _start(Path(tmp), "--seed", seed, "--scale-images", str(images))
        try:
            print(
                f"--seed {seed} --scale-images {images}: ready in {ready:.2f} s (subprocess start to endpoint "
                f"line), resident memory {_rss_mb(process.pid)}"
            )
            ecr = _session(Path(tmp), "demo-dev").client("ecr")
            for size in (100, 1000):
                started = time.perf_counter()
                count = _page_all(
                    ecr.describe_images, "imageDetails", repositoryName="scale/images", maxResults=size
                )
                elapsed = time.perf_counter() - started
                print(f"describe_images maxResults={size}: {count} images in {elapsed:.2f} s")
            started = time.perf_counter()
            count = _page_all(ecr.list_images, "imageIds", repositoryName="scale/images", maxResults=1000)
            print(f"list_images maxResults=1000: {count} ids in {time.perf_counter() - started:.2f} s")
        finally:
            process.terminate()
            process.wait(timeout=30)


def blob_throughput(megabytes: int = 32) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        process, _ = _start(Path(tmp), "--seed", "empty")
        try:
            ecr = _session(Path(tmp), "demo-dev").client("ecr")
            ecr.create_repository(repositoryName="bench/blobs")
            data = os.urandom(megabytes * 1024 * 1024)
            part = 10 * 1024 * 1024
            started = time.perf_counter()
            upload_id = ecr.initiate_layer_upload(repositoryName="bench/blobs")["uploadId"]
            for first in range(0, len(data), part):
                chunk = data[first : first + part]
                ecr.upload_layer_part(
                    repositoryName="bench/blobs",
                    uploadId=upload_id,
                    partFirstByte=first,
                    partLastByte=first + len(chunk) - 1,
                    layerPartBlob=chunk,
                )
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            ecr.complete_layer_upload(repositoryName="bench/blobs", uploadId=upload_id, layerDigests=[digest])
            upload = time.perf_counter() - started
            url = ecr.get_download_url_for_layer(repositoryName="bench/blobs", layerDigest=digest)[
                "downloadUrl"
            ]
            started = time.perf_counter()
            response = urllib3.request("GET", url, preload_content=False)
            received = sum(len(chunk) for chunk in response.stream(1024 * 1024))
            download = time.perf_counter() - started
            assert received == len(data)
            print(f"layer upload ({megabytes} MiB, 10 MiB parts): {megabytes / upload:.0f} MiB/s")
            print(f"layer download ({megabytes} MiB, one stream): {megabytes / download:.0f} MiB/s")
        finally:
            process.terminate()
            process.wait(timeout=30)


def registry_throughput(megabytes: int = 32) -> None:
    """The registry face: a blob pushed with one streamed PATCH (as docker and skopeo do) and pulled through the
    blob GET's redirect, with the token from GetAuthorizationToken."""
    with tempfile.TemporaryDirectory() as tmp:
        process, _ = _start(Path(tmp), "--seed", "empty")
        try:
            ecr = _session(Path(tmp), "demo-dev").client("ecr")
            ecr.create_repository(repositoryName="bench/blobs")
            login = ecr.get_authorization_token()["authorizationData"][0]
            auth = {"Authorization": "Basic " + login["authorizationToken"]}
            base = login["proxyEndpoint"]
            data = os.urandom(megabytes * 1024 * 1024)
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            started = time.perf_counter()
            location = urllib3.request("POST", f"{base}/v2/bench/blobs/blobs/uploads/", headers=auth)
            upload = base + location.headers["Location"]
            chunks = (data[i : i + 1024 * 1024] for i in range(0, len(data), 1024 * 1024))
            urllib3.request("PATCH", upload, body=chunks, headers=auth)
            done = urllib3.request("PUT", f"{upload}?digest={digest}", headers=auth)
            assert done.status == 201, done.data
            push = time.perf_counter() - started
            started = time.perf_counter()
            redirect = urllib3.request(
                "GET", f"{base}/v2/bench/blobs/blobs/{digest}", headers=auth, redirect=False
            )
            response = urllib3.request("GET", redirect.headers["Location"], preload_content=False)
            received = sum(len(chunk) for chunk in response.stream(1024 * 1024))
            pull = time.perf_counter() - started
            assert received == len(data)
            print(f"registry blob push ({megabytes} MiB, one streamed PATCH): {megabytes / push:.0f} MiB/s")
            print(f"registry blob pull ({megabytes} MiB, through the redirect): {megabytes / pull:.0f} MiB/s")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    demo_in_process()
    demo_memory()
    scale(100_000, "empty")
    scale(100_000, "demo")  # the command: ``ecrtui sandbox --scale-images 100000``
    blob_throughput()
    registry_throughput()
