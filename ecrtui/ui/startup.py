"""Startup: paint a light shell first, then load the panes, the demo sandbox and boto3 in a worker.

The first frame needs only Textual and the shell. One App-owned thread worker then imports the pane modules (what
the user sees next), starts the in-process sandbox for ``--demo``, and imports boto3 and the data layer; each step
is reported as a message and finished on the UI thread: the panes are mounted into their slots, the sandbox's
profile files replace the AWS files, and the registry sessions open the first registry.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ui.backend import import_backend, import_panes, start_demo_sandbox
from ecrtui.ui.controller import Controller, ControllerMessage
from ecrtui.ui.error_report import ErrorEntry

if TYPE_CHECKING:
    from ecrtui.ui.app import EcrTuiApp
    from ecrtui.ui.backend import DemoSandbox


class Startup(Controller):
    """Loads what the first frame did not need; owns the demo sandbox for the App's lifetime."""

    class PanesImported(ControllerMessage):
        """The list panes and inspector modules are imported."""

    class SandboxStarted(ControllerMessage):
        """The in-process demo sandbox is up and its profile files are written."""

        def __init__(self, sandbox: DemoSandbox) -> None:
            super().__init__()
            self.sandbox = sandbox

    class BackendImported(ControllerMessage):
        """boto3 and the data layer are imported."""

    class Failed(ControllerMessage):
        """A startup step failed: shown inside the app, never as a traceback."""

        def __init__(self, title: str, detail: str) -> None:
            super().__init__()
            self.title = title
            self.detail = detail

    def __init__(self, app: EcrTuiApp, demo_dir: Path | None, *, tune_process: bool = False) -> None:
        super().__init__(app)
        self.tune_process = tune_process
        """Whether this App owns the process (``ecrtui`` itself, not a test or a host app): then, once started, it
        keeps the collector off the startup objects and shortens the GIL switch interval (``tune_runtime``)."""
        self.demo_dir = demo_dir
        """Set for ``--demo``: where the sandbox writes its profile files."""
        self.sandbox: DemoSandbox | None = None
        self.backend_ready = False
        """boto3 and the data layer are imported (services can be built)."""

    def begin(self) -> None:
        """Start the loading worker (call once the first frame is on screen)."""
        self.app.header.status = "starting sandbox…" if self.demo_dir else "loading AWS SDK…"
        self.run_thread(self._load, name="startup", group="backend", exclusive=True)

    def _load(self) -> None:
        """Worker: the panes first (they are what the user sees next), then the sandbox, then boto3."""
        import_panes()
        self.post(self.PanesImported())
        if self.demo_dir is not None:
            try:
                sandbox = start_demo_sandbox(self.demo_dir)
            except Exception as error:
                self.post(self.Failed("Sandbox", f"the demo sandbox did not start: {error}"))
                return
            self.post(self.SandboxStarted(sandbox))
        import_backend()
        self.post(self.BackendImported())

    async def handle(self, message: ControllerMessage) -> None:
        app = self.app
        match message:
            case Startup.PanesImported():
                await app.mount_panes()
            case Startup.SandboxStarted(sandbox=sandbox):
                self.sandbox = sandbox
                app.sessions.use_files(AwsFiles(sandbox.config_file, sandbox.credentials_file))
            case Startup.BackendImported():
                self.backend_ready = True
                app.header.status = ""
                app.sessions.start()
                if self.tune_process:
                    tune_runtime()
            case Startup.Failed(title=title, detail=detail):
                app.header.status = title.lower() + " failed"
                app.errors.record(ErrorEntry(time=app.clock(), title=title, message=detail))

    def stop(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()


SWITCH_INTERVAL = 0.001
"""Seconds a busy worker (paging 100,000 images) may hold the GIL while the UI thread waits for it (Python's
default is 5 ms, and a key press waits for it at every turn of the event loop: bench/bench_app.py)."""


def tune_runtime() -> None:
    """Process-wide settings for a long-running terminal app, applied once, after startup.

    The objects alive now (Textual, boto3's models, the panes) live as long as the process, so they are frozen out
    of the collector's full passes; and the UI thread gets the GIL back within 1 ms of a worker holding it. Both are
    process-wide, so only the App that owns the process applies them (``launch.run_tui``), never a test's App.
    """
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)
