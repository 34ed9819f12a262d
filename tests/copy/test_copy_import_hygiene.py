"""The copy engine and the jobs model load no Textual and no Rich (checked in a clean interpreter)."""

from __future__ import annotations

import subprocess
import sys


def test_copy_and_jobs_load_no_ui() -> None:
    code = (
        "import sys, importlib, pkgutil, ecrtui.copy, ecrtui.jobs\n"
        "for package in (ecrtui.copy, ecrtui.jobs):\n"
        "    for module in pkgutil.iter_modules(package.__path__):\n"
        "        importlib.import_module(package.__name__ + '.' + module.name)\n"
        "assert 'ecrtui.copy.blob_transfer' in sys.modules and 'ecrtui.jobs.model' in sys.modules\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
