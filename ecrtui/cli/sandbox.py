"""``ecrtui sandbox``: run the local ECR sandbox in the foreground.

Only argparse here at import time: ``ecrtui --help`` builds this parser, and must not pay for moto, Flask or boto3.
The first line printed is ``endpoint: http://HOST:PORT`` (the test fixtures wait for it), then one
``registry ACCOUNT REGION: http://HOST:PORT`` line per registry server (what docker and skopeo pull from), the
profiles and an ``export`` line to paste.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``sandbox`` and its options on the top-level subparsers (it takes no AWS options)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sandbox",
        help="run a local ECR sandbox (needs ecrtui[demo])",
        description="Run a local Amazon ECR sandbox on loopback, with demo data and two AWS profiles.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, any free port)")
    parser.add_argument(
        "--seed", choices=("demo", "empty"), default="demo", help="initial data (default: demo)"
    )
    parser.add_argument(
        "--profiles-dir",
        metavar="DIR",
        help="write DIR/config and DIR/credentials (default: a temporary dir)",
    )
    parser.add_argument(
        "--url-ttl-seconds", type=int, default=600, metavar="S", help="lifetime of layer download URLs (600)"
    )
    parser.add_argument(
        "--token-ttl-seconds",
        type=int,
        default=12 * 3600,
        metavar="S",
        help="lifetime of GetAuthorizationToken tokens (43200, 12 hours, as ECR)",
    )
    parser.add_argument(
        "--activation-seconds",
        type=float,
        default=3.0,
        metavar="S",
        help="how long a restored image stays ACTIVATING and a started scan IN_PROGRESS (3)",
    )
    net = parser.add_argument_group("network simulation")
    net.add_argument("--latency-ms", type=int, default=0, metavar="N", help="added to every request")
    net.add_argument("--bandwidth-mbps", type=float, default=None, metavar="N", help="per-stream blob limit")
    net.add_argument("--fail-rate", type=float, default=0.0, metavar="F", help="fraction of calls that fail")
    net.add_argument("--fail-seed", type=int, default=0, metavar="N", help="seed of the fault sequence")
    net.add_argument(
        "--deny-blob-downloads",
        action="store_true",
        help="every layer and config download answers 403 AccessDenied (as S3 behind a restrictive VPC "
        "endpoint policy)",
    )
    parser.add_argument(
        "--replication-delay-ms",
        type=int,
        default=500,
        metavar="N",
        help="time ECR's replication takes per image (500)",
    )
    net.add_argument(
        "--no-rate-limits",
        dest="rate_limits",
        action="store_false",
        help="do not throttle calls above ECR's per-registry quotas (PutImage 10/s, UploadLayerPart 500/s, ...)",
    )
    net.add_argument(
        "--rate-limit-scale",
        type=float,
        default=1.0,
        metavar="F",
        help="multiply every quota by F (0 < F <= 1; 0.1: PutImage 1/s), to see throttling on any machine",
    )
    scale = parser.add_argument_group("scale seeding (benchmarks)")
    scale.add_argument("--scale-repos", type=int, default=0, metavar="N", help="add N repositories")
    scale.add_argument(
        "--scale-images", type=int, default=0, metavar="M", help="one repository with M images"
    )
    scale.add_argument(
        "--scale-layer-mib",
        type=int,
        default=0,
        metavar="N",
        help="an image scale/large-layer:latest with layers of N MiB (streamed, for copy benchmarks)",
    )
    scale.add_argument(
        "--scale-layers", type=int, default=1, metavar="K", help="number of those layers (default: 1)"
    )
    parser.set_defaults(run=run_sandbox)
    return parser


def _options(args: argparse.Namespace) -> Any:
    from ecrtui.sandbox.options import SandboxOptions

    return SandboxOptions(
        host=args.host,
        port=args.port,
        seed=args.seed,
        url_ttl_seconds=args.url_ttl_seconds,
        token_ttl_seconds=args.token_ttl_seconds,
        latency_ms=args.latency_ms,
        bandwidth_mbps=args.bandwidth_mbps,
        fail_rate=args.fail_rate,
        fail_seed=args.fail_seed,
        deny_blob_downloads=args.deny_blob_downloads,
        scale_repos=args.scale_repos,
        scale_images=args.scale_images,
        activation_seconds=args.activation_seconds,
        replication_delay_ms=args.replication_delay_ms,
        rate_limits=args.rate_limits,
        rate_limit_scale=args.rate_limit_scale,
        scale_layer_mib=args.scale_layer_mib,
        scale_layers=args.scale_layers,
    )


def _stop_on_signals() -> threading.Event:
    """An event set by Ctrl-C, SIGTERM or SIGHUP; installed before startup so an early signal still stops cleanly.

    SIGHUP is what closing the terminal (or ``tmux kill-server``) sends: its default action would end the process
    without cleaning up, leaving the blob spill files and the profile directory (a credentials file) behind.
    """
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda *_: stop.set())
    return stop


def _log_to_stderr() -> None:
    """Sandbox errors as one line each on stderr (the library itself only has a NullHandler)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("ecrtui sandbox: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger("ecrtui.sandbox").addHandler(handler)


def run_sandbox(args: argparse.Namespace) -> int:
    """Start the sandbox, print how to reach it, and serve until Ctrl-C, SIGTERM or SIGHUP."""
    from ecrtui.sandbox.options import OptionError

    options = _options(args)
    try:
        options.validate()
    except OptionError as error:
        print(f"ecrtui sandbox: {error.flag} {error.reason}", file=sys.stderr)
        return 2
    try:
        from ecrtui.sandbox.profiles import SANDBOX_PROFILES
        from ecrtui.sandbox.server import Sandbox
    except ImportError as error:
        print(f"ecrtui sandbox: needs the demo extra (pip install 'ecrtui[demo]'): {error}", file=sys.stderr)
        return 2
    _log_to_stderr()
    stop = _stop_on_signals()
    with contextlib.ExitStack() as cleanup:  # runs in reverse: stop the server, then remove temporary files
        if args.profiles_dir:
            directory = Path(args.profiles_dir)
        else:
            directory = Path(
                cleanup.enter_context(tempfile.TemporaryDirectory(prefix="ecrtui-sandbox-profiles-"))
            )
        sandbox = Sandbox(options)
        try:
            sandbox.start()
        except OSError as error:
            print(
                f"ecrtui sandbox: cannot listen on {options.host}:{options.port}: {error.strerror}",
                file=sys.stderr,
            )
            return 1
        cleanup.callback(sandbox.stop)
        try:
            files = sandbox.write_profiles(directory)
        except OSError as error:
            print(f"ecrtui sandbox: cannot write profiles to {directory}: {error.strerror}", file=sys.stderr)
            return 1
        lines = [f"endpoint: {sandbox.endpoint_url}"]
        lines += [f"registry {r.account_id} {r.region}: {url}" for r, url in sandbox.registry_urls.items()]
        lines += [f"profile {p.name}: account {p.account_id}, region {p.region}" for p in SANDBOX_PROFILES]
        lines += [f"seeded in {sandbox.seed_seconds:.2f} s", files.export_line, "Ctrl-C to stop."]
        print("\n".join(lines), flush=True)
        while not stop.wait(0.5):
            pass
    return 0
