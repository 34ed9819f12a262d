"""How long ``ecrtui copy REPO DEST --all-tags`` takes to fail when the destination's endpoint is black-holed (it
accepts connections and never answers, as a dropped route or a firewall that drops packets does).

A demo sandbox is the source (``web/frontend``'s tagged images, a batch); the destination profile points at a
socket of this process that listens and never answers. DEST is a full URI, so the first call to the destination
is the first image's planning. Two runs of the real command: with ``ECRTUI_COPY_UNREACHABLE_SECONDS`` so large
that the job's shared deadline never ends anything (each call keeps only its own budget: 3 attempts of 20 s, per
image, as before the shared deadline), and with the default (60 s for the whole job). Prints the wall time, the
exit code and the last line of stderr of each.

    .venv/bin/python bench/bench_copy_dead_endpoint.py [--skip-per-call]
"""

from __future__ import annotations

import argparse
import configparser
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ecrtui.sandbox.process import start_sandbox_process

PROD_URI = "222222222222.dkr.ecr.eu-west-1.amazonaws.com"
SOURCE_REPOSITORY = "web/frontend"


def profiles_with_dead(sandbox_dir: Path, port: int, into: Path) -> dict[str, str]:
    """The sandbox's profiles plus ``dead``: demo-prod's keys, an endpoint that never answers."""
    into.mkdir()
    for name, section in (("config", "profile demo-prod"), ("credentials", "demo-prod")):
        parser = configparser.ConfigParser()
        parser.read(sandbox_dir / name)
        dead = dict(parser[section])
        if name == "config":
            dead["endpoint_url"] = f"http://127.0.0.1:{port}"
        parser["profile dead" if name == "config" else "dead"] = dead
        with (into / name).open("w", encoding="utf-8") as handle:
            parser.write(handle)
    return {"AWS_CONFIG_FILE": str(into / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(into / "credentials")}


def run(env: dict[str, str], budget: str) -> tuple[float, int, str]:
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ecrtui",
            "copy",
            SOURCE_REPOSITORY,
            f"{PROD_URI}/{SOURCE_REPOSITORY}",
            "--all-tags",
            "--dest-profile",
            "dead",
        ],
        env={**env, "ECRTUI_COPY_UNREACHABLE_SECONDS": budget},
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    lines = done.stderr.strip().splitlines()
    return time.monotonic() - started, done.returncode, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-per-call", action="store_true", help="only the run with the shared deadline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(128)  # connections complete in the kernel; nothing ever reads or answers
        sandbox = start_sandbox_process(Path(tmp) / "sandbox", "--seed", "demo")
        try:
            base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_", "XDG_"))}
            env = {
                **base,
                **profiles_with_dead(
                    sandbox.profiles_dir, black_hole.getsockname()[1], Path(tmp) / "profiles"
                ),
                "AWS_PROFILE": "demo-dev",
                "ECRTUI_CONFIG": os.devnull,
                "XDG_STATE_HOME": str(Path(tmp) / "state"),
            }
            runs = [("shared deadline, default 60 s", "60")]
            if not args.skip_per_call:
                runs.insert(0, ("each call its own budget only", "1000000"))
            for label, budget in runs:
                seconds, code, last = run(env, budget)
                print(f"{label}: {seconds:.1f} s, exit {code}: {last}", flush=True)
        finally:
            sandbox.stop()


if __name__ == "__main__":
    main()
