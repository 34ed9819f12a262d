"""Background account probes for the Registries pane: which profiles are probed, and what each row shows.

The App tests run against the demo sandbox (real STS over HTTP); the prompt checks read plain INI files.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from ecrtui.config import RegistryEntry, Settings
from ecrtui.ecr.account_probe import may_prompt, probe_account, probe_with_deadline
from ecrtui.ecr.aws_files import AwsFiles
from ecrtui.ecr.errors import CredentialsError
from ecrtui.ecr.no_prompt import MFA_ADVICE
from ecrtui.ui.backend import make_service_factory
from ecrtui.ui.sessions import ACCOUNT_ON_OPEN, ACCOUNT_UNKNOWN
from ecrtui.ui.widgets.registries_pane import entry_key
from tests.ui.conftest import MakeApp, WaitFor

CONFIG = """\
[default]
region = us-east-1

[profile plain]
region = eu-west-1

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = plain
mfa_serial = arn:aws:iam::123456789012:mfa/me

[profile chained]
role_arn = arn:aws:iam::123456789012:role/readonly
source_profile = mfa

[profile process]
credential_process = /usr/local/bin/vault-login

[profile loop-a]
source_profile = loop-b

[profile loop-b]
source_profile = loop-a
"""


@pytest.fixture
def files(tmp_path: Path) -> AwsFiles:
    (tmp_path / "config").write_text(CONFIG)
    (tmp_path / "credentials").write_text("[keys-only]\naws_access_key_id = AKIDEXAMPLE\n")
    return AwsFiles(tmp_path / "config", tmp_path / "credentials")


@pytest.mark.parametrize(
    ("profile", "prompts"),
    [
        ("default", False),
        ("plain", False),
        ("keys-only", False),
        ("mfa", True),
        ("chained", True),  # its source profile asks for an MFA code
        ("process", True),
        ("loop-a", False),  # a source_profile loop ends the walk instead of hanging
        ("missing", False),
    ],
)
def test_profiles_that_could_prompt_are_recognised(files: AwsFiles, profile: str, prompts: bool) -> None:
    assert may_prompt(files, profile) is prompts


def test_only_a_profiles_own_registry_is_probed() -> None:
    assert RegistryEntry(profile="plain").probeable
    assert not RegistryEntry(profile="plain", registry_id="333333333333").probeable
    assert not RegistryEntry(profile="plain", endpoint_url="http://127.0.0.1:9").probeable
    assert not RegistryEntry().probeable


def test_probe_reads_the_given_files_not_the_environment(demo_sandbox: Any) -> None:
    files = AwsFiles(Path(demo_sandbox.config_file), Path(demo_sandbox.credentials_file))
    assert probe_account(files, "demo-prod") == "222222222222"


def test_a_hanging_probe_is_abandoned_at_its_deadline(tmp_path: Path, demo_sandbox: Any) -> None:
    """An endpoint that accepts and never answers: the probe gives up at the deadline (its daemon thread is left
    to time out alone, so it can neither hold the next probes nor keep ecrtui from exiting)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # connections queue in the backlog; nothing ever reads or answers
        port = silent.getsockname()[1]
        (tmp_path / "config").write_text(
            f"[profile silent]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:{port}\n"
            "aws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n"
        )
        (tmp_path / "credentials").write_text("")
        files = AwsFiles(tmp_path / "config", tmp_path / "credentials")
        started = time.monotonic()
        assert probe_with_deadline(files, "silent", deadline=0.5) is None
        assert time.monotonic() - started < 2.0

    live = AwsFiles(Path(demo_sandbox.config_file), Path(demo_sandbox.credentials_file))
    assert probe_with_deadline(live, "demo-prod") == "222222222222"


def test_other_profiles_show_their_account_without_being_opened(make_app: MakeApp, wait_for: WaitFor) -> None:
    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_for(pilot, lambda: app.panes_ready and app.sessions.accounts_settled, "the probes")
            prod = next(e for e in app.registries.entries if e.profile == "demo-prod")
            await wait_for(pilot, lambda: app.registries.account_of(entry_key(prod)), "demo-prod's account")
            assert app.registries.account_of(entry_key(prod)) == "222222222222"
            assert app.sessions.registry is not None
            assert app.sessions.registry.profile == "demo-dev"  # nothing else was opened

    asyncio.run(scenario())


def test_rows_that_cannot_be_probed_say_why(
    tmp_path: Path, make_app: MakeApp, wait_for: WaitFor, demo_sandbox: Any
) -> None:
    """A profile with mfa_serial is never probed; one whose STS call fails says so instead of a lasting ``…``."""
    config = Path(demo_sandbox.config_file).read_text()
    config += "\n[profile needs-mfa]\nregion = us-east-1\nsource_profile = demo-dev\nmfa_serial = arn:x\n"
    config += "\n[profile dead-end]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n"
    config += "aws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n"
    (tmp_path / "config").write_text(config)
    (tmp_path / "credentials").write_text(Path(demo_sandbox.credentials_file).read_text())
    files = AwsFiles(tmp_path / "config", tmp_path / "credentials")

    async def scenario() -> None:
        app = make_app(aws_files=files)
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_for(pilot, lambda: app.panes_ready and app.header.account, "the open registry")
            await wait_for(pilot, lambda: app.sessions.accounts_settled, "the probes")
            rows = {e.profile: app.registries.get_option(entry_key(e)) for e in app.registries.entries}
            assert ACCOUNT_ON_OPEN in str(rows["needs-mfa"].prompt)
            assert ACCOUNT_UNKNOWN in str(rows["dead-end"].prompt)
            assert "222222222222" in str(rows["demo-prod"].prompt)
            assert not app.errors.log  # probes are quiet: only what the user opens is reported

    asyncio.run(scenario())


def test_an_mfa_profile_fails_with_advice_instead_of_prompting(tmp_path: Path) -> None:
    """botocore would ask for the code with getpass on the terminal the app draws on; the app's services fail
    with a one-line message instead (the role is never assumed: the prompt comes first)."""
    (tmp_path / "config").write_text(
        "[profile base]\nregion = us-east-1\n"
        "[profile admin]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/admin\n"
        "source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
    )
    (tmp_path / "credentials").write_text(
        "[base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n"
    )
    files = AwsFiles(tmp_path / "config", tmp_path / "credentials")
    service = make_service_factory(files, Settings())(RegistryEntry(profile="admin"))
    with pytest.raises(CredentialsError) as caught:
        service.identity()
    assert MFA_ADVICE in str(caught.value)
    assert "\n" not in str(caught.value)
