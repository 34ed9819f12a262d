"""Changes ECR makes a little later than the call that asked for them: a restore finishing, a scan completing.

Real ECR restores an archived image within about 20 minutes and scans within a minute or two; the sandbox takes
``Runtime.activation_seconds`` (``--activation-seconds``). Nothing runs in the background: every ECR call first
applies whatever has come due (``settle_due``, called under the runtime lock), so a client polling
``DescribeImages`` sees ``ACTIVATING`` until the time has passed and ``ACTIVE`` from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ecrtui.sandbox.runtime import current


def schedule(action: Callable[[], None]) -> None:
    """Run ``action`` once ``activation_seconds`` have passed (at the first call after that moment)."""
    runtime = current()
    runtime.deferred.append((runtime.clock() + timedelta(seconds=runtime.activation_seconds), action))


def settle_due() -> None:
    """Apply every deferred change whose time has come, in the order they were scheduled."""
    runtime = current()
    if not runtime.deferred:
        return
    now = runtime.clock()
    due = [action for when, action in runtime.deferred if when <= now]
    runtime.deferred[:] = [(when, action) for when, action in runtime.deferred if when > now]
    for action in due:
        action()
