"""Find the account of each profile in the Registries pane in the background, without ever prompting.

The pane lists every profile before any AWS call, so accounts start as ``…``. Once boto3 is loaded, one App
worker asks STS about each profile in turn with short timeouts. A probe must never take over the terminal:
botocore asks for an MFA code with ``getpass`` (``mfa_serial``) and a ``credential_process`` may prompt too, so
profiles that use either (directly or through ``source_profile``) are skipped and show their account when opened.
SSO profiles are probed: botocore only reads the cached token and fails quietly when it has expired.

The boto3 session is built and used inside the probe's own thread and then dropped, so it is never shared
between threads. Part of the data layer (no Textual import); the App runs it from a worker.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from ecrtui.ecr.aws_files import AwsFiles, read_profile_settings
from ecrtui.ecr.no_prompt import forbid_prompts

PROBE_TIMEOUT_SECONDS = 3.0
"""Connect and read timeout of one probe's STS call (one attempt, no retries)."""
FALLBACK_STS_REGION = "us-east-1"
"""STS answers GetCallerIdentity in every region; used when a profile names none."""
PROMPTING_KEYS = ("mfa_serial", "credential_process")
"""Profile settings that can make botocore (or the process it runs) read from the terminal."""
PROBE_DEADLINE_SECONDS = 8.0
"""Wall-clock limit of one probe, credential resolution included (an assume-role or SSO refresh uses
botocore's own clients, with minute-long timeouts); past it the probe is abandoned."""
SOURCE_CHAIN_LIMIT = 10
"""How many ``source_profile`` hops to follow (botocore refuses loops; we only need to stop)."""


def may_prompt(files: AwsFiles, profile: str) -> bool:
    """Whether resolving ``profile``'s credentials could ask the user something on the terminal."""
    seen: set[str] = set()
    name: str | None = profile
    while name is not None and name not in seen and len(seen) < SOURCE_CHAIN_LIMIT:
        seen.add(name)
        settings = read_profile_settings(files, name)
        if any(settings.get(key) for key in PROMPTING_KEYS):
            return True
        name = settings.get("source_profile") or None
    return False


def probe_account(
    files: AwsFiles,
    profile: str,
    region: str | None = None,
    timeout: float = PROBE_TIMEOUT_SECONDS,
    loader: Any = None,
) -> str:
    """The account id of ``profile``'s credentials (one STS call); raises on any failure.

    Reads the given AWS files, not the process environment's, like the App's service factory. Pass the same
    botocore ``loader`` to consecutive probes (from one thread) to parse the STS model once: a fresh session
    costs ~40 ms of CPU for it, ~9 ms with a shared loader, which matters with dozens of profiles.
    """
    import boto3
    import botocore.session
    from botocore.config import Config

    core = botocore.session.Session()
    if loader is not None:
        core.register_component("data_loader", loader)
    core.set_config_variable("config_file", str(files.config_file))
    core.set_config_variable("credentials_file", str(files.credentials_file))
    session = boto3.Session(botocore_session=core, profile_name=profile, region_name=region)
    forbid_prompts(core)  # after the profile is set: botocore builds its credential chain for it once
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 1})
    sts = session.client("sts", region_name=session.region_name or FALLBACK_STS_REGION, config=config)
    account: str = sts.get_caller_identity()["Account"]
    return account


def new_loader() -> Any:
    """A botocore data loader to share between the probes of one worker."""
    import botocore.session

    return botocore.session.Session().get_component("data_loader")


def probe_with_deadline(
    files: AwsFiles,
    profile: str,
    region: str | None = None,
    loader: Any = None,
    deadline: float = PROBE_DEADLINE_SECONDS,
) -> str | None:
    """``probe_account`` in a daemon thread, abandoned after ``deadline`` seconds; ``None`` on any failure.

    A credential source that hangs (an SSO refresh or AssumeRole through a dead network) must neither hold up
    the next probes nor keep ecrtui from exiting: Textual's worker threads are joined at exit, daemon threads
    are not. Failures are swallowed here (a thread's exception would be printed over the UI); the row just says
    the account is unknown.
    """
    answer: list[str] = []

    def run() -> None:
        with contextlib.suppress(Exception):  # reported as "(account unknown)" by the caller
            answer.append(probe_account(files, profile, region, loader=loader))

    thread = threading.Thread(target=run, name=f"ecrtui-probe-{profile}", daemon=True)
    thread.start()
    thread.join(deadline)
    return answer[0] if answer else None
