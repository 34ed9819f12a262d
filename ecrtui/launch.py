"""The TUI path of the command line: settings, --demo and profile checks, then the Textual app.

Everything that can be checked without boto3 is checked here, before the app starts, so a typo gives one line
and exit code 2 instead of a traceback. boto3 (and moto, for --demo) load later, inside the app, after its first
frame.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

from ecrtui.config import ConfigError, RegistryEntry, Settings, apply_flags, load_settings
from ecrtui.ecr.aws_files import AwsFiles, profile_names
from ecrtui.hangup import exit_on_hangup

EXIT_USAGE = 2
DEMO_MODULES = ("moto", "flask", "flask_cors")
DEMO_MISSING = "ecrtui --demo needs the demo extra: pip install 'ecrtui[demo]'"
DEMO_DIR_PREFIX = "ecrtui-demo-"
"""Demo profile directories are ``<tmp>/ecrtui-demo-<pid>-<random>``: the pid tells a stale one from a live one."""


def demo_available() -> bool:
    """The ``demo`` extra is installed (checked without importing moto, which is slow)."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in DEMO_MODULES)
    except (ImportError, ValueError):
        return False


def isolate_demo_environment(env: MutableMapping[str, str], directory: Path) -> AwsFiles:
    """Drop the user's AWS_* settings from this process and point the AWS files into ``directory``.

    The sandbox writes its own profiles there, so --demo can never read or use the user's credentials.
    """
    for name in [name for name in env if name.startswith("AWS_")]:
        del env[name]
    files = AwsFiles(directory / "config", directory / "credentials")
    env["AWS_CONFIG_FILE"] = str(files.config_file)
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(files.credentials_file)
    return files


def sweep_stale_demo_dirs(parent: Path) -> None:
    """Remove demo directories left by ecrtui processes that were killed (their ``finally`` never ran)."""
    for directory in parent.glob(f"{DEMO_DIR_PREFIX}*-*"):
        pid_text = directory.name.removeprefix(DEMO_DIR_PREFIX).split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            if directory.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            shutil.rmtree(directory, ignore_errors=True)
        except OSError:
            continue  # alive (PermissionError) or unreadable: leave it


def _fail(message: str) -> int:
    print(f"ecrtui: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load(args: argparse.Namespace) -> Settings:
    settings = load_settings(Path(args.config).expanduser() if args.config else None)
    return apply_flags(settings, read_only=args.read_only)


def run_tui(args: argparse.Namespace) -> int:
    """Check the arguments, build the App and run it; return the exit code."""
    try:
        settings = _load(args)
    except ConfigError as exc:
        return _fail(str(exc))
    demo_dir: Path | None = None
    if args.demo:
        if not demo_available():
            print(DEMO_MISSING, file=sys.stderr)
            return EXIT_USAGE
        sweep_stale_demo_dirs(Path(tempfile.gettempdir()))
        demo_dir = Path(tempfile.mkdtemp(prefix=f"{DEMO_DIR_PREFIX}{os.getpid()}-"))
        files = isolate_demo_environment(os.environ, demo_dir)
        entry = RegistryEntry(profile=args.profile or "demo-dev", region=args.region)
    else:
        files = AwsFiles.from_env(os.environ)
        profile = args.profile or os.environ.get("AWS_PROFILE") or None
        if profile is not None:
            known = profile_names(files)
            if profile not in known:
                listed = ", ".join(known) if known else f"none in {files.config_file}"
                return _fail(f"unknown AWS profile '{profile}' (known profiles: {listed})")
        entry = RegistryEntry(profile=profile, region=args.region, endpoint_url=args.endpoint_url)
    from ecrtui.ui.app import EcrTuiApp

    app = EcrTuiApp(settings, aws_files=files, open_registry=entry, demo_dir=demo_dir, tune_process=True)

    def cleanup() -> None:
        if demo_dir is not None:
            shutil.rmtree(demo_dir, ignore_errors=True)

    exit_on_hangup(app.exit, cleanup)
    try:
        app.run()
    finally:
        cleanup()
    return app.return_code or 0
