"""The README's "Python API" examples run as written (all but those that need AWS).

`print(...)  # EXPECTED` lines are checked too: the part of EXPECTED before any "..." or " (" note must appear
in what the example printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "README.md"
SECTION = re.search(r"^## Python API\n(.*?)(?=^## )", DOC.read_text(), re.S | re.M) if DOC.is_file() else None
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION.group(1), re.S) if SECTION else []
OFFLINE = [block for block in BLOCKS if "boto3" not in block]


def expected_outputs(block: str) -> list[str]:
    expectations = []
    for line in block.splitlines():
        code, sep, comment = line.partition("  # ")
        if sep and code.lstrip().startswith("print("):
            expected = re.split(r"\.\.\.| \(", comment.strip())[0].strip()
            if expected:
                expectations.append(expected)
    return expectations


@pytest.mark.skipif(not OFFLINE, reason=f"no Python examples found in {DOC}")
@pytest.mark.parametrize("number", range(len(OFFLINE)))
def test_example_runs_and_prints_what_it_says(number: int, capsys: pytest.CaptureFixture[str]) -> None:
    block = OFFLINE[number]
    exec(compile(block, str(DOC), "exec"), {})
    printed = capsys.readouterr().out
    expectations = expected_outputs(block)
    assert expectations
    for expected in expectations:
        assert expected in printed, f"{expected!r} not in:\n{printed}"


def test_readme_has_a_python_api_section_with_offline_examples() -> None:
    assert SECTION is not None, "README.md lost its '## Python API' section"
    assert len(OFFLINE) >= 2
