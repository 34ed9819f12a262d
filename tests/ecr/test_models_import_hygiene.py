"""The data layer never pulls in the UI toolkit, and parsing needs no AWS SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest


def loaded_after(statement: str) -> set[str]:
    """Top-level module names present in a fresh interpreter after running `statement`."""
    code = f"import sys\n{statement}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_importing_the_parsers_loads_no_textual_rich_or_boto3() -> None:
    loaded = loaded_after("from ecrtui.ecr import parse_manifest, parse_image_config, parse_reference")
    assert "ecrtui" in loaded
    assert not loaded & {"textual", "rich", "boto3", "botocore"}


@pytest.mark.parametrize("module", ["refs", "models", "manifests", "mediatypes", "descriptors", "config"])
def test_each_model_module_loads_no_textual_or_rich(module: str) -> None:
    loaded = loaded_after(f"import ecrtui.ecr.{module}")
    assert not loaded & {"textual", "rich"}
