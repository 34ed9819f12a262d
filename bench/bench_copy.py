"""Copy benchmarks: the engine against a sequential baseline, peak memory by layer size, and a re-copy's calls.

Three measurements, each against its own sandbox subprocess (``ecrtui sandbox --seed empty --scale-layer-mib N
--scale-layers K``; the image is ``scale/large-layer:latest`` in demo-dev):

1. Time: a multi-layer image (default 8 layers of 12 MiB) copied dev → prod over a simulated network
   (``--latency-ms 30 --bandwidth-mbps 32``, per stream), by the engine with its defaults (4 jobs, downloads
   overlapping uploads) and by a sequential baseline that makes the same calls one blob at a time and one part at
   a time (download a part, upload it, next), in the same run, into separate repositories.
2. Peak memory of the copying process (``ecrtui copy``) for a 20 MiB and a 200 MiB single-layer image, no network
   limits: the peak resident set size of the child, read by a wrapper process with ``getrusage``.
3. A re-copy of the image copied in (1): API calls by operation, ``UploadLayerPart`` calls and bytes uploaded.

    .venv/bin/python bench/bench_copy.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import urllib3

from ecrtui.copy import CopyEngine, CopyRequest, Side
from ecrtui.ecr.service import EcrService
from ecrtui.sandbox.process import SandboxProcess, start_sandbox_process
from ecrtui.sandbox.scale_layer import LARGE_LAYER_REPOSITORY, LARGE_LAYER_TAG

DEV, PROD = "111111111111", "222222222222"
MIB = 1024 * 1024

PEAK_RSS = r"""
import resource, subprocess, sys
completed = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(completed.stderr[-2000:] if completed.returncode else "")
print(completed.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def sandbox(directory: Path, *args: str) -> SandboxProcess:
    return start_sandbox_process(directory, "--seed", "empty", *args)


def sequential_copy(dev: Any, prod: Any, repository: str) -> int:
    """The baseline: the same calls as the engine, one blob at a time, one part at a time; returns bytes sent."""
    prod.create_repository(repositoryName=repository)
    image = dev.batch_get_image(
        repositoryName=LARGE_LAYER_REPOSITORY, imageIds=[{"imageTag": LARGE_LAYER_TAG}]
    )
    manifest = image["images"][0]["imageManifest"]
    document = json.loads(manifest)
    http = urllib3.PoolManager()
    sent = 0
    for blob in [document["config"], *document["layers"]]:
        url = dev.get_download_url_for_layer(
            repositoryName=LARGE_LAYER_REPOSITORY, layerDigest=blob["digest"]
        )["downloadUrl"]
        upload = prod.initiate_layer_upload(repositoryName=repository)
        part_size = upload["partSize"]
        hasher = hashlib.sha256()
        for first in range(0, blob["size"], part_size):
            last = min(first + part_size, blob["size"]) - 1
            data = http.request("GET", url, headers={"Range": f"bytes={first}-{last}"}).data
            hasher.update(data)
            prod.upload_layer_part(
                repositoryName=repository,
                uploadId=upload["uploadId"],
                partFirstByte=first,
                partLastByte=last,
                layerPartBlob=data,
            )
            sent += len(data)
        assert "sha256:" + hasher.hexdigest() == blob["digest"]
        prod.complete_layer_upload(
            repositoryName=repository, uploadId=upload["uploadId"], layerDigests=[blob["digest"]]
        )
    prod.put_image(
        repositoryName=repository,
        imageManifest=manifest,
        imageManifestMediaType=image["images"][0]["imageManifestMediaType"],
        imageTag=LARGE_LAYER_TAG,
    )
    return sent


def request(dev: EcrService, prod: EcrService, repository: str, create: bool = True) -> CopyRequest:
    return CopyRequest(
        Side(dev, DEV, LARGE_LAYER_REPOSITORY),
        LARGE_LAYER_TAG,
        Side(prod, PROD, repository),
        tags=(LARGE_LAYER_TAG,),
        create_repository=create,
    )


def measure_time(directory: Path, layers: int, mib: int, latency: int, bandwidth: float) -> None:
    print(
        f"1. {layers} layers x {mib} MiB, --latency-ms {latency} --bandwidth-mbps {bandwidth:g} (per stream)"
    )
    with sandbox(
        directory,
        "--scale-layer-mib",
        str(mib),
        "--scale-layers",
        str(layers),
        "--latency-ms",
        str(latency),
        "--bandwidth-mbps",
        str(bandwidth),
    ) as box:
        dev = EcrService(session=box.session("demo-dev"))
        prod = EcrService(session=box.session("demo-prod"))
        started = time.perf_counter()
        sent = sequential_copy(
            box.session("demo-dev").client("ecr"), box.session("demo-prod").client("ecr"), "bench/sequential"
        )
        baseline = time.perf_counter() - started
        print(
            f"   sequential baseline: {baseline:6.1f} s  ({sent / MIB:.0f} MiB, {sent / MIB / baseline:.1f} MiB/s)"
        )
        with CopyEngine() as engine:
            started = time.perf_counter()
            result = engine.execute(engine.plan(request(dev, prod, "bench/engine")))
            took = time.perf_counter() - started
            print(
                f"   engine (4 jobs):     {took:6.1f} s  ({result.bytes_uploaded / MIB:.0f} MiB, "
                f"{result.bytes_uploaded / MIB / took:.1f} MiB/s)  {baseline / took:.1f}x faster"
            )
            measure_recopy(engine, dev, prod)


def measure_recopy(engine: CopyEngine, dev: EcrService, prod: EcrService) -> None:
    dev.reset_call_counts()
    prod.reset_call_counts()
    started = time.perf_counter()
    result = engine.execute(engine.plan(request(dev, prod, "bench/engine", create=False)))
    took = time.perf_counter() - started
    calls = {
        **{f"source {k}": v for k, v in dev.call_counts.items()},
        **{f"dest {k}": v for k, v in prod.call_counts.items()},
    }
    print(
        f"3. re-copy: {sum(calls.values())} API calls, {prod.call_counts.get('UploadLayerPart', 0)} UploadLayerPart, "
        f"{result.bytes_uploaded} bytes uploaded, {took:.2f} s (over the 30 ms link)"
    )
    for name, count in sorted(calls.items()):
        print(f"     {name}: {count}")


def peak_rss(directory: Path, mib: int) -> tuple[int, float]:
    """(peak RSS in KiB of ``ecrtui copy`` for a one-layer image of ``mib`` MiB, seconds)."""
    with sandbox(directory, "--scale-layer-mib", str(mib)) as box:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | box.env
        command = [
            sys.executable,
            "-m",
            "ecrtui",
            "copy",
            f"{LARGE_LAYER_REPOSITORY}:{LARGE_LAYER_TAG}",
            f"222222222222.dkr.ecr.eu-west-1.amazonaws.com/bench/memory-{mib}",
            "--source-profile",
            "demo-dev",
            "--dest-profile",
            "demo-prod",
            "--create-repo",
            "--json",
        ]
        started = time.perf_counter()
        wrapper = subprocess.run(
            [sys.executable, "-c", PEAK_RSS, *command], capture_output=True, text=True, env=env, check=True
        )
        took = time.perf_counter() - started
        code, rss = wrapper.stdout.split()
        if code != "0":
            raise SystemExit(f"copy of {mib} MiB failed: {wrapper.stderr}")
        return int(rss), took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--layer-mib", type=int, default=12)
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument("--bandwidth-mbps", type=float, default=32)
    parser.add_argument("--skip-time", action="store_true", help="only the memory measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if not args.skip_time:
            measure_time(root / "time", args.layers, args.layer_mib, args.latency_ms, args.bandwidth_mbps)
        print("2. peak memory of `ecrtui copy` (one-layer image, no network limit)")
        peaks = {}
        for mib in (20, 200):
            rss, took = peak_rss(root / f"memory-{mib}", mib)
            peaks[mib] = rss
            print(f"   {mib:>4} MiB layer: peak RSS {rss / 1024:6.1f} MiB  ({took:.1f} s)")
        print(f"   ratio 200 MiB / 20 MiB: {peaks[200] / peaks[20]:.2f}")


if __name__ == "__main__":
    main()
