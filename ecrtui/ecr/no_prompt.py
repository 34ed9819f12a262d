"""Keep botocore from asking questions on the terminal the app is drawing on.

botocore asks for an MFA code with ``getpass`` when a profile assumes a role with ``mfa_serial``. Inside the
app that prompt would come from a worker thread, invisible under the UI, and the app would wait forever on a
hidden question. The prompter is replaced by one that fails with a message saying what to do instead.
"""

from __future__ import annotations

from typing import Any

MFA_ADVICE = (
    "this profile asks for an MFA code, which ecrtui cannot read while it owns the terminal: start ecrtui "
    "with temporary credentials (e.g. aws-vault exec PROFILE -- ecrtui, or a profile without mfa_serial)"
)


def refuse_mfa_prompt(prompt: str) -> str:
    """Stand-in for ``getpass``: fail with advice instead of reading the terminal."""
    from ecrtui.ecr.errors import CredentialsError  # botocore-heavy: only once boto3 is in use anyway

    raise CredentialsError(MFA_ADVICE)


def forbid_prompts(botocore_session: Any) -> None:
    """Make ``botocore_session``'s assume-role provider fail instead of prompting for an MFA code."""
    resolver = botocore_session.get_component("credential_provider")
    provider = resolver.get_provider("assume-role")
    if provider is not None and hasattr(provider, "_prompter"):
        provider._prompter = refuse_mfa_prompt
