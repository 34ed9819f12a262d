"""The data layer, the sandbox and ``ecrtui --help`` never load Textual or Rich (checked in a clean process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
{body}
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))
print('LOADED:' + ','.join(loaded))
"""


def loaded_ui_modules(body: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(body=body)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED:"))
    return [m for m in line.removeprefix("LOADED:").split(",") if m]


@pytest.mark.parametrize(
    "body",
    [
        "import ecrtui.ecr",
        (  # every module of the data layer, including ones added later
            "import importlib, pkgutil, ecrtui.ecr\n"
            "for module in pkgutil.iter_modules(ecrtui.ecr.__path__):\n"
            "    importlib.import_module('ecrtui.ecr.' + module.name)\n"
            "assert 'ecrtui.ecr.service' in sys.modules and 'ecrtui.ecr.content_store' in sys.modules"
        ),
        "import ecrtui.sandbox",
        "import ecrtui.manage",
        (
            "import contextlib, io\n"
            "from ecrtui.cli import main\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['--help'])"
        ),
    ],
    ids=["ecr", "ecr-modules", "sandbox", "manage", "cli-help"],
)
def test_no_textual_or_rich(body: str) -> None:
    assert loaded_ui_modules(body) == []


def test_the_check_would_notice_textual() -> None:
    """Guard against a check that can never fail."""
    loaded = loaded_ui_modules("import textual")
    assert "textual" in loaded
    assert "rich" in loaded
