"""Fixtures shared by every test package: local ECR sandboxes over real HTTP, and a clean AWS environment.

Sandboxes run as subprocesses (``python -m ecrtui sandbox``) because moto's state is process-global; a fixture is
ready when the sandbox prints its ``endpoint:`` line. Tests never see the user's AWS settings: every ``AWS_*``
variable is removed at import and sessions are built from the sandbox's own profile files.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecrtui.sandbox.process import SandboxProcess, start_sandbox_process

__all__ = ["SandboxProcess", "start_sandbox"]

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

for _name in [n for n in os.environ if n.startswith("AWS_") or n == "MOTO_ACCOUNT_ID"]:
    del os.environ[_name]
# Point AWS tooling at empty files so nothing falls back to ~/.aws or instance metadata.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# Changes made by tests (copies, replication edits, the app's actions) are audited: never into the user's own log.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="ecrtui-test-state-")


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the test process dies, so no sandbox outlives a crashed run (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_sandbox(profiles_dir: Path, *args: str) -> SandboxProcess:
    """Start ``ecrtui sandbox`` with ``args``; return once it printed its endpoint (it dies with this process)."""
    return start_sandbox_process(profiles_dir, *args, preexec_fn=_die_with_parent)


@pytest.fixture(scope="session")
def demo_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """The demo registry, shared by the whole session. Read-only: UI snapshots depend on its data."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("demo-sandbox"), "--seed", "demo")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture(scope="module")
def rw_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A demo registry of the test module's own; tests may change it."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("rw-sandbox"), "--seed", "demo")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator[Callable[..., SandboxProcess]]:
    """Start sandboxes with custom options (``factory("--latency-ms", "50")``); all stopped at teardown."""
    started: list[SandboxProcess] = []

    def factory(*args: str) -> SandboxProcess:
        sandbox = start_sandbox(tmp_path / f"sandbox-{len(started)}", *args)
        started.append(sandbox)
        return sandbox

    try:
        yield factory
    finally:
        for sandbox in started:
            sandbox.stop()


@pytest.fixture(scope="session")
def corpus() -> Callable[[str], bytes]:
    """Exact bytes of a corpus document by name (``tests/corpus/``); a missing one fails the test."""
    from tests.corpus_data import corpus_bytes

    return corpus_bytes
